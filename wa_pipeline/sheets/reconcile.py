"""Compare what a tab holds with what it should hold: every expected row present once, with the same content."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from wa_pipeline.sheets.cell_types import is_date_value, shown
from wa_pipeline.sheets.sink import TabContents


@dataclass(frozen=True)
class Reconciliation:
    expected: int
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.mismatched)


def _normal(value: Any) -> str:
    # A sheet reads numbers back as text ("0.43" or "0.430"), so numbers compare by value, text as typed.
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        # A boolean cell shows TRUE or FALSE in both backends.
        return "TRUE" if value else "FALSE"
    if is_date_value(value):
        return shown(value)
    # A date-time column shows midnight in full; the date alone is the same value.
    text = str(value).removesuffix(" 00:00:00")
    try:
        # Adding 0.0 turns -0.0 into 0.0: a sheet shows a negative zero as 0.
        return format(float(text) + 0.0, ".6g")
    except ValueError:
        return text


def reconcile(expected: pd.DataFrame, tab: TabContents, key: str, columns: Sequence[str]) -> Reconciliation:
    if key not in tab.header:
        return Reconciliation(expected=len(expected), missing=list(expected[key].astype(str)))
    # Rows by position, not as a dict each: the tab may hold many days of rows.
    position = {name: index for index, name in enumerate(tab.header)}
    key_at = position[key]
    key_counts: Counter[str] = Counter()
    by_key: dict[str, list[str]] = {}
    for row in tab.rows:
        row_key = _at(row, key_at)
        key_counts[row_key] += 1
        by_key[row_key] = row  # the last row holding a key is the one compared
    compared = [(name, position.get(name)) for name in columns]
    missing, duplicated, mismatched = [], [], []
    for row_key, *values in zip(expected[key], *(expected[name] for name in columns)):
        row_key = str(row_key)
        count = key_counts.get(row_key, 0)
        if count == 0:
            missing.append(row_key)
            continue
        if count > 1:
            duplicated.append(row_key)
        sheet_row = by_key[row_key]
        if any(_normal(value) != _normal(_at(sheet_row, at)) for value, (_, at) in zip(values, compared)):
            mismatched.append(row_key)
    return Reconciliation(expected=len(expected), missing=missing, duplicated=duplicated, mismatched=mismatched)


def duplicate_keys(tab: TabContents, key: str) -> list[str]:
    """Keys appearing more than once anywhere in the tab (a duplicate from any day, not just this one)."""
    if key not in tab.header:
        return []
    key_at = {name: index for index, name in enumerate(tab.header)}[key]
    counts = Counter(row_key for row_key in (_at(row, key_at) for row in tab.rows) if row_key)
    return sorted(k for k, n in counts.items() if n > 1)


def _at(row: Sequence[str], position: int | None) -> str:
    return row[position] if position is not None and position < len(row) else ""
