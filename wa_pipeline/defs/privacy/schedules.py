"""The retention job and its nightly schedule."""

import dagster as dg

from wa_pipeline.defs.partitions import Daily, daily_definitions
from wa_pipeline.defs.privacy.resources import RetentionPolicy

retention_job = dg.define_asset_job(
    name="retention_job",
    selection=dg.AssetSelection.assets("retention"),
    description="Remove what is older than WA_RETENTION_DAYS from every store, then check that nothing is left.",
)


def build(daily: Daily) -> dg.Definitions:
    """The retention job and its nightly schedule, in the business's timezone."""

    @dg.schedule(
        name="retention_schedule",
        target=retention_job,
        # Before the nightly re-run of yesterday (01:15) and the report (02:30), so both see the stores as kept.
        cron_schedule="45 0 * * *",
        execution_timezone=daily.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Every night removes what is past WA_RETENTION_DAYS (skipped while it is unset).",
    )
    def retention_schedule(context: dg.ScheduleEvaluationContext, retention: RetentionPolicy):
        """Every night removes what is past WA_RETENTION_DAYS (skipped while it is unset)."""
        if retention.days is None:
            return dg.SkipReason("retention is off: WA_RETENTION_DAYS is unset")
        return dg.RunRequest()

    return dg.Definitions(jobs=[retention_job], schedules=[retention_schedule])


defs = daily_definitions(build)
