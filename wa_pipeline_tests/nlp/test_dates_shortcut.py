"""The calendar-date shortcut answers "20 march", "march 20", "20/03", "20-03-2027" exactly as dateparser does."""

from datetime import UTC, date, datetime, timedelta

import pytest

from wa_pipeline.nlp import dates
from wa_pipeline.nlp.dates import calendar_day, dateparser_day, find_dates

_MONTHS = "january february march april may june july august september october november december".split()


def _abbreviation(month: int, year: int) -> str:
    return "sept" if month == 9 and year % 2 == 0 else _MONTHS[month - 1][:3]


def _dotted(month: int, year: int) -> str:
    return _abbreviation(month, year) + ("." if month != 5 else "")  # May has no abbreviation


# Each shape writes a day from its year, month and day (the numbered ones in the date order's two numbers first);
# those that leave `y` unused write no year.
_NAMED_SHAPES = [
    lambda y, m, d: f"{d} {_MONTHS[m - 1]}",
    lambda y, m, d: f"{d:02d} {_abbreviation(m, y)}",
    lambda y, m, d: f"{d} of {_MONTHS[m - 1]}",
    lambda y, m, d: f"{d}. {_MONTHS[m - 1]}",
    lambda y, m, d: f"{d} {_abbreviation(m, y)} {y}",
    lambda y, m, d: f"{d} of {_MONTHS[m - 1]} {y}",
    lambda y, m, d: f"{d}. {_abbreviation(m, y)} {y}",
    lambda y, m, d: f"{d} {_dotted(m, y)}",
    lambda y, m, d: f"{d} {_dotted(m, y)} {y}",
]
_MONTH_FIRST_SHAPES = [
    lambda y, m, d: f"{_MONTHS[m - 1]} {d}",
    lambda y, m, d: f"{_abbreviation(m, y)} {d:02d}",
    lambda y, m, d: f"{_MONTHS[m - 1]} {d} {y}",
    lambda y, m, d: f"{_dotted(m, y)} {d}",
    lambda y, m, d: f"{_dotted(m, y)} {d} {y}",
]
_NUMBERED_SHAPES = [
    lambda a, b, y: f"{a}/{b}",
    lambda a, b, y: f"{a:02d}/{b:02d}",
    lambda a, b, y: f"{a}/{b}/{y}",
    lambda a, b, y: f"{a:02d}-{b:02d}-{y}",
    lambda a, b, y: f"{a}.{b:02d}.{y}",
]


def _phrases(day: date, order: str) -> list[tuple[str, bool]]:
    """Every shape of `day` in `order`, each with whether the shortcut must take it."""
    y, m, d = day.year, day.month, day.day
    first, second = (d, m) if order != "MDY" else (m, d)
    return (
        [(shape(y, m, d), order != "YMD") for shape in _NAMED_SHAPES]
        + [(shape(y, m, d), True) for shape in _MONTH_FIRST_SHAPES]
        + [(shape(first, second, y), order != "YMD") for shape in _NUMBERED_SHAPES]
    )


# A year's end, a leap day and its neighbours, and the century's leap years (2096's 29 February, then 2104's).
_FIXED_BASES = [
    datetime(2026, 12, 31),
    datetime(2027, 1, 1),
    datetime(2027, 2, 28),
    datetime(2027, 3, 1),
    datetime(2027, 12, 31),
    datetime(2028, 1, 1),
    datetime(2028, 2, 28),
    datetime(2028, 2, 29),
    datetime(2028, 3, 1),
    datetime(2096, 3, 1),
    datetime(2099, 12, 31),
]
# Every day of a common and a leap year.
_DAYS = [date(2027, 1, 1) + timedelta(days=n) for n in range(731)]


@pytest.mark.parametrize("order", ["DMY", "MDY", "YMD"])
def test_calendar_days_are_the_days_dateparser_gives(order):
    # Each day of the two years in two of its shapes (turn by turn, so every shape meets every month), said on the
    # day itself, the day before, the day after and on one of the fixed days: about 6,000 phrases an order.
    for n, day in enumerate(_DAYS):
        phrases = _phrases(day, order)
        said = datetime.combine(day, datetime.min.time())
        bases = [said, said - timedelta(days=1), said + timedelta(days=1), _FIXED_BASES[n % len(_FIXED_BASES)]]
        for phrase, taken in (phrases[n % len(phrases)], phrases[(5 * n + 3) % len(phrases)]):
            for base in bases:
                shortcut = calendar_day(phrase, base, order)
                if not taken:
                    assert shortcut is None, (phrase, base, order)
                    continue
                assert shortcut is not None, (phrase, base, order)
                assert shortcut == dateparser_day(phrase, base, order), (phrase, base, order)
    # The days whose year is hardest to tell, in every shape and on every fixed day.
    hardest = [date(2027, 12, 31), date(2028, 1, 1), date(2028, 2, 28), date(2028, 2, 29), date(2028, 3, 1)]
    for day in hardest + [date(1990, 1, 1), date(2000, 2, 29), date(2099, 12, 31)]:  # and the first and last years
        for phrase, taken in _phrases(day, order):
            for base in _FIXED_BASES if taken else ():
                assert calendar_day(phrase, base, order) == dateparser_day(phrase, base, order), (phrase, base, order)


@pytest.mark.parametrize(
    ("phrase", "order"),
    [
        ("31 june", "DMY"),  # no such day: dateparser reads none
        ("june 31", "MDY"),
        ("30 february", "DMY"),
        ("29/02/2027", "DMY"),  # a common year's 29 February
        ("29 february 2027", "MDY"),
        ("13/13", "DMY"),  # no such month: dateparser reads another day
        ("3/15", "DMY"),  # the 3rd of a 15th month
        ("15/3", "MDY"),
        ("0/3", "DMY"),
        ("00/03/2027", "DMY"),  # dateparser reads the 3rd
        ("31/06/2027", "DMY"),
        ("13/13/2027", "MDY"),
        ("15.03", "DMY"),  # dateparser reads a clock
        ("15-03", "DMY"),
        ("15/3/27", "DMY"),  # a year in two figures: dateparser puts it a century on
        ("15/3/1989", "DMY"),  # a year outside those checked
        ("15 march 2100", "DMY"),
        ("2027-03-15", "DMY"),  # year first
        ("15 march", "YMD"),  # dateparser reads the 15 as a year
        ("15/3", "YMD"),
        ("15/03/2027", "YMD"),
        ("15 march.", "DMY"),
        ("15 may.", "DMY"),
        ("15 nov.", "YMD"),
        ("15 ma", "DMY"),
        ("march", "DMY"),
        ("15 march at 5pm", "DMY"),
        ("next 15 march", "DMY"),
    ],
)
def test_calendar_days_leave_other_phrases_to_dateparser(phrase, order):
    assert calendar_day(phrase, datetime(2027, 3, 10), order) is None


def test_calendar_days_leave_other_moments_to_dateparser():
    assert calendar_day("15 march", datetime(2027, 3, 10, 9, 15), "DMY") is None  # not midnight
    assert calendar_day("15 march", datetime(2027, 3, 10, tzinfo=UTC), "DMY") is None
    assert calendar_day("15 march", datetime(2100, 3, 10), "DMY") is None  # beyond the years checked
    assert calendar_day("15 march", datetime(1989, 3, 10), "DMY") is None
    # The same phrase on two days is two answers: the day it was said decides.
    assert calendar_day("15 march", datetime(2027, 3, 14), "DMY") == date(2027, 3, 15)
    assert calendar_day("15 march", datetime(2027, 3, 15), "DMY") == date(2028, 3, 15)


def test_a_calendar_date_found_in_a_message_asks_no_dateparser(monkeypatch):
    def refuse(*args):
        raise AssertionError(f"dateparser asked for {args}")

    monkeypatch.setattr(dates, "dateparser_day", refuse)
    dates.resolve_day.cache_clear()
    dates._parsed_day.cache_clear()
    sent = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)
    found = [(e.text, e.value) for e in find_dates("pay 20 of March, deliver 3/15, invoice 25/03/2031", sent, "UTC")]
    assert found == [("20 of March", "2031-03-20"), ("3/15", "2031-03-15"), ("25/03/2031", "2031-03-25")]
