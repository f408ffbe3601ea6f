import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.commands.locale_inference import business_of, infer_locale
from wa_pipeline.doctor import probes
from wa_pipeline.message import MediaRef, Message
from wa_pipeline.settings import Settings
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.importer import import_exports

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
WA = VENV_BIN / "wa-pipeline"


def doctor(tmp_path, **extra_env) -> tuple[int, dict[str, dict]]:
    env = {**os.environ, "WA_DATA_DIR": str(tmp_path / "data"), "DAGSTER_HOME": str(tmp_path / "home"), **extra_env}
    (tmp_path / "home").mkdir(exist_ok=True)
    result = subprocess.run(
        [str(WA), "doctor", "--json"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    probes = {p["probe"]: p for p in map(json.loads, result.stdout.splitlines())}
    return result.returncode, probes


def test_doctor_passes_on_a_machine_set_up_by_make(tmp_path):
    code, probes = doctor(tmp_path)
    assert code == 0, probes
    assert len(probes) == 10 and all(p["ok"] for p in probes.values())
    # An empty data directory: nothing to compare the settings with, nothing to warn about.
    assert not any(p["warning"] for p in probes.values())
    assert "4521" in probes["OCR (tesseract)"]["detail"]
    assert "three" in probes["transcription (faster-whisper)"]["detail"].lower()


def test_doctor_fails_with_the_fix_when_tesseract_is_not_on_path(tmp_path):
    # Only the virtualenv on PATH: Python and its tools still run, Debian's tesseract is gone.
    code, probes = doctor(tmp_path, PATH=str(VENV_BIN))
    assert code == 1
    ocr = probes["OCR (tesseract)"]
    assert not ocr["ok"] and "apt-get install tesseract-ocr" in ocr["fix"]
    assert probes["spaCy model"]["ok"] and probes["landing store"]["ok"]


def test_doctor_fails_with_the_fix_when_the_model_path_is_wrong(tmp_path):
    code, probes = doctor(tmp_path, WA_WHISPER_MODEL_PATH=str(tmp_path / "no-such-model"))
    assert code == 1
    transcription = probes["transcription (faster-whisper)"]
    assert not transcription["ok"]
    assert "no-such-model" in transcription["detail"] and "WA_WHISPER_MODEL_PATH" in transcription["fix"]
    assert probes["OCR (tesseract)"]["ok"]


def landed_sample_data(data: Path) -> None:
    """The shipped Kenyan sample, landed as `import` lands it."""
    store = SqliteLandingStore(data / "landing.sqlite3")
    import_exports(
        sorted((REPO / "sample_data").iterdir()),
        store=store,
        media_store=MediaStore(data / "media"),
        dead_letters=DeadLetterQueue(data / "landing.sqlite3"),
        tz=ZoneInfo("Africa/Nairobi"),
    )


def probe(name, check) -> probes.ProbeResult:
    return probes.run_probe(name, check)


def test_doctor_warns_when_the_region_and_timezone_contradict_the_landed_numbers(tmp_path):
    landed_sample_data(tmp_path)
    american = Settings(_env_file=None, data_dir=tmp_path, default_region="US", timezone="UTC")
    messages = probes.landed_sample(american)
    warned = probe("locale", lambda: probes.locale_agrees(american, messages, infer_locale))
    assert warned.ok and warned.warning
    assert "WA_DEFAULT_REGION is US" in warned.detail and "+254" in warned.detail
    assert "WA_TIMEZONE is UTC but the numbers point to Africa/Nairobi" in warned.detail
    assert warned.fix.startswith("set WA_DEFAULT_REGION=KE and WA_TIMEZONE=Africa/Nairobi")
    # Settings that agree with the data: no warning.
    kenyan = Settings(_env_file=None, data_dir=tmp_path, default_region="KE", timezone="Africa/Nairobi")
    agreed = probe("locale", lambda: probes.locale_agrees(kenyan, messages, infer_locale))
    assert agreed.ok and not agreed.warning and "agree with the data" in agreed.detail


def chat(chat_id: str, *turns: tuple[str, str]) -> list[Message]:
    start = datetime(2026, 11, 16, 9, tzinfo=UTC)
    return [
        Message(
            message_id=f"{chat_id}-{n}",
            chat_id=chat_id,
            chat_name=chat_id,
            # An export's sender id is its own per chat: the inference must go by name.
            sender_id=f"snd_{chat_id}_{sender}",
            sender_name=sender,
            sent_at=start + timedelta(minutes=n),
            kind="text",
            source="chat_export",
            text=text,
        )
        for n, (sender, text) in enumerate(turns)
    ]


def test_doctor_offers_the_exporting_phones_owner_as_the_business_sender(tmp_path):
    messages = (
        chat("Amina", ("Amina", "2 trays please"), ("Juma Hardware", "KES 1,800 each"))
        + chat("Brian", ("Brian", "Do you deliver?"), ("Juma Hardware", "Yes, tomorrow"))
        + chat("Wanjiku", ("Wanjiku", "Open on Sunday?"))
    )
    unset = Settings(_env_file=None, data_dir=tmp_path)
    offered = probe("business", lambda: probes.business_sender(unset, messages, business_of))
    assert offered.ok and offered.warning
    assert "inferred 'Juma Hardware', the participant present in 2 of 3 chats" in offered.detail
    assert offered.fix == """confirm it: WA_BUSINESS_SENDERS='["Juma Hardware"]'"""
    # Configured: nothing to warn about.
    named = Settings(_env_file=None, data_dir=tmp_path, business_senders=["Juma Hardware"])
    quiet = probe("business", lambda: probes.business_sender(named, messages, business_of))
    assert quiet.ok and not quiet.warning


def test_doctor_warns_when_no_business_sender_is_known(tmp_path):
    landed_sample_data(tmp_path)  # two chats, no participant in both
    settings = Settings(_env_file=None, data_dir=tmp_path)
    messages = probes.landed_sample(settings)
    unknown = probe("business", lambda: probes.business_sender(settings, messages, business_of))
    assert unknown.ok and unknown.warning and unknown.detail.startswith("no business sender known")
    assert "WA_BUSINESS_SENDERS" in unknown.fix


def test_a_data_dir_that_is_a_file_fails_the_probes_with_the_fix(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("not a directory")
    settings = Settings(_env_file=None, data_dir=blocker)
    for check in (probes.free_disk, probes.landing_store, probes.landed_sample):
        with pytest.raises(probes.ProbeFailed) as failed:
            check(settings)
        assert failed.value.detail == f"WA_DATA_DIR={blocker} is a file, not a directory"
        assert "point WA_DATA_DIR at a directory" in failed.value.fix


def test_doctor_on_a_corrupt_landing_store_says_which_file_and_what_to_do(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "landing.sqlite3").write_bytes(b"this is not SQLite" * 400)
    code, probes_ = doctor(tmp_path, WA_DEFAULT_REGION="KE")
    assert code == 1
    store = probes_["landing store"]
    assert not store["ok"] and f"the landing store {data / 'landing.sqlite3'} cannot be read" in store["detail"]
    assert "re-import the exports" in store["fix"]
    assert not probes_["landed data"]["ok"] and probes_["region and timezone"]["warning"]
    assert probes_["spaCy model"]["ok"]  # the other probes still ran


def test_bad_settings_end_the_doctor_in_one_line(tmp_path):
    env = {**os.environ, "WA_DATA_DIR": str(tmp_path), "WA_TIMEZONE": "Mars/Base", "WA_BACKFILL_DAYS_PER_RUN": "abc"}
    result = subprocess.run([str(WA), "doctor"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "WA_TIMEZONE='Mars/Base' is not an IANA timezone" in result.stderr
    assert "WA_BACKFILL_DAYS_PER_RUN='abc': Input should be a valid integer" in result.stderr


NUMBER_ID = "109876543210001"


def webhook_chat(customer: str, *turns: tuple[str, str]) -> list[Message]:
    """A Cloud API chat as the lander lands it: the customer's messages, and the owner's echoes from the number id."""
    start = datetime(2026, 11, 16, 9, tzinfo=UTC)
    return [
        Message(
            message_id=f"wamid.{customer}-{n}",
            chat_id=f"wa:{NUMBER_ID}:{customer}",
            chat_name="Test Customer",
            sender_id=sender,
            sent_at=start + timedelta(minutes=n),
            kind="text",
            source="cloud_api",
            text=text,
        )
        for n, (sender, text) in enumerate(turns)
    ]


def test_doctor_on_webhook_data_says_the_business_is_known_from_the_webhooks(tmp_path):
    messages = webhook_chat("254700000001", ("254700000001", "2 bags please"), (NUMBER_ID, "KES 900")) + webhook_chat(
        "254700000002", ("254700000002", "open today?")
    )
    unset = Settings(_env_file=None, data_dir=tmp_path)
    known = probe("business", lambda: probes.business_sender(unset, messages, business_of))
    assert known.ok and not known.warning, known.detail
    assert known.detail.startswith("the business is known from the webhooks") and NUMBER_ID in known.detail
    assert "1 landed so far" in known.detail
    # Exported chats beside them still need the business: the warning names both.
    exported = chat("Amina", ("Amina", "hello")) + chat("Brian", ("Brian", "hi"))
    mixed = probe("business", lambda: probes.business_sender(unset, messages + exported, business_of))
    assert mixed.warning and mixed.detail.startswith("no business sender known in the exported chats")
    assert "known from the webhooks" in mixed.detail


def _land_a_photo(data: Path) -> None:
    store = SqliteLandingStore(data / "landing.sqlite3")
    photo = Message(
        message_id="wamid.photo-1",
        chat_id=f"wa:{NUMBER_ID}:254700000001",
        sender_id="254700000001",
        sent_at=datetime(2026, 11, 16, 9, tzinfo=UTC),
        kind="image",
        source="cloud_api",
        media=MediaRef(remote_id="1234567890", mime="image/jpeg"),
    )
    store.add_messages([photo])


def test_doctor_says_media_waits_for_an_access_token_that_is_not_set(tmp_path, monkeypatch):
    monkeypatch.delenv("WA_ACCESS_TOKEN", raising=False)
    _land_a_photo(tmp_path)
    unset = Settings(_env_file=None, data_dir=tmp_path)
    waiting = probe("landing store", lambda: probes.landing_store(unset))
    assert waiting.ok and waiting.warning
    assert "1 WhatsApp media download(s) wait, but WA_ACCESS_TOKEN is not set" in waiting.detail
    assert waiting.fix.startswith("set WA_ACCESS_TOKEN to a system-user token")
    # With the token set, nothing to say beyond the store itself.
    token = Settings(_env_file=None, data_dir=tmp_path, access_token="EAAtest")
    quiet = probe("landing store", lambda: probes.landing_store(token))
    assert quiet.ok and not quiet.warning and quiet.detail.startswith("write/read ok")


def test_doctor_reads_the_region_from_the_webhook_customers_numbers(tmp_path):
    # Meta writes a customer's number without '+' and the messages' text names none.
    messages = webhook_chat("254712000001", ("254712000001", "hello"), (NUMBER_ID, "karibu")) + webhook_chat(
        "254722000002", ("254722000002", "price?")
    )
    american = Settings(_env_file=None, data_dir=tmp_path, default_region="US", timezone="UTC")
    warned = probe("locale", lambda: probes.locale_agrees(american, messages, infer_locale))
    assert warned.warning and "WA_DEFAULT_REGION is US" in warned.detail and "+254" in warned.detail
    assert warned.fix.startswith("set WA_DEFAULT_REGION=KE and WA_TIMEZONE=Africa/Nairobi")
