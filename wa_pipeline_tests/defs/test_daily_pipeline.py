import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import openpyxl

from wa_pipeline.settings import get_settings
from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.importer import import_exports
from wa_pipeline_tests.defs.conftest import REPO, SAMPLE_DATA

DAY = "2026-11-16"
ASSETS = {
    "landing_messages",
    "downloaded_media",
    "raw_messages",
    "enriched_messages",
    "sheet_rows",
    "messages_sheet",
    "dead_letters",
    "intent_model",
    "conversation_threads",
    "threads_sheet",
    "entities_sheet",
    "media_text",
    "media_catalog",
    "media_sheet",
    "orders_sheet",
    "customer_records",
    "customers_sheet",
    "delivery_records",
    "deliveries_sheet",
    "daily_report",
    "consent_ledger",
    "consent_sheet",
    "retention",
}
CHECKS = {
    "raw_messages:schema_valid",
    "raw_messages:ids_unique",
    "raw_messages:timestamps_in_partition",
    "raw_messages:no_message_after_opt_out",
    "enriched_messages:all_messages_enriched",
    "enriched_messages:enrichment_values_valid",
    "sheet_rows:sheet_keys_unique",
    "sheet_rows:one_row_per_message",
    "messages_sheet:sheet_reconciled",
    "messages_sheet:no_duplicate_sheet_keys",
    "messages_sheet:rows_in_order",
    "enriched_messages:intents_and_languages_valid",
    "conversation_threads:threads_cover_messages",
    "conversation_threads:thread_times_consistent",
    "threads_sheet:threads_sheet_reconciled",
    "entities_sheet:entities_sheet_reconciled",
    "media_sheet:media_sheet_reconciled",
    "orders_sheet:orders_sheet_reconciled",
    "customers_sheet:customers_sheet_reconciled",
    "deliveries_sheet:deliveries_sheet_reconciled",
    "consent_sheet:consent_sheet_reconciled",
    "media_text:media_success_rate",
    "media_text:media_dead_letters_not_growing",
    "media_catalog:no_stale_pending_media",
}
# Checks of assets outside the daily job: the intent model is trained on its own, not per day; retention runs nightly.
MODEL_CHECKS = {"intent_model:intent_model_accurate", "retention:nothing_past_retention"}


def load_definitions() -> dg.Definitions:
    from wa_pipeline.definitions import defs

    return defs()


def import_samples() -> SqliteLandingStore:
    settings = get_settings()
    store = SqliteLandingStore(settings.layout.landing_db)
    summary = import_exports(
        sorted(SAMPLE_DATA.glob("*.zip")) + sorted(SAMPLE_DATA.glob("*.txt")),
        store=store,
        media_store=MediaStore(settings.layout.media_dir),
        dead_letters=DeadLetterQueue(settings.layout.landing_db),
        tz=settings.tz,
    )
    assert summary.errors == [] and summary.added > 0
    return store


def sheet_records(path: Path) -> list[dict]:
    sheet = openpyxl.load_workbook(path)[MESSAGES.name]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    # The sheet shows people's headers ("Sent", "From"); the records are keyed by the tab's column names.
    assert header[: len(MESSAGES.columns)] == list(MESSAGES.sheet_columns)
    return [dict(zip(MESSAGES.columns, row)) for row in rows[1:]]


def test_definitions_validate_and_hold_every_asset_check_sensor_and_schedule(data_dir):
    definitions = load_definitions()
    dg.Definitions.validate_loadable(definitions)
    graph = definitions.resolve_asset_graph()
    assert {key.to_user_string() for key in graph.get_all_asset_keys()} == ASSETS
    assert {key.to_user_string() for key in graph.asset_check_keys} == CHECKS | MODEL_CHECKS
    assert definitions.resolve_sensor_def("landing_sensor") is not None
    assert definitions.resolve_schedule_def("daily_schedule").cron_schedule == "15 1 * * *"
    assert definitions.resolve_job_def("daily_pipeline").partitions_def is not None


def test_the_daily_report_is_made_without_anyone_starting_a_sensor(data_dir):
    """In a new `make dev` the daily_report asset was never materialized: Dagster's default automation sensor, the
    only one that targeted it, starts stopped."""
    definitions = load_definitions()
    sensor = definitions.resolve_sensor_def("daily_report_automation")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    graph = definitions.resolve_asset_graph()
    assert sensor.asset_selection.resolve(graph) == {dg.AssetKey("daily_report")}
    # What `wa-pipeline run` launches after its days.
    assert definitions.resolve_job_def("daily_report_job").asset_layer.selected_asset_keys == {
        dg.AssetKey("daily_report")
    }


def test_code_location_loads_the_way_the_ui_loads_it(data_dir, tmp_path):
    # Show every DeprecationWarning (dagster's own internals raise some); none may come from our code.
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "PYTHONWARNINGS": "default::DeprecationWarning"}
    dagster = Path(sys.executable).parent / "dagster"
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Validation successful for code location wa_pipeline" in output
    ours = [line for line in output.splitlines() if "DeprecationWarning" in line and f"{REPO}/wa_pipeline" in line]
    assert ours == []


def test_a_sample_day_reaches_the_workbook_once_and_a_rerun_adds_nothing(data_dir):
    store = import_samples()
    start = datetime.fromisoformat(DAY).replace(tzinfo=UTC)
    expected = {m.message_id for m in store.messages_between(start, start + timedelta(days=1))}
    assert expected, "the sample data must have messages on the test day"

    job = load_definitions().resolve_job_def("daily_pipeline")
    workbook = get_settings().layout.workbook
    with dg.instance_for_test() as instance:
        first = job.execute_in_process(partition_key=DAY, instance=instance)
        assert first.success
        evaluations = first.get_asset_check_evaluations()
        assert {e.asset_check_key.to_user_string() for e in evaluations} == CHECKS
        assert all(e.passed for e in evaluations), [e.asset_check_key for e in evaluations if not e.passed]
        rows = sheet_records(workbook)
        assert sorted(r["message_id"] for r in rows) == sorted(expected)
        assert all(r["date"].date().isoformat() == DAY for r in rows)

        second = job.execute_in_process(partition_key=DAY, instance=instance)
        assert second.success
        assert all(e.passed for e in second.get_asset_check_evaluations())
        again = sheet_records(workbook)
        assert again == rows
        sync = [m for m in second.get_asset_materialization_events() if m.asset_key == dg.AssetKey("messages_sheet")][
            0
        ].materialization.metadata
        assert sync["inserted"].value == 0 and sync["unchanged"].value == len(expected)


def test_a_sample_day_syncs_to_google_sheets_through_gspread_over_http(data_dir, tmp_path, monkeypatch):
    from wa_pipeline_tests.fakes.sheets_v4 import FakeGoogleSheets

    store = import_samples()
    start = datetime.fromisoformat(DAY).replace(tzinfo=UTC)
    expected = {m.message_id for m in store.messages_between(start, start + timedelta(days=1))}
    with FakeGoogleSheets() as fake:
        account = fake.write_service_account(tmp_path / "service-account.json")
        key = fake.create_spreadsheet(editors=[account.email])
        monkeypatch.setenv("WA_SHEET_BACKEND", "google")
        monkeypatch.setenv("WA_GOOGLE_CREDENTIALS", str(account.path))
        monkeypatch.setenv("WA_SPREADSHEET_KEY", key)
        monkeypatch.setenv("WA_SHEETS_ENDPOINT", fake.endpoint)
        get_settings.cache_clear()
        job = load_definitions().resolve_job_def("daily_pipeline")
        with dg.instance_for_test() as instance:
            for _ in range(2):
                result = job.execute_in_process(partition_key=DAY, instance=instance)
                assert result.success
                assert all(e.passed for e in result.get_asset_check_evaluations())
        values = fake.values(key, MESSAGES.name)
        assert values[0][: len(MESSAGES.columns)] == list(MESSAGES.sheet_columns)
        assert sorted(row[0] for row in values[1:]) == sorted(expected)
        assert fake.formula_cells(key) == []


def test_a_photo_a_voice_note_and_a_pdf_reach_the_sheet_as_text_and_facts(data_dir):
    import_samples()
    job = load_definitions().resolve_job_def("daily_pipeline")
    with dg.instance_for_test() as instance:
        for day in ("2026-11-16", "2026-11-17"):
            result = job.execute_in_process(partition_key=day, instance=instance)
            assert result.success and all(
                e.passed for e in result.get_asset_check_evaluations() if e.severity.value == "ERROR"
            )
    rows = {r["attachment"]: r for r in sheet_records(get_settings().layout.workbook) if r["attachment"]}
    receipt, voice, invoice = (
        rows["IMG-20261117-WA0003.png"],
        rows["PTT-20261117-WA0004.opus"],
        rows["INV-2026-0042.pdf"],
    )
    assert "Total KES 3,500" in receipt["media_text"] and "KES 3500.00" in receipt["amounts"]
    assert "transaction:QK7XZ12AB3" in receipt["references"]
    assert "4,500" in voice["media_text"] and "KES 4500.00" in voice["amounts"]
    assert "INV-2026-0042" in invoice["media_text"] and "INV-2026-0042" in invoice["references"]
    assert "KES 12000.00" in invoice["amounts"]
