"""The sheet backends' size limits, and how close a spreadsheet is to them.

A spreadsheet holds at most 10 million cells, counted over every tab's grid (empty cells included). A cell holds at
most 50,000 characters in Google Sheets and 32,767 in an .xlsx workbook (Excel's limit: Excel refuses a longer cell
and openpyxl silently cuts there); each backend says its own, and the sync and its read-back both cut a longer text
to it with a visible marker (`cell_safety.truncate`), so what is written is what the check expects. Past 80% of the
cells the sync warns, so a person can archive old rows into another spreadsheet before writes start failing; a
write that would cross the limit is refused before anything is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from wa_pipeline.sheets.errors import SheetLimitError

MAX_SPREADSHEET_CELLS = 10_000_000
WARN_FRACTION = 0.8
# Characters in one cell, per backend.
GOOGLE_MAX_CELL_CHARS = 50_000
EXCEL_MAX_CELL_CHARS = 32_767


@dataclass(frozen=True)
class CellUsage:
    cells: int
    limit: int = MAX_SPREADSHEET_CELLS

    @property
    def fraction(self) -> float:
        return self.cells / self.limit

    @property
    def warning(self) -> str | None:
        if self.fraction < WARN_FRACTION:
            return None
        return (
            f"The spreadsheet uses {self.cells:,} of its {self.limit:,} cells ({self.fraction:.0%}): move old rows to "
            "another spreadsheet (or delete unused rows and columns) before it fills up and writes fail."
        )

    def after_growth(self, extra_cells: int) -> CellUsage:
        return CellUsage(self.cells + max(0, extra_cells), self.limit)

    def require_room(self, extra_cells: int, what: str) -> None:
        if self.cells + extra_cells > self.limit:
            raise SheetLimitError(
                f"{what} would take the spreadsheet to {self.cells + extra_cells:,} cells, over Google Sheets' limit of "
                f"{self.limit:,}. Move old rows to another spreadsheet (or delete unused rows and columns), then re-run."
            )


def grid_cells(sheet_properties: Iterable[dict[str, Any]]) -> CellUsage:
    """Cells of a spreadsheet from its tabs' `properties` (rowCount x columnCount of every grid)."""
    total = 0
    for properties in sheet_properties:
        grid = properties.get("gridProperties") or {}
        total += int(grid.get("rowCount", 0)) * int(grid.get("columnCount", 0))
    return CellUsage(total)
