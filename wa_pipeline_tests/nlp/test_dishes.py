"""Dishes, foods, garments and cloths (the public list of dishes.txt) name no person, place, business or product."""

import importlib.util
from pathlib import Path

import pytest

from wa_pipeline.nlp.entities import extract_entities

REPO = Path(__file__).resolve().parents[2]
NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT"}


def names(text, region="KE"):
    [found] = extract_entities([text], region, languages=["en"])
    return [(e.label, e.text) for e in found if e.label in NAME_LABELS]


@pytest.mark.parametrize(
    ("text", "region"),
    [
        # the whole run or its last word is listed: the model read a person, a product, a business
        ("Three Garlic Naan and a Lamb Biryani for table six", "IN"),
        ("Jambalaya was cold and the Gumbo was salty", "US"),
        ("Can I get the Harris Tweed jacket altered by Tuesday?", "GB"),
        ("Has the Kanzu for my son been ironed?", "UG"),
        # a lower-case garment or dish after the run: "Kente" is the cloth of the stoles
        ("The Kente stoles for the graduation are ready", "GH"),
        ("Are the Shweshwe dresses back in stock?", "ZA"),  # "dresses" is the plural of a listed "dress"
        ("One Cobb Salad to the front desk please", "US"),
    ],
)
def test_a_dish_or_a_garment_in_title_case_names_no_one(text, region):
    assert names(text, region) == []


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # a listed given name, a town of any market, a person whose surname is a food: still names
        ("Please tell Charlotte the cake is ready", "GB", [("PERSON", "Charlotte")]),
        ("I am driving up from Buffalo tomorrow", "GB", [("GPE", "Buffalo")]),
        ("Ask Mary Rice to call me back", "US", [("PERSON", "Mary Rice")]),
        # a place or a business that ends in a word of the lists: "centre" is also a sweet's filling
        ("Meet me at Capital Centre at noon", "KE", [("FAC", "Capital Centre")]),
        ("I ordered through Bolt Food and it came cold", "GH", [("ORG", "Bolt Food")]),
        (
            "Do you deliver to Leeds or only Manchester city centre?",
            "KE",
            [("GPE", "Leeds"), ("FAC", "Manchester city")],
        ),
    ],
)
def test_a_person_or_a_town_named_like_a_dish_stays_a_name(text, region, expected):
    assert names(text, region) == expected


def test_the_list_leaves_out_a_single_word_its_source_capitalises():
    spec = importlib.util.spec_from_file_location("build_dishes", REPO / "scripts" / "build_dishes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    header, *dishes = module.build_list("dishes.txt").splitlines()
    assert "faker-food" in header and "WordNet" in header
    eaten = {dish.lower() for dish in dishes}
    worn = {garment.lower() for garment in module.build_list("garments.txt").splitlines()[1:]}
    assert {"naan", "caesar salad", "victoria sponge"} <= eaten and {"kanzu", "dashiki", "harris tweed"} <= worn
    # a cheese named for its village, a wine named for its region, a maker's jeans: names first
    assert not {"stilton", "chianti", "levi's"} & (eaten | worn)
