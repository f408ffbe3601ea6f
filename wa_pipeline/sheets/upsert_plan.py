"""Decide what an upsert writes: where managed columns sit in a tab, and which rows are new, changed or unchanged.

Pure logic shared by every sheet backend, so the workbook and Google Sheets agree on the sheet contract.
A row is unchanged when the content hash of its managed cells, as the sheet holds them, equals the hash of what
we would write; only new and changed rows are written. With `order_by`, a new row that belongs between existing
rows is inserted there (see `row_order`); the others are appended after the last row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cached_property

from wa_pipeline.sheets.cell_safety import safe_cell
from wa_pipeline.sheets.cell_types import is_date_value, serial
from wa_pipeline.sheets.errors import SheetLayoutError
from wa_pipeline.sheets.row_order import insertion_points, order_value, send_order_keys
from wa_pipeline.sheets.sink import Cell

HEADER_ROW = 1


@dataclass(frozen=True)
class ManagedLayout:
    """Where each managed column lives in a tab's header (0-based positions, in `columns` order).

    `added` holds every header cell the upsert writes (position -> column name): new columns after the last header
    cell, and headers a person renamed or cleared, put back in place (`restored`: position -> what the cell said).
    """

    header: list[str]
    positions: list[int]
    added: dict[int, str]
    restored: dict[int, str] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return len(self.header)

    @property
    def appended(self) -> dict[int, str]:
        """The columns that were nowhere in the header and go after its last cell."""
        return {position: name for position, name in self.added.items() if position not in self.restored}

    def position(self, columns: Sequence[str], name: str) -> int:
        return self.positions[list(columns).index(name)]

    def warnings(self, tab: str) -> list[str]:
        """What a person should know about the header: each header put back, and each column added to a tab that
        already had a header (a new column of ours, or one whose header we could not tell apart from yours)."""
        said = {
            position: f"was renamed to {text!r}" if text else "was cleared" for position, text in self.restored.items()
        }
        found = [
            f"tab {tab!r}: the header of column {self.added[position]!r} (column {position + 1}) {said[position]}; "
            "restored it (rename a column of your own, not ours)"
            for position in sorted(self.restored)
        ]
        appended = self.appended
        if len(self.header) == len(appended):
            return found  # a new tab: every column is added
        return found + [
            f"tab {tab!r}: column {name!r} was not in the header row; added it as column {position + 1} (rows synced "
            "before fill in when their days are synced again). If you renamed our column, name it back and delete "
            "this one"
            for position, name in sorted(appended.items())
        ]


@dataclass(frozen=True)
class TabSnapshot:
    """What an upsert knows of a tab: its header, every data row's key (and order cells), and some rows' cells.

    `keys[i]` and `order[i]` belong to sheet row HEADER_ROW + 1 + i. `rows` maps a sheet row number to its
    cells in sheet column order; it must hold every row whose key the upsert writes (see `rows_to_compare`).
    """

    header: Sequence[object]
    keys: Sequence[object] = ()
    order: Sequence[Sequence[object]] | None = None
    rows: Mapping[int, Sequence[object]] = field(default_factory=dict)

    @cached_property
    def owner(self) -> dict[str, int]:
        """Key -> the sheet row holding it (the first, if a person copied a row)."""
        return key_rows(self.keys)

    @classmethod
    def whole(
        cls,
        header: Sequence[object],
        rows: Sequence[Sequence[object]],
        columns: Sequence[str],
        key: str,
        order_by: Sequence[str] = (),
    ) -> TabSnapshot:
        """A snapshot of a tab read in full (data rows from sheet row 2, cells in sheet column order)."""
        layout = layout_managed_columns(header, columns)
        key_at = layout.position(columns, key)
        order_at = [layout.position(columns, name) for name in order_by]
        return cls(
            header=header,
            keys=[_cell_at(row, key_at) for row in rows],
            order=[[_cell_at(row, p) for p in order_at] for row in rows] if order_by else None,
            rows={HEADER_ROW + 1 + offset: row for offset, row in enumerate(rows)},
        )


@dataclass(frozen=True)
class Insertion:
    """New rows to insert as a block before sheet row `before_row` (numbered as the tab is before the upsert)."""

    before_row: int
    rows: list[list[Cell]]


@dataclass(frozen=True)
class UpsertPlan:
    layout: ManagedLayout
    # Sheet row number -> the managed cells to write there, in `columns` order; rows are numbered as the tab is
    # once `insertions` are done (so a backend inserts first, bottom-up, then writes these).
    writes: dict[int, list[Cell]]
    # Blocks inserted between existing rows, bottom-up (highest before_row first).
    insertions: list[Insertion]
    inserted: int
    updated: int
    unchanged: int
    # Every key of the upsert -> (content hash, sheet row once the upsert is done).
    final: dict[str, tuple[str, int]]
    # Data rows plus header once the upsert is done: the grid needs at least this many rows.
    rows_after: int
    # Key -> the managed columns whose cells the sheet held otherwise (edited by hand, or computed anew since).
    rewritten: dict[str, list[str]] = field(default_factory=dict)

    def rewritten_cells(self, sample: int = 20) -> tuple[str, ...]:
        """Up to `sample` rows rewritten, as "key: column, column" (never the cells' words: they may be personal)."""
        return tuple(f"{row_key}: {', '.join(names)}" for row_key, names in list(self.rewritten.items())[:sample])

    @property
    def last_row(self) -> int:
        return self.rows_after

    @property
    def written(self) -> dict[str, str]:
        """Key -> content hash of every row this plan writes (new or changed)."""
        by_row = {number: key for key, (_, number) in self.final.items()}
        keys = [by_row[number] for number in self.writes if number in by_row]
        keys += [by_row[number] for number in self.inserted_rows()]
        return {key: self.final[key][0] for key in keys}

    def inserted_rows(self) -> list[int]:
        """Final sheet rows of the rows placed by `insertions`."""
        shift = 0
        found: list[int] = []
        for insertion in sorted(self.insertions, key=lambda i: i.before_row):
            start = insertion.before_row + shift
            found.extend(range(start, start + len(insertion.rows)))
            shift += len(insertion.rows)
        return found


def layout_managed_columns(header: Sequence[object], columns: Sequence[str]) -> ManagedLayout:
    """Find each managed column by name; a missing one goes after the last header cell.

    On a fresh tab that puts the managed columns first, in order. Positions are never reused or moved,
    so a column a user added keeps its cells when the pipeline later grows a column. A run of missing columns that
    fills exactly the header cells between two managed columns found in order (or a cleared header cell right after
    the last one found) is a header a person renamed or cleared: its column is still there, so it is claimed in place.
    """
    names = [_header_name(value) for value in header]
    while names and not names[-1]:
        names.pop()
    found: dict[str, int] = {}
    for index, name in enumerate(names):
        found.setdefault(name, index)
    restored = _renamed_headers(names, columns, found)
    for position, column in restored.items():
        found[column] = position
    positions: list[int] = []
    added: dict[int, str] = {position: column for position, column in restored.items()}
    for column in columns:
        if column not in found:
            found[column] = len(names)
            added[len(names)] = column
            names.append(column)
        positions.append(found[column])
    said = {position: names[position] for position in restored}
    for position, column in restored.items():
        names[position] = column
    return ManagedLayout(header=names, positions=positions, added=added, restored=said)


def _renamed_headers(names: Sequence[str], columns: Sequence[str], found: Mapping[str, int]) -> dict[int, str]:
    """Position -> managed column, for header cells a person renamed or cleared (see `layout_managed_columns`)."""
    ours = set(columns)
    claimed: dict[int, str] = {}
    index = 0
    while index < len(columns):
        if columns[index] in found:
            index += 1
            continue
        end = index
        while end < len(columns) and columns[end] not in found:
            end += 1
        missing = list(columns[index:end])
        before = found[columns[index - 1]] if index else -1
        if end < len(columns):
            free = list(range(before + 1, found[columns[end]]))
            if len(free) == len(missing) and all(names[p] not in ours for p in free):
                claimed.update(zip(free, missing))
        elif before >= 0:
            # After the last managed column found, only a cleared header cell is ours for sure: a named one may be
            # a column the person added, and a new managed column goes after it.
            for position, column in zip(range(before + 1, len(names)), missing):
                if names[position]:
                    break
                claimed[position] = column
        index = end
    return claimed


def prepare_rows(
    columns: Sequence[str],
    key: str,
    rows: Sequence[Sequence[object]],
    stored: Callable[[object], Cell] = safe_cell,
    order_by: Sequence[str] = (),
) -> dict[str, list[Cell]]:
    """Rows as the backend will store them, by key; a later row for the same key wins over an earlier one.

    Raises ValueError for anything wrong with the input, before a backend touches its sheet.
    """
    check_columns(columns, key, order_by)
    key_index = list(columns).index(key)
    wanted: dict[str, list[Cell]] = {}
    for number, row in enumerate(rows):
        if len(row) != len(columns):
            raise ValueError(f"row {number} has {len(row)} cells, expected {len(columns)} ({', '.join(columns)})")
        cells = [stored(value) for value in row]
        row_key = key_text(cells[key_index])
        if not row_key:
            raise ValueError(f"row {number} has an empty {key!r}; every row needs its key")
        wanted.pop(row_key, None)
        wanted[row_key] = cells
    return wanted


def key_rows(keys: Sequence[object]) -> dict[str, int]:
    """Key -> the sheet row holding it; the first row holding a key owns it."""
    owner: dict[str, int] = {}
    for offset, value in enumerate(keys):
        text = key_text(value)
        if text:
            owner.setdefault(text, HEADER_ROW + 1 + offset)
    return owner


def rows_to_compare(snapshot: TabSnapshot, wanted: Mapping[str, object]) -> set[int]:
    """Sheet rows whose cells the plan needs: those already holding a key the upsert writes."""
    owner = snapshot.owner
    return {owner[row_key] for row_key in wanted if row_key in owner}


def plan_upsert(
    snapshot: TabSnapshot,
    columns: Sequence[str],
    key: str,
    wanted: Mapping[str, list[Cell]],
    order_by: Sequence[str] = (),
    tab: str = "",
    tz: tzinfo | None = None,
) -> UpsertPlan:
    """Plan an upsert of `wanted` (from `prepare_rows`) into the tab `snapshot` describes (named `tab` in errors);
    new rows are placed by `order_by`, local date-times read in `tz` (see `send_order_keys`).

    Raises SheetLayoutError when the tab has rows but no key column: every row would look new and be written twice.
    """
    check_columns(columns, key, order_by)
    layout = layout_managed_columns(snapshot.header, columns)
    data_rows = len(snapshot.keys)
    if data_rows and layout.position(columns, key) in layout.appended:
        raise SheetLayoutError(
            f"tab {tab!r} has {data_rows} rows but no {key!r} column in its header row (renamed, moved out or deleted "
            "by hand?); the sync stopped so that no row is written twice. Head a column "
            f"{key!r} again (undo the edit), or rename the tab to keep it as it is, then run again."
        )
    owner = snapshot.owner
    hashes = {row_key: content_hash(cells) for row_key, cells in wanted.items()}

    updates: dict[int, list[Cell]] = {}
    rewritten: dict[str, list[str]] = {}
    fresh: list[str] = []
    unchanged = 0
    for row_key, cells in wanted.items():
        at = owner.get(row_key)
        if at is None:
            fresh.append(row_key)
            continue
        if at not in snapshot.rows:
            raise ValueError(f"the cells of sheet row {at} ({key} {row_key!r}) were not read; see rows_to_compare")
        current = [_cell_at(snapshot.rows[at], position) for position in layout.positions]
        if content_hash(current) == hashes[row_key]:
            unchanged += 1
        else:
            updates[at] = cells
            rewritten[row_key] = [name for name, old, new in zip(columns, current, cells) if not same_cell(old, new)]

    # Where each new row goes: after data row `point` (0-based); the last data row (or -1 on an empty tab) appends.
    points: dict[str, int] = {row_key: data_rows - 1 for row_key in fresh}
    if order_by and snapshot.order is not None and fresh:
        order_positions = [list(columns).index(name) for name in order_by]
        values = {row_key: order_value([wanted[row_key][i] for i in order_positions]) for row_key in fresh}
        # Sorted as instants in `tz`: a local wall-clock column shows an hour twice when the clocks go back, and
        # sorting by the wall time would interleave the two passes.
        keys = send_order_keys([[wanted[row_key][i] for i in order_positions] for row_key in fresh], tz)
        sort_key = dict(zip(fresh, keys))
        ordered = sorted((row_key for row_key in fresh if values[row_key] is not None), key=lambda k: sort_key[k])
        # A row this upsert rewrites is placed by what it will say: an improved copy of a message (the seconds a
        # second export adds) moves its time, and a new row placed by the old time would sit on the wrong side of it.
        existing = [
            order_value([wanted[text][i] for i in order_positions] if text in wanted else cells) if text else None
            for text, cells in ((key_text(k), cells) for k, cells in zip(snapshot.keys, snapshot.order))
        ]
        for row_key, point in zip(ordered, insertion_points(existing, [values[k] for k in ordered])):
            points[row_key] = point
        # Placed rows first, in order; rows without an order value keep their input order after them.
        fresh = ordered + [row_key for row_key in fresh if values[row_key] is None]

    gaps: dict[int, list[str]] = {}
    appended: list[str] = []
    for row_key in fresh:
        if points[row_key] >= data_rows - 1:
            appended.append(row_key)
        else:
            gaps.setdefault(points[row_key], []).append(row_key)
    insertions = [
        Insertion(before_row=HEADER_ROW + 2 + point, rows=[wanted[k] for k in gaps[point]])
        for point in sorted(gaps, reverse=True)
    ]

    def moved(row: int) -> int:
        return row + sum(len(i.rows) for i in insertions if i.before_row <= row)

    writes = {moved(row): cells for row, cells in sorted(updates.items())}
    final = {row_key: (hashes[row_key], moved(at)) for row_key, at in owner.items() if row_key in wanted}
    shift = 0
    for point in sorted(gaps):
        start = HEADER_ROW + 2 + point + shift
        for offset, row_key in enumerate(gaps[point]):
            final[row_key] = (hashes[row_key], start + offset)
        shift += len(gaps[point])
    next_row = HEADER_ROW + 1 + data_rows + shift
    for row_key in appended:
        writes[next_row] = wanted[row_key]
        final[row_key] = (hashes[row_key], next_row)
        next_row += 1
    return UpsertPlan(
        layout=layout,
        writes=writes,
        insertions=insertions,
        inserted=len(fresh),
        updated=len(updates),
        unchanged=unchanged,
        final=final,
        rows_after=next_row - 1,
        rewritten=rewritten,
    )


def check_columns(columns: Sequence[str], key: str, order_by: Sequence[str] = ()) -> None:
    if not columns:
        raise ValueError("an upsert needs at least one managed column")
    if len(set(columns)) != len(columns):
        raise ValueError(f"managed columns repeat a name: {list(columns)}")
    if key not in columns:
        raise ValueError(f"key column {key!r} is not among the managed columns {list(columns)}")
    outside = [name for name in order_by if name not in columns]
    if outside:
        raise ValueError(f"order_by columns {outside} are not among the managed columns {list(columns)}")


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


def content_hash(cells: Sequence[object]) -> str:
    """A digest of a row's managed cells as a sheet stores them: equal hashes mean `same_cell` everywhere."""
    canonical = json.dumps([list(_comparable(cell)) for cell in cells], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _comparable(value: object) -> tuple[str, object]:
    if value is None or value == "":
        return ("empty", "")
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    if is_date_value(value):
        # A date is the serial number a sheet stores: Google reads it back as that number, a workbook as a date.
        return ("number", serial(value))
    return ("text", str(value))


def _cell_at(row: Sequence[object], position: int) -> object:
    return row[position] if position < len(row) else None


def _header_name(value: object) -> str:
    return "" if value is None else str(value)
