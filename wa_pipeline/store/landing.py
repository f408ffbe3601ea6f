"""The landing store: every message persisted once, keyed by message_id, before it is acknowledged."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from wa_pipeline.cross_source import fingerprints
from wa_pipeline.message import STATUS_ORDER, Message, StatusUpdate
from wa_pipeline.store.sqlite_db import connect, write_transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
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


def _utc_text(moment: datetime) -> str:
    # Fixed-width ISO text in UTC sorts the same as time, so range queries can use the index.
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class AddResult:
    added: int
    already_present: int
    # Messages already landed through the other source (webhook vs export): recorded, not inserted again.
    cross_source_duplicates: int = 0


@dataclass(frozen=True)
class Changes:
    """What landed after a cursor: the new high-water mark and the send times of the new rows."""

    high_water_mark: int
    sent_at: list[datetime]


class LandingStore:
    """SQLite landing store (WAL, synchronous=FULL); a duplicate delivery is a no-op."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        with self._conn() as conn:
            conn.executescript(SCHEMA)

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
        return _Borrowed(conn)

    def add_messages(self, messages: Iterable[Message]) -> AddResult:
        """Insert in one durable transaction; returns how many were new and how many already present.

        A message already present by id is a no-op. A message that another source already delivered
        (see `cross_source`) is recorded in `cross_source_duplicates` and not inserted a second time.
        """
        messages = list(messages)
        if not messages:
            return AddResult(0, 0)
        now = _utc_text(datetime.now(timezone.utc))
        added = duplicates = 0
        with self._conn() as conn, write_transaction(conn):
            for message in messages:
                prints = fingerprints(message)
                twin = self._twin_from_other_source(conn, message, prints) if prints else None
                if twin is not None:
                    before = conn.total_changes
                    conn.execute(
                        "INSERT INTO cross_source_duplicates (message_id, duplicate_of, source, record, seen_at)"
                        " SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM messages WHERE message_id = ?)"
                        " ON CONFLICT (message_id) DO NOTHING",
                        (message.message_id, twin, message.source, message.to_json(), now, message.message_id),
                    )
                    duplicates += conn.total_changes - before
                    continue
                cursor = conn.execute(
                    "INSERT INTO messages (message_id, chat_id, sent_at, source, record, landed_at)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
                    (message.message_id, message.chat_id, _utc_text(message.sent_at), message.source,
                     message.to_json(), now),
                )
                if cursor.rowcount:
                    added += 1
                    conn.executemany(
                        "INSERT INTO fingerprints (fingerprint, message_id, source) VALUES (?, ?, ?)"
                        " ON CONFLICT DO NOTHING",
                        [(fp, message.message_id, message.source) for fp in prints],
                    )
        return AddResult(added=added, already_present=len(messages) - added - duplicates,
                         cross_source_duplicates=duplicates)

    @staticmethod
    def _twin_from_other_source(conn, message: Message, prints: list[str]) -> str | None:
        placeholders = ",".join("?" * len(prints))
        row = conn.execute(
            f"SELECT message_id FROM fingerprints WHERE fingerprint IN ({placeholders}) AND source != ?"
            " AND message_id != ? LIMIT 1",
            (*prints, message.source, message.message_id),
        ).fetchone()
        return row[0] if row else None

    def cross_source_duplicates(self) -> list[tuple[str, str]]:
        """(message_id, duplicate_of) pairs: copies of a message that another source had already delivered."""
        with self._conn() as conn:
            rows = conn.execute("SELECT message_id, duplicate_of FROM cross_source_duplicates ORDER BY seen_at").fetchall()
        return [(r[0], r[1]) for r in rows]

    def add_statuses(self, statuses: Iterable[StatusUpdate]) -> int:
        """Record statuses; a status only replaces one of lower rank (sent < delivered < read < played < failed)."""
        rows = [
            (
                s.message_id, s.status, STATUS_ORDER[s.status], _utc_text(s.at), s.recipient_id,
                json.dumps(s.errors, ensure_ascii=False), s.raw,
            )
            for s in statuses
        ]
        if not rows:
            return 0
        with self._conn() as conn, write_transaction(conn):
            before = conn.total_changes
            conn.executemany(
                "INSERT INTO statuses (message_id, status, rank, at, recipient_id, errors, raw)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (message_id) DO UPDATE SET status=excluded.status, rank=excluded.rank,"
                " at=excluded.at, recipient_id=excluded.recipient_id, errors=excluded.errors, raw=excluded.raw"
                " WHERE excluded.rank > statuses.rank",
                rows,
            )
            return conn.total_changes - before

    def status_of(self, message_id: str) -> str | None:
        with self._conn() as conn:
            row = conn.execute("SELECT status FROM statuses WHERE message_id = ?", (message_id,)).fetchone()
        return row["status"] if row else None

    def messages_between(
        self, start: datetime, end: datetime, on_error: Callable[[str, str, Exception], None] | None = None
    ) -> list[Message]:
        """Messages with start <= sent_at < end, in send order (ties in arrival order).

        A stored record that no longer loads is passed to `on_error` (and skipped) when given, else raised.
        """
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT message_id, record FROM messages WHERE sent_at >= ? AND sent_at < ? ORDER BY sent_at, seq",
                (_utc_text(start), _utc_text(end)),
            ).fetchall()
        messages = []
        for row in rows:
            try:
                messages.append(Message.from_json(row["record"]))
            except (ValueError, KeyError, TypeError) as exc:
                if on_error is None:
                    raise
                on_error(row["message_id"], row["record"], exc)
        return messages

    def iter_messages(self) -> Iterator[Message]:
        with self._conn() as conn:
            for row in conn.execute("SELECT record FROM messages ORDER BY sent_at, seq"):
                yield Message.from_json(row["record"])

    def get(self, message_id: str) -> Message | None:
        with self._conn() as conn:
            row = conn.execute("SELECT record FROM messages WHERE message_id = ?", (message_id,)).fetchone()
        return Message.from_json(row["record"]) if row else None

    def changes_since(self, cursor: int) -> Changes:
        """Rows landed after `cursor` (a sequence number), for the sensor that requests their days."""
        with self._conn() as conn:
            rows = conn.execute("SELECT seq, sent_at FROM messages WHERE seq > ? ORDER BY seq", (cursor,)).fetchall()
        if not rows:
            return Changes(high_water_mark=cursor, sent_at=[])
        return Changes(
            high_water_mark=rows[-1]["seq"],
            sent_at=[datetime.fromisoformat(r["sent_at"]) for r in rows],
        )

    def count(self) -> int:
        with self._conn() as conn:
            return conn.execute("SELECT count(*) FROM messages").fetchone()[0]

    def last_landed_at(self) -> datetime | None:
        with self._conn() as conn:
            row = conn.execute("SELECT max(landed_at) FROM messages").fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None


class _Borrowed:
    """Lends the thread's connection to a `with` block without closing it afterwards."""

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        return self.conn

    def __exit__(self, *exc):
        return False
