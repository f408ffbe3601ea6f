"""Backfills through Dagster's own machinery: the UI's launchPartitionBackfill mutation, the daemon's backfill
iterations and real runs over partition ranges, compared day by day with one run per day; and the daily schedule."""

import logging
import math
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import openpyxl
import pandas as pd
import pytest
from dagster._core.execution.backfill import BulkActionStatus
from dagster._core.test_utils import create_test_daemon_workspace_context
from dagster._core.workspace.load_target import WorkspaceFileTarget
from dagster._daemon.backfill import execute_backfill_iteration
from dagster_graphql.client.query import LAUNCH_PARTITION_BACKFILL_MUTATION
from dagster_graphql.test.utils import execute_dagster_graphql

from wa_pipeline.message import Message, stable_id
from wa_pipeline.settings import get_settings
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline_tests.defs.conftest import REPO
from wa_pipeline_tests.defs.test_daily_pipeline import CHECKS, load_definitions

FIRST_DAY = date(2026, 9, 1)
# Twenty days at six a run: four runs, the last a partial one, as 90 days are 3 runs at the production setting.
# (Kept small: each one-day run of the comparison costs seconds of Dagster bookkeeping.)
DAYS = [(FIRST_DAY + timedelta(days=offset)).isoformat() for offset in range(20)]
DAYS_PER_RUN = 6
FRAME_ASSETS = (
    "raw_messages",
    "media_text",
    "media_catalog",
    "enriched_messages",
    "conversation_threads",
    "sheet_rows",
)
TABS = ("Messages", "Threads", "Entities", "Media")
TEXTS = [
    "Hi, please send {n} loaves tomorrow at 9am",
    "Paid KES {amount} via M-Pesa, ref QK{ref}",
    "Thank you, the delivery was great",
    "My order never arrived. Terrible!",
]
# Runs start as soon as the backfill submits them, and execute in the test's process before the next daemon tick.
INSTANCE = {
    "run_coordinator": {"module": "dagster._core.run_coordinator", "class": "DefaultRunCoordinator"},
    "run_launcher": {
        "module": "dagster._core.launcher.sync_in_memory_run_launcher",
        "class": "SyncInMemoryRunLauncher",
    },
}


def land_synthetic_days(data_dir: Path) -> None:
    """Two chats a day, a customer and the shop taking turns: a few messages per day, every day different."""
    messages = []
    for number, day in enumerate(DAYS):
        start = datetime.fromisoformat(day).replace(hour=8, tzinfo=UTC)
        for chat in ("Mama Mboga Bakery", "Juma Hardware"):
            chat_id = stable_id(chat, prefix="chat_")
            for turn in range(3):
                sender = "Amina Njeri" if turn % 2 == 0 else chat
                text = TEXTS[(number + turn) % len(TEXTS)].format(
                    n=number + 2, amount=100 * (number + 1), ref=10**7 + number
                )
                messages.append(
                    Message(
                        message_id=stable_id(chat_id, day, turn, prefix="bf_"),
                        chat_id=chat_id,
                        chat_name=chat,
                        sender_id=stable_id(chat_id, sender, prefix="snd_"),
                        sender_name=sender,
                        sent_at=start + timedelta(minutes=40 * turn + (7 if chat.startswith("Juma") else 0)),
                        kind="text",
                        text=text,
                        source="chat_export",
                    )
                )
    SqliteLandingStore(data_dir / "landing.sqlite3").add_messages(messages)


def launch_backfill_as_the_ui_does(
    workspace_context, assets: list[str], days: list[str], job: str | None = None
) -> str:
    """The mutation the UI sends for a partition selection: from the asset graph, or from a job's page."""
    params = {"assetSelection": [{"path": [key]} for key in assets], "partitionNames": days}
    if job:
        params["selector"] = {
            "partitionSetName": f"{job}_partition_set",
            "repositorySelector": {"repositoryLocationName": "wa_pipeline", "repositoryName": "__repository__"},
        }
    result = execute_dagster_graphql(
        workspace_context.create_request_context(),
        LAUNCH_PARTITION_BACKFILL_MUTATION,
        variables={"backfillParams": params},
    )
    launched = result.data["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    return launched["backfillId"]


def run_daemon_until_done(workspace_context, backfill_id: str, max_iterations: int = 20):
    """The backfill daemon's iterations, as `dagster-daemon run` would tick them; runs execute as they launch."""
    instance = workspace_context.instance
    logger = logging.getLogger("backfill_test")
    for _ in range(max_iterations):
        errors = [error for error in execute_backfill_iteration(workspace_context, logger) if error is not None]
        assert errors == [], errors[0].to_string()
        backfill = instance.get_backfill(backfill_id)
        if backfill.status not in (BulkActionStatus.REQUESTED, BulkActionStatus.CANCELING, BulkActionStatus.FAILING):
            return backfill
    raise AssertionError(f"backfill {backfill_id} still {instance.get_backfill(backfill_id).status}")


def frames(data_dir: Path, asset: str, day: str) -> pd.DataFrame:
    return pd.read_parquet(data_dir / "frames" / asset / f"{day}.parquet")


def tabs(workbook: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(workbook)
    return {name: list(book[name].iter_rows(values_only=True)) for name in TABS if name in book.sheetnames}


def use_data_dir(monkeypatch, directory: Path) -> None:
    monkeypatch.setenv("WA_DATA_DIR", str(directory))
    get_settings.cache_clear()


@pytest.fixture
def backfill_env(tmp_path, monkeypatch):
    """Settings for the code location the daemon loads: a data dir, a small policy, every step in the run's process."""
    monkeypatch.setenv("WA_SHEET_BACKEND", "workbook")
    monkeypatch.delenv("WA_WORKBOOK_PATH", raising=False)
    monkeypatch.setenv("WA_BACKFILL_DAYS_PER_RUN", str(DAYS_PER_RUN))
    monkeypatch.setenv("WA_EXECUTOR", "in_process")
    use_data_dir(monkeypatch, tmp_path / "backfill")
    yield tmp_path
    get_settings.cache_clear()


def test_every_daily_asset_has_the_backfill_policy_and_the_job_resolves_it(data_dir):
    definitions = load_definitions()
    job = definitions.resolve_job_def("daily_pipeline")
    per_run = 30  # the default of WA_BACKFILL_DAYS_PER_RUN: a 90-day backfill is 3 runs
    assert job.backfill_policy == dg.BackfillPolicy.multi_run(max_partitions_per_run=per_run)
    graph = definitions.resolve_asset_graph()
    daily = [graph.get(key) for key in graph.get_all_asset_keys() if graph.get(key).partitions_def is not None]
    # raw, media text and catalog, enriched, threads, sheet rows, the consent ledger, customer and delivery records,
    # and the eight tabs
    assert len(daily) == 17
    assert {node.key.to_user_string(): node.backfill_policy for node in daily} == {
        node.key.to_user_string(): dg.BackfillPolicy.multi_run(max_partitions_per_run=per_run) for node in daily
    }


# Dagster's own asset-backfill code calls its deprecated AssetSelection.sources(); nothing of ours is exempted.
@pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster._core.execution.asset_backfill")
def test_a_ui_backfill_of_20_days_is_a_few_range_runs_with_the_rows_and_checks_of_one_run_per_day(
    backfill_env, monkeypatch
):
    backfilled, per_day = backfill_env / "backfill", backfill_env / "per_day"
    land_synthetic_days(backfilled)
    assets = sorted(
        key.to_user_string()
        for key in load_definitions().resolve_job_def("daily_pipeline").asset_layer.executable_asset_keys
    )

    with dg.instance_for_test(overrides=INSTANCE) as instance:
        with create_test_daemon_workspace_context(
            WorkspaceFileTarget(paths=[str(REPO / "workspace.yaml")]), instance
        ) as context:
            backfill_id = launch_backfill_as_the_ui_does(context, assets, DAYS)
            backfill = run_daemon_until_done(context, backfill_id)
        assert backfill.status == BulkActionStatus.COMPLETED_SUCCESS

        runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
        assert len(runs) == math.ceil(len(DAYS) / DAYS_PER_RUN) == 4
        assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
        ranges = sorted(
            (run.tags["dagster/asset_partition_range_start"], run.tags["dagster/asset_partition_range_end"])
            for run in runs
        )
        assert ranges == [
            (DAYS[i], DAYS[min(i + DAYS_PER_RUN, len(DAYS)) - 1]) for i in range(0, len(DAYS), DAYS_PER_RUN)
        ]

        for asset in assets:
            assert instance.get_materialized_partitions(dg.AssetKey(asset)) == set(DAYS), asset
        evaluations = [
            entry.dagster_event.event_specific_data
            for run in runs
            for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        ]
        # Each check reports each day on its own, and every one passes.
        assert sorted((e.asset_check_key.to_user_string(), e.partition) for e in evaluations) == sorted(
            (check, day) for check in CHECKS for day in DAYS
        )
        assert all(e.passed for e in evaluations)
        raw = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("raw_messages"), asset_partitions=[DAYS[3]]), limit=1
        )
        assert raw.records[0].asset_materialization.metadata["dagster/row_count"].value == 6

    # The same days as the sensor and the schedule run them: one run per day, in a fresh data directory.
    shutil.copytree(backfilled, per_day, ignore=shutil.ignore_patterns("frames", "output", "sheets_state*"))
    use_data_dir(monkeypatch, per_day)
    job = load_definitions().resolve_job_def("daily_pipeline")
    with dg.DagsterInstance.ephemeral() as instance:
        for day in DAYS:
            assert job.execute_in_process(partition_key=day, instance=instance).success

    for asset in FRAME_ASSETS:
        for day in DAYS:
            pd.testing.assert_frame_equal(
                frames(backfilled, asset, day), frames(per_day, asset, day), obj=f"{asset} {day}"
            )
    workbook = Path("output") / "wa_pipeline.xlsx"
    assert tabs(backfilled / workbook) == tabs(per_day / workbook)
    assert len(tabs(backfilled / workbook)["Messages"]) == 1 + 6 * len(DAYS)


def test_a_backfill_from_the_job_page_runs_in_the_same_ranges(backfill_env):
    land_synthetic_days(backfill_env / "backfill")
    days = DAYS[:8]
    assets = sorted(
        key.to_user_string()
        for key in load_definitions().resolve_job_def("daily_pipeline").asset_layer.executable_asset_keys
    )
    with dg.instance_for_test(overrides=INSTANCE) as instance:
        with create_test_daemon_workspace_context(
            WorkspaceFileTarget(paths=[str(REPO / "workspace.yaml")]), instance
        ) as context:
            backfill_id = launch_backfill_as_the_ui_does(context, assets, days, job="daily_pipeline")
            backfill = run_daemon_until_done(context, backfill_id)
        assert backfill.status == BulkActionStatus.COMPLETED_SUCCESS
        runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
        assert sorted(
            (run.tags["dagster/asset_partition_range_start"], run.tags["dagster/asset_partition_range_end"])
            for run in runs
        ) == [(days[0], days[5]), (days[6], days[7])]
        assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
        assert instance.get_materialized_partitions(dg.AssetKey("messages_sheet")) == set(days)


def test_the_daily_schedule_requests_yesterday(data_dir):
    definitions = load_definitions()
    schedule = definitions.resolve_schedule_def("daily_schedule")
    tz = get_settings().timezone
    assert schedule.cron_schedule == "15 1 * * *" and schedule.execution_timezone == tz
    with dg.instance_for_test() as instance:
        for tick, expected in (("2026-11-20T01:15:00", "2026-11-19"), ("2026-03-01T01:15:00", "2026-02-28")):
            # As a context manager: the schedule context enters the instance, and must leave it again.
            with dg.build_schedule_context(
                instance=instance,
                repository_def=definitions.get_repository_def(),
                scheduled_execution_time=datetime.fromisoformat(tick).replace(tzinfo=UTC),
            ) as context:
                requests = schedule.evaluate_tick(context).run_requests
            assert [request.partition_key for request in requests] == [expected]
            assert requests[0].tags["dagster/partition"] == expected
