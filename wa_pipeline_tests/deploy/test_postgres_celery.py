"""Dagster's production setup end to end: PostgreSQL instance and landing store, steps on a Celery worker over Redis.

Everything runs on this machine on loopback: a throwaway PostgreSQL cluster and Redis server (conftest), a Celery
worker started the way deploy/README.md starts it, and one day of the daily job executed through the celery
executor that WA_EXECUTOR=celery selects.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import openpyxl
import psycopg2
import pytest

from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.postgres_landing import PostgresLandingStore
from wa_pipeline.whatsapp.importer import import_exports
from wa_pipeline_tests.servers import start, stop, tail, wait_until

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DATA = REPO / "sample_data"
VENV_BIN = Path(sys.executable).parent
DAY = "2026-11-16"
JOB = "daily_pipeline"


@pytest.fixture
def deployment(tmp_path, postgres, redis_url, monkeypatch):
    """A DAGSTER_HOME holding deploy/dagster.yaml, and the environment every process of the deployment shares."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(REPO / "deploy" / "dagster.yaml", home / "dagster.yaml")
    environment = {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_USERNAME": postgres.user,
        "DAGSTER_PG_PASSWORD": postgres.password,
        "DAGSTER_PG_HOST": postgres.host,
        "DAGSTER_PG_PORT": str(postgres.port),
        "DAGSTER_PG_DB": "dagster",
        "WA_DATA_DIR": str(tmp_path / "data"),
        "WA_LANDING_URL": postgres.create_database("landing"),
        "WA_EXECUTOR": "celery",
        "WA_CELERY_BROKER": redis_url,
        "WA_SHEET_BACKEND": "workbook",
        "WA_TIMEZONE": "UTC",
    }
    postgres.create_database("dagster")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    # Nothing else of this shell's WA_* or DAGSTER_* settings leaks into the deployment's processes.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("WA_", "DAGSTER_"))}
    return {**inherited, **environment, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


@dataclass(frozen=True)
class Worker:
    name: str
    log: Path
    process: subprocess.Popen


@pytest.fixture
def celery_worker(deployment, tmp_path):
    """`dagster-celery worker start` with deploy/celery.yaml, as deploy/README.md starts it, once it is ready."""
    name = f"wa-test-{secrets.token_hex(3)}"
    log = tmp_path / "celery-worker.log"
    process = start(
        [
            str(VENV_BIN / "dagster-celery"),
            "worker",
            "start",
            "-A",
            "dagster_celery.app",
            "-y",
            "deploy/celery.yaml",
            "-n",
            name,
            "--loglevel",
            "INFO",
        ],
        log=log,
        env=deployment,
        cwd=REPO,
    )
    try:
        wait_until(lambda: " ready." in log.read_text(errors="replace"), what="celery worker", process=process, log=log)
        yield Worker(name, log, process)
    finally:
        # SIGTERM is Celery's warm shutdown: running tasks finish first.
        stop(process)


def import_sample_data(landing_url: str, data_dir: Path) -> set[str]:
    """Imports sample_data/ into the PostgreSQL landing store; returns the ids of the test day's messages."""
    store = PostgresLandingStore(landing_url)
    summary = import_exports(
        sorted(SAMPLE_DATA.glob("*.zip")) + sorted(SAMPLE_DATA.glob("*.txt")),
        store=store,
        media_store=MediaStore(data_dir / "media"),
        dead_letters=DeadLetterQueue(data_dir / "landing.sqlite3"),
        tz=UTC,
    )
    assert summary.errors == [] and summary.added > 0
    start_of_day = datetime.fromisoformat(DAY).replace(tzinfo=UTC)
    return {m.message_id for m in store.messages_between(start_of_day, start_of_day + timedelta(days=1))}


def sheet_message_ids(path: Path) -> list[str]:
    rows = list(openpyxl.load_workbook(path)[MESSAGES.name].iter_rows(values_only=True))
    key = list(rows[0]).index(MESSAGES.sheet_key)
    return [row[key] for row in rows[1:]]


def test_a_day_runs_on_a_celery_worker_with_postgres_storage(deployment, celery_worker, postgres):
    worker = celery_worker
    day_ids = import_sample_data(deployment["WA_LANDING_URL"], Path(deployment["WA_DATA_DIR"]))
    assert day_ids, "the sample data must have messages on the test day"

    execute = subprocess.run(
        [
            str(VENV_BIN / "dagster"),
            "job",
            "execute",
            "-m",
            "wa_pipeline.definitions",
            "-a",
            "defs",
            "-j",
            JOB,
            "--tags",
            json.dumps({"dagster/partition": DAY}),
        ],
        cwd=REPO,
        env=deployment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = execute.stdout + execute.stderr
    assert execute.returncode == 0, f"{output[-6000:]}\n--- worker log ---\n{tail(worker.log)}"

    with dg.DagsterInstance.from_config(deployment["DAGSTER_HOME"]) as instance:
        [run] = instance.get_runs()
        assert run.job_name == JOB and run.tags["dagster/partition"] == DAY
        assert run.status == dg.DagsterRunStatus.SUCCESS
        events = [record.dagster_event for record in instance.all_logs(run.run_id) if record.dagster_event]

    # Every step ran in the worker: each celery task names its worker, the step's process is one of the worker's
    # (its process group), and the worker logged every task.
    succeeded = {e.step_key for e in events if e.event_type == dg.DagsterEventType.STEP_SUCCESS}
    assert {"raw_messages", "enriched_messages", "sheet_rows", "messages_sheet"} <= succeeded
    in_worker = {
        e.step_key
        for e in events
        if e.event_type == dg.DagsterEventType.ENGINE_EVENT
        and e.message.endswith("in celery worker")
        and e.engine_event_data.metadata["Celery worker"].value.startswith(f"{worker.name}@")
    }
    assert in_worker == succeeded
    step_pids = {e.pid for e in events if e.event_type == dg.DagsterEventType.STEP_START}
    assert {os.getpgid(pid) for pid in step_pids} == {worker.process.pid}
    assert worker.log.read_text().count("Task execute_plan[") >= 2 * len(succeeded)  # received + succeeded

    # Every planned asset check ran and passed.
    planned = {
        e.event_specific_data.asset_check_key
        for e in events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED
    }
    evaluations = [e.event_specific_data for e in events if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION]
    assert {"schema_valid", "ids_unique", "sheet_reconciled"} <= {key.name for key in planned}
    assert {ev.asset_check_key for ev in evaluations} == planned
    assert [ev.asset_check_key for ev in evaluations if not ev.passed] == []

    # The run and its events live in PostgreSQL, as stored by the orchestrator and by the worker.
    with closing(psycopg2.connect(postgres.url("dagster"))) as conn, conn.cursor() as cur:
        cur.execute("SELECT status FROM runs WHERE run_id = %s", (run.run_id,))
        assert cur.fetchall() == [("SUCCESS",)]
        cur.execute(
            "SELECT DISTINCT step_key FROM event_logs WHERE run_id = %s AND dagster_event_type = %s",
            (run.run_id, "STEP_SUCCESS"),
        )
        assert {row[0] for row in cur.fetchall()} == succeeded

    # The workbook holds the day's messages, one row each.
    rows = sheet_message_ids(Path(deployment["WA_DATA_DIR"]) / "output" / "wa_pipeline.xlsx")
    assert sorted(rows) == sorted(day_ids)
