"""The `Customers` tab: one row per customer however they were identified (phone, business-scoped user id, the
name an export shows), with their names, chats, first and last contact, messages, marketing consent and first ad.

Who a customer is comes from the contacts table (`ContactStore`); a row covers every message of that customer,
whichever source brought it, so re-running any day writes the same row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.message import Message, is_bsuid
from wa_pipeline.sheets.tab_spec import TabSpec, empty_rows
from wa_pipeline.sheets.tabs.ads import ad_in_words
from wa_pipeline.store.name_key import name_key

# What a person reads in the consent column, from the ledger's states.
CONSENT_WORDS = {"opted_out": "opted out", "opted_in": "opted in"}
UNKNOWN_CONSENT = "unknown"
# One record per customer active on a day, times in UTC: what the `customer_records` asset stores.
RECORD_COLUMNS = (
    "customer_id",
    "name",
    "other_names",
    "phone",
    "user_id",
    "username",
    "first_contact",
    "last_contact",
    "chats",
    "messages",
    "consent",
    "consent_changed",
    "first_ad",
    "link_confidence",
)
_COLUMNS = RECORD_COLUMNS


class ConsentChange(Protocol):
    """An entry of the consent ledger (`privacy.consent.ConsentEntry`): who, when, and which way."""

    customer: str  # +E.164, or the name a chat shows
    at: datetime
    state: str  # opted_out, opted_in


def customer_key(phone: str | None = None, user_id: str | None = None, name: str | None = None) -> str | None:
    """The contacts table's key for the strongest identifier given ("phone:+1650...", "bsuid:...", "name:...")."""
    if phone:
        return f"phone:{phone}"
    if user_id:
        return f"bsuid:{user_id}"
    return f"name:{name_key(name)}" if name else None


def consent_by_customer(
    ledger: Iterable[ConsentChange], owner: Callable[[str], str | None]
) -> dict[str, ConsentChange]:
    """Each customer's latest consent change; `owner` maps a ledger entry's customer (+E.164, a BSUID or a name) to
    a customer id, and an entry of nobody known is left out."""
    latest: dict[str, ConsentChange] = {}
    for entry in sorted(ledger, key=lambda e: e.at):
        who = entry.customer
        key = (
            customer_key(phone=who)
            if who.startswith("+")
            else customer_key(user_id=who)
            if is_bsuid(who)
            else customer_key(name=who)
        )
        customer = owner(key or "")
        if customer is not None:
            latest[customer] = entry
    return latest


def customer_records(
    customers: Iterable[Mapping],
    messages: Iterable[Message],
    customer_of_message: Callable[[Message], str | None],
    consent: Mapping[str, ConsentChange],
    start: datetime,
    end: datetime,
) -> pd.DataFrame:
    """Records of the customers (`ContactStore.customers()`) who wrote in [start, end), each over all their messages.

    `messages` are every landed message from customers (the business's own left out by the caller);
    `customer_of_message` says whose a message is (None: nobody known, e.g. a group chat of the business).
    """
    history: dict[str, list[Message]] = {}
    for message in sorted(messages, key=lambda m: (m.sent_at, m.message_id)):
        customer = customer_of_message(message)
        if customer is not None:
            history.setdefault(customer, []).append(message)
    records = []
    for customer in customers:
        cid = customer["customer_id"]
        mine = history.get(cid, [])
        if not any(start <= m.sent_at < end for m in mine):
            continue
        names = list(dict.fromkeys(name for name, _ in customer["names"]))
        choice = consent.get(cid)
        records.append(
            {
                "customer_id": cid,
                "name": names[-1] if names else "",
                "other_names": "; ".join(names[:-1]),
                "phone": "; ".join(customer["phones"]),
                "user_id": "; ".join(customer["user_ids"]),
                # The latest: the one the business's app shows now.
                "username": (customer.get("usernames") or [""])[-1],
                "first_contact": mine[0].sent_at,
                "last_contact": mine[-1].sent_at,
                "chats": len({m.chat_id for m in mine}),
                "messages": len(mine),
                "consent": CONSENT_WORDS.get(choice.state, UNKNOWN_CONSENT) if choice is not None else UNKNOWN_CONSENT,
                "consent_changed": choice.at if choice is not None else None,
                "first_ad": next((ad_in_words(m.referral) for m in mine if m.referral), ""),
                "link_confidence": float(customer["confidence"]),
            }
        )
    if not records:
        return empty_rows(RECORD_COLUMNS)
    frame = pd.DataFrame(records, columns=list(RECORD_COLUMNS))
    for column in ("first_contact", "last_contact", "consent_changed"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame.sort_values(["first_contact", "customer_id"], kind="stable").reset_index(drop=True)


def _local(values: pd.Series, tz: ZoneInfo) -> list:
    moments = pd.to_datetime(values, utc=True).dt.tz_convert(tz).dt.tz_localize(None)
    return [None if pd.isna(m) else m.to_pydatetime() for m in moments]


def _build(records: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """A day's customer records as the tab's typed rows: local times, counts as numbers."""
    if records.empty:
        return empty_rows(_COLUMNS)
    rows = records.loc[:, list(_COLUMNS)].copy()
    for column in ("first_contact", "last_contact", "consent_changed"):
        rows[column] = _local(records[column], tz)
    rows["chats"] = [int(n) for n in records["chats"]]
    rows["messages"] = [int(n) for n in records["messages"]]
    rows["link_confidence"] = [round(float(c), 2) for c in records["link_confidence"]]
    return rows.reset_index(drop=True)


CUSTOMERS = TabSpec(
    name="Customers",
    key="customer_id",
    columns=_COLUMNS,
    build=_build,
    description="The Customers tab: one row per customer however WhatsApp identified them, with their chats, first "
    "and last contact, messages and marketing consent.",
    position=5,
    # Customer ids are the contacts table's (`ContactStore`, "cust_..."): the business's own row, listed before
    # WA_BUSINESS_SENDERS named it, goes on the next sync once no stored day gives it.
    derived_prefix="cust_",
    headers={
        "customer_id": "Customer ID",
        "name": "Name",
        "other_names": "Other names",
        "phone": "Phone",
        "user_id": "WhatsApp user ID",
        "username": "Username",
        "first_contact": "First contact",
        "last_contact": "Last contact",
        "chats": "Chats",
        "messages": "Messages",
        "consent": "Marketing consent",
        "consent_changed": "Consent changed",
        "first_ad": "First ad",
        "link_confidence": "Link confidence",
    },
)
# The tab and the header of its key, for what finds rows by them (`privacy.forget` deletes a forgotten customer's).
CUSTOMERS_TAB, CUSTOMERS_KEY = CUSTOMERS.name, CUSTOMERS.sheet_key
