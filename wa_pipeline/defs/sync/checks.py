"""Checks that read the sheet back: the proof that what we meant to write is what the sheet holds."""

import dagster as dg
import pandas as pd

from wa_pipeline.defs.partitions import DAILY
from wa_pipeline.defs.resources import SheetSinkResource
from wa_pipeline.defs.sync.assets import MESSAGES_CHAT, MESSAGES_ORDER_BY
from wa_pipeline.sheets.message_rows import MESSAGES_COLUMNS, MESSAGES_KEY, MESSAGES_TAB
from wa_pipeline.sheets.reconcile import duplicate_keys, reconcile
from wa_pipeline.sheets.row_order import order_violations

SAMPLE = 5


@dg.asset_check(
    asset="messages_sheet",
    blocking=True,
    partitions_def=DAILY,
    additional_ins={"sheet_rows": dg.AssetIn("sheet_rows")},
)
def sheet_reconciled(sheet_rows: pd.DataFrame, sheet_sink: SheetSinkResource) -> dg.AssetCheckResult:
    """Every row of the day is in the sheet exactly once, with the content we computed."""
    tab = sheet_sink.get_sink().read_tab(MESSAGES_TAB)
    outcome = reconcile(sheet_rows, tab, MESSAGES_KEY, MESSAGES_COLUMNS)
    return dg.AssetCheckResult(
        passed=outcome.ok,
        metadata={
            "expected_rows": outcome.expected,
            "missing": len(outcome.missing),
            "duplicated": len(outcome.duplicated),
            "mismatched": len(outcome.mismatched),
            "examples": dg.MetadataValue.json((outcome.missing + outcome.duplicated + outcome.mismatched)[:SAMPLE]),
        },
    )


@dg.asset_check(asset="messages_sheet", blocking=True, partitions_def=DAILY)
def no_duplicate_sheet_keys(sheet_sink: SheetSinkResource) -> dg.AssetCheckResult:
    """No message_id appears twice anywhere in the Messages tab, whichever day wrote it."""
    tab = sheet_sink.get_sink().read_tab(MESSAGES_TAB)
    duplicates = duplicate_keys(tab, MESSAGES_KEY)
    return dg.AssetCheckResult(
        passed=not duplicates,
        metadata={
            "sheet_rows": len(tab.rows),
            "duplicate_keys": len(duplicates),
            "examples": dg.MetadataValue.json(duplicates[:SAMPLE]),
        },
    )


@dg.asset_check(
    asset="messages_sheet",
    partitions_def=DAILY,
    additional_ins={"sheet_rows": dg.AssetIn("sheet_rows")},
)
def rows_in_order(sheet_rows: pd.DataFrame, sheet_sink: SheetSinkResource) -> dg.AssetCheckResult:
    """In every chat of the day, the Messages tab lists messages in the order they were sent, late ones included."""
    tab = sheet_sink.get_sink().read_tab(MESSAGES_TAB)
    chats = {str(chat) for chat in sheet_rows[MESSAGES_CHAT]} if len(sheet_rows) else set()
    # The whole tab's rows of those chats, not just the day's: a late row must also sit before the next day's rows.
    late = order_violations(tab.records(), MESSAGES_KEY, MESSAGES_CHAT, MESSAGES_ORDER_BY[0], groups=chats)
    return dg.AssetCheckResult(
        passed=not late,
        metadata={
            "chats_checked": len(chats),
            "rows_out_of_order": len(late),
            "examples": dg.MetadataValue.json(late[:SAMPLE]),
        },
    )
