"""Fetching the media of landed Cloud API messages, soon after landing, with a ledger of every attempt.

WhatsApp media URLs live five minutes and media ids about seven days, so bytes are fetched outside the webhook
request path, shortly after the message landed, with a fresh URL on every attempt. The ledger (table
`media_downloads` in the landing database, beside `messages`: the SQLite file or PostgreSQL) records one row per
message: pending until the bytes are in the media store (done), or failed once the item went to the dead-letter
queue; its SQL lives in `store.media_download_ledger`. One pass runs at a time per landing database; a second
waits for it.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from wa_pipeline.message import Message
from wa_pipeline.store.dead_letters import DeadLetterQueue, Stage
from wa_pipeline.store.landing_store import LandingStore
from wa_pipeline.store.media_download_ledger import LedgerItem, MediaDownloadLedger
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.whatsapp.graph_media import GraphAuthError, MediaError, MediaExpired, normalize_sha256

STAGE = Stage.MEDIA_DOWNLOAD
DEFAULT_WORKERS = 4


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


@dataclass
class _Group:
    """Messages that share one file (same media id or same payload digest): fetched once for all of them."""

    items: list[LedgerItem] = field(default_factory=list)

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


def _payload_sha256(message: Message) -> str | None:
    try:
        return normalize_sha256(message.media.sha256 if message.media else None)
    except ValueError:
        return None


def _group(items: list[LedgerItem]) -> list[_Group]:
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
    store: LandingStore,
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
