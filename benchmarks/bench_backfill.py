"""A 90-day backfill under the daily assets' BackfillPolicy against one run per day, in one benchmark run.

    python -m benchmarks.bench_backfill [--quick] [--baseline-days N]

Both sides go through Dagster's own machinery, as a backfill launched from the UI does: the
`launchPartitionBackfill` mutation, the backfill daemon's iterations, and real runs with the default
(multiprocess) executor, so every step of every run starts its own process and loads its own models. Each side
runs in a fresh subprocess with its own data directory and Dagster instance; only WA_BACKFILL_DAYS_PER_RUN
differs (30, the default, against 1, which is what every asset had before the policy).

Runs execute one after another in the measuring process (Dagster's in-memory run launcher), so the start of a
run's own process (a few seconds per run in production) is not counted: that understates the policy's gain.
The one-run-per-day side is measured on the first --baseline-days days and scaled to all of them (the synthetic
days are alike in size); pass --baseline-days 90 to measure it in full (some two minutes per one-day run on 2 CPUs).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks.bench_end_to_end import synthetic_messages

REPO = Path(__file__).resolve().parents[1]
TZ = "Africa/Nairobi"
FIRST_DAY = date(2026, 6, 1)
MEDIA_SHARE = 0.02
TERMINAL = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}
INSTANCE_YAML = """
storage:
  sqlite:
    base_dir: {home}
run_coordinator:
  module: dagster._core.run_coordinator
  class: DefaultRunCoordinator
run_launcher:
  module: dagster._core.launcher.sync_in_memory_run_launcher
  class: SyncInMemoryRunLauncher
concurrency:
  pools:
    default_limit: 1
    granularity: op
telemetry:
  enabled: false
"""


def synthetic_days(days: list[str], per_day: int, media_store, seed: int = 11):
    """`per_day` messages on each day across 40 chats, 2% of them receipt photos."""
    rng = random.Random(seed)
    return [
        message
        for day in days
        for message in synthetic_messages(
            per_day, MEDIA_SHARE, media_store, day=day, chats=40, rng=rng, first_hour=7, span_s=40_000, prefix="bf_"
        )
    ]


def child(days: list[str]) -> None:
    """Inside the measured subprocess: launch the backfill as the UI does and tick the daemon until it is done."""
    import dagster as dg
    from dagster._core.test_utils import create_test_daemon_workspace_context
    from dagster._core.workspace.load_target import WorkspaceFileTarget
    from dagster._daemon.backfill import execute_backfill_iteration
    from dagster_graphql.client.query import LAUNCH_PARTITION_BACKFILL_MUTATION
    from dagster_graphql.test.utils import execute_dagster_graphql

    from wa_pipeline.definitions import defs

    assets = sorted(
        key.to_user_string() for key in defs().resolve_job_def("daily_pipeline").asset_layer.executable_asset_keys
    )
    logger = logging.getLogger("bench_backfill")
    with dg.DagsterInstance.get() as instance:
        with create_test_daemon_workspace_context(
            WorkspaceFileTarget(paths=[str(REPO / "workspace.yaml")]), instance
        ) as context:
            started = time.perf_counter()
            result = execute_dagster_graphql(
                context.create_request_context(),
                LAUNCH_PARTITION_BACKFILL_MUTATION,
                variables={
                    "backfillParams": {"assetSelection": [{"path": [a]} for a in assets], "partitionNames": days}
                },
            )
            launched = result.data["launchPartitionBackfill"]
            if launched["__typename"] != "LaunchBackfillSuccess":
                raise SystemExit(f"backfill not launched: {launched}")
            backfill_id = launched["backfillId"]
            while instance.get_backfill(backfill_id).status.value not in TERMINAL:
                for error in execute_backfill_iteration(context, logger):
                    if error is not None:
                        raise SystemExit(error.to_string())
            seconds = time.perf_counter() - started
        runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
        outcome = {
            "seconds": seconds,
            "runs": len(runs),
            "status": instance.get_backfill(backfill_id).status.value,
            "failed_runs": sum(1 for run in runs if run.status != dg.DagsterRunStatus.SUCCESS),
        }
    print(json.dumps(outcome))


def measure(days: list[str], per_day: int, days_per_run: int) -> dict:
    from wa_pipeline.data_layout import DataLayout
    from wa_pipeline.store.media_store import MediaStore
    from wa_pipeline.store.sqlite_landing import SqliteLandingStore

    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp:
        data, home = Path(tmp) / "data", Path(tmp) / "home"
        home.mkdir()
        (home / "dagster.yaml").write_text(INSTANCE_YAML.format(home=home))
        layout = DataLayout(data)
        SqliteLandingStore(layout.landing_db).add_messages(synthetic_days(days, per_day, MediaStore(layout.media_dir)))
        env = {
            **os.environ,
            "WA_DATA_DIR": str(data),
            "DAGSTER_HOME": str(home),
            "WA_TIMEZONE": TZ,
            "WA_DEFAULT_REGION": "KE",
            "WA_SHEET_BACKEND": "workbook",
            "WA_EXECUTOR": "default",
            "WA_BACKFILL_DAYS_PER_RUN": str(days_per_run),
        }
        env.pop("WA_WORKBOOK_PATH", None)
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_backfill", "--child", json.dumps(days)],
            env=env,
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        if done.returncode != 0:
            raise SystemExit(f"the {days_per_run}-day-per-run backfill failed: {done.stderr[-3000:]}")
        outcome = json.loads([line for line in done.stdout.splitlines() if line.startswith('{"seconds"')][-1])
        if outcome["failed_runs"] or outcome["status"] != "COMPLETED_SUCCESS":
            raise SystemExit(f"the {days_per_run}-day-per-run backfill did not succeed: {outcome}")
        return {**outcome, "days": len(days), "days_per_run": days_per_run}


def run(
    quick: bool = False, total_days: int | None = None, baseline_days: int | None = None, per_day: int | None = None
) -> list[dict]:
    total_days = total_days or (30 if quick else 90)
    baseline_days = min(baseline_days or (2 if quick else 3), total_days)
    per_day = per_day or (50 if quick else 100)
    days = [(FIRST_DAY + timedelta(days=i)).isoformat() for i in range(total_days)]
    policy = measure(days, per_day, days_per_run=30)
    per_run = measure(days[:baseline_days], per_day, days_per_run=1)
    scaled = per_run["seconds"] * total_days / baseline_days
    print(
        json.dumps({"policy": policy, "one_run_per_day": per_run, "one_run_per_day_scaled_s": scaled}, indent=1),
        file=sys.stderr,
    )
    return [
        {
            "benchmark": "backfill",
            "measure": f"{total_days}-day backfill s, {per_day} msgs/day",
            "ours": policy["seconds"],
            "baseline": scaled,
            "baseline_name": f"1 run/day ({baseline_days} days measured, x{total_days / baseline_days:g})",
            "goal": "ratio < 1",
        },
        {
            "benchmark": "backfill",
            "measure": f"runs, {total_days}-day backfill",
            "ours": policy["runs"],
            "baseline": total_days,
            "baseline_name": "1 run per day",
            "goal": f"= ceil({total_days}/30)",
        },
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--days", type=int, help="days to backfill (default 90; 30 with --quick)")
    parser.add_argument("--baseline-days", type=int, help="days the one-run-per-day side measures (default 3)")
    parser.add_argument("--per-day", type=int, help="messages per day (default 100)")
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.child))
    else:
        for row in run(args.quick, args.days, args.baseline_days, args.per_day):
            print(row)
