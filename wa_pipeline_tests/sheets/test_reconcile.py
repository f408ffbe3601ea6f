"""Reading a tab back against what it should hold: missing, duplicated and changed rows, by key."""

import pandas as pd

from wa_pipeline.sheets.reconcile import duplicate_keys, reconcile
from wa_pipeline.sheets.sink import TabContents

COLUMNS = ["message_id", "text", "score"]


def expected(*rows):
    return pd.DataFrame([list(row) for row in rows], columns=COLUMNS)


def tab(*rows, header=("message_id", "text", "score", "notes")):
    return TabContents(header=list(header), rows=[list(row) for row in rows])


def test_a_tab_holding_every_row_once_with_its_content_reconciles():
    outcome = reconcile(
        expected(("a", "hi", 0.43), ("b", "", None)),
        tab(("a", "hi", "0.430", "user note"), ("b", "", "", ""), ("z", "other day", "1", "")),
        "message_id",
        COLUMNS,
    )
    assert outcome.ok and outcome.expected == 2


def test_a_negative_zero_is_the_zero_a_sheet_shows():
    # A score of -0.0 (a rounded tiny negative) is written and read back as "0".
    outcome = reconcile(expected(("a", "hi", -0.0)), tab(("a", "hi", "0", "")), "message_id", COLUMNS)
    assert outcome.ok


def test_missing_duplicated_and_changed_rows_are_named():
    outcome = reconcile(
        expected(("a", "hi", 1), ("b", "yo", 2), ("c", "hey", 3)),
        tab(("a", "hi", "1"), ("b", "old", "2"), ("a", "hi", "1")),
        "message_id",
        COLUMNS,
    )
    assert (outcome.missing, outcome.duplicated, outcome.mismatched) == (["c"], ["a"], ["b"])


def test_the_last_copy_of_a_key_is_the_one_compared():
    outcome = reconcile(expected(("a", "new", 1)), tab(("a", "old", "1"), ("a", "new", "1")), "message_id", COLUMNS)
    assert (outcome.duplicated, outcome.mismatched) == (["a"], [])


def test_a_managed_column_missing_from_the_tab_reads_as_empty():
    outcome = reconcile(
        expected(("a", "hi", None)), tab(("a", "hi"), header=("message_id", "text")), "message_id", COLUMNS
    )
    assert outcome.ok


def test_a_tab_without_the_key_column_misses_every_row():
    assert reconcile(expected(("a", "hi", 1)), TabContents(header=[], rows=[]), "message_id", COLUMNS).missing == ["a"]


def test_duplicate_keys_over_the_whole_tab():
    assert duplicate_keys(tab(("a",), ("b",), ("a",), ("",), ("",), ("b", "x")), "message_id") == ["a", "b"]
    assert duplicate_keys(TabContents(header=["x"], rows=[["a"], ["a"]]), "message_id") == []


def test_records_read_like_dicts_of_the_padded_rows():
    contents = TabContents(header=["k", "v", "k2", "v"], rows=[["a", "1"], ["b", "2", "c", "3", "extra"]])
    records = contents.records()
    assert [dict(record) for record in records] == [
        dict(zip(contents.header, ["a", "1", "", ""])),
        dict(zip(contents.header, ["b", "2", "c", "3"])),
    ]
    assert records[0] == {"k": "a", "v": "", "k2": ""} and records[1]["v"] == "3"
    assert records[0].get("missing", "-") == "-" and list(records[1]) == ["k", "v", "k2"]


def test_a_row_two_days_of_a_range_both_compute_is_checked_as_the_later_day_has_it():
    from wa_pipeline.defs._shared.reconcile_days import reconcile_days

    # A thread begun on the 28th and grown on the 29th: both days compute it, the sync writes the 29th's version.
    by_day = {
        "2026-03-28": pd.DataFrame({"id": ["t1"], "messages": [1]}),
        "2026-03-29": pd.DataFrame({"id": ["t1", "t2"], "messages": [5, 1]}),
    }
    later = TabContents(header=["id", "messages"], rows=[["t1", "5"], ["t2", "1"]])
    assert all(outcome.ok for outcome in reconcile_days(by_day, later, "id", ["id", "messages"]).values())
    earlier = TabContents(header=["id", "messages"], rows=[["t1", "1"], ["t2", "1"]])
    outcomes = reconcile_days(by_day, earlier, "id", ["id", "messages"])
    assert outcomes["2026-03-28"].mismatched == outcomes["2026-03-29"].mismatched == ["t1"]
