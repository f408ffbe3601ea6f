"""Keeping managed rows in order: where a late row belongs, and whether a tab's rows follow their order column.

An upsert with `order_by` keeps the tab's managed rows in that order (for Messages: `sent_at`, so within every
chat rows follow send time) however late a message arrives. A new row goes right after the last existing row
that sorts before or equal to it, so ties keep arrival order, and rows the pipeline does not manage (no key, or no
order value) are never moved. Only rows that belong between existing rows are inserted there (the backends insert
sheet rows, which carries the cells of user columns along with their row); rows that sort last are appended.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo

from wa_pipeline.sheets.cell_types import is_date_value, serial

OrderValue = tuple


def order_value(cells: Sequence[object]) -> OrderValue | None:
    """A comparable value for a row's order-by cells; None when one is empty (the row has no place to keep)."""
    parts = []
    for value in cells:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            parts.append((1, str(value)))
        elif isinstance(value, (int, float)):
            parts.append((0, float(value)))
        elif is_date_value(value):
            parts.append((0, serial(value)))
        else:
            parts.append((1, str(value)))
    return tuple(parts)


def send_order_keys(rows: Sequence[Sequence[object]], tz: tzinfo | None) -> list[OrderValue | None]:
    """Sort keys for new rows' order-by cells, the rows given in send order: `order_value`, except that with `tz` a
    local date-time counts as the instant it means. In the hour the clocks go back a wall time happens twice; it is
    its second pass when only that keeps it after the row before it, so sorting keeps the two passes apart."""
    keys: list[OrderValue | None] = []
    before: list[float | None] = []
    for cells in rows:
        if tz is None or order_value(cells) is None:
            keys.append(order_value(cells))
            continue
        parts, instants = [], []
        for position, value in enumerate(cells):
            if isinstance(value, datetime) and value.tzinfo is None:
                first, second = (value.replace(tzinfo=tz, fold=fold).timestamp() for fold in (0, 1))
                previous = before[position] if position < len(before) else None
                instant = second if previous is not None and first < previous <= second else first
                parts.append((0, instant))
                instants.append(instant)
            else:
                parts.extend(order_value([value]) or ())
                instants.append(None)
        keys.append(tuple(parts))
        before = instants
    return keys


def insertion_points(existing: Sequence[OrderValue | None], new: Sequence[OrderValue]) -> list[int]:
    """For each new order value, the index of the existing data row it goes right after (-1: before them all).

    `existing` is in sheet order, None for rows without an order value. A result equal to the index of the last
    data row means "append". Values that tie go after the existing ones (arrival order).
    """
    ordered = [(index, value) for index, value in enumerate(existing) if value is not None]
    last = len(existing) - 1
    if not ordered:
        return [last for _ in new]
    first_index = ordered[0][0]
    values = [value for _, value in ordered]
    if all(a <= b for a, b in zip(values, values[1:])):
        points = []
        for value in new:
            found = bisect_right(values, value)
            points.append(_after(found, ordered, first_index, last))
        return points
    # A tab someone sorted differently: scan from the bottom for the last row at or before the value.
    points = []
    for value in new:
        found = len(ordered)
        while found and not ordered[found - 1][1] <= value:
            found -= 1
        points.append(_after(found, ordered, first_index, last))
    return points


def _after(found: int, ordered: list[tuple[int, OrderValue]], first_index: int, last: int) -> int:
    if found == len(ordered):
        # After the last ordered row: if only unordered rows follow, appending keeps them where they are too.
        return last
    if found == 0:
        return first_index - 1
    return ordered[found - 1][0]


def order_violations(
    records: Sequence[Mapping[str, str]],
    key: str,
    group: str,
    order: str,
    groups: set[str] | None = None,
    tz: tzinfo | None = None,
) -> list[str]:
    """Keys of rows that come after a row of the same group with a later order value (sheet order, top to bottom).

    Only groups in `groups` are checked when given; rows without a key or an order value are skipped. With `tz`, an
    order value that is a local date-time compares as the instant it means: in the hour the clocks go back, a time
    that reads earlier than the row above is its second pass, and in order.
    """
    latest: dict[str, OrderValue] = {}
    late: list[str] = []
    for record in records:
        name, when = record.get(group, ""), record.get(order, "")
        if not record.get(key) or not when or (groups is not None and name not in groups):
            continue
        previous = latest.get(name)
        value = _text_value(when, tz, previous)
        if previous is not None and value < previous:
            late.append(record[key])
        else:
            latest[name] = value
    return late


def _text_value(text: str, tz: tzinfo | None = None, previous: OrderValue | None = None) -> OrderValue:
    """Cells read back as text: numbers compare as numbers, local date-times (with `tz`) as instants, the rest as text."""
    try:
        return ((0, float(text)),)
    except ValueError:
        pass
    if tz is not None:
        try:
            local = datetime.fromisoformat(text)
        except ValueError:
            local = None
        if local is not None and local.tzinfo is None:
            first, second = (local.replace(tzinfo=tz, fold=fold).timestamp() for fold in (0, 1))
            # An ambiguous time is its first pass unless only its second keeps the rows in order.
            later = second if previous is not None and ((0, first),) < previous <= ((0, second),) else first
            return ((0, later),)
    return ((1, text),)
