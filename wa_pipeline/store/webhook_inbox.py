"""The webhook inbox: raw bodies on disk before they are acknowledged, kept until the lander has landed them.

A SQLite file of its own (WAL, synchronous=FULL, like every store), so the receiver's commits never wait behind
the landing store's. A row is deleted once its body has landed: what the inbox holds is exactly the backlog. The
bodies hold customers' numbers and words, so deleted rows are zeroed (secure_delete) and, whenever the inbox is
empty, the WAL is checkpointed and truncated: once landed, a body leaves no copy here for `forget` to miss.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
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
    """The inbox file; one instance per thread that writes (each holds one connection, used under a lock)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._conn = connect(self.path)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA secure_delete=ON")
            self._conn.executescript(SCHEMA)

    def append(self, bodies: Iterable[tuple[bytes, datetime]]) -> None:
        """Store the bodies in one durable commit; returns once it is on disk."""
        rows = [(_micros(received_at), body) for body, received_at in bodies]
        with self._lock, write_transaction(self._conn):
            self._conn.executemany("INSERT INTO webhook_inbox (received_us, body) VALUES (?, ?)", rows)

    def unlanded(self, limit: int, after: int = 0) -> list[InboxBody]:
        """The oldest bodies not landed yet (seq above `after`), in the order they arrived."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, received_us, body FROM webhook_inbox WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit)
            ).fetchall()
        return [InboxBody(row[0], _moment(row[1]), bytes(row[2])) for row in rows]

    def mark_landed(self, seqs: Sequence[int]) -> None:
        """Forget bodies that have landed (their records are in the landing store now)."""
        if not seqs:
            return
        with self._lock:
            with write_transaction(self._conn):
                self._conn.executemany("DELETE FROM webhook_inbox WHERE seq = ?", [(seq,) for seq in seqs])
            if self._conn.execute("SELECT 1 FROM webhook_inbox LIMIT 1").fetchone() is None:
                # The WAL still holds the bodies as they were inserted; nothing waits, so empty it.
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def backlog(self) -> Backlog:
        """How many bodies wait to be landed, and since when."""
        with self._lock:
            count, oldest = self._conn.execute(
                "SELECT count(*), (SELECT received_us FROM webhook_inbox ORDER BY seq LIMIT 1) FROM webhook_inbox"
            ).fetchone()
            # AUTOINCREMENT keeps the highest seq ever given in sqlite_sequence, even once its row is deleted.
            last = self._conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'webhook_inbox'").fetchone()
        return Backlog(count, _moment(oldest) if oldest is not None else None, last[0] if last else 0)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()
