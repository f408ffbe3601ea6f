import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

REPO = Path(__file__).resolve().parents[1]
WA = Path(sys.executable).parent / "wa-pipeline"


def wa(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(WA), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


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
    days = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(days) >= 3
    assert all(d["success"] and d["failed_checks"] == [] and d["checks_total"] == 18 for d in days)
    assert sum(d["rows"] for d in days) == summary["added"]

    workbook = tmp_path / "data" / "output" / "wa_pipeline.xlsx"
    rows_before = list(openpyxl.load_workbook(workbook)["Messages"].iter_rows(values_only=True))
    assert len(rows_before) == summary["added"] + 1
    second = wa("run", env=env)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Output sheet:" in second.stdout and str(workbook) in second.stdout.replace("\n", "")
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
