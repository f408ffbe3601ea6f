"""Retention with an injected clock: exactly the days past WA_RETENTION_DAYS leave every store, the check sees an old
row put back, and nothing happens while the setting is unset. Also: `forget --before` keeps newer events and dead
letters."""

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.defs._shared.parquet_io_manager import ParquetFrameIOManager
from wa_pipeline.defs.privacy.assets import retention
from wa_pipeline.defs.privacy.checks import nothing_past_retention
from wa_pipeline.defs.privacy.resources import RetentionPolicy
from wa_pipeline.defs.resources import Locale, PipelineStorage, WorkbookSinkResource
from wa_pipeline.message import Event, Message
from wa_pipeline.privacy.forget import ForgetRequest, forget
from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.events import EventStore
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.importer import import_exports
from wa_pipeline_tests.daily_defs import daily_def
from wa_pipeline_tests.privacy.test_forget import export_zip, photo

raw_messages = daily_def("raw_messages")

pytestmark = pytest.mark.timeout(600)
# 30 days before 2026-12-01 (UTC, the tests' timezone): everything sent before 2026-11-01 00:00 goes.
NOW = "2026-12-01T12:00:00+00:00"
DAYS = ["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02"]
OLD_DAYS, NEW_DAYS = DAYS[:2], DAYS[2:]
CHAT = "Achieng Otieno"
LINES = [
    f"30/10/26, 10:00 - {CHAT}: Please send 3 bags of cement",
    f"31/10/26, 23:58 - {CHAT}: IMG-20261031-WA0001.png (file attached)",
    f"31/10/26, 23:59 - {CHAT}: IMG-20261031-WA0002.png (file attached)",
    f"01/11/26, 00:01 - {CHAT}: Did you get my photos?",
    f"02/11/26, 09:00 - {CHAT}: IMG-20261031-WA0002.png (file attached)",
]
ONLY_OLD, SHARED = photo(11, "RECEIPT OLD"), photo(12, "RECEIPT SHARED")
MEDIA = {"IMG-20261031-WA0001.png": ONLY_OLD, "IMG-20261031-WA0002.png": SHARED}


def resources(data: Path, days: int | None = 30) -> dict:
    return {
        "storage": PipelineStorage(data_dir=str(data)),
        "locale": Locale(timezone="UTC", default_region="KE"),
        "sheet_sink": WorkbookSinkResource(path=str(data / "out.xlsx")),
        "io_manager": ParquetFrameIOManager(data_dir=str(data)),
        "retention": RetentionPolicy(days=days, now=NOW),
    }


def stores(data: Path):
    return SqliteLandingStore(data / "landing.sqlite3"), DeadLetterQueue(data / "landing.sqlite3")


def import_chat(data: Path, export: Path) -> None:
    landing, queue = stores(data)
    import_exports([export], store=landing, media_store=MediaStore(data / "media"), dead_letters=queue, tz=UTC)


def sync_sheet(data: Path, messages: list[Message]) -> None:
    columns = [MESSAGES.sheet_key, MESSAGES.header("sent_at"), MESSAGES.header("text")]
    rows = [[m.message_id, m.sent_at.replace(tzinfo=None), m.text or ""] for m in messages]
    WorkbookSink(data / "out.xlsx").upsert(MESSAGES.name, columns, MESSAGES.sheet_key, rows)


def materialize_days(data: Path, days: list[str]) -> None:
    for day in days:
        assert dg.materialize([raw_messages], partition_key=day, resources=resources(data)).success


def frame_rows(data: Path) -> dict[str, int]:
    return {day: pq.read_table(data / "frames" / "raw_messages" / f"{day}.parquet").num_rows for day in DAYS}


def dated(data: Path, table: str, column: str, key: str, value: str, moment: str) -> None:
    """A record from long ago: its stored time set as an older run would have written it."""
    with sqlite3.connect(data / "landing.sqlite3") as conn:
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (moment, value))


@pytest.fixture
def month(tmp_path) -> Path:
    """Four days of one chat landed, framed and synced, with events, statuses and dead letters from both sides."""
    data = tmp_path / "data"
    import_chat(data, export_zip(tmp_path / "chat.zip", CHAT, LINES, MEDIA))
    landing, queue = stores(data)
    messages = list(landing.iter_messages())
    assert len(messages) == 5
    materialize_days(data, DAYS)
    sync_sheet(data, messages)
    events = EventStore(data / "landing.sqlite3")
    events.add(
        [
            Event("ev-old", "call", "calls", datetime(2026, 10, 20, 8, tzinfo=UTC), summary="missed call"),
            Event("ev-new", "call", "calls", datetime(2026, 11, 20, 8, tzinfo=UTC), summary="missed call"),
        ]
    )
    queue.add("media", "letter-old", "unreadable photo", {"file": "x"})
    queue.add("media", "letter-new", "unreadable photo", {"file": "y"})
    dated(data, "dead_letters", "created_at", "item_key", "letter-old", "2026-10-05T08:00:00.000000+00:00")
    return data


def evaluation(result) -> dg.AssetCheckEvaluation:
    [found] = result.get_asset_check_evaluations()
    return found


def run_retention(
    data: Path, days: int | None = 30, check_only: bool = False, instance: dg.DagsterInstance | None = None
) -> dg.ExecuteInProcessResult:
    selection = dg.AssetSelection.checks(nothing_past_retention) if check_only else dg.AssetSelection.all()
    return dg.materialize(
        [retention, nothing_past_retention],
        selection=selection,
        resources=resources(data, days),
        raise_on_error=False,
        instance=instance,
    )


def test_retention_removes_exactly_the_days_past_the_limit_from_every_store(month, tmp_path):
    landing, queue = stores(month)
    old_ids = {m.message_id for m in landing.iter_messages() if m.sent_at < datetime(2026, 11, 1, tzinfo=UTC)}
    assert len(old_ids) == 3 and frame_rows(month) == {
        "2026-10-30": 1,
        "2026-10-31": 2,
        "2026-11-01": 1,
        "2026-11-02": 1,
    }

    result = run_retention(month)
    assert result.success
    metadata = result.asset_materializations_for_node("retention")[0].metadata
    assert metadata["cut"].value == "2026-11-01T00:00:00+00:00"
    assert metadata["removed_messages"].value == 3 and metadata["removed_media_files"].value == 1
    assert metadata["removed_dead_letters"].value == 1 and metadata["removed_events"].value == 1
    assert metadata["removed_sheet_Messages"].value == 3
    check = evaluation(result)
    assert check.passed, check.description
    assert check.metadata["messages"].value == 0

    # The 23:59 photo went with its day; the 00:01 text of the next day stayed.
    kept = [m for m in landing.iter_messages()]
    assert [m.sent_at.date().isoformat() for m in kept] == ["2026-11-01", "2026-11-02"]
    media = MediaStore(month / "media")
    assert not media.has(hashlib.sha256(ONLY_OLD).hexdigest())
    assert media.has(hashlib.sha256(SHARED).hexdigest())  # the 2 November message still shows it
    assert frame_rows(month) == {"2026-10-30": 0, "2026-10-31": 0, "2026-11-01": 1, "2026-11-02": 1}
    sheet_keys = [
        record[MESSAGES.sheet_key] for record in WorkbookSink(month / "out.xlsx").read_tab("Messages").records()
    ]
    assert sheet_keys == [m.message_id for m in kept]
    assert [letter.item_key for letter in queue.list()] == ["letter-new"]
    assert [e.event_id for e in EventStore(month / "landing.sqlite3").events()] == ["ev-new"]

    # Re-importing the same export brings none of the old days back.
    import_chat(month, export_zip(tmp_path / "again.zip", CHAT, LINES, MEDIA))
    assert {m.message_id for m in landing.iter_messages()}.isdisjoint(old_ids) and landing.count() == 2


def test_the_retention_check_fails_when_an_old_message_comes_back_and_passes_after_the_job(month):
    assert run_retention(month).success
    assert evaluation(run_retention(month, check_only=True)).passed

    # A restored backup puts a message of 15 October back, and its day is run again.
    restored = Message(
        message_id="exp_restored",
        chat_id="export:achieng",
        chat_name=CHAT,
        sender_name=CHAT,
        sent_at=datetime(2026, 10, 15, 9, tzinfo=UTC),
        kind="text",
        source="chat_export",
        text="from the backup",
    )
    landing, _ = stores(month)
    assert landing.add_messages([restored]).added == 1
    materialize_days(month, ["2026-10-15"])
    check = evaluation(run_retention(month, check_only=True))
    assert not check.passed
    assert check.description.startswith("before 2026-11-01: ")
    assert '"messages": 1' in check.description and '"frame_rows": 1' in check.description
    assert check.metadata["messages"].value == 1 and check.metadata["frame_rows"].value == 1

    again = run_retention(month)
    assert again.success and evaluation(again).passed
    assert landing.get("exp_restored") is None


def test_retention_is_off_by_default_and_then_removes_nothing(month, fresh_settings):
    from wa_pipeline.definitions import defs

    fresh_settings.setenv("WA_DATA_DIR", str(month))
    definitions = defs()
    assert definitions.resolve_job_def("retention_job") is not None
    policy = RetentionPolicy(days=None, now=NOW)
    schedule = definitions.resolve_schedule_def("retention_schedule")
    with dg.build_schedule_context(resources={"retention": policy}) as context:
        assert isinstance(schedule.evaluate_tick(context).skip_message, str)
    with dg.build_schedule_context(resources={"retention": RetentionPolicy(days=30)}) as context:
        assert len(schedule.evaluate_tick(context).run_requests) == 1

    landing, queue = stores(month)
    result = run_retention(month, days=None)
    assert result.success and evaluation(result).passed
    assert result.asset_materializations_for_node("retention")[0].metadata["removed"].value == 0
    assert landing.count() == 5 and len(queue.list()) == 2

    # The setting reaches the code location's resource.
    fresh_settings.setenv("WA_RETENTION_DAYS", "45")
    from wa_pipeline.settings import get_settings

    get_settings.cache_clear()
    assert defs().resources["retention"].days == 45


def test_forget_before_a_date_keeps_her_newer_events_and_dead_letters(data_dir):
    phone = "+254733111222"
    events = EventStore(data_dir / "landing.sqlite3")
    events.add(
        [
            Event("call-old", "call", "calls", datetime(2025, 6, 1, tzinfo=UTC), customer=phone, summary="missed"),
            Event("call-new", "call", "calls", datetime(2026, 6, 1, tzinfo=UTC), customer=phone, summary="missed"),
        ]
    )
    queue = DeadLetterQueue(data_dir / "landing.sqlite3")
    queue.add("webhook", "body-old", "bad timestamp", {"from": phone})
    queue.add("webhook", "body-new", "bad timestamp", {"from": phone})
    dated(data_dir, "dead_letters", "created_at", "item_key", "body-old", "2025-06-01T00:00:00.000000+00:00")
    landing = SqliteLandingStore(data_dir / "landing.sqlite3")
    request = ForgetRequest(phone=phone, before=datetime(2026, 1, 1, tzinfo=UTC))
    report = forget(request, landing=landing, layout=DataLayout(data_dir), sink=None)
    assert report.removed["events"] == 1 and report.removed["dead_letters"] == 1
    assert [e.event_id for e in events.events()] == ["call-new"]
    assert [letter.item_key for letter in queue.list()] == ["body-new"]

    # Without a date, both go.
    forget(ForgetRequest(phone=phone), landing=landing, layout=DataLayout(data_dir), sink=None)
    assert events.events() == [] and queue.list() == []


def test_the_report_says_what_the_last_retention_run_removed_or_that_it_is_off(month):
    from wa_pipeline.defs._shared.report_builder import build_report
    from wa_pipeline.reporting.html_report import render_html, render_markdown

    with dg.instance_for_test() as instance:
        layout = DataLayout(month)
        assert build_report(instance, DAYS, layout, "wa.xlsx").retention == "Retention: not run yet"
        assert run_retention(month, days=None, instance=instance).success
        assert "off (WA_RETENTION_DAYS unset)" in build_report(instance, DAYS, layout, "wa.xlsx").retention
        result = run_retention(month, instance=instance)
        removed = result.asset_materializations_for_node("retention")[0].metadata["removed"].value
        report = build_report(instance, DAYS, layout, "wa.xlsx")
        assert removed >= 3 and f"{removed} items sent before 2026-11-01 removed" in report.retention
        assert report.retention.startswith("Retention: 30 days; on ")
        assert f'<p id="retention">{report.retention}</p>' in render_html(report)
        assert report.retention in render_markdown(report)


def test_retention_on_postgresql_removes_old_events_kept_there_and_counts_them_until_then(data_dir, landing_url):
    from wa_pipeline.privacy.retention import apply_retention, leftovers
    from wa_pipeline.settings import get_settings
    from wa_pipeline.store.landing_factory import open_landing_store

    layout = get_settings().layout
    landing = open_landing_store(landing_url)
    # The webhook receiver on PostgreSQL writes events and status history there, beside the messages.
    events = EventStore(landing.database())
    events.add(
        [
            Event("pg-ev-old", "call", "calls", datetime(2026, 10, 20, 8, tzinfo=UTC), summary="missed call"),
            Event("pg-ev-new", "call", "calls", datetime(2026, 11, 20, 8, tzinfo=UTC), summary="missed call"),
        ]
    )
    DeadLetterQueue(layout.landing_db).add("media", "letter-old", "unreadable photo", {"file": "x"})
    cut = datetime(2026, 11, 1, tzinfo=UTC)
    before = leftovers(cut, landing=landing, layout=layout, sink=None)
    assert before["events"] == 1 and before["dead_letters"] == 0

    report = apply_retention(cut, landing=landing, layout=layout, sink=None)

    assert report.removed["events"] == 1
    assert [e.event_id for e in events.events()] == ["pg-ev-new"]
    assert leftovers(cut, landing=landing, layout=layout, sink=None)["events"] == 0
