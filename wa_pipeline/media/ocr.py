"""Text in an image, by tesseract, with its mean word confidence."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytesseract
from PIL import Image

from wa_pipeline.media.engine_settings import MediaEngineSettings
from wa_pipeline.media.image_prep import PreparedImage, prepare, prepare_image
from wa_pipeline.media.media_errors import MediaFailed, MediaPending

# Formats tesseract (leptonica) reads itself: an image needing no preparation is handed over by path, undecoded.
READS_DIRECTLY = {"JPEG", "PNG"}


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float | None  # mean word confidence, 0..1; None when no word was found
    width: int
    height: int
    prepared: bool  # True when the image was rotated, upscaled or cleaned before OCR


def single_threaded() -> None:
    """One tesseract thread per process: with a process pool on 2 cores that is ~6x faster than its own threading."""
    os.environ["OMP_THREAD_LIMIT"] = "1"


def tesseract_available(settings: MediaEngineSettings) -> bool:
    return shutil.which(settings.tesseract_cmd) is not None


def require_tesseract(settings: MediaEngineSettings) -> None:
    if not tesseract_available(settings):
        raise MediaPending(
            "tesseract_missing", f"{settings.tesseract_cmd!r} is not on PATH (apt-get install tesseract-ocr)"
        )


def ocr_image(path: Path, settings: MediaEngineSettings) -> OcrResult:
    """OCR one image file. MediaPending when tesseract is missing or too slow; MediaFailed for a bad image."""
    require_tesseract(settings)
    prepared = prepare(path)
    with Image.open(path) as original:
        image_format = original.format
    if prepared.untouched and image_format in READS_DIRECTLY:
        return _recognise(str(path), prepared, settings)
    return _recognise_prepared(prepared, settings)


def ocr_picture(image: Image.Image, settings: MediaEngineSettings) -> OcrResult:
    """OCR an already decoded picture (a page image pulled out of a scanned PDF)."""
    require_tesseract(settings)
    return _recognise_prepared(prepare_image(image), settings)


def _recognise_prepared(prepared: PreparedImage, settings: MediaEngineSettings) -> OcrResult:
    # Written by us as a fast, lossless PNG: pytesseract would re-encode a PIL image in its own, slower way.
    with tempfile.TemporaryDirectory(prefix="wa-ocr-") as scratch:
        source = Path(scratch) / "page.png"
        prepared.image.save(source, format="PNG", compress_level=1)
        return _recognise(str(source), prepared, settings)


def _recognise(source: str, prepared: PreparedImage, settings: MediaEngineSettings) -> OcrResult:
    pytesseract.pytesseract.tesseract_cmd = settings.tesseract_cmd
    try:
        data = pytesseract.image_to_data(
            source, lang=settings.tesseract_lang, output_type=pytesseract.Output.DICT, timeout=settings.ocr_timeout_s
        )
    except pytesseract.TesseractNotFoundError:
        raise MediaPending("tesseract_missing", f"{settings.tesseract_cmd!r} cannot be run") from None
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise MediaPending("ocr_timeout", f"tesseract ran over {settings.ocr_timeout_s:g} s") from None
        raise
    except pytesseract.TesseractError as exc:
        if "Failed loading language" in str(exc):
            raise MediaPending(
                "tesseract_language_missing", f"no traineddata for {settings.tesseract_lang!r}"
            ) from None
        raise MediaFailed(f"tesseract cannot read the image: {exc.message or exc}") from None
    text, confidence = lines_and_confidence(data)
    return OcrResult(text, confidence, prepared.width, prepared.height, not prepared.untouched)


def lines_and_confidence(data: dict) -> tuple[str, float | None]:
    """Rebuild the text line by line from tesseract's word table (one run gives both text and confidences)."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        confidence = float(data["conf"][i])
        if not word or confidence < 0:
            continue
        lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(word)
        confidences.append(confidence)
    text = "\n".join(" ".join(words) for words in lines.values())
    return text, (round(sum(confidences) / len(confidences) / 100, 4) if confidences else None)
