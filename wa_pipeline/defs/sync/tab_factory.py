"""One factory for every tab: from a TabSpec, the tab's sync asset and the check that reads the tab back.

Every tab therefore syncs, reports and fails the same way: one upsert per step (a range run reads the tab once),
the same figures in its metadata, the same read-back reconciliation, and one error policy.
"""

from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from wa_pipeline.defs._shared.day_range import DayFrames, DayResult, concat_days, frames_by_day, materialize_days
from wa_pipeline.defs._shared.reconcile_days import check_tab_days
from wa_pipeline.defs._shared.run_log import for_the_log
from wa_pipeline.defs._shared.run_metrics import Stopwatch
from wa_pipeline.defs.partitions import Daily
from wa_pipeline.defs.resources import Locale, PipelineStorage, SheetSinkResource
from wa_pipeline.privacy.pii_policy import PiiPolicy
from wa_pipeline.settings import get_settings
from wa_pipeline.sheets.errors import CircuitOpenError, SheetConfigError, SheetLayoutError, SheetLimitError
from wa_pipeline.sheets.sheet_limits import CellUsage
from wa_pipeline.sheets.sink import UpsertResult
from wa_pipeline.sheets.stale_rows import drop_stale_rows
from wa_pipeline.sheets.tab_spec import TabSpec
from wa_pipeline.store.frames import read_frame

# Transient Sheets failures (429, 5xx, timeouts) the sink could not ride out are worth another attempt in seconds.
SYNC_RETRIES = dg.RetryPolicy(max_retries=3, delay=2, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)

# What every tab's sync asset is besides daily: in the sync group, and one writer per spreadsheet (every tab's sync
# shares the `sheets` pool, limit 1, so runs queue, not race).
SYNC_STEP = {
    "group_name": "sync",
    "kinds": {"googlesheets"},
    "pool": "sheets",
    "retry_policy": SYNC_RETRIES,
}

# Retrying in seconds cannot help these: the breaker's cool-down, a setting, a full spreadsheet or a tab's header must
# change first.
NOT_RETRIED = (CircuitOpenError, SheetConfigError, SheetLimitError, SheetLayoutError)


@contextmanager
def fail_clearly() -> Iterator[None]:
    """The one error policy of a sheet step: what a person must fix fails at once, with the fix, and no retry."""
    try:
        yield
    except NOT_RETRIED as error:
        raise dg.Failure(description=str(error), allow_retries=False) from None


def upsert_tab(spec: TabSpec, sheet_sink: SheetSinkResource, rows: pd.DataFrame, tz) -> tuple[UpsertResult, str]:
    """The tab's rows upserted by key, in the tab's order, under the one error policy; the result and the sheet."""
    with fail_clearly():
        sink = sheet_sink.get_sink()
        result = sink.upsert(
            spec.name,
            spec.sheet_columns,
            spec.sheet_key,
            spec.cells(spec.within(rows, sink.max_cell_chars)),
            order_by=spec.sheet_order_by,
            position=spec.position,
            tz=tz,
        )
    return result, sink.location


def read_back(
    context: dg.AssetCheckExecutionContext,
    spec: TabSpec,
    sheet_sink: SheetSinkResource,
    rows_by_day: Mapping[str, pd.DataFrame],
) -> Iterator[Any]:
    """The tab read back once under the one error policy, each day's rows (cut as the sync cut them) reconciled."""
    with fail_clearly():
        sink = sheet_sink.get_sink()
        expected = {day: spec.as_sheet(spec.within(rows, sink.max_cell_chars)) for day, rows in rows_by_day.items()}
        yield from check_tab_days(context, expected, sink, spec.name, spec.sheet_key, spec.sheet_columns)


def sync_metadata(watch: Stopwatch, rows: int, result: UpsertResult, location: str) -> dict[str, Any]:
    """The figures of one upsert; a range run's upsert covers all its days, so they are the whole run's."""
    return {
        **watch.metadata(rows),
        "inserted": dg.MetadataValue.int(result.inserted),
        "updated": dg.MetadataValue.int(result.updated),
        "unchanged": dg.MetadataValue.int(result.unchanged),
        "placed_in_order": dg.MetadataValue.int(result.placed_in_order),
        "reconciled": dg.MetadataValue.int(result.reconciled),
        "api_calls": dg.MetadataValue.int(result.api_calls),
        "retries": dg.MetadataValue.int(result.retries),
        "throttled_s": dg.MetadataValue.float(float(result.throttled_s)),
        "backoff_s": dg.MetadataValue.float(float(result.backoff_s)),
        "sheet_cells": dg.MetadataValue.int(result.sheet_cells),
        "sheet_cells_pct": dg.MetadataValue.float(round(100 * CellUsage(result.sheet_cells).fraction, 2)),
        "warnings": dg.MetadataValue.int(len(result.warnings)),
        # Keys and column names only: the cells' words may be personal and the event log outlives `forget`.
        "rewritten": dg.MetadataValue.json([for_the_log(entry) for entry in result.rewritten]),
        "sheet": dg.MetadataValue.text(location),
    }


def log_repairs(context: dg.AssetExecutionContext, spec: TabSpec, result: UpsertResult) -> None:
    """Say what the upsert put right in the tab: warnings a person should act on, and cells written back."""
    for warning in result.warnings:
        context.log.warning(for_the_log(warning))
    if result.rewritten:
        context.log.info(
            for_the_log(
                f"tab {spec.name!r}: wrote back the cells of {result.updated} rows that differed from the computed "
                f"rows (edited by hand, or computed anew): {'; '.join(result.rewritten)}"
            )
        )


def sheet_policy(spec: TabSpec, rows: pd.DataFrame) -> pd.DataFrame:
    """The tab's rows as the PII policy lets the sheet hold them: every tab's rows pass here once, before any sink
    and before the read-back compares, so the check expects what the policy wrote."""
    settings = get_settings()
    return PiiPolicy.load(settings.pii, settings.data_dir).sheet_rows(spec.name, rows)


def stored_days(storage: PipelineStorage, source: str, *, besides: Collection[str] = ()) -> list[Path]:
    """The stored daily frames of `source`, oldest first, but those of the days `besides`."""
    folder = storage.layout.frame(source, "day").parent
    return [path for path in sorted(folder.glob("*.parquet")) if _is_day(path.stem) and path.stem not in besides]


def _is_day(name: str) -> bool:
    try:
        date.fromisoformat(name)
    except ValueError:
        return False
    return True


def drop_stale(context: dg.AssetExecutionContext, spec: TabSpec, sheet_sink: SheetSinkResource, holding) -> int:
    """Remove the tab's rows that the data no longer gives (`stale_rows`), under the one error policy; how many."""
    with fail_clearly():
        stale = drop_stale_rows(sheet_sink.get_sink(), spec, {str(key) for key in holding})
    if stale.removed:
        context.log.info(f"tab {spec.name!r}: removed {len(stale.removed)} rows the data no longer gives")
    if stale.held_back:
        context.log.warning(stale.reason(spec.name))
    return len(stale.removed)


def tab_assets(
    daily: Daily,
    spec: TabSpec,
    *,
    source: str,
    asset_name: str,
    check_name: str | None = None,
    prebuilt: bool = False,
    summary: Callable[[pd.DataFrame], Mapping[str, Any]] | None = None,
) -> tuple[dg.AssetsDefinition, dg.AssetChecksDefinition]:
    """The sync asset `asset_name` that upserts `spec`'s rows built from the asset `source`, and its blocking
    read-back check (`<asset_name>_reconciled` unless named). With `prebuilt`, `source` already holds the tab's
    rows (a separate asset that checks them); `summary` adds step-wide metadata computed from the rows."""

    def rows_of(frame: pd.DataFrame, locale: Locale) -> pd.DataFrame:
        return sheet_policy(spec, frame if prebuilt else spec.rows(frame, locale.tz()))

    def expected_rows(frames: DayFrames, days, locale: Locale) -> dict[str, pd.DataFrame]:
        return {day: rows_of(frame, locale) for day, frame in frames_by_day(frames, days).items()}

    def sync(context, source: DayFrames, sheet_sink: SheetSinkResource, locale: Locale, storage=None):
        watch = Stopwatch()
        rows_by_day = expected_rows(source, context.partition_keys, locale)
        row_counts = {day: len(day_rows) for day, day_rows in rows_by_day.items()}
        # One upsert for every day of the step, days in order: each row still lands once (by key) and in order,
        # exactly as day-by-day upserts would put it.
        rows = concat_days(rows_by_day)
        del rows_by_day
        result, location = upsert_tab(spec, sheet_sink, rows, locale.tz())
        log_repairs(context, spec, result)
        days = {
            day: DayResult(metadata={"dagster/row_count": dg.MetadataValue.int(count)})
            for day, count in row_counts.items()
        }
        shared = sync_metadata(watch, len(rows), result, location)
        if storage is not None:
            # What every other stored day gives, and this step's days as just built: a row none of them gives goes.
            others = stored_days(storage, source, besides=context.partition_keys)
            holding = {key for path in others for key in rows_of(read_frame(path), locale)[spec.key]}
            removed = drop_stale(context, spec, sheet_sink, holding | set(rows[spec.key]))
            shared["removed"] = dg.MetadataValue.int(removed)
        if summary is not None:
            shared.update(summary(rows))
        yield from materialize_days(context, days, shared=shared)

    as_sync_asset = dg.asset(
        name=asset_name,
        description=spec.description,
        ins={"source": dg.AssetIn(source)},
        **daily.asset,
        **SYNC_STEP,
    )
    if spec.derived_prefix:
        # Rows the data no longer gives are found against every stored day, so this step reads the stored frames.
        @as_sync_asset
        def sync_tab(
            context: dg.AssetExecutionContext,
            source: DayFrames,
            sheet_sink: SheetSinkResource,
            locale: Locale,
            storage: PipelineStorage,
        ):
            yield from sync(context, source, sheet_sink, locale, storage)
    else:

        @as_sync_asset
        def sync_tab(
            context: dg.AssetExecutionContext, source: DayFrames, sheet_sink: SheetSinkResource, locale: Locale
        ):
            yield from sync(context, source, sheet_sink, locale)

    @dg.asset_check(
        asset=asset_name,
        name=check_name or f"{asset_name}_reconciled",
        description=f"Every row of the day is in the {spec.name} tab exactly once, with the content computed.",
        blocking=True,
        partitions_def=daily.partitions,
        additional_ins={"source": dg.AssetIn(source)},
    )
    def tab_reconciled(
        context: dg.AssetCheckExecutionContext, source: DayFrames, sheet_sink: SheetSinkResource, locale: Locale
    ):
        yield from read_back(context, spec, sheet_sink, expected_rows(source, context.partition_keys, locale))

    return sync_tab, tab_reconciled


def history_tab_assets(
    daily: Daily, spec: TabSpec, *, source: str, asset_name: str
) -> tuple[dg.AssetsDefinition, dg.AssetChecksDefinition]:
    """A tab whose rows span days (an order is asked for one day and paid the next, or weeks later): each step builds
    them from every stored frame of `source`, so whichever day derives a row, it is the same row under the same key,
    and re-running a day rewrites rows in place, never adds. A row grows as its later days run; rows the build no
    longer gives (cut by an earlier build) are removed (`stale_rows`). Each day checks the rows that begin on it (the
    spec's `date` column); the sync and the read-back otherwise follow `tab_assets`."""

    def history_rows(storage: PipelineStorage, locale: Locale) -> pd.DataFrame:
        # A window of days cut an order open since before it into a second one under another key: the whole
        # history is the only start every day agrees on (a day's enriched frame is read in milliseconds).
        frames = [read_frame(path) for path in stored_days(storage, source)]
        if not frames:
            return spec.rows(pd.DataFrame(), locale.tz())
        return sheet_policy(spec, spec.rows(pd.concat(frames, ignore_index=True), locale.tz()))

    def rows_of_day(rows: pd.DataFrame, day: str) -> pd.DataFrame:
        return rows[[str(value) == day for value in rows["date"]]] if len(rows) else rows

    @dg.asset(
        name=asset_name,
        description=spec.description,
        deps=[source],
        **daily.asset,
        **SYNC_STEP,
    )
    def sync_history_tab(
        context: dg.AssetExecutionContext, storage: PipelineStorage, sheet_sink: SheetSinkResource, locale: Locale
    ):
        watch = Stopwatch()
        rows = history_rows(storage, locale)
        result, location = upsert_tab(spec, sheet_sink, rows, locale.tz())
        removed = drop_stale(context, spec, sheet_sink, set(rows[spec.key]))
        log_repairs(context, spec, result)
        days = {
            day: DayResult(metadata={"dagster/row_count": dg.MetadataValue.int(len(rows_of_day(rows, day)))})
            for day in context.partition_keys
        }
        shared = {**sync_metadata(watch, len(rows), result, location), "removed": dg.MetadataValue.int(removed)}
        yield from materialize_days(context, days, shared=shared)

    @dg.asset_check(
        asset=asset_name,
        name=f"{asset_name}_reconciled",
        description=f"Every row that begins on the day is in the {spec.name} tab exactly once, as computed.",
        blocking=True,
        partitions_def=daily.partitions,
    )
    def history_tab_reconciled(
        context: dg.AssetCheckExecutionContext, storage: PipelineStorage, sheet_sink: SheetSinkResource, locale: Locale
    ):
        rows = history_rows(storage, locale)
        yield from read_back(context, spec, sheet_sink, {day: rows_of_day(rows, day) for day in context.partition_keys})

    return sync_history_tab, history_tab_reconciled
