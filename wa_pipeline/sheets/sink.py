"""What every sheet backend does: upsert rows by key into a tab, and read a tab back for reconciliation."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, runtime_checkable

# A date or date-time is naive local time; each backend writes it as a date value, never as text.
Cell = str | int | float | bool | datetime | date | None


@dataclass(frozen=True)
class UpsertResult:
    """What one upsert did, for the asset's metadata.

    inserted/updated/unchanged count the rows asked for. placed_in_order: new rows inserted between existing
    rows to keep the order. reconciled: rows an interrupted earlier write had already put in the sheet, found by
    reading back and not written again. api_calls: HTTP requests sent (retries included); retries: how many
    were re-sent; throttled_s: time waited for the client-side quota; backoff_s: time waited between retries
    and re-plans. sheet_cells: the
    spreadsheet's cells after the upsert (Google Sheets allows 10 million); warnings: things a person should act on.
    """

    inserted: int
    updated: int
    unchanged: int
    api_calls: int = 0
    placed_in_order: int = 0
    reconciled: int = 0
    retries: int = 0
    throttled_s: float = 0.0
    backoff_s: float = 0.0
    sheet_cells: int = 0
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class TabContents:
    """A tab as read back: its header row and its data rows, cells as the sheet shows them."""

    header: list[str]
    rows: list[list[str]]

    def records(self) -> list[TabRecord]:
        """Each row by column name (a read-only mapping over the row, not a copy of it)."""
        positions = {name: position for position, name in enumerate(self.header)}
        return [TabRecord(positions, row) for row in self.rows]


class TabRecord(Mapping[str, str]):
    """One row of a tab by header name: what `dict(zip(header, row))` gives, without copying the row."""

    # A dict per row would double a 100,000-row tab read back; this holds two references.
    __slots__ = ("_positions", "_row")

    def __init__(self, positions: Mapping[str, int], row: Sequence[str]) -> None:
        self._positions = positions
        self._row = row

    def __getitem__(self, name: str) -> str:
        position = self._positions[name]
        return self._row[position] if position < len(self._row) else ""

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)

    def __repr__(self) -> str:
        return repr(dict(self))


@runtime_checkable
class SheetSink(Protocol):
    """Upsert semantics: a row whose key exists is updated in place, otherwise added; nothing is ever duplicated.

    `columns` are the managed columns (the header row's names), written first and in this order; columns a user
    added after them, and their cells, are left untouched. The header row is frozen (in the workbook also bold and
    filtered, a new tab's columns sized to their content and its key column hidden). With `order_by` (managed column names), a new
    row lands where it belongs among the existing rows in that order (ties after existing ones), carrying user
    cells along with their rows; without it new rows are appended. With `position`, a new tab is created at that
    index among the tabs (the workbook also moves an existing tab there), so the tab people read first is first.
    """

    @property
    def location(self) -> str:
        """Where a person finds the output (a file path or a spreadsheet URL)."""
        ...

    @property
    def max_cell_chars(self) -> int:
        """The most characters a cell of this backend holds (`sheet_limits`); longer text is cut to it visibly."""
        ...

    def upsert(
        self,
        tab: str,
        columns: Sequence[str],
        key: str,
        rows: Sequence[Sequence[Cell]],
        order_by: Sequence[str] = (),
        position: int | None = None,
    ) -> UpsertResult: ...

    def read_tab(self, tab: str) -> TabContents: ...

    def delete_rows(self, tab: str, key: str, keys: Collection[str]) -> int:
        """Delete the rows whose `key` cell is one of `keys` (their user cells with them); returns how many went.

        Deleting a key that is not there is a no-op, so a retried delete removes nothing twice.
        """
        ...
