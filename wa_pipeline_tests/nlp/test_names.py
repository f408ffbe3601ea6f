"""Names, organisations, places and products: lists, the words around a name, and the model last."""

import pytest

from wa_pipeline.nlp.entities import extract_entities
from wa_pipeline.nlp.gazetteer import load_gazetteer
from wa_pipeline.nlp.names import find_names
from wa_pipeline.nlp.spacy_model import load_ner

NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT"}


def names(text, region="KE"):
    [found] = extract_entities([text], region)
    return [(e.label, e.text) for e in found if e.label in NAME_LABELS]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # listed organisations, however the chat spells them, with the kind of business after them
        ("Nimetuma 2k kwa M-Pesa, check", [("ORG", "M-Pesa")]),
        ("PAYPAL code ni RKT4N8P2QW", [("ORG", "PAYPAL")]),
        ("Will send via DHL Express tomorrow", [("ORG", "DHL Express")]),
        ("Thank you for ordering from Haldiram's!", [("ORG", "Haldiram's")]),
        # a listed product line with its model name; "128" of "128GB" is a size
        (
            "For 10k tuko na Samsung Galaxy A05 na Xiaomi Redmi Note 12",
            [("PRODUCT", "Samsung Galaxy A05"), ("PRODUCT", "Xiaomi Redmi Note 12")],
        ),
        ("iPhone 15 128GB ni 69,900", [("PRODUCT", "iPhone 15")]),
        # the word that ends a name says what it is
        ("Your appointment at Bright Smiles Dental is on Monday", [("ORG", "Bright Smiles Dental")]),
        ("Paid to MAMA MBOGA BAKERY. on 18/11", [("ORG", "MAMA MBOGA BAKERY")]),
        ("Tuko Moi Avenue, Imenti House 2nd floor", [("FAC", "Moi Avenue"), ("FAC", "Imenti House")]),
        ("Need 3 large pizzas delivered to 55 Water St by 7pm", [("FAC", "55 Water St")]),
        (
            "Please deliver to Kilimani, Argwings Kodhek Rd. Nitakuwa hapo",
            [("GPE", "Kilimani"), ("FAC", "Argwings Kodhek Rd")],
        ),
        ("Amefika Langata road, anakuja", [("FAC", "Langata road")]),
        ("How much be delivery to Lekki Phase 1?", [("FAC", "Lekki Phase 1")]),
        # the noun after it, the title or greeting before it
        ("Bring it to our Ngara branch with the receipt", [("GPE", "Ngara")]),
        ("Hii ni ya Mrs Njoroge, atalipa kesho", [("PERSON", "Njoroge")]),
        ("Habari Zuhura, cake yako iko ready", [("PERSON", "Zuhura")]),
        ("Driver number na 0803 123 4567, him name na Musa", [("PERSON", "Musa")]),
        # the lists of people and towns, and the preposition before an unknown name
        ("Wanjiku Kamau amesema atalipa balance on Friday", [("PERSON", "Wanjiku Kamau")]),
        ("Asante, karibu tena Dar es Salaam", [("GPE", "Dar es Salaam")]),
        ("Tunaleta mpaka Kamulu kesho", [("GPE", "Kamulu")]),
        ("Payment via Chumz Wallet, thanks", [("ORG", "Chumz Wallet")]),
    ],
)
def test_names_are_labelled_by_the_evidence_around_them(text, expected):
    assert names(text) == expected


def test_a_capitalised_word_opening_a_sentence_needs_list_evidence():
    # The raw model calls these a person and an organisation; nothing here is a name.
    assert names("Biltong is R420 per kg. Brisket is $18/lb", "ZA") == []
    assert names("Delivery to Sandton is R60", "ZA") == [("GPE", "Sandton")]
    assert names("Emeka paid ₦25,000 for the shoes", "NG") == [("PERSON", "Emeka")]


def test_towns_are_read_in_their_own_region_and_big_cities_everywhere():
    assert names("Tumefika Nanyuki", "KE") == [("GPE", "Nanyuki")]
    gazetteer = load_gazetteer(load_ner())
    assert gazetteer.is_place(("nanyuki",), "KE") and not gazetteer.is_place(("nanyuki",), "US")
    assert gazetteer.is_place(("lagos",), "KE") and gazetteer.is_place(("lagos",), "US")


def test_the_model_labels_only_what_nothing_else_explains():
    nlp = load_ner()
    gazetteer = load_gazetteer(nlp)
    doc = nlp("We met the Zubeda people yesterday")
    from wa_pipeline.nlp.entity import Entity

    guess = Entity("ORG", "Zubeda", 11, 17, "Zubeda", "model")
    assert [(e.label, e.text, e.source) for e in find_names(doc, "KE", gazetteer, [guess])] == [
        ("ORG", "Zubeda", "model")
    ]
    assert find_names(doc, "KE", gazetteer, []) == []
    # A title or a list beats the model's label.
    doc = nlp("Call Thandi on 082 555 1234")
    wrong = Entity("ORG", "Thandi", 5, 11, "Thandi", "model")
    assert [(e.label, e.source) for e in find_names(doc, "ZA", gazetteer, [wrong])] == [("PERSON", "rule")]


def test_lower_case_brand_words_are_not_organisations():
    # "target", "square" and "stripe" are words first; a listed name counts when written as a name.
    assert names("Our target is to square the balance today") == []
    assert names("Pay with Square or Stripe") == [("ORG", "Square"), ("ORG", "Stripe")]


@pytest.mark.parametrize(
    "text",
    [
        "Hello World",
        "Hi Team, the order is ready",
        "Dear Customer, your parcel is here",
        "Regards, Management",
        "Good morning Family!",
        "Hey Guys 👋",
        "Hi Team Members",
    ],
)
def test_a_greeting_or_sign_off_to_a_group_names_nobody(text):
    assert names(text) == []


def test_a_greeting_to_a_person_still_names_them():
    assert names("Hi Team, Wanjiku will deliver. Regards, Otieno") == [("PERSON", "Wanjiku"), ("PERSON", "Otieno")]
