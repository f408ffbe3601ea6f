"""The `Orders` tab: one row per order conversation of a customer, keyed by order_id, from the enriched messages.

An order is what a customer asks for until it is paid: a customer's messages (and the business's replies to them)
form one order; a new request for goods after a confirmed payment starts the next one. A payment is a customer's
message carrying both an amount and a transaction reference (M-Pesa, bank), so it rests on what the extractor's
rules find, not on the intent model's guess. Orders span days, so the tab is built from every day's messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.business_senders import BusinessSenders
from wa_pipeline.message import stable_id
from wa_pipeline.sheets.tab_spec import TabSpec, empty_rows
from wa_pipeline.sheets.tabs.ads import ad_in_words
from wa_pipeline.sheets.tabs.messages import first_amount, with_amount

_COLUMNS = (
    "order_id",
    "date",
    "chat",
    "customer",
    "first_message_at",
    "first_message",
    "items",
    "paid",
    "currency",
    "payment_reference",
    "payment_confirmed",
    "delivery_date",
    "delivery_place",
    "status",
    "minutes_to_payment",
    "last_message_at",
    "messages",
    "ad",
)
# Later milestones win; a cancellation or a complaint is what a person must act on, whatever came before.
STATUS_ORDER = ("inquiry", "ordered", "paid", "delivered", "complaint", "cancelled")
_DELIVERED = re.compile(r"\bdelivered\b", re.IGNORECASE)
_SILENT_KINDS = frozenset({"system", "deleted", "reaction"})


@dataclass
class _Order:
    chat: str
    customer: str
    messages: list = field(default_factory=list)  # rows of the enriched frame, in send order
    payments: list = field(default_factory=list)  # (sent_at, amount, currency, reference)
    statuses: set = field(default_factory=set)


def _named_business() -> BusinessSenders | None:
    """The senders WA_BUSINESS_SENDERS names, as the threads stage reads them; None when it names nobody."""
    from wa_pipeline.settings import get_settings

    named = BusinessSenders.of(get_settings().business_senders, chat_name_is_business=False)
    return named if named.names or named.ids else None


def _is_business(row, named: BusinessSenders | None) -> bool:
    if named is not None:
        # A shop owner's export is named after the customer: once the business is named, only it is the business.
        return named.is_business(
            getattr(row, "source", None), row.chat_id, row.chat_name, getattr(row, "sender_id", None), row.sender_name
        )
    # As the threads stage decides by default: in an export, the business writes under the chat's name.
    return (
        isinstance(row.sender_name, str)
        and isinstance(row.chat_name, str)
        and (row.sender_name.casefold() == row.chat_name.casefold())
    )


def _transactions(references: object) -> list[str]:
    return [r.split(":", 1)[1] for r in str(references or "").split("; ") if r.startswith("transaction:")]


def _mentioned(text: object, customers: list[str]) -> str | None:
    """The customer a business message names by first name ("Noted Wanjiku"), if exactly one."""
    words = set(re.findall(r"\w+", str(text or "").casefold()))
    named = [c for c in customers if c.split()[0].casefold() in words]
    return named[0] if len(named) == 1 else None


def _build(enriched: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """Rows for every order conversation in the messages, in order of their first message."""
    if enriched.empty:
        return empty_rows(_COLUMNS)
    ordered = with_amount(enriched).sort_values(["chat_id", "sent_at", "message_id"], kind="stable")
    named = _named_business()
    orders: list[_Order] = []
    for _, chat in ordered.groupby("chat_id", sort=False):
        current: dict[str, _Order] = {}  # customer -> their open order
        last_customer: str | None = None
        for row in chat.itertuples(index=False):
            if row.kind in _SILENT_KINDS or not isinstance(row.sender_name, str):
                continue
            if _is_business(row, named):
                customer = _mentioned(row.text, list(current)) or last_customer
                if customer in current:
                    _add(current[customer], row, from_customer=False)
                continue
            customer, last_customer = row.sender_name, row.sender_name
            order = current.get(customer)
            asks = _asks(row)
            if order is None or (asks and order.payments):
                order = _Order(chat=row.chat_name if isinstance(row.chat_name, str) else row.chat_id, customer=customer)
                orders.append(order)
                current[customer] = order
            _add(order, row, from_customer=True)
    rows = [_row(order, tz) for order in orders if order.statuses]
    if not rows:
        return empty_rows(_COLUMNS)
    frame = pd.DataFrame(rows, columns=list(_COLUMNS))
    return frame.sort_values(["first_message_at", "order_id"], kind="stable").reset_index(drop=True)


def _asks(row) -> bool:
    """Whether a customer's message asks for goods: an order, or counted goods outside a complaint, a cancellation
    or feedback ("One tray has a dent" counts the tray that went wrong, it orders none)."""
    if row.intent == "order":
        return True
    return bool(row.quantities) and row.intent not in ("complaint", "cancellation", "feedback")


def _add(order: _Order, row, *, from_customer: bool) -> None:
    order.messages.append(row)
    if from_customer:
        if row.intent == "inquiry":
            order.statuses.add("inquiry")
        if _asks(row):
            order.statuses.add("ordered")
        references = _transactions(row.references)
        amount, currency = first_amount(row.amount)
        if references and amount is not None:
            order.payments.append((row.sent_at, amount, currency, references[0]))
            order.statuses.add("paid")
        if row.intent == "complaint":
            order.statuses.add("complaint")
        if row.intent == "cancellation":
            order.statuses.add("cancelled")
    if _DELIVERED.search(str(row.text or "")) and order.statuses:
        order.statuses.add("delivered")


def _row(order: _Order, tz: ZoneInfo) -> dict:
    first, last = order.messages[0], order.messages[-1]
    started = pd.Timestamp(first.sent_at).tz_convert(tz)
    customer_rows = [m for m in order.messages if m.sender_name == order.customer]
    items = list(dict.fromkeys(q for m in customer_rows for q in str(m.quantities or "").split("; ") if q))
    dates = [d for m in order.messages for d in str(m.dates or "").split("; ") if d]
    places = list(dict.fromkeys(p for m in order.messages for p in str(m.places or "").split("; ") if p))
    paid = sum(amount for _, amount, _, _ in order.payments)
    first_payment = min((at for at, *_ in order.payments), default=None)
    return {
        "order_id": stable_id(first.chat_id, first.message_id, prefix="ord_"),
        "date": started.date(),
        "chat": order.chat,
        "customer": order.customer,
        "first_message_at": started.tz_localize(None),
        "first_message": str(first.text or ""),
        "items": "; ".join(items),
        "paid": round(paid, 2) if order.payments else None,
        "currency": order.payments[0][2] if order.payments else "",
        "payment_reference": "; ".join(reference for *_, reference in order.payments),
        "payment_confirmed": bool(order.payments),
        "delivery_date": dates[0] if dates else "",
        "delivery_place": "; ".join(places),
        "status": max(order.statuses, key=STATUS_ORDER.index),
        "minutes_to_payment": (
            round((pd.Timestamp(first_payment) - pd.Timestamp(first.sent_at)).total_seconds() / 60, 1)
            if first_payment is not None
            else None
        ),
        "last_message_at": pd.Timestamp(last.sent_at).tz_convert(tz).tz_localize(None),
        "messages": len(order.messages),
        # The click-to-WhatsApp ad the customer came from (Cloud API messages carry it; exports never do).
        "ad": next(
            (ad_in_words(getattr(m, "referral", None)) for m in customer_rows if getattr(m, "referral", None)), ""
        ),
    }


ORDERS = TabSpec(
    name="Orders",
    key="order_id",
    columns=_COLUMNS,
    build=_build,
    description="The Orders tab: one row per customer order, what was asked for, what was paid and where it stands.",
    position=1,
    # Order ids are stable_id(..., prefix="ord_"): a row with one that no build gives any more goes on the next sync.
    derived_prefix="ord_",
    headers={
        "order_id": "Order ID",
        "date": "Date",
        "chat": "Chat",
        "customer": "Customer",
        "first_message_at": "First message at",
        "first_message": "First message",
        "items": "Items",
        "paid": "Paid",
        "currency": "Currency",
        "payment_reference": "Payment reference",
        "payment_confirmed": "Payment confirmed",
        "delivery_date": "Delivery date",
        "delivery_place": "Delivery place",
        "status": "Status",
        "minutes_to_payment": "Minutes to payment",
        "last_message_at": "Last message at",
        "messages": "Messages",
        "ad": "Ad",
    },
)


def order_summary(rows: pd.DataFrame) -> dict[str, float]:
    """Paid totals per day (local date), what a person sums in the tab with SUMIF."""
    paid = rows[rows["payment_confirmed"] == True]  # noqa: E712 - cells are Python booleans
    return {str(day): float(total) for day, total in paid.groupby("date")["paid"].sum().items()}
