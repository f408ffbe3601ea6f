"""Send order in a tab whose order column is local wall time, when the clocks go back and an hour shows twice."""

from datetime import datetime
from zoneinfo import ZoneInfo

from wa_pipeline.sheets.row_order import order_violations
from wa_pipeline.sheets.upsert_plan import TabSnapshot, plan_upsert, prepare_rows

BERLIN = ZoneInfo("Europe/Berlin")
COLUMNS = ["id", "at", "text"]
# 25 October 2026 in Berlin, in send order: 02:00-02:59 happens twice.
AUTUMN = [
    ["m1", "2026-10-25 01:30:00", "before"],
    ["m2", "2026-10-25 02:10:00", "first 02:10"],
    ["m3", "2026-10-25 02:50:00", "first 02:50"],
    ["m4", "2026-10-25 02:10:00", "second 02:10"],
    ["m5", "2026-10-25 02:30:00", "second 02:30"],
    ["m6", "2026-10-25 03:05:00", "after"],
]


def records(rows):
    return [{"id": row[0], "chat": "Anna", "at": row[1]} for row in rows]


def test_new_rows_are_sorted_by_the_instant_they_mean_through_the_repeated_hour():
    rows = [[key, datetime.fromisoformat(at), text] for key, at, text in AUTUMN]
    empty = TabSnapshot(header=[], order=[])

    def placed(given, tz):
        plan = plan_upsert(empty, COLUMNS, "id", prepare_rows(COLUMNS, "id", given), order_by=["at"], tz=tz)
        return [plan.writes[row][0] for row in sorted(plan.writes)]

    assert placed(rows, BERLIN) == ["m1", "m2", "m3", "m4", "m5", "m6"]
    # By wall time alone the second pass would be interleaved with the first.
    assert placed(rows, None) == ["m1", "m2", "m4", "m5", "m3", "m6"]
    # Rows given out of order away from the change are still sorted.
    late = [rows[5], rows[0], *rows[1:5]]
    assert placed(late, BERLIN) == ["m1", "m2", "m3", "m4", "m5", "m6"]


def test_the_repeated_hour_in_send_order_is_in_order_and_a_real_swap_is_not():
    assert order_violations(records(AUTUMN), "id", "chat", "at", tz=BERLIN) == []
    # Without the zone the second pass reads as going back in time.
    assert order_violations(records(AUTUMN), "id", "chat", "at") == ["m4", "m5"]
    swapped = [AUTUMN[0], AUTUMN[5], *AUTUMN[1:5]]
    assert order_violations(records(swapped), "id", "chat", "at", tz=BERLIN) == ["m2", "m3", "m4", "m5"]
    # Away from the change nothing is ambiguous: 10:00 after 11:00 is late whatever the zone.
    plain = [["a", "2026-10-26 11:00:00", ""], ["b", "2026-10-26 10:00:00", ""]]
    assert order_violations(records(plain), "id", "chat", "at", tz=BERLIN) == ["b"]
