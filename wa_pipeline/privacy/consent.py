"""The consent ledger: who opted out of (or back into) marketing messages, when, and how we know.

Two sources: the Cloud API's `user_preferences` field (stored as `consent` events: `marketing_messages` `stop` or
`resume`), and customers' own messages that clearly ask (`nlp.opt_out`). The ledger is a plain list in time order;
`sent_after_opt_out` is the rule a check applies, `consent_frame` the day's ledger as the `Consent` tab is built from;
each customer's latest word (the Customers tab's consent column) is `sheets.tabs.customers.consent_by_customer`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from wa_pipeline.message import Event, Message, cloud_chat_parts
from wa_pipeline.nlp.opt_out import consent_request

if TYPE_CHECKING:
    import pandas as pd

State = Literal["opted_out", "opted_in"]
CONSENT_COLUMNS = ("reference", "customer", "at", "state", "source", "text")
CONSENT_KEY = "reference"
_PREFERENCE = {"stop": "opted_out", "resume": "opted_in"}


@dataclass(frozen=True)
class ConsentEntry:
    customer: str  # +E.164 for Cloud API customers; the chat's name for an export's one-to-one chat
    at: datetime
    state: State
    source: Literal["user_preferences", "message"]
    reference: str  # the event id or the message id it came from
    text: str = ""  # the customer's words, for an entry read from a message


def customer_of(message: Message) -> str:
    """Who the chat is with: the number (or BSUID) ending a Cloud API chat id, else the chat's name."""
    parts = cloud_chat_parts(message.chat_id) if message.source == "cloud_api" else None
    if parts is not None:
        # A BSUID stays as Meta writes it, as a consent event names such a customer.
        return "+" + parts[1] if parts[1].isdigit() else parts[1]
    return message.chat_name or message.chat_id


def from_business(message: Message, business_names: Collection[str] = ()) -> bool:
    """Sent by the business: an echo from its phone number id, or an export line under one of its names."""
    parts = cloud_chat_parts(message.chat_id) if message.source == "cloud_api" else None
    if parts is not None:
        return message.sender_id == parts[0]
    return (message.sender_name or "").casefold() in {name.casefold() for name in business_names}


def consent_ledger(
    events: Iterable[Event], messages: Iterable[Message], business_names: Collection[str] = ()
) -> list[ConsentEntry]:
    """Every opt-out and opt-in, oldest first."""
    entries = []
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        state = _PREFERENCE.get(str(data.get("value", "")).lower())
        if event.kind != "consent" or data.get("category") != "marketing_messages" or state is None:
            continue
        customer = str(event.customer or "")
        customer = customer if customer.startswith("+") or not customer.isdigit() else "+" + customer
        entries.append(ConsentEntry(customer, event.occurred_at, state, "user_preferences", event.event_id))
    for message in messages:
        if from_business(message, business_names):
            continue
        asked = consent_request(message.text)
        if asked is not None:
            state = "opted_out" if asked == "opt_out" else "opted_in"
            entries.append(
                ConsentEntry(
                    customer_of(message), message.sent_at, state, "message", message.message_id, message.text or ""
                )
            )
    return sorted(entries, key=lambda entry: (entry.at, entry.reference))


def sent_after_opt_out(
    ledger: Sequence[ConsentEntry], messages: Iterable[Message], business_names: Collection[str] = ()
) -> list[str]:
    """Ids of business messages sent to a customer whose latest word before them was an opt-out."""
    flagged = []
    for message in messages:
        if not from_business(message, business_names):
            continue
        customer = customer_of(message)
        latest = [entry for entry in ledger if entry.customer == customer and entry.at <= message.sent_at]
        if latest and latest[-1].state == "opted_out":
            flagged.append(message.message_id)
    return flagged


def consent_frame(ledger: Sequence[ConsentEntry]) -> pd.DataFrame:
    """The ledger as a frame in `CONSENT_COLUMNS` (times tz-aware UTC): one row per entry, keyed by its reference."""
    import pandas as pd

    frame = pd.DataFrame(
        {column: pd.Series([getattr(entry, column) for entry in ledger], dtype=object) for column in CONSENT_COLUMNS},
        columns=list(CONSENT_COLUMNS),
    )
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame
