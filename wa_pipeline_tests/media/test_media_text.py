import dataclasses
import hashlib
import os

import pytest

from wa_pipeline.media.engine_pool import media_pool
from wa_pipeline.media.extraction_cache import Extraction, ExtractionCache
from wa_pipeline.media.media_text import ExtractionStats, MediaItem, extract_media, record_dead_letters, success_rate
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline_tests.media.text_metrics import cer


@pytest.fixture
def store(tmp_path):
    return MediaStore(tmp_path / "media")


@pytest.fixture
def cache(tmp_path):
    cache = ExtractionCache(tmp_path / "landing.sqlite3")
    yield cache
    cache.close()


def item(message_id, store, path, kind="image", **extra):
    return MediaItem(message_id, store.put(path.read_bytes()), kind, filename=path.name, **extra)


def test_a_file_forwarded_many_times_is_processed_once_and_cached_across_runs(store, cache, receipts, settings):
    receipt = receipts["clean"][0]
    items = [item(f"m{i}", store, receipt.path) for i in range(5)]
    stats = ExtractionStats()
    results = extract_media(items, store, cache, settings, None, stats=stats)
    assert [r.message_id for r in results] == [f"m{i}" for i in range(5)]
    assert (stats.files, stats.images, stats.cache_hits) == (1, 1, 0)
    assert {r.text for r in results} == {results[0].text} and cer(receipt.truth, results[0].text) <= 0.05
    assert all(r.status == "ok" and r.mime == "image/png" and r.kind == "image" for r in results)

    again = ExtractionStats()
    second = extract_media(items, store, cache, settings, None, stats=again)
    assert (again.images, again.cache_hits) == (0, 1)
    assert [dataclasses.replace(r, cached=False) for r in second] == results and all(r.cached for r in second)


def test_images_documents_and_voice_notes_through_the_process_pool(
    store, cache, receipts, documents, voice_notes, settings
):
    items = [
        item("photo", store, receipts["noisy"][0].path),
        item("invoice", store, documents["scanned_pdf"].path, kind="document"),
        item("docx", store, documents["docx"].path, kind="document"),
        item("note", store, voice_notes[0].path, kind="voice"),
    ]
    stats = ExtractionStats()
    with media_pool(2) as pool:
        results = {r.message_id: r for r in extract_media(items, store, cache, settings, pool, stats=stats)}
    assert {k: r.status for k, r in results.items()} == dict.fromkeys(results, "ok")
    assert "5,800.00" in results["photo"].text and results["photo"].width > results["photo"].height
    assert "INV-2026-0042" in results["invoice"].text and "scanned page" in results["invoice"].reason
    assert "Total KES 12,000" in results["docx"].text
    assert "Friday" in results["note"].text and 5 < results["note"].duration_s < 7
    assert (stats.images, stats.documents, stats.audio_files) == (1, 2, 1)
    assert stats.audio_seconds > 5


def test_missing_engines_leave_items_pending_and_a_later_run_fills_them(
    store, cache, receipts, voice_notes, settings, monkeypatch, tmp_path
):
    items = [item("photo", store, receipts["clean"][1].path), item("note", store, voice_notes[1].path, kind="voice")]
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on it
    no_model = dataclasses.replace(settings, whisper_model_path=str(tmp_path / "no-model"))
    first = extract_media(items, store, cache, no_model, None)
    assert [r.status for r in first] == ["pending:tesseract_missing", "pending:whisper_model_missing"]
    assert all(r.text == "" for r in first)

    monkeypatch.setenv("PATH", os.environ["PATH"] + os.pathsep + "/usr/bin")
    second = extract_media(items, store, cache, settings, None)
    assert [r.status for r in second] == ["ok", "ok"]
    assert "JUMA HARDWARE" in second[0].text and "cakes" in second[1].text


def test_media_without_bytes(store, cache, settings, tmp_path):
    results = extract_media(
        [
            MediaItem("cloud", None, "image", "image/jpeg", remote_id="1234567890"),
            MediaItem("export", None, "voice", "audio/ogg", filename="PTT-20261116-WA0001.opus"),
        ],
        store,
        cache,
        settings,
        None,
    )
    assert results[0].status == "pending:not_downloaded"
    # A file the export names but does not carry is not a failure: nothing to read, no dead letter.
    assert results[1].status == "media_omitted:not_in_export"
    assert "PTT-20261116-WA0001.opus is not in the export" in results[1].reason
    assert success_rate(results) == 0.0  # the one readable item (still downloading) gave no text
    assert success_rate(results[1:]) == 1.0
    letters = DeadLetterQueue(tmp_path / "letters.sqlite3")
    letters.add("media", "export", "filed by an older version", {})
    assert record_dead_letters(results, letters, "2026-11-16") == 0
    assert letters.list() == []


def test_a_webhook_photo_named_before_its_download_waits_and_is_read_once_downloaded(store, cache, receipts, settings):
    # Meta's webhook gives the photo's sha256 with its media id; the bytes come with the download, a run or two later.
    receipt = receipts["clean"][0]
    data = receipt.path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    photo = MediaItem("wamid.photo", sha, "image", "image/jpeg", remote_id="1234567890")
    first = extract_media([photo], store, cache, settings, None)
    assert (first[0].status, first[0].sha256) == ("pending:not_downloaded", sha)
    assert cache.get_many([sha]) == {}  # nothing final remembered for bytes never seen

    assert store.put(data) == sha
    second = extract_media([photo], store, cache, settings, None)
    assert second[0].status == "ok" and cer(receipt.truth, second[0].text) <= 0.05


def test_a_download_an_earlier_version_cached_as_unreadable_is_read_once_its_bytes_are_here(
    store, cache, receipts, settings
):
    receipt = receipts["clean"][1]
    data = receipt.path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    # What an earlier version stored for a webhook photo whose download had not come yet.
    old = Extraction(sha, settings.engine_key(""), "failed", reason="media file unreadable in the store: No such file")
    cache.put_many([old])
    photo = MediaItem("wamid.photo", sha, "image", "image/jpeg", remote_id="1234567890")
    assert extract_media([photo], store, cache, settings, None)[0].status == "pending:not_downloaded"
    store.put(data)
    result = extract_media([photo], store, cache, settings, None)[0]
    assert result.status == "ok" and cer(receipt.truth, result.text) <= 0.05


def test_bad_files_fail_with_reasons_and_become_dead_letters(store, cache, bad_inputs, settings, tmp_path):
    fast = dataclasses.replace(settings, document_timeout_s=3)
    items = [item(name, store, path, kind="document") for name, path in bad_inputs.items()]
    with media_pool(2) as pool:
        results = {r.message_id: r for r in extract_media(items, store, cache, fast, pool)}
    reasons = {name: r.reason for name, r in results.items()}
    assert {r.status for r in results.values()} == {"failed"}, reasons
    assert "empty file" in reasons["zero_bytes"]
    assert "truncated" in reasons["truncated_opus"]
    assert "program" in reasons["wrong_extension"] and results["wrong_extension"].mime == "application/x-dosexec"
    assert "decompression bomb" in reasons["png_bomb"] and results["png_bomb"].width == 20_000
    assert "encrypted PDF" in reasons["encrypted_pdf"]
    assert "cyclic" in reasons["cyclic_pdf"]
    assert "ran over 3 s" in reasons["token_flood_pdf"]
    assert "unsupported type" in reasons["unsupported"]

    queue = DeadLetterQueue(tmp_path / "landing.sqlite3")
    assert record_dead_letters(list(results.values()), queue, "2026-11-16") == len(bad_inputs)
    letters = {letter.item_key: letter for letter in queue.list()}
    assert set(letters) == set(bad_inputs)
    assert all(
        letter.stage == "media" and letter.reason and letter.partition == "2026-11-16" for letter in letters.values()
    )


def test_an_ocr_timeout_is_retried_then_dead_lettered(store, cache, receipts, settings):
    slow = dataclasses.replace(settings, ocr_timeout_s=0.001, max_attempts=2)
    items = [item("photo", store, receipts["noisy"][2].path)]
    assert extract_media(items, store, cache, slow, None)[0].status == "pending:ocr_timeout"
    final = extract_media(items, store, cache, slow, None)[0]
    assert final.status == "failed" and "2 attempts" in final.reason


def test_a_media_dead_letter_names_its_file_and_its_message(store, cache, settings, tmp_path):
    """`dlq list` showed a broken voice note as its message's hash and 'empty file (0 bytes)': not which file."""
    voice = MediaItem("exp_7", store.put(b""), "voice", "audio/ogg", filename="PTT-20261116-WA0007.opus")
    [result] = extract_media([voice], store, cache, settings, None)
    assert result.status == "failed"
    queue = DeadLetterQueue(tmp_path / "landing.sqlite3")
    assert record_dead_letters([result], queue, "2026-11-16") == 1
    [letter] = queue.list()
    assert letter.payload["filename"] == "PTT-20261116-WA0007.opus" and letter.payload["message_id"] == "exp_7"
