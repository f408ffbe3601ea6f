"""Who the senders of a chat export are, as sightings for the contacts table (webhooks bring their own)."""

from __future__ import annotations

from collections.abc import Iterable

import phonenumbers

from wa_pipeline.message import Message, Sighting

# An export names a sender the way the exporting phone saved them: the same person as a webhook's profile name
# more often than not, but a name is not an identity.
EXPORT_NAME_CONFIDENCE = 0.8


def export_phone(name: str, region: str) -> str | None:
    """The E.164 number when an export's sender is an unsaved contact shown as a number ("+254 712 345 678")."""
    stripped = name.strip().replace("\u202a", "").replace("\u202c", "")
    if not stripped or not any(c.isdigit() for c in stripped) or any(c.isalpha() for c in stripped):
        return None
    try:
        number = phonenumbers.parse(stripped, region)
    except phonenumbers.NumberParseException:
        return None
    return (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if phonenumbers.is_possible_number(number)
        else None
    )


def export_sightings(messages: Iterable[Message], region: str, business_names: Iterable[str] = ()) -> list[Sighting]:
    """One sighting per export sender (by phone for unsaved contacts, by name otherwise), the business left out."""
    business = {name.casefold() for name in business_names}
    # The first and the last time each sender was seen are what the customers table keeps.
    first: dict[str, Sighting] = {}
    last: dict[str, Sighting] = {}
    for message in messages:
        name = message.sender_name
        if message.source != "chat_export" or message.kind == "system" or not name or name.casefold() in business:
            continue
        phone = export_phone(name, region)
        sighting = (
            Sighting(source="chat_export", seen_at=message.sent_at, phone=phone)
            if phone
            else Sighting(
                source="chat_export", seen_at=message.sent_at, name=name, name_confidence=EXPORT_NAME_CONFIDENCE
            )
        )
        if name not in first or sighting.seen_at < first[name].seen_at:
            first[name] = sighting
        if name not in last or sighting.seen_at > last[name].seen_at:
            last[name] = sighting
    return [*first.values(), *(s for name, s in last.items() if s is not first[name])]


def message_customer_keys(message: Message, region: str) -> dict[str, str | None]:
    """How a message names its customer, as `ContactStore.customer_of` keys (phone, user_id, name).

    A Cloud API chat is "wa:<business number id>:<wa_id or BSUID>", whoever wrote; an export names its sender.
    """
    if message.source == "cloud_api":
        customer = message.chat_id.split(":", 2)[-1]
        if customer.startswith("group:"):
            return {"phone": None, "user_id": None, "name": None}
        digits = customer.lstrip("+")
        return (
            {"phone": f"+{digits}", "user_id": None, "name": None}
            if digits.isdigit()
            else {
                "phone": None,
                "user_id": customer,
                "name": None,
            }
        )
    name = message.sender_name or ""
    phone = export_phone(name, region) if name else None
    return {"phone": phone, "user_id": None, "name": None if phone else (name or None)}
