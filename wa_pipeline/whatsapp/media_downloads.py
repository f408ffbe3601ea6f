"""Fetching the media of landed Cloud API messages, soon after landing, with a ledger of every attempt.

WhatsApp media URLs live five minutes and media ids about seven days, so bytes are fetched outside the webhook
request path, shortly after the message landed, with a fresh URL on every attempt. The ledger (table
`media_downloads` in the landing database, beside `messages`: the SQLite file or PostgreSQL) records one row per
message: pending until the bytes are in the media store (done), or failed once the item went to the dead-letter
queue. One pass runs at a time per landing database; a second waits for it.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from wa_pipeline.message import Message
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.landing_database import LandingDatabase
from wa_pipeline.store.landing_factory import AnyLandingStore
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.whatsapp.graph_media import GraphAuthError, MediaError, MediaExpired, normalize_sha256

STAGE = "media_download"
DEFAULT_WORKERS = 4

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


class MediaFetcher(Protocol):
    def fetch(self, media_id: str, expected_sha256: str | None = None, kind: str | None = None) -> bytes: ...


@dataclass(frozen=True)
class DownloadSummary:
    """What one pass did, counted in messages.

    downloaded: messages whose bytes were fetched by this pass (one per fetch); already_present: messages whose
    bytes were in the media store already or came with another message's fetch (forwards of the same file);
    failed: messages that failed transiently and stay pending for a later pass; dead_lettered: messages given up on.
    """

    downloaded: int = 0
    already_present: int = 0
    failed: int = 0
    dead_lettered: int = 0
    bytes_downloaded: int = 0


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
class _Item:
    message_id: str
    media_id: str
    attempts: int
    message: Message


@dataclass
class _Group:
    """Messages that share one file (same media id or same payload digest): fetched once for all of them."""

    items: list[_Item] = field(default_factory=list)

    @property
    def media_ids(self) -> list[str]:
        # Newest first: a forward's id is younger, so less likely to have expired.
        seen: list[str] = []
        for item in reversed(self.items):
            if item.media_id not in seen:
                seen.append(item.media_id)
        return seen

    def expected_sha256(self, media_id: str) -> str | None:
        digests = {_payload_sha256(i.message) for i in self.items if i.media_id == media_id} - {None}
        return digests.pop() if len(digests) == 1 else None

    @property
    def kind(self) -> str | None:
        return self.items[-1].message.kind


@dataclass(frozen=True)
class _Fetched:
    sha256: str
    size: int


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _payload_sha256(message: Message) -> str | None:
    try:
        return normalize_sha256(message.media.sha256 if message.media else None)
    except ValueError:
        return None


class MediaDownloadLedger:
    """The `media_downloads` table beside the landing store's `messages`, in the same database (SQLite or PostgreSQL).

    The statements are written once: the store's `database()` supplies the connection, the placeholders and the JSON
    accessor of its engine.
    """

    def __init__(self, store: AnyLandingStore) -> None:
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
        return self._db.exclusive(STAGE)

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

    def pending(self, limit: int | None = None) -> list[_Item]:
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
        return [_Item(r["message_id"], r["media_id"], r["attempts"], Message.from_json(r["record"])) for r in rows]

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

    def record_failure(self, items: list[_Item], error: str, give_up: bool) -> None:
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


def pending_downloads(store: AnyLandingStore) -> PendingDownloads:
    """How much media waits to be fetched (read only; the ledger tables are created if missing)."""
    ledger = MediaDownloadLedger(store)
    try:
        return ledger.waiting()
    finally:
        ledger.close()


def _group(items: list[_Item]) -> list[_Group]:
    # Union-find over media ids and payload digests: a file forwarded under several ids is still one file.
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for item in items:
        digest = _payload_sha256(item.message)
        if digest:
            parent[find(f"id:{item.media_id}")] = find(f"sha:{digest}")
        else:
            find(f"id:{item.media_id}")
    groups: dict[str, _Group] = {}
    for item in items:
        groups.setdefault(find(f"id:{item.media_id}"), _Group()).items.append(item)
    return list(groups.values())


def _fetch_group(group: _Group, client: MediaFetcher, media_store: MediaStore) -> _Fetched:
    expired: MediaExpired | None = None
    for media_id in group.media_ids:
        try:
            data = client.fetch(media_id, expected_sha256=group.expected_sha256(media_id), kind=group.kind)
        except MediaExpired as exc:
            # Another message may carry a younger id for the same file; only give up when none works.
            expired = exc
            continue
        return _Fetched(sha256=media_store.put(data), size=len(data))
    assert expired is not None
    raise expired


def download_pending_media(
    store: AnyLandingStore,
    media_store: MediaStore,
    dead_letters: DeadLetterQueue,
    client: MediaFetcher,
    limit: int | None = None,
    max_attempts: int = 5,
    workers: int = DEFAULT_WORKERS,
) -> DownloadSummary:
    """Fetches the media of landed Cloud API messages whose bytes are not in the media store yet.

    Transient failures stay pending (attempts + 1) until `max_attempts`, then go to the dead-letter queue;
    permanent ones (too large, hash mismatch, expired id) go there at once. A refused access token raises
    `GraphAuthError` after recording what already finished: no item is to blame for it.
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    ledger = MediaDownloadLedger(store)
    try:
        # One pass at a time per landing database: a second waits here, then finds the first one's work done,
        # so no item is fetched twice and no attempt is counted twice.
        with ledger.one_pass():
            ledger.sync()
            items = ledger.pending(limit)
            counts = {"downloaded": 0, "already_present": 0, "failed": 0, "dead_lettered": 0, "bytes_downloaded": 0}
            to_fetch: list[_Group] = []
            for group in _group(items):
                known = {_payload_sha256(i.message) for i in group.items} - {None}
                known |= ledger.done_sha256_for(group.media_ids)
                present = next((sha for sha in sorted(known) if media_store.has(sha)), None)
                if present is not None:
                    ledger.mark_done([i.message_id for i in group.items], present)
                    for item in group.items:
                        dead_letters.resolve(STAGE, item.message_id)
                    counts["already_present"] += len(group.items)
                else:
                    to_fetch.append(group)

            auth_error: GraphAuthError | None = None
            with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="media-download") as pool:
                futures: list[tuple[_Group, Future[_Fetched]]] = [
                    (group, pool.submit(_fetch_group, group, client, media_store)) for group in to_fetch
                ]
                # Results are written from this thread only, in submission order: the ledger sees one writer.
                for group, future in futures:
                    if future.cancelled():
                        continue  # left untouched, still pending: the token problem is not the item's fault
                    try:
                        fetched = future.result()
                    except GraphAuthError as exc:
                        if auth_error is None:
                            auth_error = exc
                            for _, other in futures:
                                other.cancel()
                        continue
                    except MediaError as exc:
                        _record_failure(group, exc, ledger, dead_letters, max_attempts, counts)
                        continue
                    except Exception as exc:
                        _record_failure(group, _Unexpected(exc), ledger, dead_letters, max_attempts, counts)
                        continue
                    ledger.mark_done([i.message_id for i in group.items], fetched.sha256)
                    for item in group.items:
                        dead_letters.resolve(STAGE, item.message_id)
                    counts["downloaded"] += 1
                    counts["already_present"] += len(group.items) - 1
                    counts["bytes_downloaded"] += fetched.size
            if auth_error is not None:
                raise auth_error
            return DownloadSummary(**counts)
    finally:
        ledger.close()


class _Unexpected(MediaError):
    """Anything else that went wrong with one item: retried like a transient failure, never lost."""

    retriable = True

    def __init__(self, exc: Exception) -> None:
        super().__init__("?", f"{type(exc).__name__}: {exc}")


def _record_failure(
    group: _Group,
    exc: MediaError,
    ledger: MediaDownloadLedger,
    dead_letters: DeadLetterQueue,
    max_attempts: int,
    counts: dict[str, int],
) -> None:
    reason = f"{type(exc).__name__}: {exc.reason}"
    for item in group.items:
        give_up = not exc.retriable or item.attempts + 1 >= max_attempts
        ledger.record_failure([item], reason, give_up)
        if give_up:
            attempts = item.attempts + 1
            why = reason if not exc.retriable else f"gave up after {attempts} attempts; last: {reason}"
            media = item.message.media
            dead_letters.add(
                STAGE,
                item.message_id,
                why,
                {
                    "media_id": item.media_id,
                    "mime": media.mime if media else None,
                    "kind": item.message.kind,
                    "attempts": attempts,
                    "error": type(exc).__name__,
                },
            )
            counts["dead_lettered"] += 1
        else:
            counts["failed"] += 1
