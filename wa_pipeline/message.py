"""The canonical message: one schema for every source (Cloud API webhooks and chat exports)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any, Literal

Source = Literal["cloud_api", "chat_export"]
# The flag opening a history-sync message shared without its media: the same id comes again with it (landing_sql).
MEDIA_PLACEHOLDER = "media_placeholder"

# The kinds a message can have; anything a source cannot map becomes "unsupported".
KINDS = frozenset(
    {
        "text",
        "image",
        "audio",
        "voice",
        "video",
        "document",
        "sticker",
        "location",
        "contacts",
        "interactive",
        "button",
        "reaction",
        "order",
        "poll",
        "system",
        "deleted",
        "error",
        # An export's line saying the sender shared media the export does not carry (see `Message.event`).
        "media_omitted",
        "unsupported",
    }
)
SOURCES = frozenset({"cloud_api", "chat_export"})

# Text is normalised once, when a record is built, so the store, the frames and every sheet hold one string.
# Lone surrogates (unencodable), U+FFFE/U+FFFF and the C0 controls other than tab, newline and carriage return
# (refused by XML, hence by .xlsx) become visible markers. Invisible marks a sender typed or WhatsApp inserted
# (zero-width joiners, left-to-right and other bidi marks, U+FEFF) are kept: they are part of the text.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def _marker(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: NUL shows as ␀, BEL as ␇
    return "\u2421" if code == 0x7F else REPLACEMENT


def normalise_text(value: str | None) -> str | None:
    """The text with lone surrogates and control characters replaced by a visible marker; None stays None."""
    if value is None or not _UNSAFE.search(value):
        return value
    return _UNSAFE.sub(_marker, value)


def has_unsafe_characters(value: str) -> bool:
    """True when `normalise_text` would change the value (ids are refused rather than rewritten)."""
    return _UNSAFE.search(value) is not None


# WhatsApp did not exist before 2009; a time more than a day ahead of the receiving clock is a broken clock.
EARLIEST_SENT_AT = datetime(2009, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)


def landing_window_problem(moment: datetime, now: datetime) -> str | None:
    """Why a record's time cannot be landed (outside [2009-01-01, now + 1 day]), or None when it can."""
    if moment < EARLIEST_SENT_AT:
        return f"timestamp {moment.isoformat()} is before {EARLIEST_SENT_AT.date().isoformat()}"
    if moment > now + FUTURE_TOLERANCE:
        return f"timestamp {moment.isoformat()} is more than a day after the receiving clock ({now.isoformat()})"
    return None


@dataclass(frozen=True)
class MediaRef:
    """A media attachment: where its bytes are (sha256 in the media store) and what it claims to be."""

    sha256: str | None = None
    mime: str | None = None
    filename: str | None = None
    bytes: int | None = None
    remote_id: str | None = None


_TEXT_FIELDS = (
    "message_id",
    "chat_id",
    "chat_name",
    "sender_id",
    "sender_name",
    "text",
    "caption",
    "reply_to",
    "flags",
    "referral",
    "raw",
    "event_subjects",
)
_RECORD_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _json_any(value: Any) -> str:
    """The JSON text `_RECORD_ENCODER` writes for `value` as a value of the record (strings, None, bools, ints first)."""
    if value is None:
        return "null"
    if type(value) is str:
        return encode_basestring(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return int.__repr__(value)
    # Any other value: the encoder writes it as it would inside the record (no indent: nesting changes nothing).
    return _RECORD_ENCODER.encode(value)


# The record's JSON (`Message.to_json`) is written in its keys' sorted order, a run of neighbouring keys at a time.
# The runs whose values repeat from message to message (a chat's, a sender's, a kind's) are written once and kept:
# each is cached on its values with their types (typed: True and 1 are equal, but not written alike).
@lru_cache(maxsize=1024, typed=True)
def _chat_json(chat_id: Any, chat_name: Any) -> str:
    return f', "chat_id": {_json_any(chat_id)}, "chat_name": {_json_any(chat_name)}'


@lru_cache(maxsize=1024, typed=True)
def _kind_json(event: Any, event_subjects: Any, flags: Any, forwarded: Any, kind: Any) -> str:
    # `event` and `event_subjects` are left out when None: both (most messages), or `event_subjects` alone.
    if event_subjects is not None:
        opening = f', "event": {_json_any(event)}, "event_subjects": {_json_any(event_subjects)}'
    elif event is not None:
        opening = f', "event": {_json_any(event)}'
    else:
        opening = ""
    return f'{opening}, "flags": {_json_any(flags)}, "forwarded": {_json_any(forwarded)}, "kind": {_json_any(kind)}'


@lru_cache(maxsize=4096, typed=True)
def _sender_json(sender_id: Any, sender_name: Any) -> str:
    return f', "sender_id": {_json_any(sender_id)}, "sender_name": {_json_any(sender_name)}'


def _media_json(media: MediaRef) -> str:
    return (
        f', "media_bytes": {_json_any(media.bytes)}, "media_filename": {_json_any(media.filename)},'
        f' "media_mime": {_json_any(media.mime)}, "media_remote_id": {_json_any(media.remote_id)},'
        f' "media_sha256": {_json_any(media.sha256)}'
    )


def _cached(function: Callable[..., str], *values: Any) -> str:
    """`function(*values)` through its cache; past it for a value that cannot be a key (not hashable)."""
    try:
        return function(*values)
    except TypeError:
        return function.__wrapped__(*values)


def _referral_json(referral: Any, reply_to: Any) -> str:
    return f', "referral": {_json_any(referral)}, "reply_to": {_json_any(reply_to)}'


_NO_REFERRAL_JSON = _referral_json(None, None)
_string_json = encode_basestring
_NO_MEDIA = MediaRef()
_NO_MEDIA_JSON = _media_json(_NO_MEDIA)
_new_object, _set_attribute = object.__new__, object.__setattr__
_sha256 = hashlib.sha256


@dataclass(frozen=True)
class Message:
    """One WhatsApp message, whatever its source."""

    message_id: str
    chat_id: str
    sent_at: datetime
    kind: str
    source: Source
    chat_name: str | None = None
    sender_id: str | None = None
    sender_name: str | None = None
    text: str | None = None
    caption: str | None = None
    media: MediaRef | None = None
    reply_to: str | None = None
    forwarded: bool = False
    raw: str = ""
    # What could not be read from the source, by name ("location: latitude/longitude are not numbers"); the
    # message lands with the rest.
    flags: str | None = None
    # Click-to-WhatsApp ad that started the conversation (source_url, source_id, source_type, headline,
    # ctwa_clid...), as JSON text.
    referral: str | None = None
    # What one of WhatsApp's own lines means, whatever the phone's language: "media_omitted:image",
    # "deleted:by_me", "member_added", "encryption_notice", "edited"... (chat exports; None for a person's words).
    # Kept in the landing store's record; the Parquet frames do not carry it.
    event: str | None = None
    # What that line names, by the role its phrase gives each, as JSON text with sorted keys ('{"actor": "Juma",
    # "subject": "Wanjiku"}'; null for the exporting member, whom the line calls "you"): the same in every phone
    # language, so two exports' copies of one event can be told from lines about other people. None when it names
    # nobody (and in records landed before it was kept). Kept beside `event`, as `event` is.
    event_subjects: str | None = None

    def __post_init__(self) -> None:
        fields = self.__dict__
        texts = [fields[name] for name in _TEXT_FIELDS]
        # One search over all the texts (the pattern is single characters, so joining creates no match): a message
        # is built for every line of an export, and nearly all of them have nothing to replace.
        if _UNSAFE.search("".join([value for value in texts if value is not None])):
            for name, value in zip(_TEXT_FIELDS, texts, strict=True):
                object.__setattr__(self, name, normalise_text(value))
        if self.media is not None and any(
            has_unsafe_characters(v) for v in (self.media.filename, self.media.mime) if isinstance(v, str)
        ):
            media = dataclasses.replace(
                self.media, filename=normalise_text(self.media.filename), mime=normalise_text(self.media.mime)
            )
            object.__setattr__(self, "media", media)
        if not self.message_id:
            raise ValueError("message_id is empty")
        if not self.chat_id:
            raise ValueError(f"message {self.message_id}: chat_id is empty")
        if self.sent_at.tzinfo is None:
            raise ValueError(f"message {self.message_id}: sent_at must be timezone-aware")
        if self.kind not in KINDS:
            raise ValueError(f"message {self.message_id}: unknown kind {self.kind!r}")
        if self.source not in SOURCES:
            raise ValueError(f"message {self.message_id}: unknown source {self.source!r}")
        # Normalise to UTC once, so every comparison downstream is like with like.
        object.__setattr__(self, "sent_at", self.sent_at.astimezone(UTC))

    @classmethod
    def build(cls, **fields: Any) -> Message:
        """The message `Message(**fields)` gives, checked and normalised alike, built at a fraction of the cost.

        A frozen dataclass sets each of its twenty fields through object.__setattr__; a parser builds one message
        per line of an export, so it fills the instance's dict at once and runs the same `__post_init__`.
        """
        unknown = fields.keys() - _FIELD_NAMES
        if unknown:
            raise TypeError(f"Message.build() got unexpected fields {sorted(unknown)}")
        missing = _REQUIRED - fields.keys()
        if missing:
            raise TypeError(f"Message.build() is missing fields {sorted(missing)}")
        message = object.__new__(cls)
        message.__dict__.update(_DEFAULTS)
        message.__dict__.update(fields)
        message.__post_init__()
        return message

    @classmethod
    def build_normalised(cls, fields: dict[str, Any]) -> Message:
        """`build` of all the fields (a dict the message keeps), for a caller that knows no text has anything to normalise.

        An export's parser knows it from one search of the message's raw lines, which hold every text it cuts.
        """
        sent_at = fields["sent_at"]
        if (
            not fields["message_id"]
            or not fields["chat_id"]
            or fields["kind"] not in KINDS
            or fields["source"] not in SOURCES
            or sent_at.tzinfo is None
            # (The order of the fields' declaration settles it without looking each key up; any other needs the set.)
            or (tuple(fields) != _FIELD_ORDER and fields.keys() != _FIELD_NAMES)
        ):
            return cls.build(**fields)
        if sent_at.tzinfo is not UTC:
            # (A datetime already in UTC would come back as itself.)
            fields["sent_at"] = sent_at.astimezone(UTC)
        message = _new_object(cls)
        # The dict becomes the instance's own: the caller hands it over.
        _set_attribute(message, "__dict__", fields)
        return message

    @classmethod
    def from_trusted_fields(cls, fields: dict[str, Any]) -> Message:
        """The message whose fields are `fields` as they stand, nothing checked: for a parser correct by construction.

        The caller guarantees what `build_normalised` checks: every field, in declaration order; non-empty ids; a known
        kind and source; `sent_at` in UTC (tzinfo UTC itself); no text holding anything `normalise_text` replaces. An
        export's parser builds every message so, and pays no check per message. The dict becomes the instance's own.
        """
        message = _new_object(cls)
        _set_attribute(message, "__dict__", fields)
        return message

    def to_record(self) -> dict[str, Any]:
        """Flat record (media fields prefixed) as stored in Parquet and the landing store."""
        media = self.media or MediaRef()
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "chat_name": self.chat_name,
            "sender_id": self.sender_id,
            "sender_name": self.sender_name,
            "sent_at": self.sent_at,
            "kind": self.kind,
            "text": self.text,
            "caption": self.caption,
            "media_sha256": media.sha256,
            "media_mime": media.mime,
            "media_filename": media.filename,
            "media_bytes": media.bytes,
            "media_remote_id": media.remote_id,
            "reply_to": self.reply_to,
            "forwarded": self.forwarded,
            "source": self.source,
            "raw": self.raw,
            "flags": self.flags,
            "referral": self.referral,
        }

    def to_json(self, sent_at: str | None = None) -> str:
        """The record (`to_record`, with `event` and `event_subjects` where set) as JSON with sorted keys, `sent_at` in
        ISO 8601.

        `sent_at`, when given, is `self.sent_at.isoformat()` already worked out by the caller.
        """
        media, caption, text, raw, message_id = self.media, self.caption, self.text, self.raw, self.message_id
        referral, reply_to = self.referral, self.reply_to
        try:
            # (The three runs at once: unhashable values, which no source gives, take `_cached`'s way past the caches.)
            chat = _chat_json(self.chat_id, self.chat_name)
            kind = _kind_json(self.event, self.event_subjects, self.flags, self.forwarded, self.kind)
            sender = _sender_json(self.sender_id, self.sender_name)
        except TypeError:
            chat = _cached(_chat_json, self.chat_id, self.chat_name)
            kind = _cached(_kind_json, self.event, self.event_subjects, self.flags, self.forwarded, self.kind)
            sender = _cached(_sender_json, self.sender_id, self.sender_name)
        # A string's JSON without a call of `_json_any` (most values are strings, or None), as it would write it.
        return (
            f'{{"caption": {"null" if caption is None else _string_json(caption) if type(caption) is str else _json_any(caption)}'
            f"{chat}{kind}{_NO_MEDIA_JSON if media is None else _media_json(media)}"
            f', "message_id": {_string_json(message_id) if type(message_id) is str else _json_any(message_id)}'
            f', "raw": {_string_json(raw) if type(raw) is str else _json_any(raw)}'
            f"{_NO_REFERRAL_JSON if referral is None and reply_to is None else _referral_json(referral, reply_to)}"
            f'{sender}, "sent_at": {_json_any(sent_at or self.sent_at.isoformat())}, "source": {_json_any(self.source)}'
            f', "text": {"null" if text is None else _string_json(text) if type(text) is str else _json_any(text)}}}'
        )

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Message:
        sent_at = record["sent_at"]
        if isinstance(sent_at, str):
            sent_at = datetime.fromisoformat(sent_at)
        elif hasattr(sent_at, "to_pydatetime"):
            sent_at = sent_at.to_pydatetime()
        media_fields = {f.name: record.get(f"media_{f.name}") for f in dataclasses.fields(MediaRef)}
        media = MediaRef(**media_fields) if any(v is not None for v in media_fields.values()) else None
        if media is not None and media.bytes is not None:
            media = dataclasses.replace(media, bytes=int(media.bytes))
        return cls(
            message_id=record["message_id"],
            chat_id=record["chat_id"],
            chat_name=record.get("chat_name"),
            sender_id=record.get("sender_id"),
            sender_name=record.get("sender_name"),
            sent_at=sent_at,
            kind=record["kind"],
            text=record.get("text"),
            caption=record.get("caption"),
            media=media,
            reply_to=record.get("reply_to"),
            forwarded=bool(record.get("forwarded") or False),
            source=record["source"],
            raw=record.get("raw") or "",
            flags=record.get("flags"),
            referral=record.get("referral"),
            event=record.get("event"),
            event_subjects=record.get("event_subjects"),
        )

    @classmethod
    def from_json(cls, text: str) -> Message:
        return cls.from_record(json.loads(text))


_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Message) if f.default is not dataclasses.MISSING}
_FIELD_ORDER = tuple(f.name for f in dataclasses.fields(Message))
_FIELD_NAMES = frozenset(_FIELD_ORDER)
_REQUIRED = _FIELD_NAMES - _DEFAULTS.keys()


# The flat record's columns, in order, with each one's Arrow type and whether it may be null: the contract every
# Parquet file of messages follows (`MESSAGE_SCHEMA`). Written as names, so that a process can know the columns
# without importing pyarrow (most of a second; an import's worker processes never build a table).
_FLAT_COLUMNS = (
    ("message_id", "string", False),
    ("chat_id", "string", False),
    ("chat_name", "string", True),
    ("sender_id", "string", True),
    ("sender_name", "string", True),
    ("sent_at", "timestamp", False),
    ("kind", "string", False),
    ("text", "string", True),
    ("caption", "string", True),
    ("media_sha256", "string", True),
    ("media_mime", "string", True),
    ("media_filename", "string", True),
    ("media_bytes", "int64", True),
    ("media_remote_id", "string", True),
    ("reply_to", "string", True),
    ("forwarded", "bool", False),
    ("source", "string", False),
    ("raw", "string", True),
    ("flags", "string", True),
    ("referral", "string", True),
)
MESSAGE_COLUMNS = tuple(name for name, _, _ in _FLAT_COLUMNS)


def _schemas() -> dict[str, Any]:
    """MESSAGE_SCHEMA and MESSAGE_TABLE_SCHEMA, made on first use (see `__getattr__`)."""
    import pyarrow as pa

    types = {"string": pa.string(), "int64": pa.int64(), "bool": pa.bool_(), "timestamp": pa.timestamp("us", tz="UTC")}
    message = pa.schema([pa.field(name, types[kind], nullable=nullable) for name, kind, nullable in _FLAT_COLUMNS])
    # The flat record with the landing store's `event` and `event_subjects` (see `Message`): every field of a
    # message, as a table of an export's messages holds them (`export_table`).
    table = pa.schema([*message, pa.field("event", pa.string()), pa.field("event_subjects", pa.string())])
    return {"MESSAGE_SCHEMA": message, "MESSAGE_TABLE_SCHEMA": table}


def __getattr__(name: str) -> Any:
    # The schemas import pyarrow (most of a second): made when first asked for, not by every process that lands
    # messages (an import's worker processes never use them).
    if name in ("MESSAGE_SCHEMA", "MESSAGE_TABLE_SCHEMA"):
        globals().update(_schemas())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def cloud_chat_parts(chat_id: str) -> tuple[str, str] | None:
    """(business phone number id, customer) of a Cloud API one-to-one chat id, "wa:<number id>:<customer>"; None for
    any other chat (an export's, a group's "wa:<number id>:group:<id>")."""
    parts = chat_id.split(":")
    return (parts[1], parts[2]) if len(parts) == 3 and parts[0] == "wa" else None


# A business-scoped user id as Meta writes it: the user's two-letter country code, a full stop, letters and digits
# ("US.13491208655302741918").
_BSUID = re.compile(r"[A-Z]{2}\.[0-9A-Za-z]+")


def is_bsuid(customer: str) -> bool:
    """Whether a customer key is a business-scoped user id (Meta's 2026 BSUID), not a number or a name."""
    return _BSUID.fullmatch(customer) is not None


def cloud_business_id(chat_id: str) -> str | None:
    """The business phone number id a Cloud API chat id names ("wa:<number id>:…", one-to-one or group); None for
    an export's chat."""
    parts = chat_id.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == "wa" else None


def stable_id(*parts: object, prefix: str) -> str:
    """A deterministic id from its parts: the same inputs give the same id on every machine, forever."""
    return joined_id("\x1f".join(["" if p is None else str(p) for p in parts]), prefix)


def joined_id(joined: str, prefix: str) -> str:
    """`stable_id` of parts already joined by U+001F (None as ""), for callers that build the text faster."""
    return prefix + _sha256(joined.encode()).hexdigest()[:32]


STATUS_ORDER = {"sent": 1, "delivered": 2, "read": 3, "played": 4, "failed": 5}


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery status of an outbound message; a separate record type that only moves forward."""

    message_id: str
    status: str
    at: datetime
    recipient_id: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    raw: str = ""
    # Since July 2025 each status says what Meta charges: {"billable", "pricing_model", "category", "type"}.
    pricing: dict[str, Any] | None = None
    # The conversation window it opened or belongs to: {"id", "expiration_timestamp", "origin": {"type"}}.
    conversation: dict[str, Any] | None = None
    # The recipient's business-scoped user id (BSUID), beside or instead of its phone number.
    recipient_user_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "raw", normalise_text(self.raw))
        if self.status not in STATUS_ORDER:
            raise ValueError(f"status {self.status!r} of {self.message_id} is not one of {sorted(STATUS_ORDER)}")
        if self.at.tzinfo is None:
            raise ValueError(f"status of {self.message_id}: timestamp must be timezone-aware")


# Records that are neither a message nor a delivery status, each kept whole (`raw`) with what matters mapped.
EVENT_KINDS = frozenset(
    {
        "call",  # Calling API: a call connecting or ending, or a call's status
        "consent",  # user_preferences: marketing messages stopped or resumed
        "contact",  # smb_app_state_sync: a contact the business added, edited or removed in the app
        "account",  # account_update, message_template_status_update, template_category_update...
        "automatic",  # automatic_events: a purchase or lead Meta detected in a chat started from an ad
        "history",  # history: sharing declined, or a chunk's phase and progress
        "payment",  # Payments API: an order's payment pending, captured or failed (a status of type payment)
        "group_status",  # Groups API: one participant's receipt of a group message (delivered, read)
        "identity",  # user_id_update: a customer's business-scoped user id replaced by a new one
        "handover",  # messaging_handovers: who answers a customer's conversation changed (AI agent, a person)
        "click",  # user_actions, tracking_events: a marketing message's link tapped, or its landing page opened
        "unknown",  # a field this version does not map: kept whole, counted, visible
    }
)


@dataclass(frozen=True)
class Event:
    """Something the business's account reported that is not a message: calls, consent, contacts, account news."""

    event_id: str
    kind: str
    field: str
    occurred_at: datetime
    customer: str | None = None
    summary: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    raw: str = ""

    def __post_init__(self) -> None:
        if not self.event_id:
            raise ValueError("event_id is empty")
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"event {self.event_id}: unknown kind {self.kind!r}")
        if self.occurred_at.tzinfo is None:
            raise ValueError(f"event {self.event_id}: occurred_at must be timezone-aware")
        object.__setattr__(self, "occurred_at", self.occurred_at.astimezone(UTC))
        for name in ("event_id", "customer", "summary", "raw"):
            object.__setattr__(self, name, normalise_text(getattr(self, name)))


@dataclass(frozen=True)
class Sighting:
    """One source's view of who a customer is: any of phone, business-scoped ids and a display name."""

    source: str  # cloud_api, chat_export, app_contacts (the business's own address book)
    seen_at: datetime
    phone: str | None = None  # E.164, "+16505551234"
    user_id: str | None = None  # BSUID
    parent_user_id: str | None = None  # BSUID shared across a business portfolio
    name: str | None = None
    # How sure the source is that the name belongs to this person (an export's sender name: less than 1).
    name_confidence: float = 1.0
    # Keys the same person had before ("phone:+16505551234", "bsuid:US.1349..."): Meta reported the change.
    formerly: tuple[str, ...] = ()
    # The WhatsApp username (2026) the business's app shows instead of a hidden number: for a person to read, never
    # a key, since its owner may change it and another user may take it up.
    username: str | None = None

    def __post_init__(self) -> None:
        for name in ("phone", "user_id", "parent_user_id", "name", "username"):
            object.__setattr__(self, name, normalise_text(getattr(self, name)) or None)
