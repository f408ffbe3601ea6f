"""The dead-letter queue: items a stage could not process, with the reason, kept for replay."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

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


class DeadLetterQueue:
    """Lives in the landing database; one open letter per (stage, item), updated if it fails again."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = connect(self.path)
        self._conn.executescript(SCHEMA)

    def add(self, stage: str, item_key: str, reason: str, payload: dict | None = None, partition: str | None = None) -> None:
        now = datetime.now(timezone.utc).isoformat()
        with self._lock, write_transaction(self._conn):
            self._conn.execute(
                "INSERT INTO dead_letters (stage, item_key, reason, payload, partition, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (stage, item_key) DO UPDATE SET reason=excluded.reason, payload=excluded.payload,"
                " partition=excluded.partition, created_at=excluded.created_at, replayed_at=NULL",
                (stage, item_key, reason[:2000], json.dumps(payload or {}, ensure_ascii=False, default=str), partition, now),
            )

    def list(self, include_replayed: bool = False, partition: str | None = None) -> list[DeadLetter]:
        sql = "SELECT * FROM dead_letters WHERE 1=1"
        args: list = []
        if not include_replayed:
            sql += " AND replayed_at IS NULL"
        if partition is not None:
            sql += " AND partition = ?"
            args.append(partition)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY id", args).fetchall()
        return [
            DeadLetter(
                id=r["id"], stage=r["stage"], item_key=r["item_key"], reason=r["reason"],
                payload=json.loads(r["payload"]), partition=r["partition"],
                created_at=r["created_at"], replayed_at=r["replayed_at"],
            )
            for r in rows
        ]

    def mark_replayed(self, ids: list[int]) -> None:
        now = datetime.now(timezone.utc).isoformat()
        with self._lock, write_transaction(self._conn):
            self._conn.executemany("UPDATE dead_letters SET replayed_at = ? WHERE id = ?", [(now, i) for i in ids])

    def resolve(self, stage: str, item_key: str) -> None:
        """An item that now succeeds leaves the queue."""
        with self._lock, write_transaction(self._conn):
            self._conn.execute("DELETE FROM dead_letters WHERE stage = ? AND item_key = ?", (stage, item_key))
