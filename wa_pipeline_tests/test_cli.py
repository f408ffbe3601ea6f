import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl

REPO = Path(__file__).resolve().parents[1]
WA = Path(sys.executable).parent / "wa-pipeline"


def daily_checks() -> int:
    """How many checks each day's run reports: every check of the code location but those of the assets that have
    jobs of their own (the intent model, retention)."""
    from wa_pipeline.definitions import defs

    keys = defs().resolve_asset_graph().asset_check_keys
    return len([key for key in keys if key.asset_key.to_user_string() not in {"intent_model", "retention"}])


def wa(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(WA), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


def sample_phone_numbers() -> set[str]:
    """The Kenyan numbers written in the sample chats' text, in E.164, read with a plain pattern (not the pipeline)."""
    texts = [path.read_text(encoding="utf-8") for path in (REPO / "sample_data").glob("*.txt")]
    for archive in (REPO / "sample_data").glob("*.zip"):
        with zipfile.ZipFile(archive) as zipped:
            texts += [zipped.read(name).decode("utf-8") for name in zipped.namelist() if name.endswith(".txt")]
    found = re.findall(r"(?:\+254|\b0)[ ]?(7\d{2})[ ]?(\d{3})[ ]?(\d{3})\b", "\n".join(texts))
    numbers = {"+254" + "".join(parts) for parts in found}
    assert len(numbers) >= 4  # the sample's bakery, two customers and a driver
    return numbers


def test_import_then_run_twice_like_make_run(tmp_path):
    env = {
        **os.environ,
        "WA_DATA_DIR": str(tmp_path / "data"),
        "DAGSTER_HOME": str(tmp_path / "home"),
        "WA_SHEET_BACKEND": "workbook",
        "PYTHONWARNINGS": "error::DeprecationWarning",
    }
    (tmp_path / "home").mkdir()
    imported = wa("import", "sample_data", "--json", env=env)
    assert imported.returncode == 0, imported.stderr
    summary = json.loads(imported.stdout)
    assert summary["added"] > 0 and summary["errors"] == []

    again = json.loads(wa("import", "sample_data", "--json", env=env).stdout)
    assert again["added"] == 0 and again["already_present"] == summary["added"] + summary["already_present"]

    first = wa("run", "--json", env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    # A first run makes every tab: none is taken for another one renamed (several tabs carry a Message ID).
    assert "was not in the workbook" not in first.stderr
    days = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(days) >= 3
    assert all(d["success"] and d["failed_checks"] == [] and d["checks_total"] == daily_checks() for d in days)
    assert sum(d["rows"] for d in days) == summary["added"]

    workbook = tmp_path / "data" / "output" / "wa_pipeline.xlsx"
    # With no settings, every number the sample's people typed (local "0722 123456" as well as "+254 ...") is found
    # and written in full: the region comes from the export, not from a US default.
    entities = list(openpyxl.load_workbook(workbook)["Entities"].iter_rows(values_only=True))
    kind, value = entities[0].index("Kind"), entities[0].index("Value")
    phones = {row[value] for row in entities[1:] if row[kind] == "Phone"}
    assert sample_phone_numbers() <= phones
    rows_before = list(openpyxl.load_workbook(workbook)["Messages"].iter_rows(values_only=True))
    assert len(rows_before) == summary["added"] + 1
    # In an 80-column terminal: the table fits; only the sheet's path is printed whole, to be copied.
    second = wa("run", env={**env, "COLUMNS": "80"})
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Output sheet:" in second.stdout and str(workbook) in second.stdout.replace("\n", "")
    assert f"Daily report: {tmp_path / 'data' / 'reports' / 'daily_report.html'}" in second.stdout
    # The two paths are printed whole, to be copied, whatever the width.
    table = [line for line in second.stdout.splitlines() if not line.startswith(("Output sheet:", "Daily report:"))]
    assert max(len(line) for line in table) <= 80 and sum("2026-11-1" in line for line in table) == len(days)
    rows_after = list(openpyxl.load_workbook(workbook)["Messages"].iter_rows(values_only=True))
    assert rows_after == rows_before


def test_run_reports_a_bad_date_clearly(tmp_path):
    env = {**os.environ, "WA_DATA_DIR": str(tmp_path / "data"), "DAGSTER_HOME": str(tmp_path)}
    result = wa("run", "--from", "2026-13-01", "--to", "2026-13-02", env=env)
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr


def test_run_on_an_empty_store_says_what_to_do(tmp_path):
    env = {**os.environ, "WA_DATA_DIR": str(tmp_path / "data"), "DAGSTER_HOME": str(tmp_path)}
    result = wa("run", env=env)
    assert result.returncode == 1
    assert "wa-pipeline import" in result.stderr


def test_run_over_a_range_materializes_it_in_backfill_sized_runs_with_progress(tmp_path, monkeypatch):
    env = {
        **os.environ,
        "WA_DATA_DIR": str(tmp_path / "data"),
        "DAGSTER_HOME": str(tmp_path / "home"),
        "WA_SHEET_BACKEND": "workbook",
        "WA_BACKFILL_DAYS_PER_RUN": "2",
        "PYTHONWARNINGS": "error::DeprecationWarning",
    }
    (tmp_path / "home").mkdir()
    imported = json.loads(wa("import", "sample_data", "--json", env=env).stdout)

    result = wa("run", "--from", "2026-11-15", "--to", "2026-11-18", "--json", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    days = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["day"] for d in days] == ["2026-11-15", "2026-11-16", "2026-11-17", "2026-11-18"]
    # Four days at two a run: two runs, each day with its own rows and its own 20 checks.
    assert days[0]["run_id"] == days[1]["run_id"] != days[2]["run_id"] == days[3]["run_id"]
    assert all(d["success"] and d["checks_passed"] == d["checks_total"] == daily_checks() for d in days)
    assert days[0]["rows"] == 0 and sum(d["rows"] for d in days) == imported["added"]
    assert "2026-11-15..2026-11-16: ok" in result.stderr and "2026-11-17..2026-11-18: ok" in result.stderr
    # Each run records the landing mark it started from (the store's newest row), for the landing sensor.
    import dagster as dg

    from wa_pipeline.defs._shared.landing_coverage import LANDING_SEQ_TAG
    from wa_pipeline.store.sqlite_landing import SqliteLandingStore

    mark = SqliteLandingStore(tmp_path / "data" / "landing.sqlite3").changes_since(0).high_water_mark
    monkeypatch.setenv("DAGSTER_HOME", env["DAGSTER_HOME"])
    with dg.DagsterInstance.get() as instance:
        assert {instance.get_run_by_id(d["run_id"]).tags.get(LANDING_SEQ_TAG) for d in days} == {str(mark)}

    # The report finds each day's checks inside the range runs.
    report = wa("report", "--from", "2026-11-15", "--to", "2026-11-18", "--json", env=env)
    assert report.returncode == 0, report.stderr[-3000:]
    reported = {r["day"]: r for r in (json.loads(line) for line in report.stdout.splitlines() if line.startswith("{"))}
    assert [reported[d]["run"] for d in ("2026-11-16", "2026-11-17", "2026-11-18")] == ["success"] * 3
    assert all(
        reported[d]["checks_total"] == daily_checks() for d in ("2026-11-15", "2026-11-16", "2026-11-17", "2026-11-18")
    )


def test_a_2016_history_imports_and_run_materializes_only_its_days_with_messages(tmp_path):
    env = {
        **os.environ,
        "WA_DATA_DIR": str(tmp_path / "data"),
        "DAGSTER_HOME": str(tmp_path / "home"),
        "WA_SHEET_BACKEND": "workbook",
        "WA_TIMEZONE": "Africa/Nairobi",
        "PYTHONWARNINGS": "error::DeprecationWarning",
    }
    (tmp_path / "home").mkdir()
    export = tmp_path / "WhatsApp Chat with Duka la Mama.txt"
    export.write_text(
        "01/03/2016, 09:00 - Amina: Habari, mkate mbili tafadhali\n"
        "01/03/2016, 09:05 - Duka la Mama: Sawa, tutaleta saa nne\n"
        "02/03/2016, 10:00 - Amina: Asante, nimepokea\n"
        "20/03/2016, 08:30 - Amina: Naomba maziwa lita tatu\n",
        encoding="utf-8",
    )
    imported = wa("import", str(export), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "days 2016-03-01 .. 2016-03-20" in " ".join(imported.stderr.split())  # the date range it landed

    result = wa("run", "--json", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    days = [json.loads(line) for line in result.stdout.splitlines()]
    # Not the 20 calendar days from the first to the last: the three that have messages, in two runs.
    assert [d["day"] for d in days] == ["2016-03-01", "2016-03-02", "2016-03-20"]
    assert days[0]["run_id"] == days[1]["run_id"] != days[2]["run_id"]
    assert all(d["success"] and d["failed_checks"] == [] for d in days)
    assert sum(d["rows"] for d in days) == 4


def test_a_day_with_a_broken_voice_note_warns_exits_0_names_the_file_and_leaves_make_dev_nothing_to_redo(
    tmp_path, monkeypatch
):
    """A shop owner's cron job: `run` and `report` exited 1 on a day whose only fault was a warning (an empty voice
    note); `dlq list` did not say which file; the UI's daily_report was never made; and `make dev` then queued every
    day `run` had just run."""
    import dagster as dg

    from wa_pipeline.defs.resources import Locale, PipelineStorage
    from wa_pipeline.settings import get_settings

    env = {
        **os.environ,
        "WA_DATA_DIR": str(tmp_path / "data"),
        "DAGSTER_HOME": str(tmp_path / "home"),
        "WA_SHEET_BACKEND": "workbook",
        "WA_TIMEZONE": "Africa/Nairobi",
        "PYTHONWARNINGS": "error::DeprecationWarning",
    }
    (tmp_path / "home").mkdir()
    export = tmp_path / "WhatsApp Chat with Amina.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr(
            "WhatsApp Chat with Amina.txt",
            "01/03/2016, 09:00 - Amina: Habari, mkate mbili tafadhali\n"
            "01/03/2016, 09:05 - Duka la Mama: Sawa, tutaleta saa nne\n"
            "02/03/2016, 10:00 - Amina: PTT-20160302-WA0001.opus (file attached)\n"
            "02/03/2016, 10:01 - Amina: Umesikia?\n",
        )
        archive.writestr("PTT-20160302-WA0001.opus", b"")
    assert wa("import", str(export), env=env).returncode == 0

    ran = wa("run", "--json", env=env)
    assert ran.returncode == 0, ran.stderr[-3000:]
    days = {d["day"]: d for d in map(json.loads, ran.stdout.splitlines())}
    assert days["2016-03-02"]["warnings"] == [
        "media_text:media_dead_letters_not_growing",
        "media_text:media_success_rate",
    ]
    assert (
        days["2016-03-02"]["failed_checks"] == days["2016-03-02"]["warnings"] and days["2016-03-01"]["warnings"] == []
    )
    # The run made the daily report too, over the days it ran (not a fortnight of empty days up to today).
    assert "2016-03-01" in (tmp_path / "data" / "reports" / "daily_report.html").read_text(encoding="utf-8")

    reported = wa("report", "--json", env=env)
    assert reported.returncode == 0, reported.stderr[-3000:]
    assert "media_text:media_success_rate" in json.loads(reported.stdout.splitlines()[1])["warnings"]

    [letter] = map(json.loads, wa("dlq", "list", "--json", env=env).stdout.splitlines())
    assert letter["payload"]["filename"] == "PTT-20160302-WA0001.opus" and letter["payload"]["message_id"]
    assert letter["payload"]["message_id"] == letter["item_key"]

    # `make dev` after `make run`: the landing sensor's first tick (no cursor) finds both days run with every message.
    for name in ("WA_DATA_DIR", "DAGSTER_HOME", "WA_SHEET_BACKEND", "WA_TIMEZONE"):
        monkeypatch.setenv(name, env[name])
    get_settings.cache_clear()
    try:
        from wa_pipeline.definitions import defs

        sensor = defs().resolve_sensor_def("landing_sensor")
        resources = {
            "storage": PipelineStorage(data_dir=env["WA_DATA_DIR"]),
            "locale": Locale(timezone="Africa/Nairobi", default_region="KE"),
        }
        with dg.DagsterInstance.get() as instance:
            tick = sensor(dg.build_sensor_context(instance=instance, resources=resources))
            assert tick.run_requests == []
            assert instance.get_latest_materialization_event(dg.AssetKey("daily_report")) is not None
    finally:
        get_settings.cache_clear()
