"""From media messages to their text: sniff each file, send it to OCR, transcription or the document parser,
reuse what an earlier run (or an earlier forward of the same file) already found, and degrade instead of failing.

Statuses: "ok"; "pending:<code>" when an engine is missing or timed out (a later run retries); "failed" when the
bytes themselves are the problem (empty, corrupt, unsupported, too large, hostile), which the caller dead-letters;
"media_omitted:not_in_export" when a chat export names a file it does not carry (a .txt shared without its media is
normal): nothing to read, nothing failed, and it does not count against the success rate.
"""

from __future__ import annotations

import dataclasses
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from wa_pipeline.media import sniff as sniffing
from wa_pipeline.media.audio_decode import NO_AUDIO, decode_audio
from wa_pipeline.media.engine_pool import TaskOutcome, document_task, ocr_task
from wa_pipeline.media.engine_settings import MediaEngineSettings
from wa_pipeline.media.extraction_cache import Extraction, ExtractionCache
from wa_pipeline.media.media_errors import MediaFailed, MediaPending
from wa_pipeline.media.ocr import tesseract_available
from wa_pipeline.media.transcribe import transcribe, whisper_model_available
from wa_pipeline.store.dead_letters import DeadLetterQueue, Stage
from wa_pipeline.store.media_store import MediaStore

STAGE = Stage.MEDIA
OK, FAILED = "ok", "failed"
NOT_IN_EXPORT = "media_omitted:not_in_export"
# A timeout may be a busy machine and a crashed worker a broken pool, so both are retried; this often in a row
# and it is the file.
RETRIED = frozenset({"ocr_timeout", "engine_crashed"})
EXCERPT_CHARS = 200


@dataclass(frozen=True)
class MediaItem:
    """A media message as the media stage needs it."""

    message_id: str
    sha256: str | None
    kind: str  # the message's kind: image, voice, document...
    claimed_mime: str | None = None
    filename: str | None = None
    remote_id: str | None = None


@dataclass(frozen=True)
class MediaResult:
    message_id: str
    sha256: str | None
    kind: str  # what the bytes are: image, audio, video, document, text, executable, archive, unknown
    mime: str | None  # sniffed from the bytes, or the claimed type when there are no bytes
    status: str
    text: str = ""
    confidence: float | None = None
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    bytes: int | None = None
    reason: str = ""
    cached: bool = False
    filename: str | None = None  # the attachment's name in the chat, when it has one

    @property
    def excerpt(self) -> str:
        flat = " ".join(self.text.split())
        return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"


@dataclass
class ExtractionStats:
    """How the work went, for the asset's plotted metadata."""

    items: int = 0
    files: int = 0
    cache_hits: int = 0
    images: int = 0
    documents: int = 0
    audio_files: int = 0
    audio_seconds: float = 0.0
    wall_s: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)


_UNREADABLE_IN_STORE = "media file unreadable in the store"


def extract_media(
    items: list[MediaItem],
    store: MediaStore,
    cache: ExtractionCache | None,
    settings: MediaEngineSettings,
    pool: Executor | None,
    *,
    stats: ExtractionStats | None = None,
) -> list[MediaResult]:
    """One result per item, in item order. `pool` runs OCR and document parsing (None: run them here)."""
    started = time.perf_counter()
    stats = stats if stats is not None else ExtractionStats()
    stats.items = len(items)
    # Meta's webhook names a file's sha256 before the bytes are fetched: until they are in the store the item waits
    # for its download, never a failure (a failure is final and cached, so the photo would never be read).
    waiting = {item.sha256 for item in items if item.sha256 and item.remote_id and not store.has(item.sha256)}
    shas = list(dict.fromkeys(item.sha256 for item in items if item.sha256 and item.sha256 not in waiting))
    stats.files = len(shas)
    cached = cache.get_many(shas) if cache is not None else {}
    reusable = {
        sha: e
        for sha, e in cached.items()
        if e.final
        and e.engine == settings.engine_key(e.category or "")
        # Earlier versions cached a download still to come as this failure: read the bytes once they are here.
        and not (e.reason.startswith(_UNREADABLE_IN_STORE) and store.has(sha))
    }
    stats.cache_hits = len(reusable)
    fresh = _process([sha for sha in shas if sha not in reusable], store, settings, pool, cached, stats)
    if cache is not None and fresh:
        cache.put_many(list(fresh.values()))
    results = [_result(item, reusable, fresh, waiting) for item in items]
    stats.wall_s = time.perf_counter() - started
    for result in results:
        bucket = result.status.split(":", 1)[0]
        stats.by_status[bucket] = stats.by_status.get(bucket, 0) + 1
    return results


def _result(
    item: MediaItem, reusable: dict[str, Extraction], fresh: dict[str, Extraction], waiting: set[str]
) -> MediaResult:
    if not item.sha256 or item.sha256 in waiting:
        if item.remote_id:
            return MediaResult(
                item.message_id,
                item.sha256,
                item.kind,
                item.claimed_mime,
                "pending:not_downloaded",
                reason="waiting for the media download from WhatsApp",
                filename=item.filename,
            )
        name = f"attachment {item.filename}" if item.filename else "the attachment"
        return MediaResult(
            item.message_id,
            None,
            item.kind,
            item.claimed_mime,
            NOT_IN_EXPORT,
            reason=f"{name} is not in the export, so there are no bytes to read",
            filename=item.filename,
        )
    extraction = reusable.get(item.sha256) or fresh[item.sha256]
    return MediaResult(
        message_id=item.message_id,
        sha256=item.sha256,
        kind=extraction.category or item.kind,
        mime=extraction.mime,
        status=extraction.status,
        text=extraction.text,
        confidence=extraction.confidence,
        width=extraction.width,
        height=extraction.height,
        duration_s=extraction.duration_s,
        bytes=extraction.bytes,
        reason=extraction.reason,
        cached=item.sha256 in reusable,
        filename=item.filename,
    )


def _process(
    shas: list[str],
    store: MediaStore,
    settings: MediaEngineSettings,
    pool: Executor | None,
    previous: dict[str, Extraction],
    stats: ExtractionStats,
) -> dict[str, Extraction]:
    done: dict[str, Extraction] = {}
    submitted: dict[str, Future | TaskOutcome] = {}
    audio: list[tuple[str, Path, sniffing.Sniffed]] = []
    sniffed: dict[str, sniffing.Sniffed] = {}
    for sha in shas:
        path = store.path_for(sha)
        attempts = previous[sha].attempts + 1 if sha in previous and not previous[sha].final else 1
        base = Extraction(sha, settings.engine_key(""), FAILED, attempts=attempts)
        try:
            facts = sniffing.sniff(path)
        except OSError as exc:
            done[sha] = dataclasses.replace(base, reason=f"{_UNREADABLE_IN_STORE}: {exc.strerror or exc}")
            continue
        sniffed[sha] = facts
        base = dataclasses.replace(
            base,
            engine=settings.engine_key(facts.category),
            category=facts.category,
            mime=facts.mime,
            bytes=facts.bytes,
            width=facts.width,
            height=facts.height,
            duration_s=round(facts.duration_s, 3) if facts.duration_s else None,
        )
        refusal = _refusal(facts, settings)
        if refusal:
            done[sha] = dataclasses.replace(base, reason=refusal)
        elif facts.category == sniffing.IMAGE:
            if not tesseract_available(settings):
                done[sha] = dataclasses.replace(
                    base, status="pending:tesseract_missing", reason=f"{settings.tesseract_cmd!r} is not on PATH"
                )
            else:
                stats.images += 1
                submitted[sha] = _submit(pool, ocr_task, str(path), settings)
        elif facts.category == sniffing.DOCUMENT:
            stats.documents += 1
            submitted[sha] = _submit(pool, document_task, str(path), facts.mime, settings)
        elif facts.category == sniffing.TEXT:
            stats.documents += 1
            submitted[sha] = document_task(str(path), facts.mime, settings)
        else:
            audio.append((sha, path, facts))
        done.setdefault(sha, base)
    # Voice notes run here, on threads sharing one loaded model, while the pool works through images and documents.
    for sha, outcome in _transcribe_all(audio, settings, stats).items():
        done[sha] = _merge(done[sha], outcome)
    for sha, pending in submitted.items():
        try:
            outcome = pending.result() if isinstance(pending, Future) else pending
        except Exception as exc:
            outcome = TaskOutcome("pending:engine_crashed", reason=f"{type(exc).__name__}: {exc}"[:500])
        done[sha] = _merge(done[sha], outcome)
    return {sha: _escalate(extraction, settings) for sha, extraction in done.items()}


def _refusal(facts: sniffing.Sniffed, settings: MediaEngineSettings) -> str:
    """Why these bytes are not processed at all, or "" when they are."""
    if facts.bytes == 0:
        return "empty file (0 bytes)"
    if facts.bytes > settings.max_media_bytes:
        return f"file is {facts.bytes:,} bytes, over the {settings.max_media_bytes:,} byte cap"
    if facts.category == sniffing.EXECUTABLE:
        return f"the bytes are a program ({facts.mime}), not media"
    if facts.category == sniffing.ARCHIVE:
        return "the bytes are a zip archive, not a document we read"
    if facts.category == sniffing.UNKNOWN:
        return "unsupported type: the bytes match no image, audio, video or document format"
    return ""


def _submit(pool: Executor | None, task, *args) -> Future | TaskOutcome:
    return pool.submit(task, *args) if pool is not None else task(*args)


def _transcribe_all(
    audio: list[tuple[str, Path, sniffing.Sniffed]], settings: MediaEngineSettings, stats: ExtractionStats
) -> dict[str, TaskOutcome]:
    if not audio:
        return {}
    if not whisper_model_available(settings):
        reason = f"no Whisper model at {settings.whisper_model_path}"
        return {sha: TaskOutcome("pending:whisper_model_missing", reason=reason) for sha, _, _ in audio}

    def one(job: tuple[str, Path, sniffing.Sniffed]) -> tuple[TaskOutcome, float]:
        _, path, facts = job
        started = time.perf_counter()
        try:
            samples = decode_audio(path, settings.max_audio_seconds)
            transcript = transcribe(samples, settings)
        except MediaFailed as exc:
            if facts.category == sniffing.VIDEO and exc.reason == NO_AUDIO:
                return TaskOutcome(OK, reason="silent video", seconds=time.perf_counter() - started), 0.0
            return TaskOutcome(FAILED, reason=exc.reason, seconds=time.perf_counter() - started), 0.0
        except MediaPending as exc:
            return TaskOutcome(f"pending:{exc.code}", reason=exc.detail, seconds=time.perf_counter() - started), 0.0
        return (
            TaskOutcome(OK, transcript.text, transcript.confidence, seconds=time.perf_counter() - started),
            transcript.duration_s,
        )

    with ThreadPoolExecutor(max_workers=max(1, settings.workers), thread_name_prefix="whisper") as threads:
        outcomes = dict(zip([sha for sha, _, _ in audio], threads.map(one, audio)))
    stats.audio_files += sum(1 for outcome, _ in outcomes.values() if outcome.status == OK)
    stats.audio_seconds += sum(seconds for _, seconds in outcomes.values())
    return {sha: outcome for sha, (outcome, _) in outcomes.items()}


def _merge(base: Extraction, outcome: TaskOutcome) -> Extraction:
    return dataclasses.replace(
        base,
        status=outcome.status,
        text=outcome.text,
        confidence=outcome.confidence,
        width=outcome.width if outcome.width is not None else base.width,
        height=outcome.height if outcome.height is not None else base.height,
        reason=outcome.reason,
    )


def _escalate(extraction: Extraction, settings: MediaEngineSettings) -> Extraction:
    code = extraction.status.split(":", 1)[1] if not extraction.final else ""
    if code in RETRIED and extraction.attempts >= settings.max_attempts:
        return dataclasses.replace(
            extraction, status=FAILED, reason=f"{extraction.reason} ({extraction.attempts} attempts in a row)"
        )
    return extraction


def success_rate(results: list[MediaResult]) -> float:
    """Share of the media that could be read which gave its text; files the export left out are not counted."""
    readable = [r for r in results if r.status != NOT_IN_EXPORT]
    return sum(r.status == OK for r in readable) / len(readable) if readable else 1.0


def record_dead_letters(results: list[MediaResult], dead_letters: DeadLetterQueue, partition: str | None) -> int:
    """Failed items into the dead-letter queue (stage "media", keyed by message id); a success takes one out."""
    added = 0
    for result in results:
        if result.status == FAILED:
            # The file's name and its message: what an owner looks for in the chat (the key alone named neither).
            payload = {
                "message_id": result.message_id,
                "filename": result.filename,
                "sha256": result.sha256,
                "mime": result.mime,
                "kind": result.kind,
                "bytes": result.bytes,
            }
            dead_letters.add(
                STAGE, result.message_id, result.reason or "media extraction failed", payload, partition=partition
            )
            added += 1
        elif result.status in (OK, NOT_IN_EXPORT):
            # A file the export never carried is not a failure: a letter an older version filed for it is closed.
            dead_letters.resolve(STAGE, result.message_id)
    return added
