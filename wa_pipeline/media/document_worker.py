"""The document parser's own process: `python -m wa_pipeline.media.document_worker` reads a JSON job on stdin,
caps its address space, parses one PDF or DOCX and writes one JSON answer on stdout.

Parsers of untrusted files are where hangs and memory blow-ups live; here they can only take this process down.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from wa_pipeline.media.media_errors import MediaFailed, MediaPending

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Fewer characters than this on a page means no usable text layer (a scan, or only page numbers).
MIN_TEXT_LAYER_CHARS = 16


def limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def parse(job: dict) -> dict:
    path = Path(job["path"])
    if job["mime"] == "application/pdf":
        return parse_pdf(path, job)
    if job["mime"] == DOCX:
        return parse_docx(path)
    raise MediaFailed(f"no parser for {job['mime']}")


def parse_pdf(path: Path, job: dict) -> dict:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise MediaFailed("encrypted PDF: it needs a password to open")
        pages = reader.pages
        total = len(pages)
    except MediaFailed:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise MediaFailed(f"PDF does not parse: {exc or type(exc).__name__}") from None
    texts: list[str] = []
    confidences: list[float] = []
    ocr_pages = 0
    for number in range(min(total, job["max_pages"])):
        try:
            page = pages[number]
            text = (page.extract_text() or "").strip()
        except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise MediaFailed(f"PDF page {number + 1} does not parse: {exc or type(exc).__name__}") from None
        if len(text) < MIN_TEXT_LAYER_CHARS:
            # A scanned page: pypdf cannot render, but a scan is one embedded picture per page, which OCR reads.
            scanned, confidence = ocr_page_images(page, job)
            if scanned:
                text = scanned
                ocr_pages += 1
                if confidence is not None:
                    confidences.append(confidence)
        if text:
            texts.append(text)
    return {
        "text": "\n\n".join(texts),
        "pages": total,
        "pages_read": min(total, job["max_pages"]),
        "ocr_pages": ocr_pages,
        "confidence": round(sum(confidences) / len(confidences), 4) if confidences else (1.0 if texts else None),
    }


def ocr_page_images(page, job: dict) -> tuple[str, float | None]:
    from PIL import Image

    from wa_pipeline.media.engine_settings import MediaEngineSettings
    from wa_pipeline.media.image_prep import bomb_guard
    from wa_pipeline.media.ocr import ocr_picture

    settings = MediaEngineSettings(
        whisper_model_path="",
        tesseract_lang=job["tesseract_lang"],
        tesseract_cmd=job["tesseract_cmd"],
        ocr_timeout_s=job["ocr_timeout_s"],
    )
    texts, confidences = [], []
    with bomb_guard():
        for embedded in page.images:
            image: Image.Image = embedded.image
            if image.width * image.height < 10_000:
                continue  # logos and bullets
            result = ocr_picture(image, settings)
            if result.text.strip():
                texts.append(result.text.strip())
                if result.confidence is not None:
                    confidences.append(result.confidence)
    return "\n".join(texts), (sum(confidences) / len(confidences) if confidences else None)


def parse_docx(path: Path) -> dict:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise MediaFailed(f"DOCX does not open: {exc}") from None
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                lines.append(" ".join(dict.fromkeys(cells)))  # merged cells repeat their text
    return {
        "text": "\n".join(lines),
        "pages": None,
        "pages_read": None,
        "ocr_pages": 0,
        "confidence": 1.0 if lines else None,
    }


def main() -> None:
    # pytesseract imports pandas if it can (1.2 s, for an output format we never ask for): one worker runs per
    # document, so that would be most of the cost of a small one.
    sys.modules.setdefault("pandas", None)
    job = json.loads(sys.stdin.read())
    limit_memory(job["memory_mb"])
    try:
        answer = {"status": "ok", **parse(job)}
    except MediaFailed as exc:
        answer = {"status": "failed", "reason": exc.reason}
    except MediaPending as exc:
        answer = {"status": "pending", "code": exc.code, "reason": exc.detail}
    except MemoryError:
        answer = {"status": "failed", "reason": f"document needs more than {job['memory_mb']} MB to parse"}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    main()
