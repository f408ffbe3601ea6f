"""Cloud API webhook bodies to canonical records: messages, delivery statuses, and what could not be read."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wa_pipeline.message import MediaRef, Message, StatusUpdate, stable_id

MEDIA_TYPES = frozenset({"image", "audio", "video", "document", "sticker"})
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


class MalformedElement(ValueError):
    """An element of the body that does not have the shape the Cloud API documents."""


@dataclass(frozen=True)
class Reject:
    """One element that could not be mapped, kept whole so it can be replayed once the cause is fixed."""

    item: Any
    reason: str
    # The change's metadata and contacts: without them a replayed message element cannot name its chat.
    metadata: dict | None = None
    contacts: list | None = None

    def payload(self) -> dict:
        """What the dead-letter queue keeps: the element, with its change's context when it had one."""
        if self.metadata is not None or self.contacts:
            return {"element": self.item, "metadata": self.metadata or {}, "contacts": self.contacts or []}
        return self.item if isinstance(self.item, dict) else {"item": self.item}

    @property
    def item_key(self) -> str:
        """The wamid when the element has one (a status gets its status appended), else a hash of its JSON."""
        if isinstance(self.item, dict) and isinstance(self.item.get("id"), str) and self.item["id"]:
            status = self.item.get("status")
            return f"{self.item['id']}#{status}" if isinstance(status, str) and status else self.item["id"]
        return stable_id(json.dumps(self.item, sort_keys=True, ensure_ascii=False, default=str), prefix="sha256:")


@dataclass(frozen=True)
class ParsedWebhook:
    messages: list[Message] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    # Subscribed fields that carry no messages (template status, account updates...): named, not mapped.
    ignored_fields: list[str] = field(default_factory=list)


def parse_webhook(body: Any) -> ParsedWebhook:
    """Map one webhook body; a malformed element becomes a Reject and never takes its siblings with it."""
    parsed = ParsedWebhook()
    if not isinstance(body, dict):
        parsed.rejects.append(Reject(body, "webhook body is not a JSON object"))
        return parsed
    if body.get("object") != "whatsapp_business_account":
        parsed.rejects.append(Reject(body, f"object is {body.get('object')!r}, not 'whatsapp_business_account'"))
        return parsed
    entries = body.get("entry")
    if not isinstance(entries, list):
        parsed.rejects.append(Reject(body, "entry is not a list"))
        return parsed
    for entry in entries:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            parsed.rejects.append(Reject(entry, "entry has no list of changes"))
            continue
        for change in changes:
            _parse_change(change, parsed)
    return parsed


def _parse_change(change: Any, parsed: ParsedWebhook) -> None:
    if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
        parsed.rejects.append(Reject(change, "change has no value object"))
        return
    if change.get("field") != "messages":
        parsed.ignored_fields.append(str(change.get("field")))
        return
    value = change["value"]
    metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
    phone_number_id = metadata.get("phone_number_id")
    contacts = [c for c in value.get("contacts") or [] if isinstance(c, dict)]

    for element in _elements(value, "messages", parsed):
        try:
            parsed.messages.append(_message(element, phone_number_id, contacts))
        except Exception as exc:
            parsed.rejects.append(Reject(element, _reason(exc), metadata, contacts))
    for element in _elements(value, "statuses", parsed):
        try:
            parsed.statuses.append(_status(element))
        except Exception as exc:
            parsed.rejects.append(Reject(element, _reason(exc), metadata))
    # Errors Meta reports for the whole change (e.g. a message it could not hand over) are kept for a person to see.
    for error in _elements(value, "errors", parsed):
        details = error if isinstance(error, dict) else {}
        code, title = details.get("code"), details.get("title") or details.get("message")
        parsed.rejects.append(Reject(error, f"Meta reported an error: {code} {title}".strip()))


def _elements(value: dict, key: str, parsed: ParsedWebhook) -> list:
    items = value.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        parsed.rejects.append(Reject({key: items}, f"{key} is not a list"))
        return []
    return items


def _reason(exc: Exception) -> str:
    if isinstance(exc, MalformedElement):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _require(obj: Any, key: str, what: str) -> Any:
    if not isinstance(obj, dict) or obj.get(key) in (None, ""):
        raise MalformedElement(f"{what}.{key} is missing")
    return obj[key]


def _unix_time(value: Any, what: str) -> datetime:
    # Meta sends the unix time as a string of digits; an int is accepted, anything else is malformed.
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip().isdigit():
        raise MalformedElement(f"{what}.timestamp {value!r} is not a unix time")
    return datetime.fromtimestamp(int(value), tz=UTC)


def normalise_sha256(value: Any) -> str | None:
    """Lowercase hex whether Meta sent hex (documented examples) or base64 (what webhooks carry in practice)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if _HEX_SHA256.fullmatch(text):
        return text.lower()
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            digest = decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            continue
        if len(digest) == 32:
            return digest.hex()
    # Not a sha256 we can read: the original stays in raw, the field stays empty rather than wrong.
    return None


def _contact_for(element: dict, contacts: list[dict]) -> dict | None:
    sender, sender_user_id = element.get("from"), element.get("from_user_id")
    for contact in contacts:
        if (sender and contact.get("wa_id") == sender) or (sender_user_id and contact.get("user_id") == sender_user_id):
            return contact
    # `from` and wa_id can legitimately differ (e.g. Brazilian and Mexican numbers); one contact is the sender.
    return contacts[0] if len(contacts) == 1 else None


def _message(element: Any, phone_number_id: Any, contacts: list[dict]) -> Message:
    if not isinstance(element, dict):
        raise MalformedElement("message is not a JSON object")
    wamid = _require(element, "id", "message")
    if not isinstance(wamid, str):
        raise MalformedElement("message.id is not a string")
    kind_name = _require(element, "type", "message")
    sent_at = _unix_time(element.get("timestamp"), "message")
    if not phone_number_id:
        raise MalformedElement("metadata.phone_number_id is missing")

    contact = _contact_for(element, contacts)
    profile = contact.get("profile") if contact and isinstance(contact.get("profile"), dict) else {}
    # Business-scoped user ids (2026) stand in where a user's phone number is withheld.
    sender_id = element.get("from") or element.get("from_user_id")
    customer = (contact or {}).get("wa_id") or (contact or {}).get("user_id") or sender_id
    if not customer:
        raise MalformedElement("message has neither from nor a contact to say who sent it")
    sender_name = profile.get("name") or None
    group_id = element.get("group_id")
    if group_id:
        chat_id, chat_name = f"wa:{phone_number_id}:group:{group_id}", str(group_id)
    else:
        chat_id, chat_name = f"wa:{phone_number_id}:{customer}", sender_name or str(customer)

    context = element.get("context") if isinstance(element.get("context"), dict) else {}
    content = _content(kind_name, element)
    return Message(
        message_id=wamid,
        chat_id=chat_id,
        chat_name=chat_name,
        sender_id=str(sender_id) if sender_id else None,
        sender_name=sender_name,
        sent_at=sent_at,
        kind=content.kind,
        text=content.text,
        caption=content.caption,
        media=content.media,
        reply_to=content.reply_to or context.get("id") or None,
        forwarded=bool(context.get("forwarded") or context.get("frequently_forwarded")),
        source="cloud_api",
        raw=json.dumps(element, ensure_ascii=False),
    )


@dataclass(frozen=True)
class _Content:
    kind: str
    text: str | None = None
    caption: str | None = None
    media: MediaRef | None = None
    reply_to: str | None = None


def _content(kind_name: str, element: dict) -> _Content:
    body = element.get(kind_name)
    if kind_name == "text":
        return _Content("text", text=_text(_require(body, "body", "text")))
    if kind_name in MEDIA_TYPES:
        return _media_content(kind_name, body)
    if kind_name == "location":
        return _Content("location", text=_location_text(body))
    if kind_name == "contacts":
        return _Content("contacts", text=_contacts_text(body))
    if kind_name == "interactive":
        return _Content("interactive", text=_interactive_text(body))
    if kind_name == "button":
        if not isinstance(body, dict):
            raise MalformedElement("button is missing")
        return _Content("button", text=_text(body.get("text") or body.get("payload")))
    if kind_name == "reaction":
        target = _require(body, "message_id", "reaction")
        # A removed reaction arrives without an emoji (or with an empty one).
        return _Content("reaction", text=body.get("emoji") or None, reply_to=target)
    if kind_name == "order":
        return _Content("order", text=_order_text(body))
    if kind_name == "system":
        if not isinstance(body, dict):
            raise MalformedElement("system is missing")
        return _Content("system", text=_text(body.get("body")))
    if kind_name == "request_welcome":
        # A user opening the chat for the first time: an event in the conversation, not something they said.
        return _Content("system", text="conversation opened (request_welcome)")
    if kind_name == "edit":
        original = _require(body, "original_message_id", "edit")
        edited = body.get("message") if isinstance(body.get("message"), dict) else {}
        return _Content("text", text=_edited_text(edited), reply_to=original)
    if kind_name == "revoke":
        return _Content("deleted", reply_to=_require(body, "original_message_id", "revoke"))
    # "unsupported" and any type newer than this code: the message is kept, its content (and errors) in raw.
    return _Content("unsupported")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedElement(f"expected text, got {type(value).__name__}")
    return value


def _media_content(kind_name: str, body: Any) -> _Content:
    if not isinstance(body, dict):
        raise MalformedElement(f"{kind_name} object is missing")
    media = MediaRef(
        remote_id=body.get("id") or None,
        mime=body.get("mime_type") or None,
        sha256=normalise_sha256(body.get("sha256")),
        filename=(body.get("filename") or None) if kind_name == "document" else None,
    )
    kind = "voice" if kind_name == "audio" and body.get("voice") is True else kind_name
    return _Content(kind, caption=_text(body.get("caption")) or None, media=media)


def _location_text(body: Any) -> str:
    if not isinstance(body, dict):
        raise MalformedElement("location object is missing")
    latitude, longitude = body.get("latitude"), body.get("longitude")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (latitude, longitude)):
        raise MalformedElement("location.latitude/longitude are not numbers")
    parts = [body.get("name"), body.get("address"), f"{latitude},{longitude}"]
    return "\n".join(str(p) for p in parts if p)


def _contacts_text(body: Any) -> str:
    if not isinstance(body, list) or not body:
        raise MalformedElement("contacts is not a non-empty list")
    lines = []
    for card in body:
        if not isinstance(card, dict):
            raise MalformedElement("a shared contact is not an object")
        name = card.get("name") if isinstance(card.get("name"), dict) else {}
        display = (
            name.get("formatted_name")
            or " ".join(str(name[k]) for k in ("first_name", "last_name") if name.get(k))
            or "(no name)"
        )
        phones = [p.get("phone") or p.get("wa_id") for p in card.get("phones") or [] if isinstance(p, dict)]
        phones = [str(p) for p in phones if p]
        lines.append(f"{display}: {', '.join(phones)}" if phones else display)
    return "\n".join(lines)


def _interactive_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        raise MalformedElement("interactive object is missing")
    reply_type = body.get("type")
    reply = body.get(reply_type) if isinstance(reply_type, str) else None
    if reply_type in ("button_reply", "list_reply"):
        return _text(_require(reply, "title", reply_type))
    if reply_type == "nfm_reply":
        # A Flow's answers: the JSON the user submitted is the content worth keeping.
        return _text(_require(reply, "response_json", "nfm_reply"))
    if isinstance(reply, dict):
        return _text(reply.get("title") or reply.get("body"))
    return None


def _order_text(body: Any) -> str:
    if not isinstance(body, dict) or not isinstance(body.get("product_items"), list):
        raise MalformedElement("order.product_items is missing")
    lines = []
    for item in body["product_items"]:
        if not isinstance(item, dict):
            raise MalformedElement("an order item is not an object")
        price = (
            f" @ {item['item_price']} {item.get('currency') or ''}".rstrip()
            if item.get("item_price") is not None
            else ""
        )
        lines.append(f"{item.get('quantity', '?')} x {item.get('product_retailer_id', '?')}{price}")
    header = f"Order from catalog {body.get('catalog_id')}" if body.get("catalog_id") else "Order"
    note = [str(body["text"])] if body.get("text") else []
    return "\n".join([f"{header}:", *lines, *note])


def _edited_text(edited: dict) -> str | None:
    inner_type = edited.get("type")
    inner = edited.get(inner_type) if isinstance(inner_type, str) else None
    if not isinstance(inner, dict):
        return None
    return _text(inner.get("body") if inner_type == "text" else inner.get("caption"))


def _status(element: Any) -> StatusUpdate:
    if not isinstance(element, dict):
        raise MalformedElement("status is not a JSON object")
    wamid = _require(element, "id", "status")
    status = _require(element, "status", "status")
    errors = element.get("errors") or []
    if not isinstance(errors, list):
        raise MalformedElement("status.errors is not a list")
    return StatusUpdate(
        message_id=str(wamid),
        status=str(status),
        at=_unix_time(element.get("timestamp"), "status"),
        recipient_id=element.get("recipient_id") or element.get("recipient_user_id") or None,
        errors=[e if isinstance(e, dict) else {"error": e} for e in errors],
        raw=json.dumps(element, ensure_ascii=False),
    )
