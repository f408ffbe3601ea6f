"""Planning an upsert: unchanged rows by content hash, late rows placed in order, rows numbered after inserts."""

import pytest

from wa_pipeline.sheets.row_order import insertion_points, order_value, order_violations
from wa_pipeline.sheets.upsert_plan import TabSnapshot, content_hash, plan_upsert, prepare_rows

COLUMNS = ["id", "at", "text"]


def snapshot(rows, header=COLUMNS, order_by=("at",)):
    return TabSnapshot.whole(header, rows, COLUMNS, "id", order_by)


def test_unchanged_rows_are_recognised_by_content_hash_typed_or_not():
    assert content_hash(["a", 3, None]) == content_hash(["a", 3.0, ""])
    assert content_hash([True]) != content_hash([1])
    existing = [["a", "10:00", "hi"], ["b", "10:05", "yo"]]
    plan = plan_upsert(
        snapshot(existing), COLUMNS, "id", prepare_rows(COLUMNS, "id", [["a", "10:00", "hi"], ["b", "10:05", "YO"]])
    )
    assert (plan.inserted, plan.updated, plan.unchanged) == (0, 1, 1)
    assert plan.writes == {3: ["b", "10:05", "YO"]}
    assert set(plan.written) == {"b"}


def test_late_rows_are_inserted_where_they_belong_and_the_rest_appended():
    existing = [["a", "10:00", ""], ["c", "10:10", ""], ["e", "10:20", ""]]
    wanted = prepare_rows(
        COLUMNS,
        "id",
        [["f", "10:30", ""], ["d", "10:15", ""], ["b", "10:05", ""], ["z", "09:00", ""], ["b2", "10:05", ""]],
    )
    plan = plan_upsert(snapshot(existing), COLUMNS, "id", wanted, order_by=["at"])
    # Bottom-up: before row 4 (old "e"), before row 3 (old "c"), before row 2 (old "a").
    assert [(i.before_row, [r[0] for r in i.rows]) for i in plan.insertions] == [
        (4, ["d"]),
        (3, ["b", "b2"]),
        (2, ["z"]),
    ]
    final = {key: row for key, (_, row) in plan.final.items()}
    assert final == {"z": 2, "b": 4, "b2": 5, "d": 7, "f": 9}
    assert plan.writes == {9: ["f", "10:30", ""]}
    assert plan.rows_after == 9 and plan.inserted == 5
    assert sorted(plan.inserted_rows()) == [2, 4, 5, 7]


def test_updates_are_numbered_as_the_tab_is_after_the_insertions():
    existing = [["a", "10:00", "x"], ["c", "10:10", "x"]]
    wanted = prepare_rows(COLUMNS, "id", [["b", "10:05", ""], ["c", "10:10", "changed"]])
    plan = plan_upsert(snapshot(existing), COLUMNS, "id", wanted, order_by=["at"])
    assert plan.writes == {4: ["c", "10:10", "changed"]}
    assert plan.final["c"][1] == 4 and plan.final["b"][1] == 3


def test_ties_keep_arrival_order_and_rows_without_a_key_or_time_stay_put():
    existing = [["a", "10:00", ""], ["", "", "a user's note"], ["b", "10:00", ""]]
    plan = plan_upsert(
        snapshot(existing),
        COLUMNS,
        "id",
        prepare_rows(COLUMNS, "id", [["c", "10:00", ""], ["d", "", ""]]),
        order_by=["at"],
    )
    assert plan.insertions == []
    assert plan.writes == {5: ["c", "10:00", ""], 6: ["d", "", ""]}


def test_without_order_by_everything_new_is_appended():
    existing = [["a", "10:00", ""], ["c", "10:10", ""]]
    plan = plan_upsert(snapshot(existing), COLUMNS, "id", prepare_rows(COLUMNS, "id", [["b", "10:05", ""]]))
    assert plan.insertions == [] and plan.writes == {4: ["b", "10:05", ""]}


def test_a_row_whose_cells_were_not_read_is_refused():
    partial = TabSnapshot(header=COLUMNS, keys=["a"], order=[["10:00"]], rows={})
    with pytest.raises(ValueError, match="were not read"):
        plan_upsert(partial, COLUMNS, "id", prepare_rows(COLUMNS, "id", [["a", "10:00", ""]]))


def test_order_by_must_name_managed_columns():
    with pytest.raises(ValueError, match="order_by"):
        prepare_rows(COLUMNS, "id", [], order_by=["sent"])


def test_insertion_points_in_a_sorted_and_in_a_resorted_tab():
    values = [order_value([t]) for t in ["10:00", "10:10", "10:20"]]
    assert insertion_points(values, [order_value(["09:00"]), order_value(["10:10"]), order_value(["11:00"])]) == [
        -1,
        1,
        2,
    ]
    shuffled = [order_value([t]) for t in ["10:20", "10:00", "10:10"]]
    assert insertion_points(shuffled, [order_value(["10:05"])]) == [1]
    assert insertion_points([], [order_value(["10:00"])]) == [-1]


def test_order_violations_are_per_chat():
    records = [
        {"id": "1", "chat": "A", "at": "2026-01-01 10:00:00"},
        {"id": "2", "chat": "B", "at": "2026-01-01 09:00:00"},
        {"id": "3", "chat": "A", "at": "2026-01-01 11:00:00"},
        {"id": "4", "chat": "A", "at": "2026-01-01 10:30:00"},
        {"id": "5", "chat": "B", "at": "2026-01-01 09:00:00"},
    ]
    assert order_violations(records, "id", "chat", "at") == ["4"]
    assert order_violations(records, "id", "chat", "at", groups={"B"}) == []
