"""The media download ledger: table `media_downloads` beside the landing store's `messages`, in the same database.

One row per landed Cloud API message with media: pending until the bytes are in the media store (done), or failed
once the item went to the dead-letter queue. The statements are written once, for the SQLite file and PostgreSQL
alike (see `landing_database`); the downloads themselves are `whatsapp.media_downloads`.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from wa_pipeline.message import Message
from wa_pipeline.store.dead_letters import Stage
from wa_pipeline.store.landing_database import LandingDatabase

if TYPE_CHECKING:
    from wa_pipeline.store.landing_store import LandingStore

# Written once for both engines (see `landing_database`): SQLite runs it as written, PostgreSQL with `%s`.
SCHEMA = """
CREATE TABLE IF NOT EXISTS media_downloads (
    message_id TEXT PRIMARY KEY,
    media_id   TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sha256     TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS media_downloads_status ON media_downloads (status);
CREATE INDEX IF NOT EXISTS media_downloads_media_id ON media_downloads (media_id);
-- How far the landing table has been scanned for media, and a counter bumped by every ledger change:
-- together they are the high-water mark a sensor's run key is made of.
CREATE TABLE IF NOT EXISTS media_download_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    scanned_seq BIGINT NOT NULL,
    version     BIGINT NOT NULL
);
INSERT INTO media_download_state (id, scanned_seq, version) VALUES (1, 0, 0) ON CONFLICT (id) DO NOTHING;
"""
STATE_TABLE = "media_download_state"  # the schema's last table


@dataclass(frozen=True)
class PendingDownloads:
    """Work waiting, read without changing anything (for a sensor)."""

    pending: int  # ledger rows still pending
    unscanned: int  # landed media messages the ledger has not seen yet
    high_water_mark: str  # changes whenever new media lands or the ledger moves

    @property
    def total(self) -> int:
        return self.pending + self.unscanned


@dataclass(frozen=True)
class LedgerItem:
    """A pending download: the message it belongs to and how often it was tried."""

    message_id: str
    media_id: str
    attempts: int
    message: Message


def _now() -> str:
    return datetime.now(UTC).isoformat()


class MediaDownloadLedger:
    """The `media_downloads` table beside the landing store's `messages`, in the same database (SQLite or PostgreSQL).

    The statements are written once: the store's `database()` supplies the connection, the placeholders and the JSON
    accessor of its engine.
    """

    def __init__(self, store: LandingStore) -> None:
        self._db: LandingDatabase = store.database()
        self._lock = threading.Lock()
        # Landed Cloud API messages that carry a Graph media id (the record is the canonical message's JSON).
        self._media_id = self._db.json_text("record", "media_remote_id")
        self._media_messages = f"FROM messages WHERE seq > ? AND source = 'cloud_api' AND {self._media_id} IS NOT NULL"
        with self._lock:
            self._db.create(SCHEMA, STATE_TABLE)

    def close(self) -> None:
        self._db.close()

    def one_pass(self) -> AbstractContextManager[None]:
        """Held for a whole download pass: a second pass on the same database waits, then finds the work done."""
        return self._db.exclusive(Stage.MEDIA_DOWNLOAD)

    def sync(self) -> int:
        """Adds a pending row for every media message landed since the last scan; returns how many."""
        with self._lock, self._db.write() as tx:
            scanned = tx.rows("SELECT scanned_seq FROM media_download_state")[0]["scanned_seq"]
            last = tx.rows(f"SELECT max(seq) AS last {self._media_messages}", (scanned,))[0]["last"]
            if last is None:
                return 0
            added = tx.execute(
                "INSERT INTO media_downloads (message_id, media_id, status, attempts, updated_at)"
                f" SELECT message_id, {self._media_id}, 'pending', 0, ? {self._media_messages} AND seq <= ?"
                " ON CONFLICT (message_id) DO NOTHING",
                (_now(), scanned, last),
            )
            tx.execute("UPDATE media_download_state SET scanned_seq = ?, version = version + 1", (last,))
        return added

    def pending(self, limit: int | None = None) -> list[LedgerItem]:
        sql = (
            "SELECT d.message_id, d.media_id, d.attempts, m.record FROM media_downloads d"
            " JOIN messages m ON m.message_id = d.message_id WHERE d.status = 'pending' ORDER BY m.seq"
        )
        args: tuple = ()
        if limit is not None:
            sql += " LIMIT ?"
            args = (int(limit),)
        with self._lock:
            rows = self._db.rows(sql, args)
        return [LedgerItem(r["message_id"], r["media_id"], r["attempts"], Message.from_json(r["record"])) for r in rows]

    def done_sha256_for(self, media_ids: list[str]) -> set[str]:
        """Digests already fetched for any of these media ids (an earlier pass, another message)."""
        if not media_ids:
            return set()
        marks = ",".join("?" * len(media_ids))
        with self._lock:
            rows = self._db.rows(
                f"SELECT DISTINCT sha256 FROM media_downloads WHERE status = 'done' AND sha256 IS NOT NULL"
                f" AND media_id IN ({marks})",
                media_ids,
            )
        return {r["sha256"] for r in rows}

    def mark_done(self, message_ids: list[str], sha256: str) -> None:
        self._update(
            message_ids,
            "UPDATE media_downloads SET status = 'done', sha256 = ?, last_error = NULL,"
            " updated_at = ? WHERE message_id = ?",
            lambda mid: (sha256, _now(), mid),
        )

    def record_failure(self, items: list[LedgerItem], error: str, give_up: bool) -> None:
        status = "failed" if give_up else "pending"
        self._update(
            [i.message_id for i in items],
            "UPDATE media_downloads SET status = ?, attempts = attempts + 1, last_error = ?,"
            " updated_at = ? WHERE message_id = ?",
            lambda mid: (status, error[:2000], _now(), mid),
        )

    def requeue(self, message_ids: list[str]) -> None:
        """Gives failed items a fresh set of attempts (a dead-letter replay)."""
        self._update(
            message_ids,
            "UPDATE media_downloads SET status = 'pending', attempts = 0, updated_at = ?"
            " WHERE message_id = ? AND status = 'failed'",
            lambda mid: (_now(), mid),
        )

    def _update(self, message_ids: list[str], sql: str, args) -> None:
        if not message_ids:
            return
        with self._lock, self._db.write() as tx:
            for mid in message_ids:
                tx.execute(sql, args(mid))
            tx.execute("UPDATE media_download_state SET version = version + 1")

    def row(self, message_id: str) -> dict | None:
        with self._lock:
            rows = self._db.rows("SELECT * FROM media_downloads WHERE message_id = ?", (message_id,))
        return rows[0] if rows else None

    def waiting(self) -> PendingDownloads:
        """Pending and not-yet-scanned work, read only."""
        with self._lock:
            state = self._db.rows("SELECT scanned_seq, version FROM media_download_state")[0]
            pending = self._db.rows("SELECT count(*) AS n FROM media_downloads WHERE status = 'pending'")[0]["n"]
            unscanned = self._db.rows(
                f"SELECT count(*) AS n, max(seq) AS last {self._media_messages}", (state["scanned_seq"],)
            )[0]
        landed = max(state["scanned_seq"], unscanned["last"] or 0)
        return PendingDownloads(
            pending=pending, unscanned=unscanned["n"], high_water_mark=f"landing{landed}-ledger{state['version']}"
        )


def pending_downloads(store: LandingStore) -> PendingDownloads:
    """How much media waits to be fetched (read only; the ledger tables are created if missing)."""
    ledger = MediaDownloadLedger(store)
    try:
        return ledger.waiting()
    finally:
        ledger.close()
