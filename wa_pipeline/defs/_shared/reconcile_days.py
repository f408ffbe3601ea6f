"""Reconcile a step's rows with a tab once, then tell each day its own outcome (a range run reads the tab once)."""

from collections.abc import Mapping, Sequence

import dagster as dg
import pandas as pd

from wa_pipeline.defs._shared.day_range import check_days, concat_days
from wa_pipeline.sheets.reconcile import Reconciliation, reconcile
from wa_pipeline.sheets.sink import TabContents


def reconcile_days(
    expected_by_day: Mapping[str, pd.DataFrame], tab: TabContents, key: str, columns: Sequence[str]
) -> dict[str, Reconciliation]:
    """Day -> the reconciliation of that day's rows, from one pass over the tab for every day together."""
    outcome = reconcile(concat_days(expected_by_day), tab, key, columns)
    by_day = {}
    for day, expected in expected_by_day.items():
        keys = set(expected[key].astype(str))
        by_day[day] = Reconciliation(
            expected=len(expected),
            missing=[k for k in outcome.missing if k in keys],
            duplicated=[k for k in outcome.duplicated if k in keys],
            mismatched=[k for k in outcome.mismatched if k in keys],
        )
    return by_day


SAMPLE = 5  # keys shown per kind of difference in a failed check's metadata


def reconciliation_result(outcome: Reconciliation) -> dg.AssetCheckResult:
    """A reconciliation as a check result: passed when nothing is missing, duplicated or different."""
    kinds = {"missing": outcome.missing, "duplicated": outcome.duplicated, "different": outcome.mismatched}
    return dg.AssetCheckResult(
        passed=outcome.ok,
        description=f"{outcome.expected} rows as computed"
        if outcome.ok
        else "; ".join(f"{kind}: {', '.join(keys[:SAMPLE])}" for kind, keys in kinds.items() if keys),
        metadata={
            "expected_rows": outcome.expected,
            "missing": len(outcome.missing),
            "duplicated": len(outcome.duplicated),
            "mismatched": len(outcome.mismatched),
            "examples": dg.MetadataValue.json((outcome.missing + outcome.duplicated + outcome.mismatched)[:SAMPLE]),
        },
    )


def check_tab_days(
    context: dg.AssetCheckExecutionContext,
    expected_by_day: Mapping[str, pd.DataFrame],
    sink,
    tab_name: str,
    key: str,
    columns: Sequence[str],
):
    """Read the tab back once and yield each day's reconciliation as that day's check result."""
    outcomes = reconcile_days(expected_by_day, sink.read_tab(tab_name), key, columns)
    yield from check_days(context, {day: reconciliation_result(outcome) for day, outcome in outcomes.items()})
