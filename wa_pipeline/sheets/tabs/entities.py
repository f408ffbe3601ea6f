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
    "entity_id",
    "message_id",
    "date",
    "sent_at",
    "chat",
    "sender",
    "label",
    "text",
    "value",
    "source",
)


def entity_id(message_id: str, label: str, start: int, end: int) -> str:
    """The same entity of the same message has the same id on every run: re-syncing updates, never duplicates."""
    return stable_id(message_id, label, start, end, prefix="ent_")


def build_entity_rows(enriched: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """Sheet rows for every entity of an enriched partition, in send order then text order, cells safe to write."""
    # Built column by column: a dict per entity (170,000 of them on a 100,000-message day) cost more than the rows,
    # and the cells a message's entities share (its id, time, chat, sender) are one string, not one per entity.
    columns: dict[str, list] = {name: [] for name in ENTITIES_COLUMNS}
    ordered = enriched.sort_values(["sent_at", "chat_id", "message_id"], kind="stable")
    local = ordered["sent_at"].dt.tz_convert(tz)
    for message_id, moment, chat_name, chat_id, sender, found in zip(
        ordered["message_id"],
        local,
        ordered["chat_name"],
        ordered["chat_id"],
        ordered["sender_name"],
        ordered["entities"],
    ):
        entities = json.loads(found) if isinstance(found, str) and found else []
        if not entities:
            continue
        shared = {
            "message_id": safe_cell(message_id),
            "date": safe_cell(moment.strftime("%Y-%m-%d")),
            "sent_at": safe_cell(moment.strftime("%Y-%m-%d %H:%M:%S")),
            "chat": safe_cell(chat_name if isinstance(chat_name, str) else chat_id),
            "sender": safe_cell(sender if isinstance(sender, str) else ""),
        }
        for entity in entities:
            key = entity_id(message_id, entity["label"], entity["start"], entity["end"])
            columns["entity_id"].append(safe_cell(key))
            for name, value in shared.items():
                columns[name].append(value)
            for name in ("label", "text", "value", "source"):
                columns[name].append(safe_cell(entity[name]))
    return pd.DataFrame(
        {name: pd.Series(values, dtype=object) for name, values in columns.items()}, columns=list(ENTITIES_COLUMNS)
    )
