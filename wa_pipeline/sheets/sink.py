"""What every sheet backend does: upsert rows by key into a tab, and read a tab back for reconciliation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence, Union, runtime_checkable

Cell = Union[str, int, float, bool, None]


@dataclass(frozen=True)
class UpsertResult:
    inserted: int
    updated: int
    unchanged: int
    api_calls: int = 0


@dataclass(frozen=True)
class TabContents:
    """A tab as read back: its header row and its data rows, cells as the sheet shows them."""

    header: list[str]
    rows: list[list[str]]

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, row + [""] * (len(self.header) - len(row)))) for row in self.rows]


@runtime_checkable
class SheetSink(Protocol):
    """Upsert semantics: a row whose key exists is updated in place, otherwise appended; nothing is ever duplicated.

    `columns` are the managed columns, written first and in this order; columns a user added after them,
    and their cells, are left untouched. The header row is frozen.
    """

    @property
    def location(self) -> str:
        """Where a person finds the output (a file path or a spreadsheet URL)."""
        ...

    def upsert(self, tab: str, columns: Sequence[str], key: str, rows: Sequence[Sequence[Cell]]) -> UpsertResult: ...

    def read_tab(self, tab: str) -> TabContents: ...
