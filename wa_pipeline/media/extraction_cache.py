"""What each media file gave, keyed by its sha256, in the landing database: a file forwarded to ten chats is
processed once, a later run reuses it, and pending items remember how often they were tried."""

from __future__ import annotations

import threading
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from wa_pipeline.store.sqlite_db import connect, write_transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS media_extractions (
    sha256      TEXT PRIMARY KEY,
    engine      TEXT NOT NULL,
    status      TEXT NOT NULL,
    category    TEXT,
    mime        TEXT,
    text        TEXT NOT NULL,
    confidence  REAL,
    width       INTEGER,
    height      INTEGER,
    duration_s  REAL,
    bytes       INTEGER,
    reason      TEXT NOT NULL,
    attempts    INTEGER NOT NULL,
    updated_at  TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Extraction:
    """The outcome for one file's bytes, whichever messages carry it."""

    sha256: str
    engine: str
    status: str  # "ok" | "pending:<code>" | "failed"
    category: str | None = None
    mime: str | None = None
    text: str = ""
    confidence: float | None = None
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    bytes: int | None = None
    reason: str = ""
    attempts: int = 1

    @property
    def final(self) -> bool:
        return not self.status.startswith("pending:")


COLUMNS = [f.name for f in fields(Extraction)]


class ExtractionCache:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = connect(self.path)
        self._conn.executescript(SCHEMA)

    def get_many(self, sha256s: list[str]) -> dict[str, Extraction]:
        found: dict[str, Extraction] = {}
        unique = list(dict.fromkeys(sha256s))
        with self._lock:
            # SQLite caps bound parameters per statement; 500 is far below every build's limit.
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                rows = self._conn.execute(
                    f"SELECT {', '.join(COLUMNS)} FROM media_extractions WHERE sha256 IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
                found.update({row["sha256"]: Extraction(**{c: row[c] for c in COLUMNS}) for row in rows})
        return found

    def put_many(self, extractions: list[Extraction]) -> None:
        now = datetime.now(UTC).isoformat()
        placeholders = ", ".join("?" * (len(COLUMNS) + 1))
        updates = ", ".join(f"{c}=excluded.{c}" for c in COLUMNS if c != "sha256")
        with self._lock, write_transaction(self._conn):
            self._conn.executemany(
                f"INSERT INTO media_extractions ({', '.join(COLUMNS)}, updated_at) VALUES ({placeholders})"
                f" ON CONFLICT (sha256) DO UPDATE SET {updates}, updated_at=excluded.updated_at",
                [tuple(getattr(e, c) for c in COLUMNS) + (now,) for e in extractions],
            )

    def close(self) -> None:
        self._conn.close()
