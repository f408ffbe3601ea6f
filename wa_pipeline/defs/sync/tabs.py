"""Every tab of the output sheet, each made from its TabSpec: the sync asset and its read-back check."""

import dagster as dg
import pandas as pd

from wa_pipeline.defs.partitions import Daily, daily_definitions
from wa_pipeline.defs.sync.tab_factory import history_tab_assets, tab_assets
from wa_pipeline.sheets.tabs.consent import CONSENT
from wa_pipeline.sheets.tabs.customers import CUSTOMERS
from wa_pipeline.sheets.tabs.deliveries import DELIVERIES
from wa_pipeline.sheets.tabs.entities import ENTITIES
from wa_pipeline.sheets.tabs.media import MEDIA
from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline.sheets.tabs.orders import ORDERS
from wa_pipeline.sheets.tabs.threads import THREADS


def _entity_labels(rows: pd.DataFrame) -> dict:
    labels = rows["label"].value_counts().to_dict() if len(rows) else {}
    return {"labels": dg.MetadataValue.json({str(k): int(v) for k, v in labels.items()})}


def build(daily: Daily) -> dg.Definitions:
    """Every tab's sync asset and read-back check, each made from the tab's spec."""
    # The Messages rows are their own asset (`sheet_rows`, with its checks); the other tabs build rows as they sync.
    tabs = [
        tab_assets(
            daily,
            MESSAGES,
            source="sheet_rows",
            asset_name="messages_sheet",
            check_name="sheet_reconciled",
            prebuilt=True,
        ),
        tab_assets(daily, THREADS, source="conversation_threads", asset_name="threads_sheet"),
        tab_assets(daily, ENTITIES, source="enriched_messages", asset_name="entities_sheet", summary=_entity_labels),
        tab_assets(daily, MEDIA, source="media_catalog", asset_name="media_sheet"),
        # Orders span days (asked for on Monday, paid on Tuesday or weeks later): built from every enriched day.
        history_tab_assets(daily, ORDERS, source="enriched_messages", asset_name="orders_sheet"),
        # Customers and Deliveries are built from the day's records (read from the landing database).
        tab_assets(daily, CUSTOMERS, source="customer_records", asset_name="customers_sheet"),
        tab_assets(daily, DELIVERIES, source="delivery_records", asset_name="deliveries_sheet"),
        tab_assets(daily, CONSENT, source="consent_ledger", asset_name="consent_sheet"),
    ]
    return dg.Definitions(assets=[sync for sync, _ in tabs], asset_checks=[check for _, check in tabs])


defs = daily_definitions(build)
