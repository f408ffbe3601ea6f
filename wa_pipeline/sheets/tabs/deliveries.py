"""The `Deliveries` tab: one row per message the business sent, with when it was sent, delivered, read or failed,
Meta's error in plain words, and what Meta charges for it (pricing category, billable, cost at the business's rates).

A status may arrive before its message, or for a message sent from elsewhere (the Cloud API's own sends never come
back as messages): it still gets its row, joined to the message by id once the message lands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.message import STATUS_ORDER, Message, cloud_chat_parts
from wa_pipeline.sheets.tab_spec import TabSpec, empty_rows

# Meta's codes for the failures a small business meets most, in words its staff can act on.
PLAIN_FAILURES = {
    131026: "the number cannot receive it (not on WhatsApp, an old app, or terms not accepted)",
    131047: "more than 24 hours since the customer last wrote: only a template can reopen the chat",
    131049: "Meta held back this marketing message to keep engagement healthy",
    131050: "the customer stopped marketing messages",
    131056: "too many messages to this customer in a short time",
    131042: "a payment problem on the WhatsApp Business account",
    131021: "the business cannot message its own number",
    130472: "the customer's number is part of a Meta experiment",
}
# One record per sent message, times in UTC: what the `delivery_records` asset stores for a day.
RECORD_COLUMNS = (
    "message_id",
    "chat",
    "text",
    "status",
    "sent_at",
    "delivered_at",
    "read_at",
    "failed_at",
    "error_code",
    "failure",
    "pricing_category",
    "billable",
    "cost",
    "currency",
)
_COLUMNS = (
    "message_id",
    "date",
    "chat",
    "text",
    "status",
    "sent_at",
    "delivered_at",
    "read_at",
    "failed_at",
    "error_code",
    "failure",
    "pricing_category",
    "billable",
    "cost",
    "currency",
)
_TIMES = ("sent_at", "delivered_at", "read_at", "failed_at")


def failure_in_words(errors: Iterable[Mapping]) -> str:
    """Meta's first error as a sentence: our words for a known code, else its title and details."""
    for error in errors:
        code = error.get("code")
        details = error.get("error_data", {}).get("details") if isinstance(error.get("error_data"), Mapping) else None
        plain = PLAIN_FAILURES.get(code) if isinstance(code, int) else None
        said = plain or "; ".join(str(p) for p in (error.get("title") or error.get("message"), details) if p)
        return f"{said} (Meta error {code})" if code is not None else said
    return ""


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _recipient(statuses: Mapping[str, Mapping]) -> str | None:
    """The customer a message's statuses name: the number Meta writes as a chat's customer, else the BSUID."""
    for status in statuses.values():
        recipient = status.get("recipient_id") or status.get("recipient_user_id")
        if isinstance(recipient, str) and recipient:
            digits = recipient.lstrip("+").replace(" ", "")
            return digits if digits.isdigit() else recipient
    return None


def delivery_records(
    status_history: Iterable[Mapping],
    messages: Mapping[str, Message],
    sent_without_status: Iterable[Message] = (),
    rates: Mapping[str, float] | None = None,
    currency: str = "",
    name_of: Callable[[str], str | None] | None = None,
) -> pd.DataFrame:
    """One record per message with statuses (`EventStore.status_history()`), joined to its landed message by id,
    plus the business's messages no status was reported for yet; in send order.

    A billable message costs `rates[category]` in `currency` (the business's rate card: Meta's webhook says what
    is charged, not how much); a free one costs 0; a billable one of a category without a rate has no cost.
    A status whose message never landed (sent from another tool) is put in its recipient's chat: under the name
    one of the given messages to that customer goes by, else `name_of(customer)` (the customers store), else the
    number, as the lander names a chat.
    """
    rates = rates or {}
    sent_without_status = list(sent_without_status)
    by_message: dict[str, dict[str, Mapping]] = {}
    for status in status_history:
        by_message.setdefault(status["message_id"], {})[status["status"]] = status
    for message in sent_without_status:
        by_message.setdefault(message.message_id, {})
    chat_of: dict[str, str] = {}
    for message in (*messages.values(), *sent_without_status):
        parts = cloud_chat_parts(message.chat_id)
        if parts is not None and message.chat_name and message.chat_name != parts[1]:
            chat_of.setdefault(parts[1], message.chat_name)

    def recipient_chat(statuses: Mapping[str, Mapping]) -> str:
        customer = _recipient(statuses)
        if customer is None:
            return ""
        if customer not in chat_of:
            chat_of[customer] = (name_of(customer) if name_of is not None else None) or customer
        return chat_of[customer]

    records = []
    for message_id, statuses in by_message.items():
        message = messages.get(message_id)
        times = {name: _when(s["at"]) for name, s in statuses.items()}
        sent = message.sent_at if message is not None else times.get("sent") or min(t for t in times.values() if t)
        priced = next((s["pricing"] for s in statuses.values() if s.get("pricing")), None) or {}
        errors = (statuses.get("failed") or {}).get("errors") or []
        code = next((e.get("code") for e in errors if isinstance(e.get("code"), int)), None)
        billable = priced.get("billable") if isinstance(priced.get("billable"), bool) else None
        category = str(priced.get("category") or "")
        cost = 0.0 if billable is False else rates.get(category) if billable else None
        records.append(
            {
                "message_id": message_id,
                "chat": (message.chat_name or message.chat_id) if message is not None else recipient_chat(statuses),
                "text": (message.text or message.caption or "") if message is not None else "",
                "status": max(statuses, key=lambda s: STATUS_ORDER.get(s, 0)) if statuses else "",
                "sent_at": sent,
                "delivered_at": times.get("delivered"),
                "read_at": times.get("read") or times.get("played"),
                "failed_at": times.get("failed"),
                "error_code": code,
                "failure": failure_in_words(errors),
                "pricing_category": category,
                "billable": billable,
                "cost": cost,
                "currency": currency if cost is not None else "",
            }
        )
    if not records:
        return empty_rows(RECORD_COLUMNS)
    frame = pd.DataFrame(records, columns=list(RECORD_COLUMNS))
    for column in _TIMES:
        frame[column] = pd.to_datetime(frame[column], utc=True)
    frame["error_code"] = frame["error_code"].astype("Int64")
    frame["cost"] = frame["cost"].astype("Float64")
    return frame.sort_values(["sent_at", "message_id"], kind="stable").reset_index(drop=True)


def _local(values: pd.Series, tz: ZoneInfo) -> list:
    # Local wall time without a zone: what a spreadsheet cell holds and a person reads.
    moments = pd.to_datetime(values, utc=True).dt.tz_convert(tz).dt.tz_localize(None)
    return [None if pd.isna(m) else m.to_pydatetime() for m in moments]


def _build(records: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """A day's delivery records as the tab's typed rows: local dates and times, numbers, booleans."""
    if records.empty:
        return empty_rows(_COLUMNS)
    sent = pd.to_datetime(records["sent_at"], utc=True).dt.tz_convert(tz)
    return pd.DataFrame(
        {
            "message_id": records["message_id"],
            "date": sent.dt.date,
            "chat": records["chat"],
            "text": records["text"],
            "status": records["status"],
            **{column: _local(records[column], tz) for column in _TIMES},
            "error_code": [None if pd.isna(code) else int(code) for code in records["error_code"]],
            "failure": records["failure"],
            "pricing_category": records["pricing_category"],
            "billable": [None if pd.isna(b) else bool(b) for b in records["billable"]],
            "cost": [None if pd.isna(c) else float(c) for c in records["cost"]],
            "currency": records["currency"],
        },
        columns=list(_COLUMNS),
    ).reset_index(drop=True)


DELIVERIES = TabSpec(
    name="Deliveries",
    key="message_id",
    columns=_COLUMNS,
    build=_build,
    description="The Deliveries tab: one row per message the business sent, when it was delivered and read or why "
    "it failed, and what Meta charges for it.",
    position=6,
    headers={
        "message_id": "Message ID",
        "date": "Date",
        "chat": "Chat",
        "text": "Message",
        "status": "Status",
        "sent_at": "Sent",
        "delivered_at": "Delivered",
        "read_at": "Read",
        "failed_at": "Failed",
        "error_code": "Error code",
        "failure": "Why it failed",
        "pricing_category": "Pricing category",
        "billable": "Billable",
        "cost": "Cost",
        "currency": "Currency",
    },
)
# The tab and the header of its key, for what finds rows by them (`privacy.forget` deletes a forgotten customer's).
DELIVERIES_TAB, DELIVERIES_KEY = DELIVERIES.name, DELIVERIES.sheet_key
