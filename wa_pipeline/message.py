"""The canonical message: one schema for every source (Cloud API webhooks and chat exports)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import pyarrow as pa

Source = Literal["cloud_api", "chat_export"]

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
        # An export's line saying the sender shared media the export does not carry (see `Message.event`).
        "media_omitted",
        "unsupported",
    }
)
SOURCES = frozenset({"cloud_api", "chat_export"})


@dataclass(frozen=True)
class MediaRef:
    """A media attachment: where its bytes are (sha256 in the media store) and what it claims to be."""

    sha256: str | None = None
    mime: str | None = None
    filename: str | None = None
    bytes: int | None = None
    remote_id: str | None = None


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
    # What one of WhatsApp's own lines means, whatever the phone's language: "media_omitted:image",
    # "deleted:by_me", "member_added", "encryption_notice", "edited"... (chat exports; None for a person's words).
    # Kept in the landing store's record; the Parquet frames do not carry it.
    event: str | None = None

    def __post_init__(self) -> None:
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
        }

    def to_json(self) -> str:
        record = self.to_record()
        record["sent_at"] = self.sent_at.isoformat()
        if self.event is not None:
            record["event"] = self.event
        return json.dumps(record, ensure_ascii=False, sort_keys=True)

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
            event=record.get("event"),
        )

    @classmethod
    def from_json(cls, text: str) -> Message:
        return cls.from_record(json.loads(text))


# Arrow schema of the flat record: the contract every Parquet file of messages follows.
MESSAGE_SCHEMA = pa.schema(
    [
        pa.field("message_id", pa.string(), nullable=False),
        pa.field("chat_id", pa.string(), nullable=False),
        pa.field("chat_name", pa.string()),
        pa.field("sender_id", pa.string()),
        pa.field("sender_name", pa.string()),
        pa.field("sent_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("text", pa.string()),
        pa.field("caption", pa.string()),
        pa.field("media_sha256", pa.string()),
        pa.field("media_mime", pa.string()),
        pa.field("media_filename", pa.string()),
        pa.field("media_bytes", pa.int64()),
        pa.field("media_remote_id", pa.string()),
        pa.field("reply_to", pa.string()),
        pa.field("forwarded", pa.bool_(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("raw", pa.string()),
    ]
)
MESSAGE_COLUMNS = tuple(MESSAGE_SCHEMA.names)


def stable_id(*parts: object, prefix: str) -> str:
    """A deterministic id from its parts: the same inputs give the same id on every machine, forever."""
    digest = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return f"{prefix}{digest.hexdigest()[:32]}"


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

    def __post_init__(self) -> None:
        if self.status not in STATUS_ORDER:
            raise ValueError(f"status {self.status!r} of {self.message_id} is not one of {sorted(STATUS_ORDER)}")
        if self.at.tzinfo is None:
            raise ValueError(f"status of {self.message_id}: timestamp must be timezone-aware")
