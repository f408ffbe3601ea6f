"""The Threads and Entities tabs of the output sheet."""

import dagster as dg
import pandas as pd

from wa_pipeline.defs.partitions import DAILY, DAILY_BACKFILL
from wa_pipeline.defs.resources import Locale, SheetSinkResource
from wa_pipeline.orchestration.day_range import DayFrames, DayResult, concat_days, frames_by_day, materialize_days
from wa_pipeline.orchestration.run_metrics import Stopwatch
from wa_pipeline.sheets.sink import UpsertResult
from wa_pipeline.sheets.tabs.entities import ENTITIES_COLUMNS, ENTITIES_KEY, ENTITIES_TAB, build_entity_rows
from wa_pipeline.sheets.tabs.threads import THREADS_COLUMNS, THREADS_KEY, THREADS_TAB, build_thread_rows

SYNC_RETRIES = dg.RetryPolicy(max_retries=3, delay=2, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)


def _sync_metadata(watch: Stopwatch, rows: int, result: UpsertResult, location: str) -> dict:
    """The figures of one upsert; a range run's upsert covers all its days, so they are the whole run's."""
    return {
        **watch.metadata(rows),
        "inserted": dg.MetadataValue.int(result.inserted),
        "updated": dg.MetadataValue.int(result.updated),
        "unchanged": dg.MetadataValue.int(result.unchanged),
        "api_calls": dg.MetadataValue.int(result.api_calls),
        "sheet": dg.MetadataValue.text(location),
    }


def _rows_by_day(frames: DayFrames, days, build) -> dict[str, pd.DataFrame]:
    return {day: build(frame) for day, frame in frames_by_day(frames, days).items()}


def _day_row_counts(rows_by_day: dict[str, pd.DataFrame]) -> dict[str, DayResult]:
    return {
        day: DayResult(metadata={"dagster/row_count": dg.MetadataValue.int(len(rows))})
        for day, rows in rows_by_day.items()
    }


@dg.asset(
    partitions_def=DAILY,
    backfill_policy=DAILY_BACKFILL,
    group_name="sync",
    kinds={"googlesheets"},
    # One writer per spreadsheet: the `sheets` pool (limit 1) queues this behind any other tab's sync.
    pool="sheets",
    retry_policy=SYNC_RETRIES,
)
def threads_sheet(
    context: dg.AssetExecutionContext, conversation_threads: DayFrames, sheet_sink: SheetSinkResource, locale: Locale
):
    """The Threads tab: one row per conversation, upserted by thread_id, with response times and who is still waiting."""
    watch = Stopwatch()
    rows_by_day = _rows_by_day(
        conversation_threads, context.partition_keys, lambda f: build_thread_rows(f, locale.tz())
    )
    rows = concat_days(rows_by_day)
    sink = sheet_sink.get_sink()
    # One upsert for every day of the step: a range run reads the tab back once, not once a day.
    result = sink.upsert(THREADS_TAB, THREADS_COLUMNS, THREADS_KEY, rows.astype(object).values.tolist())
    yield from materialize_days(
        context, _day_row_counts(rows_by_day), shared=_sync_metadata(watch, len(rows), result, sink.location)
    )


@dg.asset(
    partitions_def=DAILY,
    backfill_policy=DAILY_BACKFILL,
    group_name="sync",
    kinds={"googlesheets"},
    pool="sheets",
    retry_policy=SYNC_RETRIES,
)
def entities_sheet(
    context: dg.AssetExecutionContext, enriched_messages: DayFrames, sheet_sink: SheetSinkResource, locale: Locale
):
    """The Entities tab: one row per amount, quantity, reference, date, phone, name or place found, upserted by entity id."""
    watch = Stopwatch()
    rows_by_day = _rows_by_day(enriched_messages, context.partition_keys, lambda f: build_entity_rows(f, locale.tz()))
    rows = concat_days(rows_by_day)
    sink = sheet_sink.get_sink()
    result = sink.upsert(ENTITIES_TAB, ENTITIES_COLUMNS, ENTITIES_KEY, rows.astype(object).values.tolist())
    labels = rows["label"].value_counts().to_dict() if len(rows) else {}
    yield from materialize_days(
        context,
        _day_row_counts(rows_by_day),
        shared={
            **_sync_metadata(watch, len(rows), result, sink.location),
            "labels": dg.MetadataValue.json({str(k): int(v) for k, v in labels.items()}),
        },
    )
