"""Organisations of English lines that the names rules leave: listed banks and acronyms in lower case after the
word a customer pays through, a business listed beside another, and a legal form in brackets (round 28)."""

import pytest

from wa_pipeline.nlp.entities import extract_entities

NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT"}


def names(text, region):
    [found] = extract_entities([text], region, languages=["en"])
    return [(e.label, e.text) for e in found if e.label in NAME_LABELS]


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # a listed "<name> Bank" in lower case, its first word an English word, after the word one pays through
        ("deposited it via standard bank yesterday", "ZA", [("ORG", "standard bank")]),
        ("my access bank app is down, will pay later", "NG", [("ORG", "access bank")]),
        # a listed acronym in lower case there
        ("she paid from gcb this morning", "GH", [("ORG", "gcb")]),
        # a Nigerian wallet of the NIP list in lower case
        ("I go pay with opay once light come", "NG", [("ORG", "opay")]),
        # a second business after "or": the first says what the second is
        ("Send the box with Royal Mail or Parcelwise please", "GB", [("ORG", "Royal Mail"), ("ORG", "Parcelwise")]),
        # a company's legal form in brackets is part of its name
        ("Send the quote to Naidoo Roofing (Pty) Ltd today", "ZA", [("ORG", "Naidoo Roofing (Pty) Ltd")]),
    ],
)
def test_organisations_of_english_lines(text, region, expected):
    assert names(text, region) == expected


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("paid with cash at the food bank", "KE"),  # everyday words, no listed bank
        ("we will sort it out from our side", "US"),
    ],
)
def test_everyday_lower_case_words_stay_unnamed(text, region):
    assert names(text, region) == []


def test_a_listed_given_name_after_or_stays_a_person():
    assert ("PERSON", "Mary") in names("Pay with Chase or Mary will collect it", "US")


def test_an_english_word_after_or_is_no_business():
    assert names("Pay with M-Pesa or Cash on delivery", "KE") == [("ORG", "M-Pesa")]


def test_a_brand_named_like_a_small_town_of_other_markets_is_a_business():
    # shops.txt keeps an index brand whose namesake towns are all small and outside its markets (round 30)
    assert ("ORG", "Evri") in names("Did Evri bring anything for me today?", "GB")
    assert ("ORG", "Engen") in names("I will fill up at Engen first", "ZA")
    assert ("ORG", "Timpson") in names("Timpson cut the spare keys", "GB")
    # a town of the chat's own market, or a large one, stays a place
    assert ("ORG", "Voi") not in names("Please send it by bus to Voi", "KE")
    assert ("ORG", "Santander") not in names("We drove to Santander on Sunday", "GB")


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # a word no list holds after paying or sending and "via", "thru", "sa"...: the wallet it went through (round 31)
        ("Paid via mukuru last night, please confirm", "ZA", [("ORG", "mukuru")]),
        ("I sent it thru tpesa, check your phone", "KE", [("ORG", "tpesa")]),
        ("nag send na ako sa paymaya kanina", "PH", [("ORG", "paymaya")]),
        # a way of paying, an English word, a listed given name: as before
        ("Paid via EFT, reference attached", "ZA", []),
        ("Pay via paybill 400200 please", "KE", []),
        ("Sent the money from Njeri this morning", "KE", [("PERSON", "Njeri")]),
    ],
)
def test_an_unlisted_word_a_customer_pays_through_is_a_business(text, region, expected):
    assert names(text, region) == expected


def test_the_wallet_paid_through_replaces_a_town_read_there():
    # names.py reads "Gcash" after Tagalog "sa" as a town (GPE): the wallet the money went through is the business
    assert names("nag send ako sa Gcash ni ate", "PH") == [("ORG", "Gcash")]
    assert names("she sent it from Mombasa on Friday", "KE") == [("GPE", "Mombasa")]  # a listed town stays
