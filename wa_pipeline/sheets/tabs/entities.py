"""The `Entities` tab: one row per entity found in a message, keyed by a stable entity_id."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.message import stable_id
from wa_pipeline.sheets.tab_spec import TabSpec

_COLUMNS = (
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


# What a shop owner calls each kind of entity (the extractor's labels are spaCy's: GPE, FAC, ORG...).
PLAIN_LABELS = {
    "PERSON": "Person",
    "ORG": "Business",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Place",
    "PRODUCT": "Product",
    "MONEY": "Money",
    "DATE": "Date",
    "PHONE": "Phone",
    "EMAIL": "Email",
    "URL": "Link",
    "QUANTITY": "Quantity",
    "REFERENCE": "Reference",
}
# How the entity was found, in words: a pattern we wrote, or the language model's guess.
PLAIN_SOURCES = {"rule": "pattern", "model": "model guess"}


def plain_label(label: str) -> str:
    return PLAIN_LABELS.get(label, label.replace("_", " ").capitalize())


def entity_id(message_id: str, label: str, start: int, end: int) -> str:
    """The same entity of the same message has the same id on every run: re-syncing updates, never duplicates."""
    return stable_id(message_id, label, start, end, prefix="ent_")


def _build(enriched: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """Rows for every entity of an enriched partition, in send order then text order."""
    # Built column by column: a dict per entity (170,000 of them on a 100,000-message day) cost more than the rows,
    # and the cells a message's entities share (its id, time, chat, sender) are one string, not one per entity.
    columns: dict[str, list] = {name: [] for name in _COLUMNS}
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
            "message_id": message_id,
            "date": moment.date(),
            "sent_at": moment.tz_localize(None),
            "chat": chat_name if isinstance(chat_name, str) else chat_id,
            "sender": sender if isinstance(sender, str) else "",
        }
        for entity in entities:
            key = entity_id(message_id, entity["label"], entity["start"], entity["end"])
            columns["entity_id"].append(key)
            for name, value in shared.items():
                columns[name].append(value)
            # The key keeps the extractor's label: ids stay stable whatever the words shown.
            columns["label"].append(plain_label(entity["label"]))
            columns["text"].append(entity["text"])
            columns["value"].append(entity["value"])
            columns["source"].append(PLAIN_SOURCES.get(entity["source"], entity["source"]))
    return pd.DataFrame(
        {name: pd.Series(values, dtype=object) for name, values in columns.items()}, columns=list(_COLUMNS)
    )


ENTITIES = TabSpec(
    name="Entities",
    key="entity_id",
    columns=_COLUMNS,
    build=_build,
    description="The Entities tab: one row per amount, quantity, reference, date, phone, name or place found, "
    "upserted by entity id.",
    position=3,
    headers={
        "entity_id": "Entity ID",
        "message_id": "Message ID",
        "date": "Date",
        "sent_at": "Sent",
        "chat": "Chat",
        "sender": "From",
        "label": "Kind",
        "text": "Text",
        "value": "Value",
        "source": "Found by",
    },
)
