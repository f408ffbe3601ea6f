"""The landing store's SQL, written once for both engines: SQLite runs it as written, PostgreSQL with `%s`.

Both engines keep the same columns and the same encodings (times as fixed-width UTC text, records as the
canonical message's JSON), so every statement below orders, compares and de-duplicates identically on either.
Only the sequence column and the placeholder style differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from wa_pipeline.cross_source import fingerprints
from wa_pipeline.message import Message
from wa_pipeline.store import tombstones

SQLITE_SEQ = "INTEGER PRIMARY KEY AUTOINCREMENT"
POSTGRES_SEQ = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"


def schema(seq_column: str) -> str:
    """The tables, with the engine's never-reused, increasing sequence column."""
    return (
        f"""
CREATE TABLE IF NOT EXISTS messages (
    seq        {seq_column},
    message_id TEXT NOT NULL UNIQUE,
    chat_id    TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    source     TEXT NOT NULL,
    record     TEXT NOT NULL,
    landed_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_sent_at ON messages (sent_at);
CREATE TABLE IF NOT EXISTS fingerprints (
    fingerprint TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    source      TEXT NOT NULL,
    PRIMARY KEY (fingerprint, message_id)
);
CREATE TABLE IF NOT EXISTS cross_source_duplicates (
    message_id   TEXT PRIMARY KEY,
    duplicate_of TEXT NOT NULL,
    source       TEXT NOT NULL,
    record       TEXT NOT NULL,
    seen_at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS statuses (
    message_id   TEXT PRIMARY KEY,
    status       TEXT NOT NULL,
    rank         INTEGER NOT NULL,
    at           TEXT NOT NULL,
    recipient_id TEXT,
    errors       TEXT NOT NULL,
    raw          TEXT NOT NULL
);
"""
        + tombstones.SCHEMA
    )


def utc_text(moment: datetime) -> str:
    # Fixed-width ISO text in UTC sorts the same as time, so range queries can use the index.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def pyformat(statement: str) -> str:
    """The statement with psycopg's placeholders (the statements here contain no other `?` or `%`)."""
    return statement.replace("?", "%s")


INSERT_MESSAGE = (
    "INSERT INTO messages (message_id, chat_id, sent_at, source, record, landed_at)"
    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING"
)
INSERT_FINGERPRINT = (
    "INSERT INTO fingerprints (fingerprint, message_id, source) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
)
# A copy is recorded only while the message itself is not landed under the same id (a plain re-delivery).
INSERT_CROSS_SOURCE_DUPLICATE = (
    "INSERT INTO cross_source_duplicates (message_id, duplicate_of, source, record, seen_at)"
    " SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM messages WHERE message_id = ?)"
    " ON CONFLICT (message_id) DO NOTHING"
)


def twin_from_other_source(fingerprint_count: int) -> str:
    """A message of another source sharing one of the fingerprints: params are the prints, source, message_id."""
    marks = ",".join("?" * fingerprint_count)
    return (
        f"SELECT message_id FROM fingerprints WHERE fingerprint IN ({marks}) AND source != ?"
        " AND message_id != ? LIMIT 1"
    )


CROSS_SOURCE_DUPLICATES = "SELECT message_id, duplicate_of FROM cross_source_duplicates ORDER BY seen_at"
# Statuses only move forward: a delivery receipt arriving after the read receipt changes nothing.
UPSERT_STATUS = (
    "INSERT INTO statuses (message_id, status, rank, at, recipient_id, errors, raw)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (message_id) DO UPDATE SET status=excluded.status, rank=excluded.rank,"
    " at=excluded.at, recipient_id=excluded.recipient_id, errors=excluded.errors, raw=excluded.raw"
    " WHERE excluded.rank > statuses.rank"
)
STATUS_OF = "SELECT status FROM statuses WHERE message_id = ?"
MESSAGES_BETWEEN = "SELECT message_id, record FROM messages WHERE sent_at >= ? AND sent_at < ? ORDER BY sent_at, seq"
ALL_RECORDS = "SELECT record FROM messages ORDER BY sent_at, seq"
RECORD_OF = "SELECT record FROM messages WHERE message_id = ?"
CHANGES_SINCE = "SELECT seq, sent_at FROM messages WHERE seq > ? ORDER BY seq"
COUNT = "SELECT count(*) FROM messages"
LAST_LANDED_AT = "SELECT max(landed_at) FROM messages"


def land_messages(run: Callable[[str, tuple], Any], messages: Sequence[Message]) -> tuple[int, int]:
    """The landing algorithm both stores share, inside the caller's write transaction.

    `run(statement, params)` executes one statement (written with `?`) and returns a cursor (rowcount, fetchone).
    A message already present by id is a no-op; a copy another source already delivered is recorded in
    `cross_source_duplicates` instead. A message a tombstone names (`wa-pipeline forget`) is not landed, from any
    source. Returns (added, cross-source duplicates).
    """
    now = utc_text(datetime.now(UTC))
    added = duplicates = 0
    forgotten = tombstones.Tombstones.load(run)
    for message in messages:
        if forgotten.blocks(message):
            continue
        prints = fingerprints(message)
        twin = None
        if prints:
            row = run(twin_from_other_source(len(prints)), (*prints, message.source, message.message_id)).fetchone()
            twin = row[0] if row else None
        if twin is not None:
            duplicates += run(
                INSERT_CROSS_SOURCE_DUPLICATE,
                (message.message_id, twin, message.source, message.to_json(), now, message.message_id),
            ).rowcount
            continue
        inserted = run(
            INSERT_MESSAGE,
            (message.message_id, message.chat_id, utc_text(message.sent_at), message.source, message.to_json(), now),
        ).rowcount
        if inserted:
            added += 1
            for fingerprint in prints:
                run(INSERT_FINGERPRINT, (fingerprint, message.message_id, message.source))
    return added, duplicates
