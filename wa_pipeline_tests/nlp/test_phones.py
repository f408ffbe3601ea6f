from phonenumbers import Leniency, PhoneMetadata, PhoneNumberMatcher
from phonenumbers.phonenumberutil import COUNTRY_CODES_FOR_NON_GEO_REGIONS, SUPPORTED_REGIONS

from wa_pipeline.nlp.phones import FEWEST_DIGITS, find_phones


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


def test_no_region_has_a_valid_number_shorter_than_the_digits_a_line_must_hold():
    # find_phones skips a line with fewer digits than FEWEST_DIGITS: no region or non-geographic code may allow one.
    def shortest(metadata):
        return min(length for length in metadata.general_desc.possible_length if length > 0)

    regions = [PhoneMetadata.metadata_for_region(region) for region in SUPPORTED_REGIONS]
    codes = [PhoneMetadata.metadata_for_nongeo_region(code) for code in COUNTRY_CODES_FOR_NON_GEO_REGIONS]
    assert min(shortest(metadata) for metadata in regions + codes) == FEWEST_DIGITS


def test_a_line_with_the_fewest_digits_is_still_read():
    # A 4-digit national number of a region that has them; a line of three digits, which the matcher finds nothing in.
    assert [p.value for p in find_phones("Piga 4002 leo", "NU")] == ["+6834002"]
    assert find_phones("2 bottles at 5pm", "KE") == []
    assert not list(PhoneNumberMatcher("2 bottles at 5pm", "KE", leniency=Leniency.VALID))
