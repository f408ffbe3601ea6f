"""Every tab of the output sheet, each made from its TabSpec: the sync asset and its read-back check."""

import dagster as dg
import pandas as pd

from wa_pipeline.defs.sync.tab_factory import tab_assets, window_tab_assets
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


# The Messages rows are their own asset (`sheet_rows`, with its checks); the other tabs build rows as they sync.
messages_sheet, sheet_reconciled = tab_assets(
    MESSAGES, source="sheet_rows", asset_name="messages_sheet", check_name="sheet_reconciled", prebuilt=True
)
threads_sheet, threads_sheet_reconciled = tab_assets(THREADS, source="conversation_threads", asset_name="threads_sheet")
entities_sheet, entities_sheet_reconciled = tab_assets(
    ENTITIES, source="enriched_messages", asset_name="entities_sheet", summary=_entity_labels
)
media_sheet, media_sheet_reconciled = tab_assets(MEDIA, source="media_catalog", asset_name="media_sheet")
# Orders span days (asked for on Monday, paid on Tuesday): built from the last two weeks of enriched messages.
orders_sheet, orders_sheet_reconciled = window_tab_assets(
    ORDERS, source="enriched_messages", asset_name="orders_sheet", window_days=14
)
# Customers and Deliveries are built from the day's records (read from the landing database), like any other tab.
customers_sheet, customers_sheet_reconciled = tab_assets(
    CUSTOMERS, source="customer_records", asset_name="customers_sheet"
)
deliveries_sheet, deliveries_sheet_reconciled = tab_assets(
    DELIVERIES, source="delivery_records", asset_name="deliveries_sheet"
)
consent_sheet, consent_sheet_reconciled = tab_assets(CONSENT, source="consent_ledger", asset_name="consent_sheet")
