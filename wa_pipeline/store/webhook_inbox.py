"""The webhook inbox: raw bodies on disk before they are acknowledged, kept until the lander has landed them.

A SQLite file of its own (WAL, synchronous=FULL, like every store), written by the receiver alone: a second
writer (the lander, at a lower CPU priority) would hold the file's write lock while descheduled, and SQLite's busy
wait sleeps whole milliseconds. So the lander only says how far it has landed, in a small file beside the inbox
(`<inbox>.landed`, replaced atomically, not fsynced: lost, it only means landing some bodies again, which adds
nothing), and the receiver deletes the landed rows in its next commit or when idle. Deleted rows are zeroed
(secure_delete) and, whenever the inbox is empty, its WAL is truncated: once landed, a body leaves no copy here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from wa_pipeline.store.sqlite_db import connect, write_transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS webhook_inbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    received_us INTEGER NOT NULL,
    body        BLOB NOT NULL
);
"""


def _micros(moment: datetime) -> int:
    return round(moment.timestamp() * 1_000_000)


def _moment(micros: int) -> datetime:
    return datetime.fromtimestamp(micros / 1_000_000, UTC)


@dataclass(frozen=True)
class InboxBody:
    """One acknowledged body: its order of arrival, the receiving clock that bounds its timestamps, its bytes."""

    seq: int
    received_at: datetime
    body: bytes


@dataclass(frozen=True)
class Backlog:
    """Bodies acknowledged but not landed yet, and when the oldest of them arrived (None when there is none)."""

    bodies: int
    oldest_received_at: datetime | None
    last_seq: int


class WebhookInbox:
    """The inbox file (one connection, used under a lock); only the receiver's process writes it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._conn = connect(self.path)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA secure_delete=ON")
            self._conn.executescript(SCHEMA)
        # A note from another inbox (this file was replaced, the note kept) would make new bodies look landed.
        if self.landed_through() > self.backlog().last_seq:
            self.mark_landed_through(0)

    @property
    def progress_path(self) -> Path:
        """Where the lander notes the last seq it has landed (every body up to it is in the landing store)."""
        return self.path.with_name(self.path.name + ".landed")

    def landed_through(self) -> int:
        """The lander's watermark: every body up to this seq has landed (0: none noted, or the note is unreadable)."""
        try:
            return int(self.progress_path.read_text(encoding="ascii") or 0)
        except (OSError, ValueError):
            return 0

    def mark_landed_through(self, seq: int) -> None:
        """Note that every body up to `seq` has landed (the lander calls this; the receiver prunes)."""
        temp = self.progress_path.with_name(f".{self.progress_path.name}.{os.getpid()}.tmp")
        temp.write_text(str(seq), encoding="ascii")
        os.replace(temp, self.progress_path)

    def append(self, bodies: Iterable[tuple[bytes, datetime]]) -> None:
        """Store the bodies in one durable commit, deleting those landed meanwhile; returns once it is on disk."""
        rows = [(_micros(received_at), body) for body, received_at in bodies]
        landed = self.landed_through()
        with self._lock, write_transaction(self._conn):
            self._conn.execute("DELETE FROM webhook_inbox WHERE seq <= ?", (landed,))
            self._conn.executemany("INSERT INTO webhook_inbox (received_us, body) VALUES (?, ?)", rows)

    def prune(self) -> None:
        """Delete the bodies landed; when none is left, checkpoint and truncate the WAL (which still holds them)."""
        landed = self.landed_through()
        with self._lock:
            if self._conn.execute("SELECT 1 FROM webhook_inbox WHERE seq <= ? LIMIT 1", (landed,)).fetchone():
                with write_transaction(self._conn):
                    self._conn.execute("DELETE FROM webhook_inbox WHERE seq <= ?", (landed,))
            if self._conn.execute("SELECT 1 FROM webhook_inbox LIMIT 1").fetchone() is None:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def unlanded(self, limit: int, after: int | None = None) -> list[InboxBody]:
        """The oldest bodies not landed yet (seq above `after`, by default the watermark), in order of arrival."""
        after = self.landed_through() if after is None else after
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, received_us, body FROM webhook_inbox WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit)
            ).fetchall()
        return [InboxBody(row[0], _moment(row[1]), bytes(row[2])) for row in rows]

    def landed_up_to(self, seq: int) -> bool:
        """Whether every body up to `seq` has landed."""
        if self.landed_through() >= seq:
            return True
        head = self.unlanded(1)
        return not head or head[0].seq > seq

    def backlog(self) -> Backlog:
        """How many bodies wait to be landed, and since when."""
        landed = self.landed_through()
        with self._lock:
            # AUTOINCREMENT keeps the highest seq ever given in sqlite_sequence, even once its row is deleted; seqs
            # have no gaps (an insert rolled back takes its sqlite_sequence update with it), so the backlog is
            # counted without reading a row: /healthz stays cheap under a burst.
            last = self._conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'webhook_inbox'").fetchone()
            last_seq = last[0] if last else 0
            oldest = self._conn.execute(
                "SELECT received_us FROM webhook_inbox WHERE seq > ? ORDER BY seq LIMIT 1", (landed,)
            ).fetchone()
        count = max(0, last_seq - landed) if oldest is not None else 0
        return Backlog(count, _moment(oldest[0]) if oldest is not None else None, last_seq)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()
