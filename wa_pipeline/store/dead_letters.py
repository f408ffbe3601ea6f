"""The dead-letter queue: items a stage could not process, with the reason, kept for replay.

Storage only: the replay, which sends letters back through each stage's normal path, is `wa_pipeline.replay`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from wa_pipeline.store import tombstones
from wa_pipeline.store.sqlite_db import connect, write_transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS dead_letters (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    stage       TEXT NOT NULL,
    item_key    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    payload     TEXT NOT NULL,
    partition   TEXT,
    created_at  TEXT NOT NULL,
    replayed_at TEXT,
    UNIQUE (stage, item_key)
);
"""


class Stage(StrEnum):
    """Every stage that dead-letters items; the value is what the queue stores."""

    IMPORT = "import"
    WEBHOOK = "webhook"
    MEDIA_DOWNLOAD = "media_download"
    MEDIA = "media"
    RAW_MESSAGES = "raw_messages"


@dataclass(frozen=True)
class DeadLetter:
    id: int
    stage: str
    item_key: str
    reason: str
    payload: dict
    partition: str | None
    created_at: str
    replayed_at: str | None
    replay_note: str | None = None


def now_text() -> str:
    # Fixed width, so times compare as text (isoformat drops a zero microsecond otherwise).
    return datetime.now(UTC).isoformat(timespec="microseconds")


class DeadLetterQueue:
    """Lives in the landing database; one open letter per (stage, item), updated if it fails again."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = connect(self.path)
        self._conn.executescript(SCHEMA + tombstones.SCHEMA)
        columns = {row["name"] for row in self._conn.execute("PRAGMA table_info(dead_letters)")}
        if "replay_note" not in columns:
            # Added with replay support; older landing databases get the column on first open.
            with self._lock, write_transaction(self._conn):
                columns = {row["name"] for row in self._conn.execute("PRAGMA table_info(dead_letters)")}
                if "replay_note" not in columns:
                    self._conn.execute("ALTER TABLE dead_letters ADD COLUMN replay_note TEXT")

    def __reduce__(self):
        # Sent to another process as its file: that process opens a connection of its own.
        return (type(self), (self.path,))

    def add(
        self, stage: str, item_key: str, reason: str, payload: dict | None = None, partition: str | None = None
    ) -> None:
        """Queue an item, unless it carries a forgotten customer's number (a tombstone names it)."""
        self.add_many(stage, [(item_key, reason, payload)], partition=partition)

    def add_many(self, stage: str, items: Sequence[tuple[str, str, dict | None]], partition: str | None = None) -> None:
        """Queue (item key, reason, payload) items of one stage in one transaction, as `add` queues one."""
        now = now_text()
        with self._lock, write_transaction(self._conn):
            forgotten = tombstones.Tombstones.load(self._conn.execute)
            for item_key, reason, payload in items:
                text = json.dumps(payload or {}, ensure_ascii=False, default=str)
                if forgotten.blocks_text(f"{item_key} {text}"):
                    continue
                self._conn.execute(
                    "INSERT INTO dead_letters (stage, item_key, reason, payload, partition, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (stage, item_key) DO UPDATE SET reason=excluded.reason, payload=excluded.payload,"
                    " partition=excluded.partition, created_at=excluded.created_at, replayed_at=NULL,"
                    " replay_note=NULL",
                    (stage, item_key, reason[:2000], text, partition, now),
                )

    def list(
        self,
        include_replayed: bool = False,
        partition: str | None = None,
        stage: str | None = None,
        ids: Iterable[int] | None = None,
    ) -> list[DeadLetter]:
        sql = "SELECT * FROM dead_letters WHERE 1=1"
        args: list = []
        if not include_replayed:
            sql += " AND replayed_at IS NULL"
        if partition is not None:
            sql += " AND partition = ?"
            args.append(partition)
        if stage is not None:
            sql += " AND stage = ?"
            args.append(stage)
        if ids is not None:
            wanted = [int(i) for i in ids]
            sql += f" AND id IN ({','.join('?' * len(wanted))})" if wanted else " AND 0"
            args += wanted
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY id", args).fetchall()
        return [
            DeadLetter(
                id=r["id"],
                stage=r["stage"],
                item_key=r["item_key"],
                reason=r["reason"],
                payload=json.loads(r["payload"]),
                partition=r["partition"],
                created_at=r["created_at"],
                replayed_at=r["replayed_at"],
                replay_note=r["replay_note"],
            )
            for r in rows
        ]

    def counts_by_stage(self) -> dict[str, int]:
        """Open letters per stage."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT stage, count(*) FROM dead_letters WHERE replayed_at IS NULL GROUP BY stage ORDER BY stage"
            ).fetchall()
        return {stage: count for stage, count in rows}

    def mark_replayed(self, ids: Sequence[int], note: str | None = None, unless_failed_since: str | None = None) -> int:
        """Close letters as replayed; returns how many were closed.

        With `unless_failed_since` (an ISO time), a letter that was put back after that moment (it failed again
        during the replay) stays open.
        """
        now = now_text()
        sql = "UPDATE dead_letters SET replayed_at = ?, replay_note = ? WHERE id = ?"
        if unless_failed_since is not None:
            sql += " AND created_at < ?"
        with self._lock, write_transaction(self._conn):
            before = self._conn.total_changes
            self._conn.executemany(
                sql, [(now, note, i) + ((unless_failed_since,) if unless_failed_since is not None else ()) for i in ids]
            )
            return self._conn.total_changes - before

    def resolve(self, stage: str, item_key: str) -> None:
        """An item that now succeeds leaves the queue."""
        with self._lock, write_transaction(self._conn):
            self._conn.execute("DELETE FROM dead_letters WHERE stage = ? AND item_key = ?", (stage, item_key))

    def is_open(self, letter_id: int) -> bool:
        with self._lock:
            row = self._conn.execute("SELECT replayed_at FROM dead_letters WHERE id = ?", (letter_id,)).fetchone()
        return row is not None and row[0] is None
