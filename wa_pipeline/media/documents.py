"""Text of documents: PDF (text layer, or OCR of a scan's page images), DOCX and plain text.

PDF and DOCX are parsed in a child process (`document_worker`) with a wall-clock timeout and an address-space
cap: a hostile file can hang or exhaust that process, never the pipeline's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from wa_pipeline.media.engine_settings import MediaEngineSettings
from wa_pipeline.media.media_errors import MediaFailed, MediaPending

# Plain text past this is a log dump or a book, not a message attachment: the rest is cut, not read.
MAX_TEXT_BYTES = 1_000_000


@dataclass(frozen=True)
class DocumentText:
    text: str
    confidence: float | None
    pages: int | None
    pages_read: int | None
    ocr_pages: int

    @property
    def note(self) -> str:
        """What a reader should know about how the text was got."""
        notes = []
        if self.pages is not None and self.pages_read is not None and self.pages_read < self.pages:
            notes.append(f"first {self.pages_read} of {self.pages} pages")
        if self.ocr_pages:
            notes.append(f"{self.ocr_pages} scanned page(s) OCR'd")
        return "; ".join(notes)


def extract_document(path: Path, mime: str, settings: MediaEngineSettings) -> DocumentText:
    if mime == "text/plain":
        return read_plain_text(path)
    job = {
        "path": str(path),
        "mime": mime,
        "max_pages": settings.pdf_max_pages,
        "memory_mb": settings.document_memory_mb,
        "tesseract_lang": settings.tesseract_lang,
        "tesseract_cmd": settings.tesseract_cmd,
        "ocr_timeout_s": settings.ocr_timeout_s,
    }
    answer = run_worker(job, settings.document_timeout_s)
    if answer["status"] == "failed":
        raise MediaFailed(answer["reason"])
    if answer["status"] == "pending":
        raise MediaPending(answer["code"], answer["reason"])
    return DocumentText(
        answer["text"], answer["confidence"], answer["pages"], answer["pages_read"], answer["ocr_pages"]
    )


def run_worker(job: dict, timeout_s: float) -> dict:
    # Own session, so a timeout kills the worker and any tesseract it started, as one process group.
    process = subprocess.Popen(
        [sys.executable, "-m", "wa_pipeline.media.document_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    try:
        out, err = process.communicate(json.dumps(job).encode(), timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise MediaFailed(f"document parsing ran over {timeout_s:g} s and was stopped") from None
    except BaseException:
        _kill_group(process)
        raise
    if process.returncode != 0:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {process.returncode}"]
        if process.returncode < 0 or "MemoryError" in last[0]:
            raise MediaFailed(f"document parser died ({last[0][:200]}); memory cap {job['memory_mb']} MB")
        raise MediaFailed(f"document parser failed: {last[0][:300]}")
    return json.loads(out)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


def read_plain_text(path: Path) -> DocumentText:
    with path.open("rb") as handle:
        data = handle.read(MAX_TEXT_BYTES)
    text = data.decode("utf-8", errors="replace").strip()
    return DocumentText(text, 1.0 if text else None, None, None, 0)
