"""Checks that read the Threads and Entities tabs back: every row of the day there once, as computed."""

import dagster as dg

from wa_pipeline.defs.partitions import DAILY
from wa_pipeline.defs.resources import Locale, SheetSinkResource
from wa_pipeline.orchestration.day_range import DayFrames, frames_by_day
from wa_pipeline.orchestration.reconcile_days import check_tab_days
from wa_pipeline.sheets.tabs.entities import ENTITIES_COLUMNS, ENTITIES_KEY, ENTITIES_TAB, build_entity_rows
from wa_pipeline.sheets.tabs.threads import THREADS_COLUMNS, THREADS_KEY, THREADS_TAB, build_thread_rows


@dg.asset_check(
    asset="threads_sheet",
    blocking=True,
    partitions_def=DAILY,
    additional_ins={"conversation_threads": dg.AssetIn("conversation_threads")},
)
def threads_sheet_reconciled(
    context: dg.AssetCheckExecutionContext,
    conversation_threads: DayFrames,
    sheet_sink: SheetSinkResource,
    locale: Locale,
):
    """Every conversation of the day is in the Threads tab exactly once, with the content we computed."""
    expected = {
        day: build_thread_rows(threads, locale.tz())
        for day, threads in frames_by_day(conversation_threads, context.partition_keys).items()
    }
    yield from check_tab_days(context, expected, sheet_sink.get_sink(), THREADS_TAB, THREADS_KEY, THREADS_COLUMNS)


@dg.asset_check(
    asset="entities_sheet",
    blocking=True,
    partitions_def=DAILY,
    additional_ins={"enriched_messages": dg.AssetIn("enriched_messages")},
)
def entities_sheet_reconciled(
    context: dg.AssetCheckExecutionContext,
    enriched_messages: DayFrames,
    sheet_sink: SheetSinkResource,
    locale: Locale,
):
    """Every entity found in the day's messages is in the Entities tab exactly once, with its value."""
    expected = {
        day: build_entity_rows(enriched, locale.tz())
        for day, enriched in frames_by_day(enriched_messages, context.partition_keys).items()
    }
    yield from check_tab_days(context, expected, sheet_sink.get_sink(), ENTITIES_TAB, ENTITIES_KEY, ENTITIES_COLUMNS)
