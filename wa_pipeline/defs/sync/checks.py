"""Checks of the Messages tab beyond its read-back (made with the tab in tabs.py): keys and send order over the tab."""

import dagster as dg

from wa_pipeline.defs._shared.day_range import DayFrames, check_days, frames_by_day
from wa_pipeline.defs._shared.reconcile_days import SAMPLE
from wa_pipeline.defs.partitions import Daily, daily_definitions
from wa_pipeline.defs.resources import Locale, SheetSinkResource
from wa_pipeline.defs.sync.tab_factory import fail_clearly
from wa_pipeline.sheets.reconcile import duplicate_keys
from wa_pipeline.sheets.row_order import order_violations
from wa_pipeline.sheets.tabs.messages import MESSAGES


def build(daily: Daily) -> dg.Definitions:
    """The Messages tab's key and send-order checks."""

    @dg.asset_check(asset="messages_sheet", blocking=True, partitions_def=daily.partitions)
    def no_duplicate_sheet_keys(context: dg.AssetCheckExecutionContext, sheet_sink: SheetSinkResource):
        """No message_id appears twice anywhere in the Messages tab, whichever day wrote it."""
        with fail_clearly():
            tab = sheet_sink.get_sink().read_tab(MESSAGES.name)
        duplicates = duplicate_keys(tab, MESSAGES.sheet_key)
        # The whole tab is checked once; every day of the step reports that one outcome.
        result = dg.AssetCheckResult(
            passed=not duplicates,
            description=f"message_id repeated in the tab: {', '.join(duplicates[:SAMPLE])}"
            if duplicates
            else "every message_id once",
            metadata={
                "sheet_rows": len(tab.rows),
                "duplicate_keys": len(duplicates),
                "examples": dg.MetadataValue.json(duplicates[:SAMPLE]),
            },
        )
        yield from check_days(context, {day: result for day in context.partition_keys})

    @dg.asset_check(
        asset="messages_sheet",
        partitions_def=daily.partitions,
        additional_ins={"sheet_rows": dg.AssetIn("sheet_rows")},
    )
    def rows_in_order(
        context: dg.AssetCheckExecutionContext, sheet_rows: DayFrames, sheet_sink: SheetSinkResource, locale: Locale
    ):
        """In every chat of the day, the Messages tab lists messages in the order they were sent, late ones included."""
        with fail_clearly():
            records = sheet_sink.get_sink().read_tab(MESSAGES.name).records()
        chats_by_day = {
            day: {str(chat) for chat in rows[MESSAGES.order_group]} if len(rows) else set()
            for day, rows in frames_by_day(sheet_rows, context.partition_keys).items()
        }
        # The whole tab's rows of those chats, not just the day's: a late row must also sit before the next day's rows.
        # One pass for every chat of the step; each day then reports the rows of its own chats.
        late = order_violations(
            records,
            MESSAGES.sheet_key,
            MESSAGES.header(MESSAGES.order_group),
            MESSAGES.sheet_order_by[0],
            groups=set().union(*chats_by_day.values()),
            # The sheet shows local wall time, which repeats an hour when the clocks go back.
            tz=locale.tz(),
        )
        late_keys = set(late)
        chat_of = {
            record[MESSAGES.sheet_key]: record.get(MESSAGES.header(MESSAGES.order_group), "")
            for record in records
            if record.get(MESSAGES.sheet_key) in late_keys
        }
        results = {}
        for day, chats in chats_by_day.items():
            day_late = [key for key in late if chat_of.get(key) in chats]
            results[day] = dg.AssetCheckResult(
                passed=not day_late,
                description=f"rows out of send order: {', '.join(day_late[:SAMPLE])}"
                if day_late
                else "rows in send order",
                metadata={
                    "chats_checked": len(chats),
                    "rows_out_of_order": len(day_late),
                    "examples": dg.MetadataValue.json(day_late[:SAMPLE]),
                },
            )
        yield from check_days(context, results)

    return dg.Definitions(asset_checks=[no_duplicate_sheet_keys, rows_in_order])


defs = daily_definitions(build)
