"""The rows of the Messages tab, and the sheet they are synced into."""

import dagster as dg

from wa_pipeline.defs.partitions import DAILY, DAILY_BACKFILL
from wa_pipeline.defs.resources import Locale, SheetSinkResource
from wa_pipeline.orchestration.day_range import DayFrames, DayResult, concat_days, frames_by_day, materialize_days
from wa_pipeline.orchestration.run_metrics import Stopwatch, check_result
from wa_pipeline.quality import message_rules
from wa_pipeline.sheets.errors import CircuitOpenError, SheetConfigError, SheetLimitError
from wa_pipeline.sheets.sheet_limits import CellUsage
from wa_pipeline.sheets.tabs.messages import MESSAGES_COLUMNS, MESSAGES_KEY, MESSAGES_TAB, build_message_rows

# Check names, written once: the spec declares each, the asset body reports it.
SHEET_KEYS_UNIQUE = "sheet_keys_unique"
ONE_ROW_PER_MESSAGE = "one_row_per_message"

# Within a chat, rows follow send time; a late message is inserted where it belongs, not appended at the bottom.
MESSAGES_ORDER_BY = ("sent_at",)
MESSAGES_CHAT = "chat"

SHEET_ROW_CHECKS = [
    dg.AssetCheckSpec(
        SHEET_KEYS_UNIQUE,
        asset="sheet_rows",
        blocking=True,
        partitions_def=DAILY,
        description="No two rows of the day share a message_id.",
    ),
    dg.AssetCheckSpec(
        ONE_ROW_PER_MESSAGE,
        asset="sheet_rows",
        blocking=True,
        partitions_def=DAILY,
        description="Every enriched message has exactly one sheet row.",
    ),
]


@dg.asset(
    partitions_def=DAILY,
    backfill_policy=DAILY_BACKFILL,
    group_name="sync",
    kinds={"pandas", "parquet"},
    check_specs=SHEET_ROW_CHECKS,
)
def sheet_rows(context: dg.AssetExecutionContext, enriched_messages: DayFrames, locale: Locale):
    """The day's Messages-tab rows: one per message, in send order, every cell safe to write."""
    days = {}
    for day, enriched in frames_by_day(enriched_messages, context.partition_keys).items():
        watch = Stopwatch()
        rows = build_message_rows(enriched, locale.tz())
        days[day] = DayResult(
            value=rows,
            # No preview of the rows: message text and numbers in the event log would outlive `wa-pipeline forget`.
            metadata=watch.metadata(len(rows)),
            checks=[
                check_result(message_rules.ids_unique(rows), SHEET_KEYS_UNIQUE),
                check_result(message_rules.same_ids(enriched, rows, "sheet_rows"), ONE_ROW_PER_MESSAGE),
            ],
        )
    yield from materialize_days(context, days)


@dg.asset(
    partitions_def=DAILY,
    backfill_policy=DAILY_BACKFILL,
    group_name="sync",
    kinds={"googlesheets"},
    # One writer per spreadsheet: the `sheets` pool (limit 1) queues runs of different days instead of racing.
    pool="sheets",
    retry_policy=dg.RetryPolicy(max_retries=3, delay=2, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS),
)
def messages_sheet(context: dg.AssetExecutionContext, sheet_rows: DayFrames, sheet_sink: SheetSinkResource):
    """The Messages tab of the output sheet, upserted by message_id so a re-run never duplicates a row."""
    watch = Stopwatch()
    rows_by_day = dict(frames_by_day(sheet_rows, context.partition_keys))
    row_counts = {day: len(day_rows) for day, day_rows in rows_by_day.items()}
    # One upsert for every day of the step, days in order: a range run reads the tab back once, and each row still
    # lands once (by message_id) and in send order, exactly as day-by-day upserts would put it.
    rows = concat_days(rows_by_day)
    del rows_by_day
    sink = sheet_sink.get_sink()
    try:
        result = sink.upsert(
            MESSAGES_TAB,
            MESSAGES_COLUMNS,
            MESSAGES_KEY,
            rows.astype(object).values.tolist(),
            order_by=MESSAGES_ORDER_BY,
        )
    except (CircuitOpenError, SheetConfigError, SheetLimitError) as error:
        # Retrying in seconds cannot help: the breaker's cool-down, a setting or a full spreadsheet must change first.
        raise dg.Failure(description=str(error), allow_retries=False) from None
    for warning in result.warnings:
        context.log.warning(warning)
    usage = CellUsage(result.sheet_cells)
    days = {
        day: DayResult(metadata={"dagster/row_count": dg.MetadataValue.int(count)}) for day, count in row_counts.items()
    }
    yield from materialize_days(
        context,
        days,
        shared={
            **watch.metadata(len(rows)),
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
            "sheet_cells_pct": dg.MetadataValue.float(round(100 * usage.fraction, 2)),
            "warnings": dg.MetadataValue.int(len(result.warnings)),
            "sheet": dg.MetadataValue.text(sink.location),
        },
    )
