"""A message the engines cannot read whole never blocks its day: it is read on a bounded prefix, or flagged."""

from datetime import UTC, datetime

import dagster as dg
import openpyxl
import pandas as pd

from wa_pipeline.defs._shared.parquet_io_manager import ParquetFrameIOManager
from wa_pipeline.defs.media.resources import MediaEngines
from wa_pipeline.defs.nlp.resources import NlpSettings
from wa_pipeline.defs.resources import Locale, PipelineStorage, WorkbookSinkResource
from wa_pipeline.message import Message
from wa_pipeline.nlp import entities
from wa_pipeline.nlp.enrich import MAX_ANALYSED_CHARS, enrich_messages
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline_tests.daily_defs import daily_def

raw_messages = daily_def("raw_messages")
media_text = daily_def("media_text")
enriched_messages = daily_def("enriched_messages")
sheet_rows = daily_def("sheet_rows")
messages_sheet = daily_def("messages_sheet")
sheet_reconciled = daily_def("sheet_reconciled")

DAY = "2026-11-16"
TEN_MB = 10 * 1024 * 1024
# Dense with what the rules look for, so reading it whole would cost the engines minutes, and spaCy refuses it.
HUGE = ("Please send 20 loaves to Ngara, call 0722 123456. " * (TEN_MB // 50 + 1))[:TEN_MB]


def message(n: int, text: str) -> Message:
    return Message(
        message_id=f"m{n}",
        chat_id="254700111222",
        chat_name="Mama Mboga Bakery",
        sender_id="Wanjiku",
        sender_name="Wanjiku",
        sent_at=datetime(2026, 11, 16, 9, n, tzinfo=UTC),
        kind="text",
        source="chat_export",
        text=text,
    )


def run_day(tmp_path, day: list[Message], assets) -> dg.ExecuteInProcessResult:
    data = tmp_path / "data"
    data.mkdir()
    SqliteLandingStore(data / "landing.sqlite3").add_messages(day)
    resources = {
        "storage": PipelineStorage(data_dir=str(data)),
        "locale": Locale(timezone="UTC", default_region="KE"),
        "sheet_sink": WorkbookSinkResource(path=str(tmp_path / "out.xlsx")),
        "io_manager": ParquetFrameIOManager(data_dir=str(data)),
        "nlp": NlpSettings(),
        "media_engines": MediaEngines(),
    }
    return dg.materialize(assets, partition_key=DAY, resources=resources, raise_on_error=False)


def sheet_rows_by_id(tmp_path) -> dict[str, tuple]:
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)["Messages"].iter_rows(values_only=True))
    return {row[0]: row for row in rows[1:]}


def test_a_ten_megabyte_message_is_read_on_a_prefix_and_its_day_reaches_the_sheet(tmp_path):
    day = [
        message(1, "Hi, I would like to order 20 loaves for tomorrow 5pm"),
        message(2, HUGE),
        message(3, "Paid KES 2,000, code QK7XZ12AB3"),
    ]
    # sheet_reconciled is left out: the workbook cuts a cell at Excel's 32,767 characters where the rows were cut
    # at Google's 50,000, so the check reads a 10 MB text as changed (a sheets/ matter, reported).
    result = run_day(tmp_path, day, [raw_messages, media_text, enriched_messages, sheet_rows, messages_sheet])

    failed = {e.asset_check_key.name: e.description for e in result.get_asset_check_evaluations() if not e.passed}
    assert failed == {}
    assert result.success
    enriched = result.output_for_node("enriched_messages").set_index("message_id")
    assert list(enriched.index) == ["m1", "m2", "m3"]
    assert enriched.loc["m2", "enrichment_flags"] == (
        f"truncated: read the first {MAX_ANALYSED_CHARS - 1:,} of {TEN_MB:,} characters (bound {MAX_ANALYSED_CHARS:,})"
    )
    assert enriched.loc["m2", "phones"] == "+254722123456" and enriched.loc["m2", "quantities"] == "20 loaf"
    assert (enriched.drop(index="m2")["enrichment_flags"] == "").all()
    assert enriched.loc["m3", "amounts"] == "KES 2000.00"
    assert set(sheet_rows_by_id(tmp_path)) == {"m1", "m2", "m3"}


def test_a_day_holding_a_nul_reconciles_on_the_workbook(tmp_path):
    day = [message(1, "Paid KES 2,000, code QK7XZ12AB3\x00 thanks"), message(2, "Thank you!\x00")]
    assets = [raw_messages, media_text, enriched_messages, sheet_rows, messages_sheet, sheet_reconciled]
    result = run_day(tmp_path, day, assets)

    failed = {e.asset_check_key.name: e.description for e in result.get_asset_check_evaluations() if not e.passed}
    assert failed == {}
    assert result.success
    assert "sheet_reconciled" in {e.asset_check_key.name for e in result.get_asset_check_evaluations()}
    rows = sheet_rows_by_id(tmp_path)
    assert any(cell == "Paid KES 2,000, code QK7XZ12AB3␀ thanks" for cell in rows["m1"])
    assert any(cell == "Thank you!␀" for cell in rows["m2"])


def test_a_message_an_engine_fails_on_is_flagged_and_its_neighbours_are_enriched(monkeypatch):
    real = entities.extract_entities

    def failing_on_poison(texts, *args, **kwargs):
        if any("poison" in text for text in texts):
            raise ValueError("[E999] the engine cannot read this")
        return real(texts, *args, **kwargs)

    monkeypatch.setattr("wa_pipeline.nlp.enrich.extract_entities", failing_on_poison)
    frame = pd.DataFrame([m.to_record() for m in (message(1, "Call 0722 123456"), message(2, "poison"))])
    frame = pd.concat([frame, frame.assign(message_id=["m3", "m4"])], ignore_index=True)

    out = enrich_messages(frame, "KE", chunk_size=3)

    assert list(out["message_id"]) == ["m1", "m2", "m3", "m4"]
    assert list(out["phones"]) == ["+254722123456", "", "+254722123456", ""]
    assert list(out["enrichment_flags"]) == [
        "",
        "enrichment_failed: ValueError: [E999] the engine cannot read this",
        "",
        "enrichment_failed: ValueError: [E999] the engine cannot read this",
    ]
    assert set(out.loc[[1, 3], "intent"]) == {"other"} and set(out.loc[[1, 3], "entities"]) == {"[]"}
