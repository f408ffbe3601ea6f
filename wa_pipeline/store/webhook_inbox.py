"""The webhook inbox: raw bodies on disk before they are acknowledged, kept until the lander has landed them.

A SQLite file of its own (WAL, synchronous=FULL, like every store), written by the receiver alone: a second
writer (the lander, at a lower CPU priority) would hold the file's write lock while descheduled, and SQLite's busy
wait sleeps whole milliseconds. So the lander only says how far it has landed, in a small file beside the inbox
(`<inbox>.landed`, replaced atomically, not fsynced: lost, it only means landing some bodies again, which adds
nothing), and the receiver deletes the landed rows in its next commit or when idle. Deleted rows are zeroed
(secure_delete) and, whenever the inbox is empty, its WAL is truncated: once landed, a body leaves no copy here.

`forget` is the one other writer (`rewrite_bodies`): a body naming a forgotten customer is rewritten without them,
or emptied (`FORGOTTEN`), beside a running receiver and lander.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from contextlib import closing
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


# What `forget` leaves of a body that named the forgotten customer and had not landed. The receiver keeps only
# bodies with braces at both ends, so no body it received is empty. The row stays until landed: seqs keep no gaps
# (the backlog is counted from them) and the lander passes it in order, landing nothing and writing no letter.
FORGOTTEN = b""


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


def progress_path(inbox: Path) -> Path:
    """Where the lander notes the last seq it has landed, beside the inbox file."""
    return inbox.with_name(inbox.name + ".landed")


def _landed_through(progress: Path) -> int:
    try:
        return int(progress.read_text(encoding="ascii") or 0)
    except (OSError, ValueError):
        return 0


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
        return progress_path(self.path)

    def landed_through(self) -> int:
        """The lander's watermark: every body up to this seq has landed (0: none noted, or the note is unreadable)."""
        return _landed_through(self.progress_path)

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


def _changed(conn, rewrite: Callable[[InboxBody], bytes], after: int) -> tuple[dict[int, bytes], int]:
    changed, last = {}, after
    rows = conn.execute("SELECT seq, received_us, body FROM webhook_inbox WHERE seq > ? ORDER BY seq", (after,))
    for seq, received_us, body in rows:
        last = seq
        body = bytes(body)
        new = rewrite(InboxBody(seq, _moment(received_us), body))
        if new != body:
            changed[seq] = new
    return changed, last


def rewrite_bodies(path: Path, rewrite: Callable[[InboxBody], bytes]) -> int:
    """Pass every body in the inbox at `path` through `rewrite` (its new bytes; `FORGOTTEN` for none) and store the
    changes; how many bodies changed. Safe beside a running receiver and lander; no file there, nothing to do.

    Neither of them changes a row once written, so the bodies are read without a lock, and only the changes and the
    bodies that arrived meanwhile are handled under the write lock: the receiver's commits wait milliseconds, not a
    scan. A changed body already landed is deleted (its records are in the landing store, where forget finds them).
    """
    if not Path(path).exists():
        return 0
    with closing(connect(Path(path))) as conn:
        # Rows rewritten or deleted are overwritten with zeros, not merely unlinked.
        conn.execute("PRAGMA secure_delete=ON")
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'webhook_inbox'").fetchone() is None:
            return 0
        changed, last = _changed(conn, rewrite, 0)
        with write_transaction(conn):
            arrived, _ = _changed(conn, rewrite, last)
            changed.update(arrived)
            # The lander's mark only grows: a seq at or below it as read now has landed.
            landed = _landed_through(progress_path(Path(path)))
            done = 0
            for seq, body in changed.items():
                if seq <= landed:
                    done += conn.execute("DELETE FROM webhook_inbox WHERE seq = ?", (seq,)).rowcount
                else:
                    done += conn.execute("UPDATE webhook_inbox SET body = ? WHERE seq = ?", (body, seq)).rowcount
    return done


def holding_before(path: Path, moment: datetime) -> int:
    """How many bodies in the inbox at `path` arrived before `moment` and still hold their bytes (landed or not)."""
    if not Path(path).exists():
        return 0
    with closing(connect(Path(path))) as conn:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'webhook_inbox'").fetchone() is None:
            return 0
        return conn.execute(
            "SELECT count(*) FROM webhook_inbox WHERE received_us < ? AND length(body) > 0", (_micros(moment),)
        ).fetchone()[0]
