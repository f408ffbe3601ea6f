import pytest

from wa_pipeline.nlp.quantities import find_quantities


def quantities(text):
    return [(e.text, e.value) for e in find_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please send 20 loaves and 3 cakes", [("20 loaves", "20 loaf"), ("3 cakes", "3 cake")]),
        ("3kg sugar", [("3kg sugar", "3 kg of sugar")]),
        ("two boxes please", [("two boxes", "2 box")]),
        ("a dozen eggs", [("a dozen eggs", "12 egg")]),
        ("5 bags of maize to Nairobi", [("5 bags of maize", "5 bag of maize")]),
        ("1.5 litres of oil", [("1.5 litres of oil", "1.5 l of oil")]),
        (
            "3 large pizzas and 2 Samsung chargers",
            [("3 large pizzas", "3 large pizza"), ("2 Samsung chargers", "2 samsung charger")],
        ),
        ("bring 10 pcs", [("10 pcs", "10 piece")]),
        ("30 chapatis", [("30 chapatis", "30 chapati")]),
        ("2 boxes of kaju katli, please", [("2 boxes of kaju katli", "2 box of kaju katli")]),
        ("50kg bag is ₦78,000", [("50kg", "50 kg")]),
    ],
)
def test_count_or_measure_and_what_it_counts(text, expected):
    assert quantities(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "5pm",
        "wait 30 mins",
        "2 weeks ago",
        "ETA 5:30pm",
        "saa 12 jioni",
        "Give me 2",
        "two of us",
        "3 ni sawa",
        "call 0722 123456",
        "55 Water St",
        "the loaves are 18 not 20",
        "3,500 delivery pe",
    ],
)
def test_what_follows_a_number_is_often_no_quantity(text):
    assert quantities(text) == []


def test_offsets_point_into_the_text():
    text = "Nataka 3 plates za pilau na 2 litres fresh milk"
    found = find_quantities(text)
    assert [e.value for e in found] == ["3 plate", "2 l of fresh milk"]
    assert all(text[e.start : e.end] == e.text for e in found)
