from wa_pipeline.nlp.phones import find_phones


def test_local_form_is_read_in_the_default_region():
    [phone] = find_phones("Call me on 0722 123456 after 5", "KE")
    assert (phone.label, phone.text, phone.value, phone.source) == ("PHONE", "0722 123456", "+254722123456", "rule")
    assert "Call me on 0722 123456 after 5"[phone.start : phone.end] == "0722 123456"


def test_international_form_whatever_the_region():
    text = "WhatsApp +254 712 345 678 or +44 20 7946 0958."
    for region in ("KE", "US", None):
        assert [p.value for p in find_phones(text, region)] == ["+254712345678", "+442079460958"]


def test_region_decides_local_numbers():
    assert [p.value for p in find_phones("ring 020 7946 0958", "GB")] == ["+442079460958"]
    assert find_phones("0722 123456", None) == []
    assert [p.value for p in find_phones("0712345678, 0722-123-456", "ke")] == ["+254712345678", "+254722123456"]


def test_order_numbers_and_amounts_are_not_phones():
    assert find_phones("order 12345 costs 2500, ref QK12ZX", "KE") == []
    assert find_phones("", "KE") == []
    assert find_phones(None, "KE") == []
