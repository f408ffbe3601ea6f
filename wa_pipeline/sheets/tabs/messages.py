"""The `Messages` tab: one row per message, managed columns in a fixed order, keyed by message_id."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.sheets.tab_spec import TabSpec

_COLUMNS = (
    "message_id",
    "sent_at",
    "date",
    "chat",
    "sender",
    "kind",
    "text",
    "attachment",
    "phones",
    "emails",
    "people",
    "organisations",
    "places",
    "sentiment",
    "sentiment_score",
    "source",
    "intent",
    "amounts",
    "references",
    "dates",
    "language",
    "media_text",
)


def _build(enriched: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """Rows for an enriched partition, in send order."""
    ordered = enriched.sort_values(["sent_at", "chat_id", "message_id"], kind="stable")
    local = ordered["sent_at"].dt.tz_convert(tz)
    text = ordered["text"].fillna("")
    caption = ordered["caption"].fillna("")
    rows = pd.DataFrame(
        {
            "message_id": ordered["message_id"],
            "sent_at": local.dt.strftime("%Y-%m-%d %H:%M:%S"),
            "date": local.dt.strftime("%Y-%m-%d"),
            "chat": ordered["chat_name"].fillna(ordered["chat_id"]),
            "sender": ordered["sender_name"].fillna(""),
            "kind": ordered["kind"],
            "text": text.where(caption == "", text + "\n" + caption).str.strip("\n"),
            "attachment": ordered["media_filename"].fillna(""),
            "phones": ordered["phones"],
            "emails": ordered["emails"],
            "people": ordered["persons"],
            "organisations": ordered["orgs"],
            "places": ordered["places"],
            "sentiment": ordered["sentiment_label"],
            "sentiment_score": ordered["sentiment_score"].astype(float).round(4),
            "source": ordered["source"],
            "intent": ordered["intent"],
            "amounts": ordered["amounts"],
            "references": ordered["references"],
            "dates": ordered["dates"],
            "language": ordered["language"],
            # Text read from the photo, voice note or document; frames written before media existed have none.
            "media_text": ordered["media_text"] if "media_text" in ordered else "",
        },
        columns=list(_COLUMNS),
    ).reset_index(drop=True)
    return rows


MESSAGES = TabSpec(
    name="Messages",
    key="message_id",
    columns=_COLUMNS,
    build=_build,
    description="The Messages tab of the output sheet, upserted by message_id so a re-run never duplicates a row.",
    # Within a chat, rows follow send time; a late message is inserted where it belongs, not appended at the bottom.
    order_by=("sent_at",),
    order_group="chat",
)
