"""The `Customers` rows: one per customer however they were identified, with contact history and consent."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from wa_pipeline.message import Event, Message
from wa_pipeline.sheets.cell_safety import safe_cell

CUSTOMERS_TAB = "Customers"
CUSTOMERS_KEY = "customer_id"
CUSTOMERS_COLUMNS = (
    "customer_id",
    "name",
    "other_names",
    "phone",
    "user_id",
    "first_contact",
    "last_contact",
    "chats",
    "marketing",
    "first_ad",
    "link_confidence",
)


def _ad(referral: str | None) -> str:
    if not referral:
        return ""
    ad = json.loads(referral)
    said = ad.get("headline") or ad.get("body") or ad.get("source_url") or ""
    return f"{said} ({ad.get('source_type') or 'ad'} {ad.get('source_id') or ''})".replace(" )", ")").strip()


def build_customer_rows(
    customers: Iterable[dict],
    messages: Iterable[Message],
    consent: Iterable[Event],
    customer_of_message: Callable[[Message], str | None],
    customer_of_event: Callable[[Event], str | None],
    tz: ZoneInfo,
) -> list[dict[str, object]]:
    """Rows from `ContactStore.customers()`, the landed messages and the consent events, oldest customer first.

    The two callables say which customer a message or event belongs to (e.g. `ContactStore.customer_of` over
    `identities.message_customer_keys`); a message of nobody known (the business's own group chat) is skipped.
    """
    seen: dict[str, list[Message]] = {}
    for message in sorted(messages, key=lambda m: (m.sent_at, m.message_id)):
        customer = customer_of_message(message)
        if customer is not None:
            seen.setdefault(customer, []).append(message)
    marketing: dict[str, Event] = {}
    for event in sorted(consent, key=lambda e: e.occurred_at):
        customer = customer_of_event(event)
        if customer is not None and event.kind == "consent":
            marketing[customer] = event

    def local(moment: datetime | None) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if moment is not None else ""

    rows = []
    for customer in customers:
        cid = customer["customer_id"]
        history = seen.get(cid, [])
        names = list(dict.fromkeys(name for name, _ in customer["names"]))
        choice = marketing.get(cid)
        rows.append(
            {
                "customer_id": cid,
                "name": safe_cell(names[-1] if names else ""),
                "other_names": safe_cell("; ".join(names[:-1])),
                "phone": "; ".join(customer["phones"]),
                "user_id": "; ".join(customer["user_ids"]),
                "first_contact": local(history[0].sent_at if history else None),
                "last_contact": local(history[-1].sent_at if history else None),
                "chats": len({m.chat_id for m in history}),
                "marketing": (
                    f"{'stopped' if choice.data.get('value') == 'stop' else 'resumed'} {local(choice.occurred_at)}"
                    if choice is not None
                    else ""
                ),
                "first_ad": safe_cell(next((_ad(m.referral) for m in history if m.referral), "")),
                "link_confidence": customer["confidence"],
            }
        )
    return rows
