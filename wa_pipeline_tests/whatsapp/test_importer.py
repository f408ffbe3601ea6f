import zipfile
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.importer import import_exports, mime_type

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"
BAKERY = SAMPLE_DATA / "WhatsApp Chat with Mama Mboga Bakery.zip"
HARDWARE = SAMPLE_DATA / "WhatsApp Chat with Juma Hardware.txt"
NAIROBI = ZoneInfo("Africa/Nairobi")


@pytest.fixture
def stores(tmp_path):
    db = tmp_path / "landing.sqlite3"
    return {
        "store": SqliteLandingStore(db),
        "media_store": MediaStore(tmp_path / "media"),
        "dead_letters": DeadLetterQueue(db),
    }


def test_sample_data_imports_with_expected_counts(stores):
    seen = []
    summary = import_exports(
        [BAKERY, HARDWARE], tz=NAIROBI, progress=lambda done, total: seen.append((done, total)), **stores
    )
    assert (summary.files, summary.added, summary.already_present, summary.media_linked) == (2, 43, 0, 3)
    assert summary.errors == []
    assert seen == [(1, 2), (2, 2)]
    assert summary.days() == "2026-11-16 .. 2026-11-18"

    store = stores["store"]
    messages = list(store.iter_messages())
    assert store.count() == 43
    per_chat_day = Counter((m.chat_name, m.sent_at.astimezone(NAIROBI).date().isoformat()) for m in messages)
    assert per_chat_day == {
        ("Mama Mboga Bakery", "2026-11-16"): 11,
        ("Mama Mboga Bakery", "2026-11-17"): 10,
        ("Mama Mboga Bakery", "2026-11-18"): 6,
        ("Juma Hardware", "2026-11-16"): 5,
        ("Juma Hardware", "2026-11-17"): 7,
        ("Juma Hardware", "2026-11-18"): 4,
    }
    kinds = Counter(m.kind for m in messages)
    assert kinds == {
        "text": 33,
        "system": 3,
        "image": 1,
        "document": 1,
        "voice": 1,
        # "image omitted", "audio omitted" and "<Media omitted>" in the iOS export without media.
        "media_omitted": 3,
        "deleted": 1,
    }
    assert sorted(m.event for m in messages if m.kind == "media_omitted") == [
        "media_omitted",
        "media_omitted:audio",
        "media_omitted:image",
    ]
    assert {m.source for m in messages} == {"chat_export"}
    twins = [m for m in messages if m.text == "Asante sana \U0001f64f"]
    assert len(twins) == 2 and twins[0].message_id != twins[1].message_id


def test_importing_again_adds_nothing(stores):
    import_exports([BAKERY, HARDWARE], tz=NAIROBI, **stores)
    again = import_exports([HARDWARE, BAKERY], tz=NAIROBI, **stores)
    assert (again.files, again.added, again.already_present, again.media_linked) == (2, 0, 43, 3)
    assert stores["store"].count() == 43


def test_attachments_are_linked_to_the_media_store(stores):
    import_exports([BAKERY], tz=NAIROBI, **stores)
    media_store = stores["media_store"]
    with_media = {m.media.filename: m for m in stores["store"].iter_messages() if m.media is not None}
    assert set(with_media) == {"IMG-20261117-WA0003.png", "INV-2026-0042.pdf", "PTT-20261117-WA0004.opus"}
    with zipfile.ZipFile(BAKERY) as archive:
        for filename, message in with_media.items():
            data = archive.read(filename)
            assert media_store.has(message.media.sha256)
            assert media_store.read(message.media.sha256) == data
            assert message.media.bytes == len(data)
    assert with_media["IMG-20261117-WA0003.png"].media.mime == "image/png"
    assert with_media["IMG-20261117-WA0003.png"].caption == "Receipt for your deposit"
    assert with_media["INV-2026-0042.pdf"].media.mime == "application/pdf"
    assert with_media["INV-2026-0042.pdf"].kind == "document"


def test_a_broken_file_is_dead_lettered_and_the_others_import(stores, tmp_path):
    broken = tmp_path / "WhatsApp Chat with Nobody.txt"
    broken.write_text("Dear customer,\nthis is not a chat export\n", encoding="utf-8")
    missing = tmp_path / "WhatsApp Chat with Ghost.txt"
    summary = import_exports([broken, BAKERY, missing, HARDWARE], tz=NAIROBI, **stores)
    assert (summary.files, summary.added, summary.media_linked) == (2, 43, 3)
    assert len(summary.errors) == 2
    assert "WhatsApp Chat with Nobody.txt:1" in summary.errors[0]
    assert "no such file" in summary.errors[1]
    letters = {letter.item_key: letter for letter in stores["dead_letters"].list()}
    assert set(letters) == {str(broken), str(missing)}
    assert all(letter.stage == "import" for letter in letters.values())
    assert "not a WhatsApp chat export" in letters[str(broken)].reason

    # Once the file is fixed, importing it succeeds and its letter leaves the queue.
    broken.write_text("16/11/26, 09:15 - Nobody: now I am a chat\n", encoding="utf-8")
    fixed = import_exports([broken], tz=NAIROBI, **stores)
    assert (fixed.files, fixed.added, fixed.errors) == (1, 1, [])
    assert {letter.item_key for letter in stores["dead_letters"].list()} == {str(missing)}


def test_lines_before_the_first_header_are_reported_but_the_file_imports(stores, tmp_path):
    path = tmp_path / "WhatsApp Chat with Juma Hardware.txt"
    path.write_text("Exported on 18/11/26\n[16/11/26, 09:02:11] Amina Njeri: Habari Juma\n", encoding="utf-8")
    summary = import_exports([path], tz=NAIROBI, **stores)
    assert (summary.files, summary.added) == (1, 1)
    assert summary.errors == [f"{path.name}:1: text before the first message header: 'Exported on 18/11/26'"]
    [letter] = stores["dead_letters"].list()
    assert letter.item_key == f"{path}:1"
    assert letter.payload["line"] == "Exported on 18/11/26"


def test_attachment_missing_from_the_export_keeps_its_name_and_guessed_mime(stores, tmp_path):
    path = tmp_path / "WhatsApp Chat with Mama Mboga Bakery.txt"
    path.write_text("16/11/26, 09:15 - Wanjiku Kamau: PTT-20261116-WA0001.opus (file attached)\n", encoding="utf-8")
    summary = import_exports([path], tz=NAIROBI, **stores)
    assert summary.media_linked == 0
    [message] = stores["store"].iter_messages()
    assert message.kind == "voice"
    assert (message.media.filename, message.media.mime, message.media.sha256) == (
        "PTT-20261116-WA0001.opus",
        "audio/ogg",
        None,
    )


@pytest.mark.parametrize(
    "data, filename, mime",
    [
        (b"\x89PNG\r\n\x1a\n....", "IMG-1.jpg", "image/png"),
        (b"\xff\xd8\xff\xe0....", "IMG-1.png", "image/jpeg"),
        (b"%PDF-1.4\n", "invoice.bin", "application/pdf"),
        (b"OggS\x00\x02", "PTT-1.opus", "audio/ogg"),
        (b"\x00\x00\x00\x18ftypmp42", "VID-1.mp4", "video/mp4"),
        (b"\x00\x00\x00\x18ftypM4A ", "AUD-1.m4a", "audio/mp4"),
        (
            b"PK\x03\x04....",
            "Price list.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (b"PK\x03\x04....", "bundle.zip", "application/zip"),
        (b"plain words", "notes.txt", "text/plain"),
        (b"\x00\x01\x02\x03", "unknown.xyz", None),
        (None, "AUD-1.mp3", "audio/mpeg"),
    ],
)
def test_mime_type_trusts_magic_bytes_before_the_name(data, filename, mime):
    assert mime_type(data, filename) == mime


def test_import_prints_the_days_it_landed(data_dir):
    from typer.testing import CliRunner

    from wa_pipeline.cli import app

    result = CliRunner().invoke(app, ["import", str(HARDWARE)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())  # the console wraps at its width
    assert "added 16" in flat and "days 2026-11-16 .. 2026-11-18" in flat
    as_json = CliRunner().invoke(app, ["import", str(HARDWARE), "--json"])
    assert '"first_day": "2026-11-16"' in as_json.output and '"last_day": "2026-11-18"' in as_json.output
