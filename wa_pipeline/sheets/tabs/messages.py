"""The `Messages` tab: one row per message, managed columns in a fixed order, keyed by message_id."""

from __future__ import annotations

import re
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
    "amount",
    "currency",
    "amount_count",
    "amounts",
    "references",
    "dates",
    "language",
    "media_text",
    # Last: a column added to a tab that exists goes after its last header (`layout_managed_columns`), so a fresh tab
    # puts it where every older one gets it.
    "in_reply_to",
)


# How the enrichment writes an amount: "KES 3500.00" (ISO code, a space, the number), several joined by "; ".
_AMOUNT = re.compile(r"([A-Z]{3}) (-?\d+(?:\.\d+)?)")


def first_amount(amounts: object) -> tuple[float | None, str]:
    """The first amount of a message's amounts text, as a number and its currency code; (None, "") without one."""
    match = _AMOUNT.match(amounts) if isinstance(amounts, str) else None
    return (float(match.group(2)), match.group(1)) if match else (None, "")


def with_amount(enriched: pd.DataFrame) -> pd.DataFrame:
    """`enriched` with its `amount` column (the total a message states, else its first amount): a frame enriched
    before the enrichment wrote one (or a window that joins such days to later ones) takes each message's first
    amount."""
    return enriched.assign(amount=enriched.get("amount", enriched["amounts"]).fillna(enriched["amounts"]))


# How much of the earlier message a reply quotes, as WhatsApp shows a reply under a line of what it answers.
_QUOTE_CHARS = 60


def in_reply_to(ordered: pd.DataFrame) -> list[str]:
    """What each message answers: a short quote of the earlier message and its sender when it is among the rows,
    else the earlier message's id (the hidden Message ID column, which a search of the sheet finds); "" for none."""
    if "reply_to" not in ordered:
        return [""] * len(ordered)
    senders = ordered["sender_name"].fillna("")
    said = {
        message_id: (_quote(text, caption, kind), sender)
        for message_id, text, caption, kind, sender in zip(
            ordered["message_id"], ordered["text"], ordered["caption"], ordered["kind"], senders
        )
    }
    answered = []
    for reply_to in ordered["reply_to"]:
        if not isinstance(reply_to, str) or not reply_to:
            answered.append("")
        elif reply_to in said:
            quote, sender = said[reply_to]
            answered.append(f"{quote} — {sender}" if sender else quote)
        else:
            answered.append(reply_to)
    return answered


def _quote(text: object, caption: object, kind: object) -> str:
    """An earlier message in a line: its words in quotes (cut with "…"), or its kind in brackets ("[image]")."""
    words = next((w for w in (text, caption) if isinstance(w, str) and w.strip()), None)
    if words is None:
        return f"[{kind}]"
    line = " ".join(words.split())
    if len(line) > _QUOTE_CHARS:
        cut = line[: _QUOTE_CHARS - 1]
        # At a word's end where one is near, not in the middle of a word.
        line = (cut.rsplit(" ", 1)[0] if " " in cut[_QUOTE_CHARS // 2 :] else cut).rstrip(" ,;:") + "…"
    return f"“{line}”"


def _build(enriched: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """Rows for an enriched partition, in send order."""
    ordered = with_amount(enriched).sort_values(["sent_at", "chat_id", "message_id"], kind="stable")
    local = ordered["sent_at"].dt.tz_convert(tz)
    text = ordered["text"].fillna("")
    caption = ordered["caption"].fillna("")
    stated = [first_amount(amount) for amount in ordered["amount"]]
    rows = pd.DataFrame(
        {
            "message_id": ordered["message_id"],
            # Real dates: the sheet sorts, filters and charts them without retyping.
            "sent_at": local.dt.tz_localize(None),
            "date": local.dt.date,
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
            # The stated total (else the first amount) as a number, to sum; every amount stays listed in `amounts`.
            "amount": [amount for amount, _ in stated],
            "currency": [currency for _, currency in stated],
            # How many amounts the message names: "1" means Amount is the whole story, more means read All amounts.
            "amount_count": [len(_AMOUNT.findall(text)) if isinstance(text, str) else 0 for text in ordered["amounts"]],
            "amounts": ordered["amounts"],
            "references": ordered["references"],
            "dates": ordered["dates"],
            "language": ordered["language"],
            # Text read from the photo, voice note or document; frames written before media existed have none.
            "media_text": ordered["media_text"] if "media_text" in ordered else "",
            "in_reply_to": in_reply_to(ordered),
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
    position=0,
    headers={
        "message_id": "Message ID",
        "sent_at": "Sent",
        "date": "Date",
        "chat": "Chat",
        "sender": "From",
        "kind": "Type",
        "text": "Message",
        "attachment": "Attachment",
        "phones": "Phones",
        "emails": "Emails",
        "people": "People",
        "organisations": "Businesses",
        "places": "Places",
        "sentiment": "Sentiment",
        "sentiment_score": "Sentiment score",
        "source": "Source",
        "intent": "Intent",
        "amount": "Amount",
        "currency": "Currency",
        "amount_count": "Amounts in message",
        "amounts": "All amounts",
        "references": "References",
        "dates": "Dates mentioned",
        "language": "Language",
        "media_text": "Text in media",
        "in_reply_to": "In reply to",
    },
)
