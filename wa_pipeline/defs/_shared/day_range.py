"""A step covers one day (a sensor's or the schedule's run) or a range of days (a backfill run, see `Daily.backfill`).

Asset bodies compute day by day and hand their per-day frames, metadata and check results to `materialize_days`
(or `check_days` for a standalone check), which reports them the way the step's scope needs: a one-day run exactly
as Dagster's own `MaterializeResult(check_results=...)` path does, a range run with each day's metadata on that
day's materialization and one check evaluation per check and day, so the UI shows every partition's checks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
import pandas as pd

from wa_pipeline.privacy.pii_policy import short_wamids

# A frame input as an asset receives it: a frame in a one-day step, {day: frame} in a range step. Dagster type-checks
# annotations and a Union is not a Dagster type, hence Any; `frames_by_day` gives it one shape.
DayFrames = Any


@dataclass
class DayResult:
    """What a step computed for one day: its frame (frame assets only), metadata and check results."""

    value: pd.DataFrame | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    checks: list[dg.AssetCheckResult] = field(default_factory=list)


def frames_by_day(value: DayFrames, days: Sequence[str]) -> Mapping[str, pd.DataFrame]:
    """An upstream frame as day -> frame: a one-day step receives the frame itself, a range step a mapping."""
    if isinstance(value, Mapping):
        missing = sorted(set(days) - set(value))
        if missing:
            raise KeyError(f"upstream frames are missing the days {missing[:5]}")
        return value
    if len(days) != 1:
        raise ValueError(f"one frame was given for {len(days)} days; a range step receives a frame per day")
    return {days[0]: value}


def concat_days(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The days' frames one after another, in day order; a one-day step's frame as is (no copy of a large day)."""
    ordered = [frames[day] for day in sorted(frames)]
    return ordered[0] if len(ordered) == 1 else pd.concat(ordered, ignore_index=True)


def naming_day(day: str, result: dg.AssetCheckResult) -> dg.AssetCheckResult:
    """The result with its day first in the description: a failure read in a list of runs says which day broke.
    Wamids in it and in its metadata are shortened to their tail: the event log cannot forget a customer's number."""
    said = short_wamids(result.description or ("passed" if result.passed else "failed"))
    metadata = {name: _without_wamids(value) for name, value in (result.metadata or {}).items()}
    return result._replace(description=f"{day}: {said}", metadata=metadata)


def _without_wamids(value: Any) -> Any:
    if isinstance(value, str):
        return short_wamids(value)
    if isinstance(value, dg.TextMetadataValue):
        return dg.MetadataValue.text(short_wamids(value.text))
    if isinstance(value, (dg.JsonMetadataValue, list, dict)):
        data = value.data if isinstance(value, dg.JsonMetadataValue) else value
        return dg.MetadataValue.json(json.loads(short_wamids(json.dumps(data, ensure_ascii=False, default=str))))
    return value


def range_metadata(days: Sequence[str]) -> dict[str, Any]:
    """Says which days share a range run's step-wide figures (one sheet upsert, one duration)."""
    return {"partition_range": f"{days[0]}..{days[-1]}", "partitions_in_run": len(days)}


def materialize_days(
    context: dg.AssetExecutionContext, days: Mapping[str, DayResult], shared: Mapping[str, Any] | None = None
) -> Iterator[Any]:
    """The events of an asset step: its value per day, each day's metadata and check results, and `shared`
    metadata that belongs to the whole step (the same on every day's materialization)."""
    shared = dict(shared or {})
    if context.has_partition_key:
        (result,) = days.values()
        value = {} if result.value is None else {"value": result.value}
        checks = [naming_day(context.partition_key, check) for check in result.checks]
        yield dg.MaterializeResult(metadata={**shared, **result.metadata}, check_results=checks, **value)
        return
    for day, result in days.items():
        context.add_asset_metadata(result.metadata, partition_key=day)
    values = {day: result.value for day, result in days.items() if result.value is not None}
    yield dg.MaterializeResult(
        metadata={**shared, **range_metadata(list(days))}, **({"value": values} if values else {})
    )
    assets_def = context.assets_def
    yield from _evaluations(
        context.selected_asset_check_keys,
        {
            day: [
                (dg.AssetCheckKey(check.asset_key or context.asset_key, check.check_name), check)
                for check in result.checks
            ]
            for day, result in days.items()
        },
        output_name=assets_def.get_output_name_for_asset_check_key,
        blocking=lambda key: assets_def.get_spec_for_check_key(key).blocking,
    )


def check_days(context: dg.AssetCheckExecutionContext, results: Mapping[str, dg.AssetCheckResult]) -> Iterator[Any]:
    """The events of a standalone check's step: its result, or one evaluation per day of a range run."""
    if context.has_partition_key:
        (result,) = results.values()
        yield naming_day(context.partition_key, result)
        return
    (spec,) = context.check_specs
    output = context.op_def.output_defs[0].name
    yield from _evaluations(
        {spec.key},
        {day: [(spec.key, result)] for day, result in results.items()},
        output_name=lambda _: output,
        blocking=lambda _: spec.blocking,
    )


def _evaluations(
    selected: Set[dg.AssetCheckKey],
    checks_by_day: Mapping[str, list[tuple[dg.AssetCheckKey, dg.AssetCheckResult]]],
    *,
    output_name,
    blocking,
) -> Iterator[Any]:
    # Each check's output once: downstream steps wait on it, so a blocking check still gates them.
    # Its evaluations go to their own day; a failed blocking one fails the step after every day is reported.
    emitted: set[dg.AssetCheckKey] = set()
    for day, results in checks_by_day.items():
        for key, result in results:
            if key not in selected:
                continue
            if key not in emitted:
                emitted.add(key)
                yield dg.Output(None, output_name=output_name(key))
            yield dg.AssetCheckEvaluation(
                asset_key=key.asset_key,
                check_name=key.name,
                passed=result.passed,
                metadata=result.metadata,
                severity=result.severity,
                description=naming_day(day, result).description,
                blocking=blocking(key),
                partition=day,
            )


PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def run_scope(days: Sequence[str]) -> dict[str, Any]:
    """How a run of consecutive days is asked for: one day as the sensor and schedule run it, several as one run
    over the range, as a backfill does (the range tags are Dagster's own)."""
    if len(days) == 1:
        return {"partition_key": days[0]}
    return {"tags": {RANGE_START_TAG: days[0], RANGE_END_TAG: days[-1]}}


def tagged(scope: dict[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    """A run scope (`run_scope`) with more tags: a range's own tags kept beside them."""
    return {**scope, "tags": {**scope.get("tags", {}), **tags}}
