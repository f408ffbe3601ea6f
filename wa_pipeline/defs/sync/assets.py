"""The rows of the Messages tab, checked before they are synced (see tabs.py)."""

import dagster as dg

from wa_pipeline.defs._shared.day_range import DayFrames, DayResult, frames_by_day, materialize_days
from wa_pipeline.defs._shared.run_metrics import Stopwatch, check_result
from wa_pipeline.defs.partitions import Daily, daily_definitions
from wa_pipeline.defs.resources import Locale
from wa_pipeline.message_frame import fold_reactions
from wa_pipeline.quality import message_rules
from wa_pipeline.sheets.tabs.messages import MESSAGES

# Check names, written once: the spec declares each, the asset body reports it.
SHEET_KEYS_UNIQUE = "sheet_keys_unique"
ONE_ROW_PER_MESSAGE = "one_row_per_message"


def build(daily: Daily) -> dg.Definitions:
    """The day's Messages-tab rows, with their blocking checks."""
    sheet_row_checks = daily.checks(
        "sheet_rows",
        {
            SHEET_KEYS_UNIQUE: "No two rows of the day share a message_id.",
            ONE_ROW_PER_MESSAGE: "Every enriched message has exactly one sheet row (a person's reactions to a message one).",
        },
    )

    @dg.asset(
        **daily.asset,
        group_name="sync",
        kinds={"pandas", "parquet"},
        check_specs=sheet_row_checks,
    )
    def sheet_rows(context: dg.AssetExecutionContext, enriched_messages: DayFrames, locale: Locale):
        """The day's Messages-tab rows: one per message, in send order, every cell safe to write."""
        days = {}
        for day, stored in frames_by_day(enriched_messages, context.partition_keys).items():
            watch = Stopwatch()
            # A reaction replaced or removed is no row of its own: the sheet shows the reaction WhatsApp shows.
            enriched = fold_reactions(stored)
            rows = MESSAGES.rows(enriched, locale.tz())
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

    return dg.Definitions(assets=[sheet_rows])


defs = daily_definitions(build)
