"""The worker processes that run OCR and document parsing, and the one-file tasks they are given.

Tesseract is single-threaded per process (OMP_THREAD_LIMIT=1) and parallel across processes: on two cores that
is several times faster than tesseract's own threading. Tasks return their outcome instead of raising, so one
bad file never takes its neighbours' results down with it.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from wa_pipeline.media.engine_settings import MediaEngineSettings
from wa_pipeline.media.media_errors import MediaFailed, MediaPending


@dataclass(frozen=True)
class TaskOutcome:
    status: str  # "ok" | "pending:<code>" | "failed"
    text: str = ""
    confidence: float | None = None
    width: int | None = None
    height: int | None = None
    reason: str = ""
    seconds: float = 0.0


def _init_worker() -> None:
    from wa_pipeline.media.ocr import single_threaded

    single_threaded()
    # pytesseract imports pandas when it can (over a second per worker) for an output type we never use.
    sys.modules.setdefault("pandas", None)


def media_pool(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the parent may be a Dagster step with threads, and a forked lock stays locked forever.
    return ProcessPoolExecutor(
        max_workers=max(1, workers), mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker
    )


def ocr_task(path: str, settings: MediaEngineSettings) -> TaskOutcome:
    from wa_pipeline.media.ocr import ocr_image

    started = time.perf_counter()
    try:
        result = ocr_image(Path(path), settings)
    except (MediaFailed, MediaPending) as exc:
        return _stopped(exc, started)
    return TaskOutcome(
        "ok",
        result.text,
        result.confidence,
        result.width,
        result.height,
        "preprocessed" if result.prepared else "",
        time.perf_counter() - started,
    )


def document_task(path: str, mime: str, settings: MediaEngineSettings) -> TaskOutcome:
    from wa_pipeline.media.documents import extract_document

    started = time.perf_counter()
    try:
        result = extract_document(Path(path), mime, settings)
    except (MediaFailed, MediaPending) as exc:
        return _stopped(exc, started)
    return TaskOutcome("ok", result.text, result.confidence, reason=result.note, seconds=time.perf_counter() - started)


def _stopped(exc: MediaFailed | MediaPending, started: float) -> TaskOutcome:
    elapsed = time.perf_counter() - started
    if isinstance(exc, MediaPending):
        return TaskOutcome(f"pending:{exc.code}", reason=exc.detail or exc.code, seconds=elapsed)
    return TaskOutcome("failed", reason=exc.reason, seconds=elapsed)
