import pytest

from wa_pipeline.nlp.currencies import currency_for_region
from wa_pipeline.nlp.money import find_money, format_money, parse_amount, stated_total


def amounts(text, default=None):
    return [(e.text, e.value) for e in find_money(text, default)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Paid KES 3,500 via M-Pesa", [("KES 3,500", "KES 3500.00")]),
        ("Ksh.3500 only", [("Ksh.3500", "KES 3500.00")]),
        ("KSh 1,200", [("KSh 1,200", "KES 1200.00")]),
        ("USD 3684.00 total", [("USD 3684.00", "USD 3684.00")]),
        ("₹450 hua", [("₹450", "INR 450.00")]),
        ("Rs. 1,299 wala", [("Rs. 1,299", "INR 1299.00")]),
        ("Rs 1,00,000", [("Rs 1,00,000", "INR 100000.00")]),
        ("$85", [("$85", "USD 85.00")]),
        ("85 dollars", [("85 dollars", "USD 85.00")]),
        ("€18,50", [("€18,50", "EUR 18.50")]),
        ("25 €", [("25 €", "EUR 25.00")]),
        ("£45.99", [("£45.99", "GBP 45.99")]),
        ("N78,000", [("N78,000", "NGN 78000.00")]),
        ("₦15,000", [("₦15,000", "NGN 15000.00")]),
        ("R350", [("R350", "ZAR 350.00")]),
        ("R 4 500", [("R 4 500", "ZAR 4500.00")]),
        ("R$ 1.250,00", [("R$ 1.250,00", "BRL 1250.00")]),
        ("1,800 bob each", [("1,800 bob", "KES 1800.00")]),
        ("UGX 35,000", [("UGX 35,000", "UGX 35000")]),
        ("Tsh 12,000", [("Tsh 12,000", "TZS 12000.00")]),
        ("500 usd", [("500 usd", "USD 500.00")]),
    ],
)
def test_marker_forms(text, expected):
    assert amounts(text) == expected


def test_k_and_other_multipliers_count_only_with_a_currency():
    assert amounts("Ksh 5k") == [("Ksh 5k", "KES 5000.00")]
    assert amounts("5k bob") == [("5k bob", "KES 5000.00")]
    assert amounts("₦285k last price") == [("₦285k", "NGN 285000.00")]
    assert amounts("3 lakh rupees") == [("3 lakh rupees", "INR 300000.00")]
    assert amounts("budget ya 5k") == []


def test_bare_numbers_and_lone_codes_are_not_money():
    assert amounts("tuma 1,500 kwa till") == []
    assert amounts("Please pay the KES balance") == []
    assert amounts("R2 road, N9 size") == []
    assert amounts("2 cup sugar") == []


def test_default_currency_decides_shared_markers():
    assert amounts("1500/=") == [("1500/=", "KES 1500.00")]
    assert amounts("1500/=", "UGX") == [("1500/=", "UGX 1500")]
    assert amounts("$20", "CAD") == [("$20", "CAD 20.00")]
    assert amounts("$20", "KES") == [("$20", "USD 20.00")]
    assert amounts("Rs 200", "PKR") == [("Rs 200", "PKR 200.00")]
    assert amounts("500/-", "INR") == [("500/-", "INR 500.00")]


def test_several_amounts_keep_their_offsets():
    text = "20 loaves x KES 65 + 3 cakes x KES 1,500 = KES 5,800."
    found = find_money(text)
    assert [e.value for e in found] == ["KES 65.00", "KES 1500.00", "KES 5800.00"]
    assert all(text[e.start : e.end] == e.text for e in found)
    assert {e.source for e in found} == {"rule"}


def test_written_numbers_read_the_way_their_writer_meant():
    assert str(parse_amount("1,500", "KES")) == "1500"
    assert str(parse_amount("45,90", "BRL")) == "45.90"
    assert str(parse_amount("1.500", "BRL")) == "1500"
    assert str(parse_amount("1.50", "USD")) == "1.50"
    assert parse_amount("1,5,0", "KES") is None
    assert format_money("JPY", parse_amount("1200", "JPY")) == "JPY 1200"
    assert format_money("KWD", parse_amount("3.5", "KWD")) == "KWD 3.500"


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("Pagué 3 500 FCFA hier", "SN", ("3 500 FCFA", "XOF 3500")),
        ("Envoyé 12 000 F par Orange Money", "CM", ("12 000 F", "XAF 12000")),
        ("Le total est de 2 750,50 €", "FR", ("2 750,50 €", "EUR 2750.50")),
        ("Son $1.200 pesos", "CO", ("$1.200 pesos", "COP 1200.00")),
        ("Te transferí $3.500", "AR", ("$3.500", "ARS 3500.00")),
        ("Die Rechnung über CHF 1'250.– ist bezahlt", "CH", ("CHF 1'250.–", "CHF 1250.00")),
        ("500 rupaye bhej diye", "IN", ("500 rupaye", "INR 500.00")),
    ],
)
def test_money_as_each_country_writes_it(text, region, expected):
    assert [(e.text, e.value) for e in find_money(text, currency_for_region(region))] == [expected]


def test_a_bare_f_is_a_franc_only_in_the_franc_zone():
    assert find_money("Il fait 35 F dehors", "USD") == []


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("Nitakutumia shilingi elfu tatu kesho", "KES", [("shilingi elfu tatu", "KES 3000.00")]),
        ("Bei ni shilingi elfu kumi na mbili", "KES", [("shilingi elfu kumi na mbili", "KES 12000.00")]),
        ("Deni ni shilingi elfu moja mia tano", "TZS", [("shilingi elfu moja mia tano", "TZS 1500.00")]),
        ("Ada ni shilingi laki mbili", "KES", [("shilingi laki mbili", "KES 200000.00")]),
        ("Nipe bob 250 ya fare", "KES", [("bob 250", "KES 250.00")]),
        ("chaar hazaar rupaye bhej diye", "INR", [("chaar hazaar rupaye", "INR 4000.00")]),
        ("total 5 hazaar rupaye hua", "INR", [("5 hazaar rupaye", "INR 5000.00")]),
        ("paanch sau rupees kam karo", "INR", [("paanch sau rupees", "INR 500.00")]),
    ],
)
def test_swahili_and_hinglish_amounts_in_words(text, default, expected):
    assert amounts(text, default) == expected


def test_amounts_in_words_need_a_currency_word():
    # "elfu mbili" alone and "50 hazaar" without rupees could be anything counted.
    assert amounts("Nataka mayai elfu mbili", "KES") == []
    assert amounts("budget 50 hazaar hai", "INR") == []


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("Balance ko po is P1,200 right?", "PHP", [("P1,200", "PHP 1200.00")]),
        ("P1,200 only", "KES", []),
        ("take P2 parking", "PHP", []),
        ("Sent GH¢200, ref KOFI-SHOES", "GHS", [("GH¢200", "GHS 200.00")]),
        ("Do you have 195/65 R15 tyres?", "ZAR", []),
        ("Winterreifen 205/55 R16, 4 Stück", "EUR", []),
        ("Fee is R150", "ZAR", [("R150", "ZAR 150.00")]),
    ],
)
def test_peso_letter_cedi_cent_sign_and_tyre_rims(text, default, expected):
    assert amounts(text, default) == expected


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("I sent #12,500 to your account", "NGN", [("#12,500", "NGN 12500.00")]),
        ("#5k for the two", "NGN", [("#5k", "NGN 5000.00")]),
        ("#5,000 naira", "NGN", [("#5,000 naira", "NGN 5000.00")]),
        ("order #4471", "NGN", []),
        ("#5,000", "KES", []),
        ("confirmation #R7731", "ZAR", []),
        ("Php 350 po", "PHP", [("Php 350", "PHP 350.00")]),
    ],
)
def test_the_naira_written_with_a_hash_and_pesos_with_php(text, default, expected):
    assert amounts(text, default) == expected


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("Paid S$42.90 by card", "SGD", [("S$42.90", "SGD 42.90")]),
        ("deposit TT$180 done", "TTD", [("TT$180", "TTD 180.00")]),
        ("J$4,200 for both", "JMD", [("J$4,200", "JMD 4200.00")]),
        ("the sari is ৳3,400", "BDT", [("৳3,400", "BDT 3400.00")]),
        ("sent Tk 620 on Nagad", "BDT", [("Tk 620", "BDT 620.00")]),
        ("balance RM38 ya", "MYR", [("RM38", "MYR 38.00")]),
        ("rm 14 is free?", "KES", []),
        ("kal tk 500 bhej do", "INR", []),
        ("fare is K85", "ZMW", [("K85", "ZMW 85.00")]),
        ("paid K1,250 at the till", "MWK", [("K1,250", "MWK 1250.00")]),
        ("the K85 one", "KES", []),
    ],
)
def test_local_dollar_taka_ringgit_and_kwacha_markers(text, default, expected):
    assert amounts(text, default) == expected


@pytest.mark.parametrize(("region", "code"), [("JM", "JMD"), ("TT", "TTD"), ("MW", "MWK")])
def test_caribbean_and_malawi_regions_have_their_currency(region, code):
    assert currency_for_region(region) == code


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("KES 3,200 each, total KES 9,600", "KES 9600.00"),
        ("2 x KES 1,500 = KES 3,000", "KES 3000.00"),
        ("KES 1,500 x 2 = 3,000", "KES 3000.00"),
        ("Total: ₦12,500", "NGN 12500.00"),
        ("Mkate KES 1,500 x 3, jumla 4,500 tu", "KES 4500.00"),
        ("Bread KES 60, milk KES 50, jumla KES 110", "KES 110.00"),
        ("Ksh 200 each total 600/=", "KES 600.00"),
        ("subtotal KES 500, delivery KES 100, total KES 600", "KES 600.00"),
        ("USD 3684.00 total", "USD 3684.00"),
        ("KES 200 x 3 = 600\nDeliver tomorrow", "KES 600.00"),
    ],
)
def test_a_stated_total_is_found_whatever_amounts_come_before_it(text, total):
    assert stated_total(text, "KES") == total


@pytest.mark.parametrize(
    "text",
    [
        # No currency anywhere: a bare number stays no amount, total or not.
        "2 x 1,500 = 3,000",
        "jumla 4,500",
        "Paid KES 5,100 via M-Pesa",
        "KES 500 for 2",
        # After "=", a number that counts things is no total.
        "KES 100 = 2 loaves",
        "the total is on its way, KES 500",
    ],
)
def test_without_a_total_word_before_an_amount_there_is_no_stated_total(text):
    assert stated_total(text, "KES") is None
