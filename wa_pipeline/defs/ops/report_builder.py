"""Assemble the asset-check report from the Dagster instance (runs and check evaluations) and the stores."""

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from wa_pipeline.reporting.frame_facts import fill_from_frames
from wa_pipeline.reporting.report_data import DayReport, Report
from wa_pipeline.store.dead_letters import DeadLetterQueue

PARTITION_TAG = "dagster/partition"


def latest_checks_per_day(instance: dg.DagsterInstance, days: list[str]) -> dict[str, tuple[str, dict[str, bool]]]:
    """For each day, the status of its newest run that evaluated checks, and those checks' outcomes."""
    found: dict[str, tuple[str, dict[str, bool]]] = {}
    for run in instance.get_runs(filters=dg.RunsFilter(tags={PARTITION_TAG: days})):  # newest first
        day = run.tags.get(PARTITION_TAG)
        if day in found:
            continue
        checks: dict[str, bool] = {}
        for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
            evaluation = entry.dagster_event.event_specific_data
            checks[evaluation.asset_check_key.to_user_string()] = bool(evaluation.passed)
        if checks or run.status.value in {"FAILURE", "CANCELED"}:
            found[day] = (run.status.value.lower(), checks)
    return found


def build_report(instance: dg.DagsterInstance, days: list[str], data_dir: Path, sheet: str) -> Report:
    results = latest_checks_per_day(instance, days)
    dead_letters = DeadLetterQueue(data_dir / "landing.sqlite3").list()
    by_stage: dict[str, int] = {}
    for letter in dead_letters:
        by_stage[letter.stage] = by_stage.get(letter.stage, 0) + 1
    reports = []
    for day in days:
        status, checks = results.get(day, ("not run", {}))
        report = DayReport(
            day=day, run_status=status, checks=checks,
            failed_checks=sorted(name for name, passed in checks.items() if not passed),
            dead_letters=sum(1 for letter in dead_letters if letter.partition == day),
        )
        fill_from_frames(report, data_dir / "frames")
        reports.append(report)
    return Report(
        days=reports, dead_letters_by_stage=dict(sorted(by_stage.items())),
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), sheet=sheet,
    )
