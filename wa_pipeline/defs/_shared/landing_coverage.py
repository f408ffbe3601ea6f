"""Which days a run already materialized for the messages landed so far, so the landing sensor does not queue them
again: a run records the landing store's high-water mark it started from, and a day that received nothing after that
mark is covered."""

from collections import defaultdict
from collections.abc import Sequence

import dagster as dg

from wa_pipeline.defs._shared.report_builder import runs_covering
from wa_pipeline.landing_days import days_with_new_messages
from wa_pipeline.store.landing_store import LandingStore

# The landing sequence a run of `daily_pipeline` read its days at (every message landed up to it was in the store).
LANDING_SEQ_TAG = "wa_pipeline/landing_seq"
DAILY_JOB = "daily_pipeline"


def landing_tag(high_water_mark: int) -> dict[str, str]:
    """The tag a run carries when it starts at this landing high-water mark (read before its first step)."""
    return {LANDING_SEQ_TAG: str(high_water_mark)}


def covered_through(instance: dg.DagsterInstance, days: Sequence[str]) -> dict[str, int]:
    """For each of `days` that a successful `daily_pipeline` run materialized, the highest landing mark of such a
    run (a run without the tag, as runs before it had, covers nothing)."""
    found: dict[str, int] = {}
    for run, covered in runs_covering(instance, list(days)) if days else []:
        mark = run.tags.get(LANDING_SEQ_TAG)
        if run.job_name != DAILY_JOB or run.status != dg.DagsterRunStatus.SUCCESS or mark is None:
            continue
        for day in covered:
            found[day] = max(found.get(day, -1), int(mark))
    return found


def days_to_run(
    instance: dg.DagsterInstance, landing: LandingStore, days: Sequence[str], timezone: str, high_water_mark: int
) -> list[str]:
    """The `days` (days with new messages) that no successful run has materialized with every message they hold:
    never run, or a message of theirs landed after the mark their newest covering run started at."""
    covered = covered_through(instance, days)
    todo = [day for day in days if day not in covered]
    by_mark: dict[int, list[str]] = defaultdict(list)
    for day, mark in covered.items():
        if mark < high_water_mark:
            by_mark[mark].append(day)
    # One read per distinct mark: the runs of one `wa-pipeline run` share theirs.
    for mark, marked in by_mark.items():
        newer = set(days_with_new_messages(landing.changes_since(mark).sent_at, timezone))
        todo += [day for day in marked if day in newer]
    return sorted(todo)
