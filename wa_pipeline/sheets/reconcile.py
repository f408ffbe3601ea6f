"""Compare what a tab holds with what it should hold: every expected row present once, with the same content."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence

import pandas as pd

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
    text = str(value)
    try:
        return format(float(text), ".6g")
    except ValueError:
        return text


def reconcile(expected: pd.DataFrame, tab: TabContents, key: str, columns: Sequence[str]) -> Reconciliation:
    if key not in tab.header:
        return Reconciliation(expected=len(expected), missing=list(expected[key].astype(str)))
    key_counts = Counter(record.get(key, "") for record in tab.records())
    by_key = {record[key]: record for record in tab.records()}
    missing, duplicated, mismatched = [], [], []
    for row in expected.to_dict(orient="records"):
        row_key = str(row[key])
        count = key_counts.get(row_key, 0)
        if count == 0:
            missing.append(row_key)
            continue
        if count > 1:
            duplicated.append(row_key)
        sheet_row = by_key[row_key]
        if any(_normal(row[c]) != _normal(sheet_row.get(c, "")) for c in columns):
            mismatched.append(row_key)
    return Reconciliation(expected=len(expected), missing=missing, duplicated=duplicated, mismatched=mismatched)


def duplicate_keys(tab: TabContents, key: str) -> list[str]:
    """Keys appearing more than once anywhere in the tab (a duplicate from any day, not just this one)."""
    if key not in tab.header:
        return []
    counts = Counter(record.get(key, "") for record in tab.records() if record.get(key, ""))
    return sorted(k for k, n in counts.items() if n > 1)
