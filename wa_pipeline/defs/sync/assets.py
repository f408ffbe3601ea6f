"""The rows of the Messages tab, and the sheet they are synced into."""

import dagster as dg
import pandas as pd

from wa_pipeline.defs.partitions import DAILY
from wa_pipeline.defs.resources import Locale, SheetSinkResource
from wa_pipeline.defs.run_metrics import Stopwatch, check_result
from wa_pipeline.quality import message_rules
from wa_pipeline.sheets.message_rows import MESSAGES_COLUMNS, MESSAGES_KEY, MESSAGES_TAB, build_message_rows

SHEET_ROW_CHECKS = [
    dg.AssetCheckSpec("sheet_keys_unique", asset="sheet_rows", blocking=True,
                      description="No two rows of the day share a message_id."),
    dg.AssetCheckSpec("one_row_per_message", asset="sheet_rows", blocking=True,
                      description="Every enriched message has exactly one sheet row."),
]


@dg.asset(
    partitions_def=DAILY,
    group_name="sync",
    kinds={"pandas", "parquet"},
    check_specs=SHEET_ROW_CHECKS,
)
def sheet_rows(enriched_messages: pd.DataFrame, locale: Locale):
    """The day's Messages-tab rows: one per message, in send order, every cell safe to write."""
    watch = Stopwatch()
    rows = build_message_rows(enriched_messages, locale.tz())
    return dg.MaterializeResult(
        value=rows,
        metadata={
            **watch.metadata(len(rows)),
            "preview": dg.MetadataValue.md(rows.head(10).drop(columns=["message_id"]).to_markdown(index=False)),
        },
        check_results=[
            check_result(message_rules.ids_unique(rows), "sheet_keys_unique"),
            check_result(message_rules.same_ids(enriched_messages, rows, "sheet_rows"), "one_row_per_message"),
        ],
    )


@dg.asset(
    partitions_def=DAILY,
    group_name="sync",
    kinds={"googlesheets"},
    # One writer per spreadsheet: the `sheets` pool (limit 1) queues runs of different days instead of racing.
    pool="sheets",
    retry_policy=dg.RetryPolicy(max_retries=3, delay=2, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS),
)
def messages_sheet(sheet_rows: pd.DataFrame, sheet_sink: SheetSinkResource) -> dg.MaterializeResult:
    """The Messages tab of the output sheet, upserted by message_id so a re-run never duplicates a row."""
    watch = Stopwatch()
    sink = sheet_sink.get_sink()
    result = sink.upsert(MESSAGES_TAB, MESSAGES_COLUMNS, MESSAGES_KEY, sheet_rows.astype(object).values.tolist())
    return dg.MaterializeResult(
        metadata={
            **watch.metadata(len(sheet_rows)),
            "inserted": dg.MetadataValue.int(result.inserted),
            "updated": dg.MetadataValue.int(result.updated),
            "unchanged": dg.MetadataValue.int(result.unchanged),
            "api_calls": dg.MetadataValue.int(result.api_calls),
            "sheet": dg.MetadataValue.text(sink.location),
        }
    )

