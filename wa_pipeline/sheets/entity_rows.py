"""The `Entities` tab: one row per entity found in a message, keyed by a stable entity_id."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.message import stable_id
from wa_pipeline.sheets.cell_safety import safe_cell

ENTITIES_TAB = "Entities"
ENTITIES_KEY = "entity_id"
ENTITIES_COLUMNS = (
    "entity_id", "message_id", "date", "sent_at", "chat", "sender", "label", "text", "value", "source",
)


def entity_id(message_id: str, label: str, start: int, end: int) -> str:
    """The same entity of the same message has the same id on every run: re-syncing updates, never duplicates."""
    return stable_id(message_id, label, start, end, prefix="ent_")


def build_entity_rows(enriched: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """Sheet rows for every entity of an enriched partition, in send order then text order, cells safe to write."""
    records = []
    ordered = enriched.sort_values(["sent_at", "chat_id", "message_id"], kind="stable")
    local = ordered["sent_at"].dt.tz_convert(tz)
    for message_id, moment, chat_name, chat_id, sender, found in zip(
        ordered["message_id"], local, ordered["chat_name"], ordered["chat_id"], ordered["sender_name"],
        ordered["entities"],
    ):
        for entity in json.loads(found) if isinstance(found, str) and found else []:
            records.append(
                {
                    "entity_id": entity_id(message_id, entity["label"], entity["start"], entity["end"]),
                    "message_id": message_id,
                    "date": moment.strftime("%Y-%m-%d"),
                    "sent_at": moment.strftime("%Y-%m-%d %H:%M:%S"),
                    "chat": chat_name if isinstance(chat_name, str) else chat_id,
                    "sender": sender if isinstance(sender, str) else "",
                    "label": entity["label"],
                    "text": entity["text"],
                    "value": entity["value"],
                    "source": entity["source"],
                }
            )
    rows = pd.DataFrame(records, columns=list(ENTITIES_COLUMNS))
    for column in ENTITIES_COLUMNS:
        rows[column] = pd.Series([safe_cell(value) for value in rows[column].astype(object)], dtype=object)
    return rows
