"""Decide what an upsert writes: where managed columns sit in a tab, and which rows are new, changed or unchanged.

Pure logic shared by every sheet backend, so the workbook and Google Sheets agree on the sheet contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from wa_pipeline.sheets.cell_safety import safe_cell
from wa_pipeline.sheets.sink import Cell

HEADER_ROW = 1


@dataclass(frozen=True)
class ManagedLayout:
    """Where each managed column lives in a tab's header (0-based positions, in `columns` order)."""

    header: list[str]
    positions: list[int]
    added: dict[int, str]

    @property
    def width(self) -> int:
        return len(self.header)


@dataclass(frozen=True)
class UpsertPlan:
    layout: ManagedLayout
    # Sheet row number (1-based, header is row 1) -> the managed cells to write there, in `columns` order.
    writes: dict[int, list[Cell]]
    inserted: int
    updated: int
    unchanged: int

    @property
    def last_row(self) -> int:
        return max(self.writes, default=HEADER_ROW)


def layout_managed_columns(header: Sequence[object], columns: Sequence[str]) -> ManagedLayout:
    """Find each managed column by name; a missing one goes after the last header cell.

    On a fresh tab that puts the managed columns first, in order. Positions are never reused or moved,
    so a column a user added keeps its cells when the pipeline later grows a column.
    """
    names = [_header_name(value) for value in header]
    while names and not names[-1]:
        names.pop()
    found: dict[str, int] = {}
    for index, name in enumerate(names):
        found.setdefault(name, index)
    positions: list[int] = []
    added: dict[int, str] = {}
    for column in columns:
        if column not in found:
            found[column] = len(names)
            added[len(names)] = column
            names.append(column)
        positions.append(found[column])
    return ManagedLayout(header=names, positions=positions, added=added)


def plan_upsert(
    header: Sequence[object],
    existing_rows: Sequence[Sequence[object]],
    columns: Sequence[str],
    key: str,
    rows: Sequence[Sequence[object]],
    stored: Callable[[object], Cell] = safe_cell,
) -> UpsertPlan:
    """Plan an upsert of `rows` (cells in `columns` order) into a tab.

    `existing_rows` are the tab's data rows as read back (sheet row 2 onward, cells in sheet column order);
    `stored` turns a value into exactly what the backend keeps, so an unchanged row compares equal and is
    not rewritten. New rows go after the last existing row.
    The first sheet row holding a key owns it; later input rows for the same key win over earlier ones.
    """
    check_columns(columns, key)
    layout = layout_managed_columns(header, columns)
    key_at = layout.positions[list(columns).index(key)]

    owner: dict[str, int] = {}
    for offset, existing in enumerate(existing_rows):
        existing_key = key_text(existing[key_at] if key_at < len(existing) else None)
        if existing_key:
            owner.setdefault(existing_key, HEADER_ROW + 1 + offset)

    wanted: dict[str, list[Cell]] = {}
    for number, row in enumerate(rows):
        if len(row) != len(columns):
            raise ValueError(f"row {number} has {len(row)} cells, expected {len(columns)} ({', '.join(columns)})")
        cells = [stored(value) for value in row]
        row_key = key_text(cells[list(columns).index(key)])
        if not row_key:
            raise ValueError(f"row {number} has an empty {key!r}; every row needs its key")
        wanted.pop(row_key, None)
        wanted[row_key] = cells

    next_row = HEADER_ROW + 1 + len(existing_rows)
    writes: dict[int, list[Cell]] = {}
    inserted = updated = unchanged = 0
    for row_key, cells in wanted.items():
        at = owner.get(row_key)
        if at is None:
            writes[next_row] = cells
            next_row += 1
            inserted += 1
            continue
        current = existing_rows[at - HEADER_ROW - 1]
        if all(same_cell(_cell_at(current, position), cell) for position, cell in zip(layout.positions, cells)):
            unchanged += 1
        else:
            writes[at] = cells
            updated += 1
    return UpsertPlan(layout=layout, writes=writes, inserted=inserted, updated=updated, unchanged=unchanged)


def check_columns(columns: Sequence[str], key: str) -> None:
    if not columns:
        raise ValueError("an upsert needs at least one managed column")
    if len(set(columns)) != len(columns):
        raise ValueError(f"managed columns repeat a name: {list(columns)}")
    if key not in columns:
        raise ValueError(f"key column {key!r} is not among the managed columns {list(columns)}")


def key_text(value: object) -> str:
    """A key as text, so 42, 42.0 and "42" read back from any backend name the same row."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def same_cell(current: object, wanted: object) -> bool:
    """Equal as a sheet stores them: empty is empty, numbers by value, but TRUE is not 1."""
    return _comparable(current) == _comparable(wanted)


def _comparable(value: object) -> tuple[str, object]:
    if value is None or value == "":
        return ("empty", "")
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    return ("text", str(value))


def _cell_at(row: Sequence[object], position: int) -> object:
    return row[position] if position < len(row) else None


def _header_name(value: object) -> str:
    return "" if value is None else str(value)

