"""What a tab of the sheet is: its name, key column, managed columns in order, send order, and how rows are built.

Every tab is one `TabSpec` in one module under `sheets/tabs/`; the Dagster layer makes each tab's sync asset and
read-back check from it, and `TabSpec.rows` is the one place a cell is made safe to write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.sheets.cell_safety import safe_cell, truncate
from wa_pipeline.sheets.sink import Cell

# A tab's row builder: the upstream frame of a day and the business's timezone in, one row per record out, with
# exactly the tab's managed columns (values still raw: `TabSpec.rows` makes them safe).
RowBuilder = Callable[[pd.DataFrame, ZoneInfo], pd.DataFrame]


@dataclass(frozen=True)
class TabSpec:
    """One tab: `key` identifies a row across runs (the upsert key); with `order_by` a late row is placed where it
    belongs instead of appended, and `order_group` names the column (the chat) within which that order is checked."""

    name: str
    key: str
    columns: tuple[str, ...]
    build: RowBuilder
    description: str
    order_by: tuple[str, ...] = ()
    order_group: str | None = None
    # Where the tab sits among the tabs (0: first); None leaves it where the backend puts it.
    position: int | None = None
    # The header a person reads for each column ("sent_at" -> "Sent"); a column not named keeps its name. The
    # rows keep the column names; only the sheet shows the headers, and the upsert finds its columns by them.
    headers: Mapping[str, str] = field(default_factory=dict)
    # How the keys the pipeline makes for this tab begin ("cust_"): set, the sync removes a row with such a key that
    # the tab no longer derives (`stale_rows`); None keeps every row once written.
    derived_prefix: str | None = None

    def __post_init__(self) -> None:
        if self.key not in self.columns:
            raise ValueError(f"tab {self.name!r}: key column {self.key!r} is not one of its columns")
        unknown = [name for name in (*self.order_by, self.order_group) if name and name not in self.columns]
        if unknown:
            raise ValueError(f"tab {self.name!r}: ordering by unknown columns {unknown}")
        if set(self.headers) - set(self.columns) or len(set(self.sheet_columns)) != len(self.columns):
            raise ValueError(f"tab {self.name!r}: headers must name its columns, each header once")

    def header(self, column: str) -> str:
        """The sheet's header of a column."""
        return self.headers.get(column, column)

    @property
    def sheet_columns(self) -> tuple[str, ...]:
        """The managed columns as the sheet's header row names them (what the sink upserts by)."""
        return tuple(self.header(column) for column in self.columns)

    @property
    def sheet_key(self) -> str:
        return self.header(self.key)

    @property
    def sheet_order_by(self) -> tuple[str, ...]:
        return tuple(self.header(column) for column in self.order_by)

    def as_sheet(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Rows named by the sheet's headers, to compare with the tab read back."""
        return rows.rename(columns=dict(self.headers))

    def rows(self, frame: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
        """The tab's rows for one day's upstream frame, in the builder's order, every cell safe to write."""
        built = self.build(frame, tz)
        if tuple(built.columns) != self.columns:
            raise ValueError(f"tab {self.name!r}: the builder gave columns {list(built.columns)}")
        return pd.DataFrame(
            {column: pd.Series([_cell(value) for value in built[column]], dtype=object) for column in self.columns},
            columns=list(self.columns),
        )

    @staticmethod
    def within(rows: pd.DataFrame, max_cell_chars: int) -> pd.DataFrame:
        """The rows with every text cut to a backend's cell limit: what that backend holds, so the sync writes it and
        the read-back expects it alike."""
        if not len(rows):
            return rows
        cut = {
            column: rows[column].map(lambda v: truncate(v, max_cell_chars) if isinstance(v, str) else v)
            for column in rows.columns
            if any(isinstance(v, str) and len(v) > max_cell_chars for v in rows[column])
        }
        return rows.assign(**cut) if cut else rows

    @staticmethod
    def cells(rows: pd.DataFrame) -> list[list[Cell]]:
        """Rows as the sink takes them: lists of cells in column order."""
        return rows.astype(object).values.tolist()


def empty_rows(columns: Sequence[str]) -> pd.DataFrame:
    """A day without records: no rows, the tab's columns."""
    return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})


def _cell(value: object) -> Cell:
    """A safe cell, or None for a missing value: pandas marks one as NA, NaT or NaN depending on the column's dtype;
    None (not "") keeps a number or date column one type when the rows are stored as Parquet."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    cell = safe_cell(value)
    return None if cell == "" and not isinstance(value, str) else cell
