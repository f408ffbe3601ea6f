"""Cloud API webhook bodies to canonical records: messages, delivery statuses, events, and what could not be read.

The body is split into its elements on its bytes first (`raw_json`), so an element that cannot be decoded or
stored (nested too deep, bad UTF-8, an id holding control characters, a time outside the landing window) becomes
a `Reject` holding its exact bytes and a replayable body, while its siblings are mapped as usual.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from wa_pipeline.message import (
    MEDIA_PLACEHOLDER,
    Event,
    MediaRef,
    Message,
    Sighting,
    StatusUpdate,
    has_unsafe_characters,
    landing_window_problem,
    normalise_text,
    stable_id,
)
from wa_pipeline.whatsapp.raw_json import DecodedJson, RawJson, UnreadableJson

# The text of a reaction the customer took back (Meta sends it with an empty emoji).
REACTION_REMOVED = "reaction removed"
MEDIA_TYPES = frozenset({"image", "audio", "video", "document", "sticker"})
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_OBJECT = b"whatsapp_business_account"
# Fields that report on the account rather than on a conversation: each change is one account event.
ACCOUNT_FIELDS = frozenset(
    {
        "account_update",
        "account_alerts",
        "account_review_update",
        "business_capability_update",
        "message_template_status_update",
        "message_template_quality_update",
        "message_template_components_update",
        "template_category_update",
        "phone_number_name_update",
        "phone_number_quality_update",
        "payment_configuration_update",
        "partner_solutions",
        # Two-step verification PIN changes and resets on the business's number; a Flow's status and error alerts.
        "security",
        "flows",
        # The business's calling settings changed; its business status; Meta's re-check of a template's category.
        "account_settings_update",
        "business_status_update",
        "template_correct_category_detection",
        # The business's username (2026): reserved, approved, or changed.
        "business_username_updates",
    }
)
# The field Meta names for each kind of element a change's value carries.
MESSAGE_FIELDS = {"messages": "messages", "smb_message_echoes": "message_echoes", "message_echoes": "message_echoes"}


class MalformedElement(ValueError):
    """An element of the body that does not have the shape the Cloud API documents."""


def _storable(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, TypeError, RecursionError):
        return False
    return True


@dataclass(frozen=True)
class Reject:
    """One element that could not be mapped, kept byte for byte so it can be replayed once the cause is fixed."""

    item: Any
    reason: str
    # The change's metadata and contacts: without them a replayed message element cannot name its chat.
    metadata: dict | None = None
    contacts: list | None = None
    # The element's bytes as they arrived, and a webhook body holding only this element in its context.
    raw: bytes = b""
    body: bytes = b""

    def payload(self) -> dict:
        """What the dead-letter queue keeps: the element (readable), its context, its raw bytes and a replay body."""
        item = self.item if _storable(self.item) else _readable(self.raw)
        if self.metadata is not None or self.contacts:
            # The context as decoded when it can be stored as it is; its exact bytes are in body_base64 anyway.
            context = {"metadata": self.metadata or {}, "contacts": self.contacts or []}
            context = {k: v if _storable(v) else _readable(json.dumps(v).encode()) for k, v in context.items()}
            payload = {"element": item, **context}
        else:
            payload = dict(item) if isinstance(item, dict) else {"item": item}
        if self.raw:
            payload["raw_base64"] = base64.b64encode(self.raw).decode("ascii")
        if self.body:
            payload["body_base64"] = base64.b64encode(self.body).decode("ascii")
        return payload

    @property
    def item_key(self) -> str:
        """The wamid when the element has one (a status gets its status appended), else a hash of its bytes."""
        if isinstance(self.item, dict) and _usable_id(self.item.get("id")):
            status = self.item.get("status")
            if isinstance(status, str) and status and not has_unsafe_characters(status):
                return f"{self.item['id']}#{status}"
            return self.item["id"]
        if self.raw:
            return "sha256:" + hashlib.sha256(self.raw).hexdigest()[:32]
        return stable_id(json.dumps(self.item, sort_keys=True, default=str), prefix="sha256:")


def _readable(raw: bytes) -> str:
    # The bytes as text for a person reading the queue; the exact bytes are in raw_base64.
    return normalise_text(raw[:4000].decode("utf-8", "replace")) or ""


def _usable_id(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not has_unsafe_characters(value)


@dataclass(frozen=True)
class ParsedWebhook:
    messages: list[Message] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    # Calls, consent, contacts, account and unknown events: every field Meta sends is kept as something.
    events: list[Event] = field(default_factory=list)
    # Kept for callers of earlier versions: every field is mapped now, so nothing is ignored.
    ignored_fields: list[str] = field(default_factory=list)
    # Set when the body itself is not a JSON object: nothing in it could be split into elements.
    body_error: str | None = None
    # Who the customers are, as this body shows them (phone, BSUID, profile name), for the contacts table.
    sightings: list[Sighting] = field(default_factory=list)


def parse_webhook(body: Any, now: datetime | None = None) -> ParsedWebhook:
    """Map one webhook body (its raw bytes, or the decoded JSON); a bad element never takes its siblings along.

    `now` is the receiving clock: records timed before 2009 or more than a day after it are rejected.
    """
    raw = bytes(body) if isinstance(body, (bytes, bytearray)) else json.dumps(body).encode("ascii")
    now = now or datetime.now(UTC)
    try:
        decoded = json.loads(raw)
    except (ValueError, RecursionError):
        decoded = _FAILED
    if decoded is not _FAILED:
        # Fast path: the body decodes whole. Only when something in it is rejected is it split again on its
        # bytes, so that every letter keeps the exact bytes that arrived.
        parsed = _Parser(now).parse(raw, DecodedJson(decoded))
        if not parsed.rejects:
            return parsed
    return _Parser(now).parse(raw)


_Wrap = Callable[[bytes], bytes]


class _Parser:
    def __init__(self, now: datetime):
        self.now = now
        self.parsed = ParsedWebhook()

    def reject(self, node: RawJson | None, item: Any, reason: str, wrap: _Wrap | None = None, **context) -> None:
        raw = node.raw if node is not None else b""
        body = wrap(raw) if wrap is not None and raw else b""
        self.parsed.rejects.append(Reject(item, normalise_text(reason) or "", raw=raw, body=body, **context))

    def parse(self, raw: bytes, root: Any = None) -> ParsedWebhook:
        try:
            root = root if root is not None else RawJson.parse(raw)
            top = root.members()
        except (UnreadableJson, ValueError, RecursionError) as exc:
            reason = f"webhook body is not a JSON object: {exc}"
            self.parsed.rejects.append(Reject(None, reason, raw=raw, body=raw))
            object.__setattr__(self.parsed, "body_error", reason)
            return self.parsed
        kind = top.get("object")
        # Meta always names the object, but SDK test suites and some relays post WhatsApp bodies without it; the
        # signature already says Meta's app sent it. Only another product's object (page, instagram) is refused.
        if kind is not None and _load_or_none(kind) != _OBJECT.decode():
            self.reject(root, None, f"object is {_readable(kind.raw)!r}, not 'whatsapp_business_account'", lambda b: b)
            return self.parsed
        entries = top.get("entry")
        if entries is None or entries.type != "array":
            self.reject(root, None, "entry is not a list", lambda b: b)
            return self.parsed
        for entry in entries.items():
            self._guarded(entry, self._entry)
        return self.parsed

    def _guarded(self, node: RawJson, walk: Callable[[RawJson], None], *args) -> None:
        # A level whose structure this walker cannot follow is kept whole; its siblings go on.
        try:
            walk(node, *args)
        except Exception as exc:
            self.reject(node, None, f"could not split this part of the body: {type(exc).__name__}: {exc}")

    def _entry(self, entry: RawJson) -> None:
        def wrap_entry(inner: bytes) -> bytes:
            return b'{"object":"' + _OBJECT + b'","entry":[' + inner + b"]}"

        members = entry.members() if entry.type == "object" else {}
        changes = members.get("changes")
        if changes is None or changes.type != "array":
            self.reject(entry, _load_or_none(entry), "entry has no list of changes", wrap_entry)
            return
        entry_time = _load_or_none(members["time"]) if "time" in members else None
        for change in changes.items():
            self._guarded(change, self._change, _wrap_change(wrap_entry, members), entry_time)

    def _change(self, change: RawJson, wrap_change: _Wrap, entry_time: Any) -> None:
        members = change.members() if change.type == "object" else {}
        value = members.get("value")
        if value is None or value.type != "object":
            self.reject(change, _load_or_none(change), "change has no value object", wrap_change)
            return
        field_node = members.get("field")
        field_name = _load_or_none(field_node) if field_node is not None else None
        parts = value.members()
        if field_node is None and ("messages" in parts or "statuses" in parts):
            # Test suites and relays drop the field; messages and statuses arrive only in the messages field.
            field_name = "messages"
        if not isinstance(field_name, str) or has_unsafe_characters(field_name):
            self.reject(change, _load_or_none(change), f"change.field {field_name!r} is not a field name", wrap_change)
            return
        metadata = _context(parts, "metadata", dict, self)
        contacts = _context(parts, "contacts", list, self)
        # The members holding the element lists: the value itself, or for `standby` the object nested in it.
        lists = parts
        standby = parts.get("standby") if field_name == "standby" else None
        if standby is not None and standby.type == "object":
            # Conversation Routing: while another sender on the number (Meta Business Agent) holds a conversation,
            # the customer's messages, that sender's replies and their receipts arrive only here, in `standby`.
            lists = standby.members()
            contacts = contacts + _context(lists, "contacts", list, self)

        def wrap_element(key: str) -> _Wrap:
            def wrap(element: bytes) -> bytes:
                context_raw = _raw_members(parts, ("messaging_product", "metadata", "contacts"))
                listed = json.dumps(key).encode() + b":[" + element + b"]"
                if lists is not parts:
                    listed = b'"standby":{' + _raw_members(lists, ("contacts",)) + listed + b"}"
                value_bytes = b"{" + context_raw + listed + b"}"
                return wrap_change(b'{"field":' + json.dumps(field_name).encode() + b',"value":' + value_bytes + b"}")

            return wrap

        mapper = _FieldMapper(self, field_name, metadata, [c for c in contacts if isinstance(c, dict)], entry_time)
        # Meta sometimes reports why it could not hand a message over beside it in the value, not in the message
        # (an interactive message without its interactive object, "131000 ... Unsupported webhook payload").
        mapper.value_errors = _load_or_none(parts.get("errors") or lists.get("errors"))
        # Contacts listed beside messages, echoes or statuses are those elements' people, not a click's.
        mapper.contacts_have_owners = any(key in lists for key in ("messages", "statuses", "message_echoes", "calls"))
        handlers = _ELEMENT_FIELDS.get(field_name)
        dashboard_test = _is_dashboard_sample(metadata)
        # A standby value without any list (Meta's "common envelope" shows `"standby": {}`) is kept whole.
        nothing_listed = field_name == "standby" and not any(key in lists for key in handlers or {})
        if handlers is None or field_name in ACCOUNT_FIELDS or dashboard_test or nothing_listed:

            def wrap_value(value_bytes: bytes) -> bytes:
                return wrap_change(b'{"field":' + json.dumps(field_name).encode() + b',"value":' + value_bytes + b"}")

            whole = _decode(value, self, wrap_value)
            if whole is not _FAILED:
                mapper.whole_value(value, whole, wrap_value, dashboard_test=dashboard_test)
            return
        context_node = parts.get("conversation_context") if field_name in ("messages", "standby") else None
        if context_node is not None:
            mapper.conversation_context(context_node, _load_or_none(lists.get("messages")), wrap_change)
        read_beside = {"standby", "conversation_context"}
        unmapped = [key for key in lists if key not in handlers and key not in _VALUE_CONTEXT | read_beside]
        if lists is not parts:
            unmapped += [key for key in parts if key not in _VALUE_CONTEXT | read_beside]
        if unmapped:
            mapper.unmapped(value, {**parts, **lists}, unmapped, wrap_change)
        for key, handler in handlers.items():
            node = lists.get(key)
            if node is None:
                continue
            wrap = wrap_element(key)
            if node.type != "array":
                self.reject(node, {key: _load_or_none(node)}, f"{key} is not a list", wrap)
                continue
            for element_node in node.items():
                handler(mapper, element_node, wrap)


# The placeholder business number of every sample the App Dashboard's "Test" button sends (WhatsApp >
# Configuration > Webhook fields); real phone number ids are 15-16 digits long.
_DASHBOARD_SAMPLE = {"phone_number_id": "123456123", "display_phone_number": "16505551111"}


def _is_dashboard_sample(metadata: Any) -> bool:
    """Whether a change's metadata is the App Dashboard test's placeholder, not a real business number."""
    return isinstance(metadata, dict) and all(str(metadata.get(k)) == v for k, v in _DASHBOARD_SAMPLE.items())


def _require(obj: Any, key: str, what: str) -> Any:
    if not isinstance(obj, dict) or obj.get(key) in (None, ""):
        raise MalformedElement(f"{what}.{key} is missing")
    return obj[key]


# Unix times already read, by their text: a message's time is read again for its sender's sighting, and a burst's
# bodies share seconds. Bounded: emptied when full.
_UNIX_TIMES: dict[str, datetime] = {}
_UNIX_TIMES_MAX = 4096


def _unix_time(value: Any, what: str) -> datetime:
    # Meta sends the unix time as a string of digits; an int is accepted, anything else is malformed.
    if type(value) is str:
        moment = _UNIX_TIMES.get(value)
        if moment is not None:
            return moment
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip().isdigit():
        raise MalformedElement(f"{what}.timestamp {value!r} is not a unix time")
    try:
        moment = datetime.fromtimestamp(int(value), tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise MalformedElement(f"{what}.timestamp {value!r} is not a time a calendar can hold") from None
    if type(value) is str:
        if len(_UNIX_TIMES) >= _UNIX_TIMES_MAX:
            _UNIX_TIMES.clear()
        _UNIX_TIMES[value] = moment
    return moment


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


_FAILED = object()
# Deeper than this, json.loads runs out of stack (Python's recursion limit is 1,000 frames).
_MAX_DECODE_DEPTH = 500


def _load_or_none(node: RawJson | None) -> Any:
    if node is None:
        return None
    try:
        return node.load()
    except (ValueError, RecursionError):
        return None


def _decode(node: RawJson, parser: _Parser, wrap: _Wrap | None, metadata=None, contacts=None) -> Any:
    """The element decoded, or _FAILED after rejecting it with its bytes and the reason."""
    try:
        return node.load()
    except RecursionError:
        reason = f"element is nested {node.depth()} levels deep, too deeply to decode"
    except UnicodeDecodeError as exc:
        reason = f"element is not valid UTF-8 ({exc.reason} at byte {exc.start})"
    except ValueError as exc:
        # The C decoder reports running out of stack as a syntax error; the depth tells the two apart.
        depth = node.depth()
        too_deep = depth > _MAX_DECODE_DEPTH
        reason = (
            f"element is nested {depth} levels deep, too deeply to decode"
            if too_deep
            else f"element is not valid JSON: {exc}"
        )
    context = {"metadata": metadata, "contacts": contacts} if metadata is not None or contacts else {}
    parser.reject(node, None, reason, wrap, **context)
    return _FAILED


def _context(parts: dict[str, RawJson], key: str, kind: type, parser: _Parser) -> Any:
    """The change's metadata or contacts; one of the wrong type is rejected alone and treated as absent."""
    node = parts.get(key)
    if node is None:
        return kind()
    value = _decode(node, parser, None)
    if value is _FAILED:
        return kind()
    if not isinstance(value, kind):
        what = "an object" if kind is dict else "a list"
        parser.reject(node, {key: value}, f"{key} is not {what}")
        return kind()
    return value


def _raw_members(members: dict, keys: tuple[str, ...]) -> bytes:
    """`"key":value,` for each of `keys` present, from the value's bytes (the context a replayed element needs)."""
    return b"".join(json.dumps(k).encode() + b":" + members[k].raw + b"," for k in keys if k in members)


def _wrap_change(wrap_entry: _Wrap, entry: dict) -> _Wrap:
    return lambda change: wrap_entry(b"{" + _raw_members(entry, ("id", "time")) + b'"changes":[' + change + b"]}")


def _system_subject(element: dict) -> str | None:
    """Whom a system message that names no sender is about: the id the user changed from, else the one changed to.

    Meta's BSUID change notices may come without `from` (or with it empty) and without contacts.
    """
    system = element.get("system") if element.get("type") == "system" else None
    if not isinstance(system, dict):
        return None
    for key in ("previous_user_id", "customer", "user_id", "wa_id", "new_wa_id"):
        value = system.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _username(profile: Any) -> str | None:
    """A user's WhatsApp username as Meta's rules write it (letters, digits, dots, underscores): relays and SDK
    samples add the "@" the app shows, which in a cell would read as a formula trigger and be marked as text."""
    username = profile.get("username") if isinstance(profile, dict) else None
    return (username.removeprefix("@") or None) if isinstance(username, str) else None


def _contact_for(element: dict, contacts: list[dict]) -> dict | None:
    sender, sender_user_id = _customer_key(element.get("from")), element.get("from_user_id")
    for contact in contacts:
        if (sender and _customer_key(contact.get("wa_id")) == sender) or (
            sender_user_id and contact.get("user_id") == sender_user_id
        ):
            return contact
    # `from` and wa_id can legitimately differ (e.g. Brazilian and Mexican numbers); one contact is the sender.
    return contacts[0] if len(contacts) == 1 else None


def _id(value: Any, what: str) -> str:
    """An identifier as given; one that is missing, not text, or holds control characters cannot key a record."""
    if value is None or value == "":
        raise MalformedElement(f"{what} is missing")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise MalformedElement(f"{what} is not a string")
    text = str(value)
    if has_unsafe_characters(text):
        raise MalformedElement(f"{what} holds control characters or lone surrogates: {text!r}")
    return text


_PHONE_PUNCTUATION = re.compile(r"[\s()+\-.]")


def _phone(value: str) -> str:
    # The business may type "+1 650-555-1234" where Meta's wa_id is "16505551234": one chat either way.
    digits = _PHONE_PUNCTUATION.sub("", value)
    return digits if digits.isdigit() else value


def _customer_key(value: Any) -> Any:
    """A customer's number as Meta's wa_id writes it: Meta's references also show `from` as "+16505551234" (and
    its older samples with a trailing space), which must not open a second chat; BSUIDs and non-text pass as given."""
    return _phone(value) if isinstance(value, str) and value else value


@dataclass(frozen=True)
class _Content:
    kind: str
    text: str | None = None
    caption: str | None = None
    media: MediaRef | None = None
    reply_to: str | None = None
    flags: tuple[str, ...] = ()


def _content(kind_name: Any, element: dict, value_errors: Any = None) -> _Content:
    """What the message says; a malformed part is flagged and the rest kept (never an exception).

    `value_errors` are the errors Meta sent beside the message in its change: they explain a message whose content
    is missing when the message carries no errors of its own.
    """
    inferred = None if isinstance(kind_name, str) and kind_name else _kind_of_content(element)
    if inferred is not None:
        # Meta's own reference samples for location and shared-contact messages leave `type` out: the one content
        # object the message holds says what it is.
        content = _content(inferred, element, value_errors)
        return dataclasses.replace(content, flags=(f"message.type is missing (read as {inferred})", *content.flags))
    if not isinstance(kind_name, str) or not kind_name:
        content = _Content("unsupported", flags=("message.type is missing",))
    else:
        try:
            content = _typed_content(kind_name, element)
        except MalformedElement as exc:
            content = _Content(kind_name if kind_name in _PLAIN_KINDS else "unsupported", flags=(str(exc),))
    if content.kind == "unsupported" and not content.flags:
        # Kept without content: the row says why, not only its raw JSON.
        content = dataclasses.replace(content, flags=(_unsupported_flag(kind_name, element),))
    errors = element.get("errors") or (value_errors if content.flags else None)
    if errors and not (content.text or content.caption or content.media) and content.kind != "unsupported":
        # Meta could not deliver the content (e.g. an interactive message it does not support): its error is the
        # message, with the code a person can look up.
        return _Content("error", text=_errors_text(errors), reply_to=content.reply_to, flags=content.flags)
    if errors and content.kind != "unsupported":
        # Content that arrived with Meta's errors (a media it could not fetch, a sender it could not authenticate):
        # the row says what went wrong, not only its raw JSON.
        content = dataclasses.replace(content, flags=(*content.flags, _errors_text(errors).replace("\n", "; ")))
    if kind_name == "edit" and content.kind == "text" and content.reply_to:
        # Landed rows are not rewritten: the new text is a row of its own, which says what it replaces (marked
        # here, after the errors: the mark is no sign of missing content).
        content = dataclasses.replace(
            content, flags=(*content.flags, f"edited: replaces the text of {content.reply_to}")
        )
    sticker = element.get("sticker") if content.kind == "sticker" else None
    if isinstance(sticker, dict) and sticker.get("animated") is True:
        # Read as a still image by OCR and the gallery unless the row says it moves (marked after the errors, as
        # the edit's mark is: it is a fact about the media, no sign of missing content).
        content = dataclasses.replace(content, flags=(*content.flags, "animated sticker"))
    return content


def _kind_of_content(element: dict) -> str | None:
    """The type a message without `type` has, when exactly one content object names it; else None."""
    found = [
        kind
        for kind in _CONTENT_KINDS
        if isinstance(element.get(kind), list if kind == "contacts" else dict) and element.get(kind)
    ]
    return found[0] if len(found) == 1 else None


_PLAIN_KINDS = frozenset(
    {"text", "image", "audio", "video", "document", "sticker", "location", "contacts", "interactive", "button"}
    | {"reaction", "order", "system"}
)


# Every content object a message can hold, named by the type it goes with (`context`, `referral`, `errors` and
# `identity` describe a message, they are not its content).
_CONTENT_KINDS = (*sorted(_PLAIN_KINDS), "template", "edit", "revoke", "unsupported")


def _unsupported_flag(kind_name: str, element: dict) -> str:
    """Why a message is kept without content: the type Meta could not show (or this version does not map), and
    Meta's error when it sent one."""
    detail = element.get("unsupported") if isinstance(element.get("unsupported"), dict) else {}
    named = detail.get("type")
    if kind_name != "unsupported":
        flag = f"message type {kind_name} is not mapped by this version (kept in raw)"
    elif isinstance(named, str) and named:
        flag = f"WhatsApp did not deliver this {named} message's content"
    else:
        flag = "WhatsApp did not deliver this message's content"
    errors = element.get("errors")
    return f"{flag}: {_errors_text(errors).replace(chr(10), '; ')}" if errors else flag


def _errors_text(errors: Any) -> str:
    lines = []
    for error in errors if isinstance(errors, list) else [errors]:
        if not isinstance(error, dict):
            lines.append(f"Meta error: {error}")
            continue
        details = error.get("error_data") if isinstance(error.get("error_data"), dict) else {}
        # Meta's earlier references put `details` beside the title rather than in error_data.
        detail = details.get("details") or error.get("details")
        parts = [str(p) for p in (error.get("title") or error.get("message"), detail) if p]
        lines.append(f"Meta error {error.get('code', '?')}: {' - '.join(parts)}".rstrip(": "))
    return "\n".join(lines)


def _typed_content(kind_name: str, element: dict) -> _Content:
    body = element.get(kind_name)
    if kind_name == "text":
        return _Content("text", text=_text(_require(body, "body", "text")))
    if kind_name in MEDIA_TYPES:
        return _media_content(kind_name, body)
    if kind_name == "location":
        return _location_content(body)
    if kind_name == "contacts":
        return _Content("contacts", text=_contacts_text(body))
    if kind_name == "interactive":
        reply = body.get("nfm_reply") if isinstance(body, dict) and body.get("type") == "nfm_reply" else None
        if isinstance(reply, dict) and not reply.get("response_json") and isinstance(reply.get("body"), str):
            # A Flow reply without its answers still says what the user saw ("Sent"): kept, with the flag.
            return _Content("interactive", text=reply["body"], flags=("nfm_reply.response_json is missing",))
        text = _interactive_text(body)
        if text is None:
            # Not a reply this version reads: without the flag the row is a blank answer with no reason.
            named = body.get("type") if isinstance(body, dict) else None
            return _Content(
                "interactive", flags=(f"interactive reply {named!r} is not read by this version (kept in raw)",)
            )
        return _Content("interactive", text=text)
    if kind_name == "button":
        if not isinstance(body, dict):
            raise MalformedElement("button is missing")
        return _Content("button", text=_text(body.get("text") or body.get("payload")))
    if kind_name == "reaction":
        target = _require(body, "message_id", "reaction")
        # A removed reaction arrives without an emoji (or with an empty one): a blank row read as a reaction still
        # standing. The stored rows cannot be rewritten, so the removal is a row that says it, after the emoji.
        emoji = _text(body.get("emoji")) or None
        return _Content("reaction", text=emoji or REACTION_REMOVED, reply_to=_text(target))
    if kind_name == "order":
        return _Content("order", text=_order_text(body))
    if kind_name == "system":
        if not isinstance(body, dict):
            raise MalformedElement("system is missing")
        return _Content("system", text=_text(body.get("body")) or _system_text(body))
    if kind_name == "template":
        # The owner's template echoed back: what it says is Meta's template text, which the webhook does not carry.
        flag = "template message: its name and values are shown, not the template's own words"
        return _Content("text", text=_template_text(body), flags=(flag,))
    if kind_name == "request_welcome":
        # A user opening the chat for the first time: an event in the conversation, not something they said.
        return _Content("system", text="conversation opened (request_welcome)")
    if kind_name == "edit":
        original = _require(body, "original_message_id", "edit")
        edited = body.get("message") if isinstance(body.get("message"), dict) else {}
        return _Content("text", text=_edited_text(edited), reply_to=_text(original))
    if kind_name == "revoke":
        return _Content("deleted", reply_to=_text(_require(body, "original_message_id", "revoke")))
    if kind_name == "media_placeholder":
        # History sync sends media messages first without their content; a later history webhook may follow.
        return _Content("unsupported", flags=(f"{MEDIA_PLACEHOLDER}: the media was not shared by history sync",))
    # "unsupported" and any type newer than this code: the message is kept, its content (and errors) in raw.
    return _Content("unsupported")


def _system_text(system: dict) -> str | None:
    """A notice Meta sent without a body (identity changes): its type and whom it is about, so the row says it."""
    kind = system.get("type")
    if not isinstance(kind, str) or not kind:
        return None
    subject = next((system[k] for k in ("customer", "user", "wa_id", "user_id") if isinstance(system.get(k), str)), "")
    return f"{kind}: {subject}" if subject else kind


def _location_content(body: Any) -> _Content:
    if not isinstance(body, dict):
        raise MalformedElement("location object is missing")
    latitude, longitude = _coordinate(body.get("latitude")), _coordinate(body.get("longitude"))
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (latitude, longitude))
    # A place the user picked carries its website (`url`) beside its name and address: the row is all the shop sees.
    parts = (body.get("name"), body.get("address"), body.get("url"))
    names = [str(p) for p in parts if isinstance(p, (str, int, float)) and p]
    if numeric:
        return _Content("location", text="\n".join([*names, f"{latitude},{longitude}"]))
    flag = f"location: latitude/longitude are not numbers ({latitude!r}, {longitude!r})"
    return _Content("location", text="\n".join(names) or None, flags=(flag,))


_DECIMAL_DEGREES = re.compile(r"[+-]?\d{1,3}(\.\d+)?")


def _coordinate(value: Any) -> Any:
    """A coordinate as a number: relays and SDK samples write Meta's numbers as strings ("37.483307"); anything else
    is returned as given, to be flagged."""
    if isinstance(value, str) and _DECIMAL_DEGREES.fullmatch(value.strip()):
        return float(value)
    return value


def _referral(element: dict) -> str | None:
    referral = element.get("referral")
    return json.dumps(referral, ensure_ascii=False, sort_keys=True) if isinstance(referral, dict) else None


def _product_flag(context: dict) -> tuple[str, ...]:
    """The catalog item a customer wrote about: a message sent from a product ("Message business" on an item of the
    business's catalog, or a reply to a product message) names it only in `context.referred_product`, so "Is this
    still available?" would not say what "this" is."""
    product = context.get("referred_product")
    sku = product.get("product_retailer_id") if isinstance(product, dict) else None
    if not isinstance(sku, (str, int)) or isinstance(sku, bool) or sku == "":
        return ()
    catalog = product.get("catalog_id")
    of_catalog = f" of catalog {catalog}" if isinstance(catalog, (str, int)) and catalog != "" else ""
    return (f"about product {sku}{of_catalog}",)


def _build_message(
    element: dict,
    *,
    chat_id: str,
    chat_name: str | None,
    sender_id: str | None,
    sender_name: Any,
    raw: bytes,
    value_errors: Any = None,
) -> Message:
    wamid = _id(element.get("id"), "message.id")
    sent_at = _unix_time(element.get("timestamp"), "message")
    context = element.get("context") if isinstance(element.get("context"), dict) else {}
    content = _content(element.get("type"), element, value_errors)
    reply_to = content.reply_to or context.get("id") or None
    flags = (*content.flags, *_product_flag(context))
    return Message(
        message_id=wamid,
        chat_id=chat_id,
        chat_name=chat_name,
        sender_id=sender_id,
        sender_name=sender_name if isinstance(sender_name, str) and sender_name else None,
        sent_at=sent_at,
        kind=content.kind,
        text=content.text,
        caption=content.caption,
        media=content.media,
        reply_to=reply_to if isinstance(reply_to, str) else None,
        forwarded=bool(context.get("forwarded") or context.get("frequently_forwarded")),
        source="cloud_api",
        raw=raw.decode("utf-8", "replace"),
        flags="; ".join(flags) or None,
        referral=_referral(element),
    )


def _canonical(node: Any) -> str:
    return json.dumps(node.load(), sort_keys=True, separators=(",", ":"))


def _event_time(value: Any, fallback: datetime) -> datetime:
    try:
        return _unix_time(value, "event")
    except MalformedElement:
        return fallback


# System messages that report a customer under a new key: a new phone number, or a new BSUID.
_NUMBER_CHANGES = ("user_changed_number", "customer_changed_number")
_ID_CHANGES = (*_NUMBER_CHANGES, "user_changed_user_id")


class _FieldMapper:
    """Maps the elements of one change, with its business number and contacts at hand."""

    def __init__(self, parser: _Parser, field_name: str, metadata: dict, contacts: list[dict], entry_time: Any):
        self.parser, self.field, self.metadata, self.contacts = parser, field_name, metadata, contacts
        self.entry_time = entry_time
        self.phone_number_id = metadata.get("phone_number_id")
        self.display_phone = metadata.get("display_phone_number")
        # The change's own `errors`, when it has them (see `_change`).
        self.value_errors: Any = None
        # Whether the change lists elements its contacts belong to (see `_change`).
        self.contacts_have_owners = False

    def _keep(self, node: RawJson, element: Any, wrap: _Wrap, build: Callable[[], Any], add: list) -> None:
        try:
            record = build()
            moment = getattr(record, "sent_at", None) or getattr(record, "at", None) or record.occurred_at
            problem = landing_window_problem(moment, self.parser.now)
            if problem:
                raise MalformedElement(problem)
        except Exception as exc:
            reason = str(exc) if isinstance(exc, MalformedElement) else f"{type(exc).__name__}: {exc}"
            self.parser.reject(node, element, reason, wrap, metadata=self.metadata, contacts=self.contacts)
            return
        add.append(record)

    def _business_number_id(self) -> str:
        return _id(self.phone_number_id, "metadata.phone_number_id")

    # --- messages: from customers, echoes of the business's own, and history -------------------------------

    def message(self, node: RawJson, wrap: _Wrap) -> None:
        element = _decode(node, self.parser, wrap, self.metadata, self.contacts)
        if self._sent_by_business(element):
            # The owner's reply from the Business app listed with the customers' messages (some senders relay
            # echoes on the messages field): read as the echo it is, or it opens a chat with the business itself.
            self.echo(node, wrap)
            return
        if element is not _FAILED:
            # Found once for the message and its sender's sighting.
            contact = _contact_for(element, self.contacts) if isinstance(element, dict) else None
            self._keep(
                node, element, wrap, lambda: self._inbound(element, node.raw, contact), self.parser.parsed.messages
            )
            if isinstance(element, dict) and not element.get("group_id"):
                self._sight_sender(element, contact)
                self._sight_change(element)
                self._sight_requested_card(element, contact)

    def _sent_by_business(self, element: Any) -> bool:
        """A message from the business's own number to a named customer: the business's message, not one to it."""
        if not isinstance(element, dict) or not (element.get("to") or element.get("to_user_id")):
            return False
        sender = element.get("from")
        business = _phone(str(self.display_phone)) if self.display_phone else None
        return isinstance(sender, str) and business is not None and _phone(sender) == business

    def _sight_change(self, element: dict) -> None:
        """A user's new number or BSUID (system message): the same customer under new keys."""
        system = element.get("system") if isinstance(element.get("system"), dict) else {}
        change = system.get("type")
        if change not in _ID_CHANGES:
            return
        # Meta's earlier customer_changed_number names the old number in `customer` too.
        old = {"phone": system.get("customer") or element.get("from"), "bsuid": system.get("previous_user_id")}
        old["parent_bsuid"] = system.get("previous_parent_user_id")
        formerly = tuple(
            f"{kind}:+{_phone(value)}" if kind == "phone" else f"{kind}:{value}"
            for kind, value in old.items()
            if isinstance(value, str) and value and not has_unsafe_characters(value)
        )
        # The new number is in wa_id (webhooks v12.0 on) or, before that, in new_wa_id.
        new_phone = system.get("wa_id") or system.get("new_wa_id") if change in _NUMBER_CHANGES else None
        self._sight(
            element.get("timestamp"),
            phone=new_phone,
            user_id=system.get("user_id"),
            parent=system.get("parent_user_id"),
            formerly=formerly,
        )

    def _sight_requested_card(self, element: dict, contact: dict | None) -> None:
        """A card sent in answer to the business's REQUEST_CONTACT_INFO button (origin contact_request) is the
        sender's own: for a customer known by BSUID only, it is how their number becomes known."""
        cards = element.get("contacts")
        if not isinstance(cards, list) or len(cards) != 1:
            return
        # Meta marks the card itself (contacts[].origin); some senders mark the message.
        origin = element.get("origin") or (cards[0].get("origin") if isinstance(cards[0], dict) else None)
        if origin != "contact_request":
            return
        phones = cards[0].get("phones") if isinstance(cards[0], dict) else None
        numbers = {
            _phone(str(p.get("wa_id") or p.get("phone")))
            for p in phones or []
            if isinstance(p, dict) and (p.get("wa_id") or p.get("phone"))
        }
        user_id = (contact or {}).get("user_id") or element.get("from_user_id")
        if len(numbers) == 1 and user_id:
            number = numbers.pop()
            if number.isdigit():
                self._sight(element.get("timestamp"), phone=number, user_id=user_id)

    def _sight(
        self,
        at: Any,
        phone: Any = None,
        user_id: Any = None,
        parent: Any = None,
        name: Any = None,
        formerly=(),
        username: Any = None,
    ) -> None:
        text = [v if isinstance(v, str) and v else None for v in (phone, user_id, parent, name)]
        if isinstance(phone, int) and not isinstance(phone, bool):
            text[0] = str(phone)
        # One search over the keys joined: the pattern matches single characters, so joining creates no match.
        if not any(text[:3]) or has_unsafe_characters("".join([t for t in text[:3] if t])):
            return
        digits = _phone(text[0]) if text[0] else None
        try:
            self.parser.parsed.sightings.append(
                Sighting(
                    source="app_contacts" if self.field == "smb_app_state_sync" else "cloud_api",
                    seen_at=at if isinstance(at, datetime) else _unix_time(at, "sighting"),
                    phone=f"+{digits}" if digits and digits.isdigit() else None,
                    user_id=text[1],
                    parent_user_id=text[2],
                    name=text[3],
                    formerly=formerly,
                    username=username if isinstance(username, str) and username else None,
                )
            )
        except (MalformedElement, ValueError):
            pass  # a sighting without a usable time says nothing reliable

    def _sight_sender(self, element: dict, contact: dict | None) -> None:
        contact = contact or {}
        profile = contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
        self._sight(
            element.get("timestamp"),
            phone=contact.get("wa_id") or element.get("from"),
            user_id=contact.get("user_id") or element.get("from_user_id"),
            parent=contact.get("parent_user_id") or element.get("from_parent_user_id"),
            name=profile.get("name"),
            username=_username(profile),
        )

    def _inbound(self, element: Any, raw: bytes, contact: dict | None) -> Message:
        if not isinstance(element, dict):
            raise MalformedElement("message is not a JSON object")
        _id(element.get("id"), "message.id")
        number_id = self._business_number_id()
        profile = contact.get("profile") if contact and isinstance(contact.get("profile"), dict) else {}
        # Business-scoped user ids (2026) stand in where a user's phone number is withheld.
        sender = _customer_key(element.get("from")) or element.get("from_user_id")
        customer = (contact or {}).get("wa_id") or (contact or {}).get("user_id") or sender or _system_subject(element)
        customer = _customer_key(customer)
        if not customer:
            raise MalformedElement("message has neither from nor a contact to say who sent it")
        customer = _id(customer, "message.from")
        sender_name = profile.get("name") if isinstance(profile.get("name"), str) else None
        username = _username(profile)
        group_id = element.get("group_id")
        if group_id:
            group = _id(group_id, "message.group_id")
            chat_id, chat_name = f"wa:{number_id}:group:{group}", group
        else:
            # A user who hides their number and set no profile name is shown by username, as the app shows them.
            chat_id, chat_name = f"wa:{number_id}:{customer}", sender_name or username or customer
        return _build_message(
            element,
            chat_id=chat_id,
            chat_name=chat_name,
            sender_id=_id(sender, "message.from") if sender else None,
            sender_name=sender_name,
            raw=raw,
            value_errors=self.value_errors,
        )

    def echo(self, node: RawJson, wrap: _Wrap) -> None:
        element = _decode(node, self.parser, wrap, self.metadata, self.contacts)
        if element is not _FAILED:
            element = _sent_request(element)
            self._keep(node, element, wrap, lambda: self._echo(element, node.raw), self.parser.parsed.messages)
            if isinstance(element, dict):
                self._sight(element.get("timestamp"), phone=element.get("to"), user_id=element.get("to_user_id"))

    def _echo(self, element: Any, raw: bytes) -> Message:
        # Sent by the business from the WhatsApp Business app: it belongs in the customer's chat, from the business.
        if not isinstance(element, dict):
            raise MalformedElement("message echo is not a JSON object")
        number_id = self._business_number_id()
        customer = element.get("to") or element.get("to_user_id")
        if not customer:
            raise MalformedElement("message echo has no 'to' to say which chat it belongs to")
        customer = _phone(_id(customer, "message_echo.to"))
        return self._from_business(element, raw, number_id, customer)

    def _from_business(self, element: dict, raw: bytes, number_id: str, customer: str) -> Message:
        # The sender id is the business's phone number id: what the threads' default recognises as the business.
        return _build_message(
            element,
            chat_id=f"wa:{number_id}:{customer}",
            chat_name=customer,
            sender_id=number_id,
            sender_name=str(self.display_phone) if self.display_phone else None,
            raw=raw,
        )

    def history(self, node: RawJson, wrap: _Wrap) -> None:
        """One history chunk: its threads' messages land like live ones (same ids, same dedup)."""
        chunk = node.members() if node.type == "object" else None
        if chunk is None:
            self.parser.reject(node, _load_or_none(node), "history chunk is not an object", wrap)
            return
        chunk_meta = _load_or_none(chunk.get("metadata"))
        if "errors" in chunk:
            errors = _load_or_none(chunk["errors"])
            self._keep(
                node,
                None,
                wrap,
                lambda: self._event(
                    "history", node, summary=f"history not shared: {_errors_text(errors)}", data={"errors": errors}
                ),
                self.parser.parsed.events,
            )
        elif isinstance(chunk_meta, dict):
            summary = (
                f"history phase {chunk_meta.get('phase')}, chunk {chunk_meta.get('chunk_order')},"
                f" {chunk_meta.get('progress')}% done"
            )
            self._keep(
                node,
                None,
                wrap,
                lambda: self._event("history", node, summary=summary, data=chunk_meta),
                self.parser.parsed.events,
            )
        threads = chunk.get("threads")
        if threads is None:
            return
        if threads.type != "array":
            self.parser.reject(threads, None, "history.threads is not a list", wrap)
            return
        for thread in threads.items():
            self._history_thread(
                thread, lambda b: wrap(b"{" + _raw_members(chunk, ("metadata",)) + b'"threads":[' + b + b"]}")
            )

    def _history_thread(self, thread: RawJson, wrap_thread: _Wrap) -> None:
        parts = thread.members() if thread.type == "object" else {}
        messages = parts.get("messages")
        customer = _load_or_none(parts.get("id"))
        # A thread with a user whose number is withheld names them by BSUID in `context`, not by `id`.
        context = _load_or_none(parts.get("context")) if "context" in parts else None
        context = context if isinstance(context, dict) else {}
        customer = customer or context.get("user_id")
        if messages is None or messages.type != "array":
            self.parser.reject(thread, None, "history thread has no list of messages", wrap_thread)
            return

        def wrap(b: bytes) -> bytes:
            return wrap_thread(b"{" + _raw_members(parts, ("id", "context")) + b'"messages":[' + b + b"]}")

        for message_node in messages.items():
            element = _decode(message_node, self.parser, wrap, self.metadata)
            if element is not _FAILED:
                self._keep(
                    message_node,
                    element,
                    wrap,
                    lambda element=element, raw=message_node.raw: self._history_message(element, raw, customer),
                    self.parser.parsed.messages,
                )
                if isinstance(element, dict):
                    self._sight(
                        element.get("timestamp"),
                        phone=_load_or_none(parts.get("id")),
                        user_id=context.get("user_id"),
                        parent=context.get("parent_user_id"),
                    )

    def _history_message(self, element: Any, raw: bytes, customer: Any) -> Message:
        if not isinstance(element, dict):
            raise MalformedElement("history message is not a JSON object")
        number_id = self._business_number_id()
        customer = _phone(_id(customer, "history thread id"))
        sender = _id(element.get("from") or element.get("from_user_id"), "history message.from")
        # Meta writes `to` on the business's own lines only, but senders replaying a history (Chatwoot's coexistence
        # payloads) write it on the customer's lines too: a line from the thread's own customer is theirs whatever
        # else it names.
        business = _phone(sender) != customer and (
            "to" in element or (self.display_phone is not None and _phone(sender) == _phone(str(self.display_phone)))
        )
        if business:
            return self._from_business(element, raw, number_id, customer)
        return _build_message(
            element,
            chat_id=f"wa:{number_id}:{customer}",
            chat_name=customer,
            sender_id=sender,
            sender_name=None,
            raw=raw,
        )

    # --- statuses ------------------------------------------------------------------------------------------

    def status(self, node: RawJson, wrap: _Wrap) -> None:
        element = _decode(node, self.parser, wrap, self.metadata)
        if element is _FAILED:
            return
        if isinstance(element, dict) and element.get("type") == "call":
            self._keep(node, element, wrap, lambda: self._call_event(element, node), self.parser.parsed.events)
            return
        if isinstance(element, dict) and (element.get("type") == "payment" or isinstance(element.get("payment"), dict)):
            # Not a delivery status: the payment of an order_details message moving on (pending, captured, failed).
            self._keep(node, element, wrap, lambda: self._payment_event(element, node), self.parser.parsed.events)
            customer = element.get("recipient_id") or element.get("from")
            self._sight(element.get("timestamp"), phone=customer, user_id=element.get("recipient_user_id"))
            return
        if _untracked_status(element):
            # Kept with Meta's errors as an event, not dead-lettered as if malformed.
            self._keep(node, element, wrap, lambda: self._status_event(element, node), self.parser.parsed.events)
        else:
            self._keep(node, element, wrap, lambda: _status(element, node.raw), self.parser.parsed.statuses)
        if not isinstance(element, dict):
            return
        # Meta's Groups reference spells it both ways.
        participant = element.get("recipient_participant_id") or element.get("participant_recipient_id")
        if isinstance(participant, str) and participant:
            # A group message has one status per participant and status, but the status history keeps one per
            # status: each participant's receipt is kept as its own record.
            self._keep(
                node, element, wrap, lambda: self._receipt_event(element, node, participant), self.parser.parsed.events
            )
            is_phone = _phone(participant).isdigit()
            self._sight(
                element.get("timestamp"),
                phone=participant if is_phone else None,
                user_id=None if is_phone else participant,
            )
        if element.get("recipient_type") == "group":
            return  # the recipient is the group, not a person to know
        # A status names its recipient by phone and, from 2026, by BSUID: the link between the two. Since then it
        # may also carry the recipient's contact, whose profile name is the customer's; matched by its keys only, so
        # that one contact beside statuses for several recipients names none of the others.
        phone, user_id = element.get("recipient_id"), element.get("recipient_user_id")
        contact = next(
            (
                c
                for c in self.contacts
                if (phone and c.get("wa_id") == phone) or (user_id and c.get("user_id") == user_id)
            ),
            {},
        )
        profile = contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
        self._sight(
            element.get("timestamp"),
            phone=element.get("recipient_id"),
            user_id=element.get("recipient_user_id"),
            parent=element.get("parent_recipient_user_id"),
            name=profile.get("name"),
            username=_username(profile),
        )

    def _payment_event(self, element: dict, node: RawJson) -> Event:
        _id(element.get("id"), "status.id")
        status = _require(element, "status", "payment status")
        payment = element.get("payment") if isinstance(element.get("payment"), dict) else {}
        customer = element.get("recipient_id") or element.get("from") or element.get("recipient_user_id")
        summary = _payment_summary(status, payment)
        return self._event(
            "payment", node, summary=summary, data=element, customer=customer, when=element.get("timestamp")
        )

    def _status_event(self, element: dict, node: RawJson) -> Event:
        wamid = _status_id(element)
        errors = element.get("errors")
        summary = f"status {element['status']} of {wamid}"
        if errors:
            summary += f": {_errors_text(errors).replace(chr(10), '; ')}"
        customer = _contact_for_status(element)
        return self._event(
            "unknown", node, summary=summary, data=element, customer=customer, when=element.get("timestamp")
        )

    def _receipt_event(self, element: dict, node: RawJson, participant: str) -> Event:
        wamid = _status_id(element)
        status = str(_require(element, "status", "status"))
        _id(participant, "status.recipient_participant_id")
        summary = f"{_RECEIPT_WORDS.get(status, status + ' for')} {participant}"
        event = self._event(
            "group_status", node, summary=summary, data=element, customer=participant, when=element.get("timestamp")
        )
        return dataclasses.replace(event, event_id=f"group_status:{wamid}:{participant}:{status}")

    def meta_error(self, node: RawJson, wrap: _Wrap) -> None:
        # Errors Meta reports for the whole change (e.g. a message it could not hand over) are kept for a person.
        error = _decode(node, self.parser, wrap, self.metadata)
        if error is _FAILED:
            return
        details = error if isinstance(error, dict) else {}
        code, title = details.get("code"), details.get("title") or details.get("message")
        self.parser.reject(node, error, f"Meta reported an error: {code} {title}".strip(), wrap)

    # --- events ----------------------------------------------------------------------------------------------

    def _event(self, kind: str, node: RawJson, *, summary: str, data: Any, customer: Any = None, when: Any = None):
        fallback = _event_time(self.entry_time, self.parser.now)
        return Event(
            # From the decoded value, so a redelivery maps to the same id however its bytes were spaced.
            event_id=f"{kind}:" + stable_id(self.field, _canonical(node), prefix=""),
            kind=kind,
            field=self.field,
            occurred_at=_event_time(when, fallback),
            customer=str(customer) if isinstance(customer, (str, int)) and customer != "" else None,
            summary=summary,
            data=data if isinstance(data, dict) else {"value": data},
            raw=node.raw.decode("utf-8", "replace"),
        )

    def _element_event(self, node: RawJson, wrap: _Wrap, build: Callable[[dict], Event]) -> None:
        element = _decode(node, self.parser, wrap, self.metadata)
        if element is _FAILED:
            return

        def checked() -> Event:
            if not isinstance(element, dict):
                raise MalformedElement(f"{self.field} element is not a JSON object")
            return build(element)

        self._keep(node, element, wrap, checked, self.parser.parsed.events)

    def call(self, node: RawJson, wrap: _Wrap) -> None:
        self._element_event(node, wrap, lambda element: self._call_event(element, node))

    def _call_event(self, element: dict, node: RawJson) -> Event:
        call_id = _id(element.get("id"), "call.id")
        what = element.get("event") or element.get("status") or "update"
        side = "from" if element.get("direction") != "BUSINESS_INITIATED" else "to"
        customer = element.get(side)
        business = _phone(str(self.display_phone)) if self.display_phone else None
        if isinstance(customer, str) and business and _phone(customer) == business:
            # The business's own number on the customer's side (Meta's user-initiated terminate example): the
            # user's BSUID on that side names the customer, else the other end.
            other = element.get("to" if side == "from" else "from")
            customer = element.get(f"{side}_user_id") or (other if other and _phone(str(other)) != business else None)
        customer = customer or element.get(f"{side}_user_id") or element.get("recipient_id")
        duration = element.get("duration")
        summary = f"call {str(what).lower()}" + (f", {duration} s" if duration is not None else "")
        event = self._event(
            "call", node, summary=summary, data=element, customer=customer, when=element.get("timestamp")
        )
        return dataclasses.replace(event, event_id=f"call:{call_id}:{str(what).lower()}")

    def preference(self, node: RawJson, wrap: _Wrap) -> None:
        def build(element: dict) -> Event:
            customer = element.get("wa_id") or element.get("user_id")
            value, category = element.get("value"), element.get("category")
            self._sight(element.get("timestamp"), phone=element.get("wa_id"), user_id=element.get("user_id"))
            return self._event(
                "consent",
                node,
                summary=f"{category}: {value}",
                data=element,
                customer=customer,
                when=element.get("timestamp"),
            )

        self._element_event(node, wrap, build)

    def user_id_update(self, node: RawJson, wrap: _Wrap) -> None:
        """A customer's BSUID rotated (with their number): the one webhook naming the previous and current id."""

        def build(element: dict) -> Event:
            ids = element.get("user_id") if isinstance(element.get("user_id"), dict) else {}
            parents = element.get("parent_user_id") if isinstance(element.get("parent_user_id"), dict) else {}
            previous, current = ids.get("previous"), ids.get("current")
            phone = _customer_key(element.get("wa_id"))
            contact = next((c for c in self.contacts if phone and _customer_key(c.get("wa_id")) == phone), None)
            if contact is None and len(self.contacts) == 1:
                contact = self.contacts[0]
            profile = (contact or {}).get("profile")
            formerly = tuple(
                f"{kind}:{value}"
                for kind, value in (("bsuid", previous), ("parent_bsuid", parents.get("previous")))
                if isinstance(value, str) and value and not has_unsafe_characters(value)
            )
            self._sight(
                element.get("timestamp"),
                phone=phone,
                user_id=current,
                parent=parents.get("current"),
                name=profile.get("name") if isinstance(profile, dict) else None,
                formerly=formerly,
                username=_username(profile),
            )
            return self._event(
                "identity",
                node,
                summary=f"user id changed: {previous} -> {current}",
                data=element,
                customer=phone or current,
                when=element.get("timestamp"),
            )

        self._element_event(node, wrap, build)

    def state_sync(self, node: RawJson, wrap: _Wrap) -> None:
        def build(element: dict) -> Event:
            contact = element.get("contact") if isinstance(element.get("contact"), dict) else {}
            meta = element.get("metadata") if isinstance(element.get("metadata"), dict) else {}
            phone = contact.get("phone_number")
            # Since 2026 the app's contact also names its BSUID: the link between the number and the user id.
            user_id = contact.get("user_id")
            name = contact.get("full_name") or contact.get("first_name")
            summary = f"contact {element.get('action')}: {name or ''} {phone or user_id or ''}".strip()
            if element.get("action") != "remove":
                self._sight(
                    meta.get("timestamp"), phone=phone, user_id=user_id, parent=contact.get("parent_user_id"), name=name
                )
            return self._event(
                "contact",
                node,
                summary=summary,
                data=element,
                customer=_phone(str(phone)) if phone else user_id,
                when=meta.get("timestamp"),
            )

        self._element_event(node, wrap, build)

    def automatic(self, node: RawJson, wrap: _Wrap) -> None:
        def build(element: dict) -> Event:
            return self._event(
                "automatic",
                node,
                summary=f"{element.get('event_name')} detected (ad click {element.get('ctwa_clid')})",
                data=element,
                when=element.get("timestamp"),
            )

        self._element_event(node, wrap, build)

    def user_action(self, node: RawJson, wrap: _Wrap) -> None:
        """What a user did with a marketing message (Marketing Messages API): tapped its body or button, or reached
        the landing page it links to; one `click` event each."""

        def build(element: dict) -> Event:
            action = element.get("action_type")
            action = action if isinstance(action, str) and action else "user_action"
            # Meta names the details after the action; a landing page view carries the click's own object.
            details = element.get(f"{action}_data") or element.get("marketing_messages_link_click_data")
            details = details if isinstance(details, dict) else {}
            return self._event(
                "click",
                node,
                summary=_click_summary(action, details),
                data=element,
                customer=self._clicker(element, details),
                when=element.get("timestamp"),
            )

        self._element_event(node, wrap, build)

    def _clicker(self, *parts: dict) -> Any:
        """Who clicked, where the change says it: Meta's published click carries no id of the user (only its
        click_id and tracking_token), so a key on the action or a lone contact beside it is all there is. A contact
        listed with the messages or statuses of the same change is their sender's or recipient's (a relay merging
        changes, as Wappa's tests show it): naming it would file the click under whoever wrote last."""
        for part in parts:
            for key in ("wa_id", "from", "recipient_id", "user_id", "from_user_id", "recipient_user_id"):
                value = part.get(key)
                if isinstance(value, (str, int)) and not isinstance(value, bool) and value != "":
                    return _customer_key(str(value))
        if len(self.contacts) == 1 and not self.contacts_have_owners:
            return _customer_key(self.contacts[0].get("wa_id")) or self.contacts[0].get("user_id")
        return None

    def conversation_context(self, node: RawJson, messages: Any, wrap_change: _Wrap) -> None:
        """What the previous owner of a routed conversation (Meta Business Agent) passes on with the customer's next
        message: Meta's summary, kept as a handover event for that customer, never as the customer's words."""
        first = messages[0] if isinstance(messages, list) and messages and isinstance(messages[0], dict) else {}
        customer = _customer_key(first.get("from")) or first.get("from_user_id")

        def wrap(context_bytes: bytes) -> bytes:
            value_bytes = b'{"conversation_context":' + context_bytes + b"}"
            return wrap_change(b'{"field":' + json.dumps(self.field).encode() + b',"value":' + value_bytes + b"}")

        context = _decode(node, self.parser, wrap, self.metadata)
        if context is _FAILED:
            return

        def build() -> Event:
            details = context if isinstance(context, dict) else {}
            summary = details.get("summary") if isinstance(details.get("summary"), dict) else {}
            text = summary.get("text") if isinstance(summary.get("text"), str) else None
            kind = details.get("type") or "context"
            event = self._event(
                "handover",
                node,
                summary=f"conversation {kind} passed on" + (f": {text}" if text else ""),
                data={"conversation_context": context},
                customer=customer,
                when=first.get("timestamp"),
            )
            # The same summary may come with two customers' messages: keyed by the message it came with.
            return dataclasses.replace(event, event_id=f"{event.event_id}:{first.get('id') or ''}")

        self._keep(node, context, wrap, build, self.parser.parsed.events)

    def group(self, node: RawJson, wrap: _Wrap) -> None:
        """A group the business runs (Groups API): created or deleted, its members or settings changed, suspended."""

        def build(element: dict) -> Event:
            group_id = _id(element.get("group_id"), "group.group_id")
            members = {
                verb: [p for p in element.get(f"{verb}_participants") or [] if isinstance(p, dict)]
                for verb in ("added", "removed", "failed")
            }
            summary = _group_summary(group_id, element, members)
            named = [p.get("wa_id") or p.get("user_id") or p.get("input") for ps in members.values() for p in ps]
            customer = named[0] if len(named) == 1 else element.get("wa_id")
            return self._event(
                "account", node, summary=summary, data=element, customer=customer, when=element.get("timestamp")
            )

        self._element_event(node, wrap, build)

    def unmapped(self, value_node: RawJson, parts: dict[str, RawJson], keys: list[str], wrap_change: _Wrap) -> None:
        """Members of a known field's value that this version does not map: one unknown event holds them whole."""
        kept = {key: _load_or_none(parts[key]) for key in keys}

        def build() -> Event:
            verb = "is" if len(keys) == 1 else "are"
            canonical = json.dumps(kept, sort_keys=True, separators=(",", ":"), default=str)
            return Event(
                event_id="unknown:" + stable_id(self.field, canonical, prefix=""),
                kind="unknown",
                field=self.field,
                occurred_at=_event_time(self.entry_time, self.parser.now),
                summary=f"{self.field}: {', '.join(keys)} {verb} not mapped by this version (kept whole)",
                data=kept,
                raw=(b"{" + _raw_members(parts, tuple(keys))[:-1] + b"}").decode("utf-8", "replace"),
            )

        def wrap(value_bytes: bytes) -> bytes:
            return wrap_change(b'{"field":' + json.dumps(self.field).encode() + b',"value":' + value_bytes + b"}")

        self._keep(value_node, kept, wrap, build, self.parser.parsed.events)

    def whole_value(self, value_node: RawJson, value: Any, wrap: _Wrap, dashboard_test: bool = False) -> None:
        """An account field, one this version does not know, or Meta's test sample: one event holding it whole."""
        kind = "account" if self.field in ACCOUNT_FIELDS or dashboard_test else "unknown"
        details = value if isinstance(value, dict) else {}
        described = (
            details.get("event")
            or details.get("new_category")
            or details.get("correct_category")
            or details.get("decision")
            or details.get("status")
        )
        subject = (
            details.get("message_template_name")
            or details.get("username")
            or details.get("phone_number")
            or details.get("display_phone_number")
        )
        summary = " ".join(str(p) for p in (self.field, described, subject) if p)
        customer, when = None, details.get("timestamp")
        if dashboard_test:
            summary = f"{self.field}: Meta's App Dashboard test (sample data, not a customer)"
        elif self.field == "tracking_events":
            # A click Meta tracked on a link the business sent, told as the click events tell it. Meta publishes no
            # payload for this field: each fact is read from the value itself or from the events it lists.
            parts = (details, *[i for v in details.values() if isinstance(v, list) for i in v if isinstance(i, dict)])

            def first(*keys: str) -> Any:
                return next((part[key] for part in parts for key in keys if part.get(key)), None)

            action = first("action_type", "event", "type") or "tracking event"
            clicked = {key: first(key) for key in ("click_component", "product_id", "url", "click_id")}
            kind, summary = "click", _click_summary(f"{self.field}: {action}", clicked)
            customer, when = self._clicker(*parts), first("timestamp")
        elif self.field == "messaging_handovers":
            # Conversation Routing: who answers one customer's conversation changed (Meta Business Agent, a person).
            kind, summary = "handover", _handover_summary(details)
            sender = details.get("sender") if isinstance(details.get("sender"), dict) else {}
            customer = sender.get("phone_number") or sender.get("user_id")
        self._keep(
            value_node,
            value,
            wrap,
            lambda: self._event(kind, value_node, summary=summary, data=value, customer=customer, when=when),
            self.parser.parsed.events,
        )


# What a value carries beside its element lists: the context every element is read in.
_VALUE_CONTEXT = frozenset({"messaging_product", "metadata", "contacts"})

_ECHO_LISTS = {"message_echoes": _FieldMapper.echo, "messages": _FieldMapper.echo, "errors": _FieldMapper.meta_error}
# The element lists each field's value carries, and what maps them.
_ELEMENT_FIELDS: dict[str, dict[str, Callable[[_FieldMapper, RawJson, _Wrap], None]]] = {
    # Relays that merge Meta's fields (Kapso) list the business's echoes and calls beside the customer's messages.
    "messages": {
        "messages": _FieldMapper.message,
        "statuses": _FieldMapper.status,
        "message_echoes": _FieldMapper.echo,
        "calls": _FieldMapper.call,
        "errors": _FieldMapper.meta_error,
        # Marketing Messages API: a user's click on a marketing message, or the landing page it opened.
        "user_actions": _FieldMapper.user_action,
    },
    # An echo listed under `messages` (as some coexistence senders and tests do) is still the business's message.
    "smb_message_echoes": _ECHO_LISTS,
    # The field Meta names echoes under beside (and after) smb_message_echoes: the same business's messages.
    "message_echoes": _ECHO_LISTS,
    # The business's own messages of a shared history come as echoes beside the chunks (BSUID-era references).
    "history": {
        "history": _FieldMapper.history,
        "messages": _FieldMapper.message,
        "message_echoes": _FieldMapper.echo,
        "errors": _FieldMapper.meta_error,
    },
    "calls": {"calls": _FieldMapper.call, "statuses": _FieldMapper.status, "errors": _FieldMapper.meta_error},
    "user_preferences": {"user_preferences": _FieldMapper.preference},
    "user_id_update": {"user_id_update": _FieldMapper.user_id_update},
    "smb_app_state_sync": {"state_sync": _FieldMapper.state_sync},
    "automatic_events": {"automatic_events": _FieldMapper.automatic},
    # Conversation Routing's standby copies (the lists are nested in value.standby, see `_Parser._change`).
    "standby": {
        "messages": _FieldMapper.message,
        "statuses": _FieldMapper.status,
        "message_echoes": _FieldMapper.echo,
        "errors": _FieldMapper.meta_error,
    },
    # Groups API: what happened to a group the business runs, one element of `groups` each.
    **{
        f"group_{name}_update": {"groups": _FieldMapper.group, "errors": _FieldMapper.meta_error}
        for name in ("lifecycle", "participants", "settings", "status")
    },
}


def _sent_request(element: Any) -> Any:
    """An echo as a message: a standby echo nests the Send API request the other sender made under `message`
    (`to` or, for a BSUID, `recipient`), beside the echo's own id and timestamp; flat echoes pass as they are."""
    if not isinstance(element, dict) or element.get("type") or not isinstance(element.get("message"), dict):
        return element
    request = element["message"]
    # Beside the request, a template or Flow echo carries that template's or Flow's definition under the same
    # name as the request's content: the request is what the customer was sent.
    flat = {**request, **{k: v for k, v in element.items() if k != "message" and k not in request}}
    if not flat.get("to") and isinstance(request.get("recipient"), str):
        flat["to_user_id"] = request["recipient"]
    # A request answers a message by context.message_id; a received message names it context.id.
    context = request.get("context")
    if isinstance(context, dict) and context.get("message_id") and not context.get("id"):
        flat["context"] = {**context, "id": context["message_id"]}
    return flat


def _handover_summary(value: dict) -> str:
    """`control_passed: ai_agent -> escalation (WhatsApp user requested human agent)`; Meta's AI summary of the
    conversation stays in the event's data, never in a customer's words."""
    kind = value.get("type") if isinstance(value.get("type"), str) else "handover"
    change = value.get(kind) if isinstance(value.get(kind), dict) else {}
    roles = [str(change.get(k) or "?") for k in ("previous_owner_role", "new_owner_role")]
    note = change.get("metadata")
    return f"{kind}: {roles[0]} -> {roles[1]}" + (f" ({note})" if isinstance(note, str) and note else "")


# Meta's action names as a person reads them, and the parts of a marketing message a user can tap.
_CLICK_WORDS = {
    "marketing_messages_link_click": "marketing message link tapped",
    "landing_page_view": "marketing message landing page opened",
}
_CLICK_PARTS = {"cta": "call-to-action button", "body": "message body"}


def _click_summary(action: str, details: dict) -> str:
    """`marketing message link tapped (call-to-action button): product sku-1; click c-1`: the action, the part of
    the message tapped, the product or URL when named, and the click's id (also on the URL the user opened)."""
    part = details.get("click_component")
    text = _CLICK_WORDS.get(action, action) + (f" ({_CLICK_PARTS.get(part, part)})" if part else "")
    named = [f"{key.removesuffix('_id')} {details[key]}" for key in ("product_id", "url") if details.get(key)]
    if details.get("click_id"):
        named.append(f"click {details['click_id']}")
    return text + (f": {'; '.join(named)}" if named else "")


def _group_summary(group_id: str, element: dict, members: dict[str, list[dict]]) -> str:
    """`group <id> group_participants_add: added 254700111333`, with the subject, settings and Meta's errors it names."""
    text = f"group {group_id} {element.get('type') or 'update'}"
    subject = element.get("subject")
    if isinstance(subject, str) and subject:
        text += f" '{subject}'"
    details = [
        f"{verb} {', '.join(str(p.get('wa_id') or p.get('user_id') or p.get('input') or '?') for p in people)}"
        for verb, people in members.items()
        if people
    ]
    for setting in ("group_subject", "group_description"):
        changed = element.get(setting)
        if isinstance(changed, dict) and isinstance(changed.get("text"), str):
            outcome = "" if changed.get("update_successful", True) else " (not applied)"
            details.append(f"{setting.removeprefix('group_')} '{changed['text']}'{outcome}")
    for key in ("wa_id", "reason"):
        if isinstance(element.get(key), str) and element[key]:
            details.append(f"{key.replace('_', ' ')} {element[key]}")
    if element.get("errors"):
        details.append(_errors_text(element["errors"]).replace("\n", "; "))
    return text + (f": {'; '.join(details)}" if details else "")


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
        # A supplier's or courier's card is known by its company as much as by the person's name, and the shop
        # owner reading the sheet has only this text to tell whose card it is.
        org = card.get("org") if isinstance(card.get("org"), dict) else {}
        company = org.get("company")
        if isinstance(company, str) and company.strip() and company.strip().casefold() not in display.casefold():
            display = f"{display} ({company.strip()})" if display != "(no name)" else company.strip()
        phones = [p.get("phone") or p.get("wa_id") for p in card.get("phones") or [] if isinstance(p, dict)]
        emails = [e.get("email") for e in card.get("emails") or [] if isinstance(e, dict)]
        # Every way the card gives to reach the contact, numbers first: an email address is often the only way to
        # send an invoice, so it is kept beside the numbers rather than only when there are none.
        reach = [str(v) for v in phones + emails if v]
        lines.append(f"{display}: {', '.join(reach)}" if reach else display)
    return "\n".join(lines)


def _interactive_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        raise MalformedElement("interactive object is missing")
    reply_type = body.get("type")
    reply = body.get(reply_type) if isinstance(reply_type, str) else None
    if not isinstance(reply, dict):
        # A type that does not name the object beside it (no type, or "button" beside button_reply, as relays and
        # SDK samples write it): the one reply object the message holds is the answer.
        replies = [key for key, value in body.items() if key.endswith("_reply") and isinstance(value, dict)]
        if len(replies) == 1:
            reply_type, reply = replies[0], body[replies[0]]
    if reply_type == "button_reply":
        return _text(_require(reply, "title", reply_type))
    if reply_type == "list_reply":
        # A list row shows its description under the title, and the description often carries the choice itself
        # ("Large" / "2 litres"): the answer is both, as the customer read them (the row's id is the business's).
        title, description = _text(_require(reply, "title", reply_type)), reply.get("description")
        # (A description that is not text does not cost the title: it stays in raw.)
        return f"{title} — {description}" if isinstance(description, str) and description else title
    if reply_type == "nfm_reply":
        answers = reply.get("response_json")
        if isinstance(answers, dict):
            # Meta sends the answers as a JSON string; a sender that decoded it on the way (as the paragon
            # SDK's NfmReply documents it) passes the object itself: the same answers.
            return _flow_answers(answers, reply.get("body"))
        return _flow_answers(_text(_require(reply, "response_json", "nfm_reply")), reply.get("body"))
    if reply_type == "call_permission_reply":
        # The user's answer to the business asking whether it may call them: the answer is the content.
        return f"call permission: {_text(_require(reply, 'response', reply_type))}"
    if reply_type == "payment_method":
        # The customer chose how to pay an order (payments in Brazil): what they chose is their answer.
        method = _text(_require(reply, "payment_method", reply_type))
        order, digits = reply.get("reference_id"), reply.get("last_four_digits")
        return (
            f"payment method: {method}"
            + (f" for order {order}" if isinstance(order, str) and order else "")
            + (f" (card ending {digits})" if isinstance(digits, str) and digits else "")
        )
    if isinstance(reply, dict):
        return _text(reply.get("title") or reply.get("body"))
    # The business's own interactive message (an echo of a button, list or Flow message): the body it showed.
    shown = body.get("body")
    return _text(shown.get("text")) if isinstance(shown, dict) and isinstance(shown.get("text"), str) else None


# Set by the business when it sent the Flow, to tell its sends apart: not something the customer answered.
_FLOW_BOOKKEEPING = frozenset({"flow_token"})


def _flow_answers(response_json: str | dict | None, body: Any) -> str | None:
    """A Flow's submitted answers as "label: value" lines, as a person reads a form (the JSON stays in raw)."""
    try:
        answers = json.loads(response_json) if isinstance(response_json, str) and response_json else response_json
    except ValueError:
        answers = None
    if not isinstance(answers, dict):
        # Not the object Meta documents: the text as sent says more than nothing.
        return response_json
    lines = [
        line for key, value in answers.items() if key not in _FLOW_BOOKKEEPING for line in _answer_lines(key, value)
    ]
    # A Flow that only returns its token still tells the chat that the user submitted it ("Sent").
    return "\n".join(lines) or (body if isinstance(body, str) and body else None)


def _answer_lines(key: str, value: Any) -> list[str]:
    """One answer's lines: a group of fields (an address's `values`) gives one line per field."""
    if isinstance(value, dict):
        return [line for inner, item in value.items() for line in _answer_lines(inner, item)]
    label = key.replace("_", " ").strip() or key
    if isinstance(value, list):
        shown = ", ".join(_answer_value(v) for v in value)
    else:
        shown = _answer_value(value)
    # A field left empty (an address's building name) is not an answer worth a line.
    return [f"{label}: {shown}"] if shown else []


def _answer_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (str, int, float)) or value is None:
        return "" if value is None else str(value)
    return json.dumps(value, ensure_ascii=False)


def _template_text(body: Any) -> str:
    """A template message as its name, language and the values filled into it, one line each."""
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not body["name"]:
        raise MalformedElement("template.name is missing")
    language = body.get("language")
    code = language.get("code") if isinstance(language, dict) else language
    lines = [f"template {body['name']}" + (f" ({code})" if isinstance(code, str) and code else "")]
    components = body.get("components") if isinstance(body.get("components"), list) else []
    for component in components:
        parameters = component.get("parameters") if isinstance(component, dict) else None
        for parameter in parameters if isinstance(parameters, list) else []:
            value = _template_value(parameter)
            if value:
                lines.append(value)
    return "\n".join(lines)


def _template_value(parameter: Any) -> str | None:
    """What the customer saw in one placeholder; a button's payload is the business's own, not shown."""
    if not isinstance(parameter, dict):
        return None
    kind = parameter.get("type")
    if kind == "text":
        return parameter.get("text") if isinstance(parameter.get("text"), str) else None
    if kind in ("currency", "date_time"):
        inner = parameter.get(kind)
        fallback = inner.get("fallback_value") if isinstance(inner, dict) else None
        return fallback if isinstance(fallback, str) else None
    if kind in MEDIA_TYPES:
        inner = parameter.get(kind) if isinstance(parameter.get(kind), dict) else {}
        name = inner.get("filename") or inner.get("caption")
        return f"[{kind}: {name}]" if isinstance(name, str) and name else f"[{kind}]"
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


def _contact_for_status(element: dict) -> str | None:
    recipient = _customer_key(element.get("recipient_id")) or element.get("recipient_user_id")
    return str(recipient) if isinstance(recipient, (str, int)) and recipient != "" else None


# How a participant's receipt of a group message reads, by its status.
_RECEIPT_WORDS = {"sent": "sent to", "delivered": "delivered to", "read": "read by", "played": "played by"}


def _payment_summary(status: Any, payment: dict) -> str:
    """`payment captured: inv-1, 450.50 INR; transaction t-1 (upi) success`, from what the payment object holds."""
    details = [str(payment["reference_id"])] if payment.get("reference_id") else []
    amount = _money(payment.get("amount"), payment.get("currency"))
    if amount:
        details.append(amount)
    text = f"payment {status}" + (f": {', '.join(details)}" if details else "")
    transaction = payment.get("transaction")
    if isinstance(transaction, dict):
        kind, outcome = transaction.get("type"), transaction.get("status")
        text += f"; transaction {transaction.get('id') or '?'}" + (f" ({kind})" if kind else "")
        text += f" {outcome}" if outcome else ""
        error = transaction.get("error") if isinstance(transaction.get("error"), dict) else {}
        if error.get("reason") or error.get("code"):
            reason, code = error.get("reason"), error.get("code")
            text += f": {reason or code}" + (f" ({code})" if reason and code else "")
    return text


def _money(amount: Any, currency: Any) -> str | None:
    # Meta's amounts are an integer value over an offset (21000 over 100 is 210.00): shown as the customer saw it.
    if isinstance(amount, dict):
        value, offset = amount.get("value"), amount.get("offset")
        if isinstance(value, int) and isinstance(offset, int) and offset > 0 and str(offset).strip("0") == "1":
            shown = str(Decimal(value).scaleb(-(len(str(offset)) - 1)))
        else:
            shown = f"{value}/{offset}" if value is not None else None
    else:
        shown = str(amount) if isinstance(amount, (int, float, str)) and amount != "" else None
    if shown is None:
        return None
    return f"{shown} {currency}" if currency else shown


# Statuses Meta sends that are no step of delivery: "warning" (a catalog item the message named is not available)
# and "deleted". Any other word is not a status Meta sends, and the element is rejected as malformed.
_OTHER_STATUSES = frozenset({"warning", "deleted"})


def _untracked_status(element: Any) -> bool:
    """A status element whose status is one of Meta's that names no step of delivery (see _OTHER_STATUSES)."""
    return isinstance(element, dict) and element.get("status") in _OTHER_STATUSES


def _status_id(element: dict) -> str:
    """The wamid a status is about. A BSP relaying Meta's shape (Gupshup) puts its own id in `id` and Meta's wamid
    in meta_msg_id: the wamid is what the message's echo and its replies carry (the BSP's id stays in raw)."""
    relayed = element.get("meta_msg_id")
    return _id(relayed if _usable_id(relayed) else element.get("id"), "status.id")


def _status(element: Any, raw: bytes) -> StatusUpdate:
    if not isinstance(element, dict):
        raise MalformedElement("status is not a JSON object")
    wamid = _status_id(element)
    status = _require(element, "status", "status")
    errors = element.get("errors") or []
    if not isinstance(errors, list):
        raise MalformedElement("status.errors is not a list")
    pricing, conversation = element.get("pricing"), element.get("conversation")
    if not isinstance(pricing, dict) and isinstance(conversation, dict):
        # A group message's statuses may carry what Meta charges inside the conversation object instead.
        pricing = conversation.get("pricing")
    return StatusUpdate(
        message_id=wamid,
        status=str(status),
        at=_unix_time(element.get("timestamp"), "status"),
        recipient_id=_contact_for_status(element),
        errors=[e if isinstance(e, dict) else {"error": e} for e in errors],
        raw=raw.decode("utf-8", "replace"),
        pricing=pricing if isinstance(pricing, dict) else None,
        conversation=conversation if isinstance(conversation, dict) else None,
        recipient_user_id=element.get("recipient_user_id")
        if isinstance(element.get("recipient_user_id"), str)
        else None,
    )
