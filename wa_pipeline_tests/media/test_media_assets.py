import os
from datetime import UTC, datetime

import dagster as dg
import openpyxl
import pytest

from wa_pipeline.defs._shared.parquet_io_manager import ParquetFrameIOManager
from wa_pipeline.defs.media.resources import MediaEngines
from wa_pipeline.defs.resources import Locale, PipelineStorage, WorkbookSinkResource
from wa_pipeline.message import MediaRef, Message
from wa_pipeline.sheets.tabs.media import MEDIA
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.frames import read_frame
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline_tests.daily_defs import daily_def

raw_messages = daily_def("raw_messages")
media_catalog = daily_def("media_catalog")
media_text = daily_def("media_text")
no_stale_pending_media = daily_def("no_stale_pending_media")
media_sheet = daily_def("media_sheet")
media_sheet_reconciled = daily_def("media_sheet_reconciled")

DAY = "2026-11-16"
ASSETS = [raw_messages, media_text, media_catalog, media_sheet, media_sheet_reconciled, no_stale_pending_media]


def message(i: int, text: str | None = None, path=None, kind="text", filename=None) -> Message:
    sent = datetime(2026, 11, 16, 9, 0, i, tzinfo=UTC)
    media = None
    if path is not None or filename is not None:
        data = path.read_bytes() if path is not None else None
        media = MediaRef(
            sha256=MediaStore(DATA["dir"] / "media").put(data) if data is not None else None,
            filename=filename or path.name,
            bytes=len(data) if data is not None else None,
        )
    return Message(
        message_id=f"m{i:02d}",
        chat_id="chat_1",
        chat_name="Mama Mboga Bakery",
        sent_at=sent,
        kind=kind,
        source="chat_export",
        sender_name="Wanjiku Kamau",
        text=text,
        media=media,
    )


DATA: dict = {}


@pytest.fixture
def data(tmp_path):
    DATA["dir"] = tmp_path / "data"
    yield DATA["dir"]
    DATA.clear()


def resources(data_dir, **engines):
    return {
        "storage": PipelineStorage(data_dir=str(data_dir)),
        "locale": Locale(timezone="UTC", default_region="KE"),
        "sheet_sink": WorkbookSinkResource(path=str(data_dir / "out.xlsx")),
        "io_manager": ParquetFrameIOManager(data_dir=str(data_dir)),
        "media_engines": MediaEngines(**engines),
    }


def run(data_dir, instance, **engines):
    result = dg.materialize(ASSETS, partition_key=DAY, resources=resources(data_dir, **engines), instance=instance)
    assert result.success
    return result


def frame(data_dir, asset):
    return read_frame(data_dir / "frames" / asset / f"{DAY}.parquet")


def media_tab(data_dir):
    rows = list(openpyxl.load_workbook(data_dir / "out.xlsx")[MEDIA.name].iter_rows(values_only=True))
    assert list(rows[0][: len(MEDIA.columns)]) == list(MEDIA.sheet_columns)
    return {row[0]: dict(zip(MEDIA.columns, row)) for row in rows[1:]}


MEDIA_CHECKS = {
    "media_success_rate",
    "media_dead_letters_not_growing",
    "no_stale_pending_media",
    "media_sheet_reconciled",
}


def checks(result):
    """The media checks' outcomes (raw_messages' own checks run too and are not ours to assert)."""
    return {
        e.asset_check_key.name: e.passed
        for e in result.get_asset_check_evaluations()
        if e.asset_check_key.name in MEDIA_CHECKS
    }


def test_a_day_of_media_becomes_text_a_gallery_and_a_media_tab(data, receipts, voice_notes, documents):
    SqliteLandingStore(data / "landing.sqlite3").add_messages(
        [
            message(0, "Good morning"),
            message(1, path=receipts["noisy"][0].path, kind="image"),
            message(2, path=voice_notes[0].path, kind="voice"),
            message(3, path=documents["text_pdf"].path, kind="document"),
            message(4, path=receipts["noisy"][0].path, kind="image"),  # forwarded again
        ]
    )
    with dg.instance_for_test() as instance:
        result = run(data, instance)
        texts = frame(data, "media_text").set_index("message_id")
        assert list(texts.index) == ["m01", "m02", "m03", "m04"]  # media messages only
        assert set(texts["media_status"]) == {"ok"}
        assert (
            "5,800.00" in texts.loc["m01", "media_text"]
            and texts.loc["m04", "media_text"] == texts.loc["m01", "media_text"]
        )
        assert "Friday" in texts.loc["m02", "media_text"] and "INV-2026-0042" in texts.loc["m03", "media_text"]
        assert texts.loc["m02", "media_mime"] == "audio/ogg" and 5 < texts.loc["m02", "media_duration_s"] < 7

        metadata = next(
            e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey("media_text")
        ).materialization.metadata
        assert metadata["success_rate"].value == 1.0 and metadata["files"].value == 3
        assert metadata["images_per_s"].value > 0 and metadata["audio_seconds_per_wall_second"].value > 0
        assert all(checks(result).values()), checks(result)

        tab = media_tab(data)
        assert set(tab) == {"m01", "m02", "m03", "m04"}
        assert tab["m02"]["type"] == "audio/ogg" and tab["m02"]["status"] == "ok" and tab["m02"]["duration_s"] > 5
        assert tab["m01"]["dimensions"].count("x") == 1 and "TOTAL KES 5,800.00" in tab["m01"]["text"]

        again = run(data, instance)
        sheet = next(
            e for e in again.get_asset_materialization_events() if e.asset_key == dg.AssetKey("media_sheet")
        ).materialization.metadata
        assert sheet["inserted"].value == 0 and sheet["unchanged"].value == 4
        rerun = next(
            e for e in again.get_asset_materialization_events() if e.asset_key == dg.AssetKey("media_text")
        ).materialization.metadata
        assert rerun["cache_hits"].value == 3 and rerun["images_ocr"].value == 0


def test_bad_media_are_dead_lettered_while_the_partition_materializes(data, bad_inputs, receipts):
    bad = list(bad_inputs.items())
    SqliteLandingStore(data / "landing.sqlite3").add_messages(
        [message(0, "Here are the files")]
        + [message(i + 1, path=path, kind="document") for i, (_, path) in enumerate(bad)]
        + [message(20, path=receipts["clean"][2].path, kind="image")]
    )
    with dg.instance_for_test() as instance:
        result = run(data, instance, document_timeout_s=3)
        letters = {
            letter.item_key: letter
            for letter in DeadLetterQueue(data / "landing.sqlite3").list()
            if letter.stage == "media"
        }
        assert set(letters) == {f"m{i + 1:02d}" for i in range(len(bad))}
        assert all(letter.reason for letter in letters.values())
        texts = frame(data, "media_text").set_index("message_id")
        assert texts.loc["m20", "media_status"] == "ok" and "KAMAU GROCERS" in texts.loc["m20", "media_text"]
        # WARN checks report it; they do not fail the run.
        assert checks(result) == {
            "media_success_rate": False,
            "media_dead_letters_not_growing": False,
            "no_stale_pending_media": True,
            # The Media tab still holds every item, the dead-lettered ones included, as computed.
            "media_sheet_reconciled": True,
        }
        assert checks(run(data, instance, document_timeout_s=3))["media_dead_letters_not_growing"] is True
        assert media_tab(data)["m01"]["status"] == "failed"


def test_without_tesseract_images_wait_and_text_rows_are_unaffected_then_a_later_run_fills_them(
    data, receipts, monkeypatch, tmp_path
):
    SqliteLandingStore(data / "landing.sqlite3").add_messages(
        [message(0, "Receipt attached"), message(1, path=receipts["clean"][0].path, kind="image")]
    )
    path = os.environ["PATH"]
    with dg.instance_for_test() as instance:
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))
        first = run(data, instance)
        texts = frame(data, "media_text").set_index("message_id")
        assert texts.loc["m01", "media_status"] == "pending:tesseract_missing" and texts.loc["m01", "media_text"] == ""
        assert len(frame(data, "raw_messages")) == 2  # the text message went through untouched
        assert checks(first)["media_success_rate"] is False
        assert DeadLetterQueue(data / "landing.sqlite3").list() == []

        monkeypatch.setenv("PATH", path)
        second = run(data, instance)
        texts = frame(data, "media_text").set_index("message_id")
        assert texts.loc["m01", "media_status"] == "ok" and "MAMA MBOGA BAKERY" in texts.loc["m01", "media_text"]
        assert all(checks(second).values())
        assert media_tab(data)["m01"]["status"] == "ok"


def test_items_pending_for_days_fail_the_staleness_check(data):
    store = SqliteLandingStore(data / "landing.sqlite3")
    cloud = Message(
        message_id="wamid.1",
        chat_id="254700000001",
        sent_at=datetime(2026, 11, 16, 9, tzinfo=UTC),
        kind="image",
        source="cloud_api",
        media=MediaRef(remote_id="998877", mime="image/jpeg"),
    )
    store.add_messages([cloud])
    with dg.instance_for_test() as instance:
        result = run(data, instance, max_pending_days=3)
    assert frame(data, "media_text")["media_status"].tolist() == ["pending:not_downloaded"]
    assert checks(result)["no_stale_pending_media"] is False


def test_a_day_without_media_gives_empty_frames(data):
    SqliteLandingStore(data / "landing.sqlite3").add_messages([message(0, "Just text")])
    with dg.instance_for_test() as instance:
        result = run(data, instance)
    assert frame(data, "media_text").empty and frame(data, "media_catalog").empty
    assert all(checks(result).values())
