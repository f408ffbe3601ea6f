"""Assemble the asset-check report from the Dagster instance (runs and check evaluations) and the stores."""

from datetime import UTC, date, datetime, timedelta

import dagster as dg

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.defs._shared.day_range import PARTITION_TAG, RANGE_END_TAG, RANGE_START_TAG
from wa_pipeline.reporting.frame_facts import fill_from_frames
from wa_pipeline.reporting.report_data import DayReport, Report
from wa_pipeline.store.dead_letters import DeadLetterQueue

# How far back a range run that covers the report's days may start (a backfill run spans at most this many days).
LONGEST_RANGE_DAYS = 366
# The recent days a report shows by default, every day among them whether it ran or not; older days join only when
# they failed, so a failure never drops out of the report because it is old.
RECENT_DAYS = 14


def runs_covering(instance: dg.DagsterInstance, days: list[str]) -> list[tuple[dg.DagsterRun, list[str]]]:
    """Runs that materialized any of `days`, newest first, each with the days it covered: one-day runs (sensor,
    schedule) and range runs (backfills, `wa-pipeline run`)."""
    wanted = set(days)
    records = list(instance.get_run_records(filters=dg.RunsFilter(tags={PARTITION_TAG: days})))
    # A range run may start on any day from a year before the first day asked about to the last one, a day not
    # asked about included (a run of 10-06..10-11 covers an asked 10-09).
    first, last = date.fromisoformat(min(days)), date.fromisoformat(max(days))
    span = (last - first).days + LONGEST_RANGE_DAYS
    starts = sorted((last - timedelta(days=offset)).isoformat() for offset in range(span))
    records += instance.get_run_records(filters=dg.RunsFilter(tags={RANGE_START_TAG: starts}))
    found = []
    for record in sorted(records, key=lambda r: r.create_timestamp, reverse=True):
        run = record.dagster_run
        if PARTITION_TAG in run.tags:
            covered = [run.tags[PARTITION_TAG]]
        else:
            start, end = run.tags[RANGE_START_TAG], run.tags.get(RANGE_END_TAG, run.tags[RANGE_START_TAG])
            covered = sorted(day for day in wanted if start <= day <= end)
        if covered:
            found.append((run, covered))
    return found


def latest_checks_per_day(instance: dg.DagsterInstance, days: list[str]) -> dict[str, tuple[str, dict[str, bool]]]:
    """For each day, the status of its newest run that evaluated checks, and those checks' outcomes."""
    found: dict[str, tuple[str, dict[str, bool]]] = {}
    for run, covered in runs_covering(instance, days):
        open_days = [day for day in covered if day not in found]
        if not open_days:
            continue
        checks: dict[str, dict[str, bool]] = {day: {} for day in open_days}
        for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
            evaluation = entry.dagster_event.event_specific_data
            # A range run's evaluations name their day; a one-day run's may not (an unpartitioned check).
            day = evaluation.partition or (covered[0] if len(covered) == 1 else None)
            if day in checks:
                checks[day][evaluation.asset_check_key.to_user_string()] = bool(evaluation.passed)
        for day in open_days:
            if checks[day] or run.status.value in {"FAILURE", "CANCELED"}:
                found[day] = (run.status.value.lower(), checks[day])
    return found


def failing_days(instance: dg.DagsterInstance, days: list[str]) -> list[str]:
    """The days among `days` whose newest run failed or has a failed check."""
    found = latest_checks_per_day(instance, days) if days else {}
    return sorted(
        day for day, (status, checks) in found.items() if status in {"failure", "canceled"} or not all(checks.values())
    )


def default_report_days(instance: dg.DagsterInstance, last: str, candidates: list[str]) -> list[str]:
    """The RECENT_DAYS days up to `last` (none before the first of `candidates`, the days with messages), and every
    earlier day among `candidates` that failed: what a report shows when no range is asked for."""
    end = date.fromisoformat(last)
    recent = [(end - timedelta(days=offset)).isoformat() for offset in range(RECENT_DAYS - 1, -1, -1)]
    if candidates:
        # A day before the first message had nothing to run: listed, it read as 'not run' to a new user.
        recent = [day for day in recent if day >= min(candidates)] or [last]
    older = [day for day in candidates if day < recent[0]]
    return sorted(set(recent) | set(failing_days(instance, older)))


def build_report(instance: dg.DagsterInstance, days: list[str], layout: DataLayout, sheet: str) -> Report:
    results = latest_checks_per_day(instance, days)
    dead_letters = DeadLetterQueue(layout.landing_db).list()
    by_stage: dict[str, int] = {}
    for letter in dead_letters:
        by_stage[letter.stage] = by_stage.get(letter.stage, 0) + 1
    reports = []
    for day in days:
        status, checks = results.get(day, ("not run", {}))
        report = DayReport(
            day=day,
            run_status=status,
            checks=checks,
            failed_checks=sorted(name for name, passed in checks.items() if not passed),
            dead_letters=sum(1 for letter in dead_letters if letter.partition == day),
        )
        fill_from_frames(report, layout)
        reports.append(report)
    return Report(
        days=reports,
        dead_letters_by_stage=dict(sorted(by_stage.items())),
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        sheet=sheet,
        retention=retention_line(instance),
    )


def retention_line(instance: dg.DagsterInstance) -> str:
    """What the last `retention` materialization removed, from its metadata (counts and the cut-off only)."""
    event = instance.get_latest_materialization_event(dg.AssetKey("retention"))
    if event is None or event.asset_materialization is None:
        return "Retention: not run yet"
    metadata = event.asset_materialization.metadata
    if "cut" not in metadata:
        return "Retention: off (WA_RETENTION_DAYS unset); nothing is removed by age"
    when = datetime.fromtimestamp(event.timestamp, UTC).date().isoformat()
    return (
        f"Retention: {metadata['retention_days'].value} days; on {when}, {metadata['removed'].value} items sent "
        f"before {str(metadata['cut'].value)[:10]} removed from every store"
    )
