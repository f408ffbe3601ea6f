"""The Threads and Entities tabs of the output sheet."""

import dagster as dg
import pandas as pd

from wa_pipeline.defs.partitions import DAILY
from wa_pipeline.defs.resources import Locale, SheetSinkResource
from wa_pipeline.defs.run_metrics import Stopwatch
from wa_pipeline.sheets.entity_rows import ENTITIES_COLUMNS, ENTITIES_KEY, ENTITIES_TAB, build_entity_rows
from wa_pipeline.sheets.sink import UpsertResult
from wa_pipeline.sheets.thread_rows import THREADS_COLUMNS, THREADS_KEY, THREADS_TAB, build_thread_rows

SYNC_RETRIES = dg.RetryPolicy(max_retries=3, delay=2, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)


def _sync_metadata(watch: Stopwatch, rows: int, result: UpsertResult, location: str) -> dict:
    return {
        **watch.metadata(rows),
        "inserted": dg.MetadataValue.int(result.inserted),
        "updated": dg.MetadataValue.int(result.updated),
        "unchanged": dg.MetadataValue.int(result.unchanged),
        "api_calls": dg.MetadataValue.int(result.api_calls),
        "sheet": dg.MetadataValue.text(location),
    }


@dg.asset(
    partitions_def=DAILY,
    group_name="sync",
    kinds={"googlesheets"},
    # One writer per spreadsheet: the `sheets` pool (limit 1) queues this behind any other tab's sync.
    pool="sheets",
    retry_policy=SYNC_RETRIES,
)
def threads_sheet(conversation_threads: pd.DataFrame, sheet_sink: SheetSinkResource, locale: Locale) -> dg.MaterializeResult:
    """The Threads tab: one row per conversation, upserted by thread_id, with response times and who is still waiting."""
    watch = Stopwatch()
    rows = build_thread_rows(conversation_threads, locale.tz())
    sink = sheet_sink.get_sink()
    result = sink.upsert(THREADS_TAB, THREADS_COLUMNS, THREADS_KEY, rows.astype(object).values.tolist())
    return dg.MaterializeResult(metadata=_sync_metadata(watch, len(rows), result, sink.location))


@dg.asset(
    partitions_def=DAILY,
    group_name="sync",
    kinds={"googlesheets"},
    pool="sheets",
    retry_policy=SYNC_RETRIES,
)
def entities_sheet(enriched_messages: pd.DataFrame, sheet_sink: SheetSinkResource, locale: Locale) -> dg.MaterializeResult:
    """The Entities tab: one row per amount, quantity, reference, date, phone, name or place found, upserted by entity id."""
    watch = Stopwatch()
    rows = build_entity_rows(enriched_messages, locale.tz())
    sink = sheet_sink.get_sink()
    result = sink.upsert(ENTITIES_TAB, ENTITIES_COLUMNS, ENTITIES_KEY, rows.astype(object).values.tolist())
    labels = rows["label"].value_counts().to_dict() if len(rows) else {}
    return dg.MaterializeResult(
        metadata={
            **_sync_metadata(watch, len(rows), result, sink.location),
            "labels": dg.MetadataValue.json({str(k): int(v) for k, v in labels.items()}),
        }
    )
