"""Tombstones: what `wa-pipeline forget` removed, kept as salted hashes so that nothing brings it back.

A tombstone holds no phone number, name or id in the clear: each identifier (`phone:+254712345678`,
`name:amina njeri`, `chat:<chat_id>`, `message:<id>`) is an HMAC-SHA256 under a random salt kept in the same
database, optionally with a cut-off time (`forget --before`): then only what was sent before it stays out.
The landing algorithm (`landing_sql.land_messages`) asks `Tombstones.blocks` for every message it would land, on
both engines, so a re-import, a webhook redelivery and a dead-letter replay all meet the same refusal; the
tables kept beside the messages (contacts, events, dead letters) ask the same object for their records.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wa_pipeline.message import Message, Sighting, StatusUpdate
from wa_pipeline.store.name_key import name_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS tombstones (
    key_hash    TEXT NOT NULL,
    sent_before TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (key_hash, sent_before)
);
CREATE TABLE IF NOT EXISTS tombstone_salt (
    id   INTEGER PRIMARY KEY,
    salt TEXT NOT NULL
);
"""
FOREVER = ""
SELECT_SALT = "SELECT salt FROM tombstone_salt WHERE id = 1"
SELECT_TOMBSTONES = "SELECT key_hash, sent_before FROM tombstones"
INSERT_SALT = "INSERT INTO tombstone_salt (id, salt) VALUES (1, ?) ON CONFLICT (id) DO NOTHING"
INSERT_TOMBSTONE = "INSERT INTO tombstones (key_hash, sent_before, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
# A number as a person or WhatsApp writes it: digits with spaces, dashes, dots or brackets, maybe a leading +.
_WRITTEN_NUMBER = re.compile(r"^\+?[\d\s\-().\u202a\u202c]+$")
_DIGIT_RUN = re.compile(r"\d[\d \-]{5,20}\d")


def phone_key(written: str | None) -> str | None:
    """`phone:+<digits>` for a value written as an international number (7 to 15 digits), else None."""
    if not written or not _WRITTEN_NUMBER.match(written.strip()):
        return None
    digits = re.sub(r"\D", "", written)
    return f"phone:+{digits}" if 7 <= len(digits) <= 15 else None


def name_keys(name: str | None) -> list[str]:
    key = name_key(name) if name else ""
    return [f"name:{key}"] if key and phone_key(name) is None else []


def message_keys(message: Message) -> list[str]:
    """Every identifier of a message a tombstone can name: its id, its chat, and who is on either side."""
    keys = [f"message:{message.message_id}", f"chat:{message.chat_id}"]
    # A Cloud API chat id ends with the customer's number ("wa:<phone_number_id>:<wa_id>").
    written = [message.sender_id, message.sender_name, message.chat_name, message.chat_id.rsplit(":", 1)[-1]]
    keys += [key for value in written if (key := phone_key(value))]
    keys += name_keys(message.sender_name) + name_keys(message.chat_name)
    return keys


def sighting_keys(sighting: Sighting) -> list[str]:
    keys = [key for key in (phone_key(sighting.phone),) if key]
    keys += [f"bsuid:{value}" for value in (sighting.user_id, sighting.parent_user_id) if value]
    return keys + name_keys(sighting.name)


def status_keys(status: StatusUpdate) -> list[str]:
    keys = [f"message:{status.message_id}"] + [key for key in (phone_key(status.recipient_id),) if key]
    return keys + ([f"bsuid:{status.recipient_user_id}"] if status.recipient_user_id else [])


def text_keys(text: str) -> Iterator[str]:
    """The numbers written anywhere in a text (and inside its base64 fields): a dead letter's raw bytes."""
    yield from (key for match in _DIGIT_RUN.finditer(text) if (key := phone_key(match.group())))
    for candidate in re.findall(r"[A-Za-z0-9+/=]{16,}", text):
        try:
            decoded = base64.b64decode(candidate, validate=True).decode("utf-8", "replace")
        except ValueError:
            continue
        yield from (key for match in _DIGIT_RUN.finditer(decoded) if (key := phone_key(match.group())))


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Tombstones:
    """The tombstones of one landing database, loaded once: asking costs a hash per identifier, no query."""

    salt: str = ""
    entries: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, run: Callable[[str, tuple], Any]) -> Tombstones:
        """Through `run(statement, params) -> cursor` on the landing database (either engine)."""
        salt = run(SELECT_SALT, ()).fetchone()
        if salt is None:
            return cls()
        entries: dict[str, list[str]] = {}
        for key_hash, before in run(SELECT_TOMBSTONES, ()).fetchall():
            entries.setdefault(key_hash, []).append(before)
        return cls(salt=salt[0], entries={k: tuple(v) for k, v in entries.items()})

    def digest(self, key: str) -> str:
        return hmac.new(self.salt.encode(), key.encode("utf-8"), hashlib.sha256).hexdigest()

    def __bool__(self) -> bool:
        return bool(self.entries)

    def blocks_keys(self, keys: Iterable[str], sent_at: datetime | None = None) -> bool:
        if not self.entries:
            return False
        moment = utc_text(sent_at) if sent_at is not None else None
        for key in keys:
            for before in self.entries.get(self.digest(key), ()):
                if before == FOREVER or moment is None or moment < before:
                    return True
        return False

    # Without tombstones (the usual case) the keys, whose phone numbers are parsed, are not computed at all.
    def blocks(self, message: Message) -> bool:
        return bool(self.entries) and self.blocks_keys(message_keys(message), message.sent_at)

    def blocks_sighting(self, sighting: Sighting) -> bool:
        return bool(self.entries) and self.blocks_keys(sighting_keys(sighting), sighting.seen_at)

    def blocks_status(self, status: StatusUpdate) -> bool:
        return bool(self.entries) and self.blocks_keys(status_keys(status), status.at)

    def blocks_text(self, text: str) -> bool:
        return bool(self.entries) and self.blocks_keys(text_keys(text))
