"""Assemble the asset-check report from the Dagster instance (runs and check evaluations) and the stores."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.defs._shared.day_range import PARTITION_TAG, RANGE_END_TAG, RANGE_START_TAG
from wa_pipeline.media.whatsapp_file_names import made_by_whatsapp
from wa_pipeline.privacy.pii_policy import PiiPolicy, short_wamids
from wa_pipeline.reporting.frame_facts import fill_from_frames
from wa_pipeline.reporting.report_data import DayReport, LetterNote, Report
from wa_pipeline.settings import PiiSettings
from wa_pipeline.store.dead_letters import DeadLetter, DeadLetterQueue

# How far back a range run that covers the report's days may start (a backfill run spans at most this many days).
LONGEST_RANGE_DAYS = 366
# The recent days a report shows by default, every day among them whether it ran or not; older days join only when
# they failed, so a failure never drops out of the report because it is old.
RECENT_DAYS = 14
# A quoted piece of input in a reason: 'text' or "text", as repr() writes it.
QUOTED = re.compile(r"(?<!\w)(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")(?!\w)")


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


def latest_evaluations_per_day(
    instance: dg.DagsterInstance, days: list[str]
) -> dict[str, tuple[str, dict[str, dg.AssetCheckEvaluation]]]:
    """For each day, the status of its newest run that evaluated checks, and those checks' evaluations by name."""
    found: dict[str, tuple[str, dict[str, dg.AssetCheckEvaluation]]] = {}
    for run, covered in runs_covering(instance, days):
        open_days = [day for day in covered if day not in found]
        if not open_days:
            continue
        checks: dict[str, dict[str, dg.AssetCheckEvaluation]] = {day: {} for day in open_days}
        for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
            evaluation = entry.dagster_event.event_specific_data
            # A range run's evaluations name their day; a one-day run's may not (an unpartitioned check).
            day = evaluation.partition or (covered[0] if len(covered) == 1 else None)
            if day in checks:
                checks[day][evaluation.asset_check_key.to_user_string()] = evaluation
        for day in open_days:
            if checks[day] or run.status.value in {"FAILURE", "CANCELED"}:
                found[day] = (run.status.value.lower(), checks[day])
    return found


def why_runs_failed(instance: dg.DagsterInstance, days: list[str]) -> dict[str, str]:
    """For each day, why its newest failed run failed, in one line: its first failed step and that step's error,
    else what the run's own failure event says (shown only where that run is the day's newest)."""
    found: dict[str, str] = {}
    for run, covered in runs_covering(instance, days):
        open_days = [day for day in covered if day not in found]
        if not open_days or run.status.value not in {"FAILURE", "CANCELED"}:
            continue
        kinds = {dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.RUN_FAILURE, dg.DagsterEventType.RUN_CANCELED}
        why = ""
        for entry in instance.all_logs(run.run_id, of_type=kinds):
            event = entry.dagster_event
            error = getattr(event.event_specific_data, "error", None)
            if event.event_type == dg.DagsterEventType.STEP_FAILURE and error is not None:
                # Dagster wraps the step's own exception; the innermost cause is the one that says what went wrong.
                while error.cause is not None:
                    error = error.cause
                first_line = (error.message.strip().splitlines() or [error.cls_name])[0]
                why = f"step {event.step_key} failed: {first_line}"
                break
            why = why or (event.message or "")
        for day in open_days:
            found[day] = why
    return found


def latest_checks_per_day(instance: dg.DagsterInstance, days: list[str]) -> dict[str, tuple[str, dict[str, bool]]]:
    """For each day, the status of its newest run that evaluated checks, and those checks' outcomes."""
    return {
        day: (status, {name: bool(evaluation.passed) for name, evaluation in evaluations.items()})
        for day, (status, evaluations) in latest_evaluations_per_day(instance, days).items()
    }


def failing_days(instance: dg.DagsterInstance, days: list[str]) -> list[str]:
    """The days among `days` whose newest run failed or has a failed check."""
    found = latest_checks_per_day(instance, days) if days else {}
    return sorted(
        day for day, (status, checks) in found.items() if status in {"failure", "canceled"} or not all(checks.values())
    )


def default_report_end(landed: list[str]) -> str:
    """The last day a report shows when none is asked for: the last day with messages (an imported history's, not
    a fortnight of empty days after it), else today."""
    return landed[-1] if landed else date.today().isoformat()


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


def build_report(
    instance: dg.DagsterInstance,
    days: list[str],
    layout: DataLayout,
    sheet: str,
    timezone: str = "UTC",
    pii: PiiPolicy | None = None,
    landed: list[str] | None = None,
) -> Report:
    """The report of `days`: each day's run, checks (with why a failed one failed), numbers and open dead letters;
    times in `timezone`, the business's, and every text that came from the data scrubbed by the report's policy;
    `landed` (the days with messages), when given, tells a day with nothing to run from one not run yet."""
    pii = pii or PiiPolicy.load(PiiSettings(), layout.root)
    results = latest_evaluations_per_day(instance, days)
    failures = why_runs_failed(instance, days)
    dead_letters = DeadLetterQueue(layout.landing_db).list()
    by_stage: dict[str, int] = {}
    for letter in dead_letters:
        by_stage[letter.stage] = by_stage.get(letter.stage, 0) + 1
    notes = [
        LetterNote(
            letter.id, letter.stage, for_the_report(pii, letter.reason), letter.partition, letter_item(pii, letter)
        )
        for letter in dead_letters
    ]
    reports = []
    for day in days:
        # A day without messages had nothing to run (a shop closed on Mondays): said so, not 'not run'.
        idle = "no messages" if landed is not None and day not in set(landed) else "not run"
        status, evaluations = results.get(day, (idle, {}))
        failed = {name: evaluation for name, evaluation in evaluations.items() if not evaluation.passed}
        report = DayReport(
            day=day,
            run_status=status,
            checks={name: bool(evaluation.passed) for name, evaluation in evaluations.items()},
            failed_checks=sorted(failed),
            dead_letters=sum(1 for letter in dead_letters if letter.partition == day),
            check_notes={
                name: for_the_report(pii, evaluation.description or "") for name, evaluation in failed.items()
            },
            warnings=sorted(name for name, e in failed.items() if e.severity == dg.AssetCheckSeverity.WARN),
            letters=[note for note in notes if note.day == day],
            run_note=for_the_report(pii, failures.get(day, "")) if status in {"failure", "canceled"} else "",
        )
        fill_from_frames(report, layout)
        reports.append(report)
    return Report(
        days=reports,
        dead_letters_by_stage=dict(sorted(by_stage.items())),
        generated_at=datetime.now(ZoneInfo(timezone)).isoformat(timespec="seconds"),
        sheet=sheet,
        retention=retention_line(instance),
        undated_letters=[note for note in notes if note.day is None],
    )


def for_the_report(pii: PiiPolicy, text: str) -> str:
    """A reason or a check's description as the report may show it: numbers and addresses by the report's policy,
    and what it quotes of the input (a chat line, a file's text) dropped unless free text is kept."""
    if pii.mode("report", "free_text") != "keep":
        # Reasons quote what they could not read as Python's repr does; a file path quoted is dropped with it.
        text = QUOTED.sub("'…'", text)
    return pii.scrub_text("report", text)


def letter_item(pii: PiiPolicy, letter: DeadLetter) -> str:
    """Which file a dead letter is about: the name WhatsApp gave it, or a name a person chose where the report keeps
    free text; else its message (a short id), so the owner can still find it in `dlq list`."""
    filename = str(letter.payload.get("filename") or "")
    if made_by_whatsapp(filename):
        return f"file {filename}"
    if filename and pii.mode("report", "free_text") == "keep":
        return f"file {pii.scrub_text('report', filename)}"
    message = letter.payload.get("message_id")
    return f"message {short_wamids(str(message))}" if message else ""


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
