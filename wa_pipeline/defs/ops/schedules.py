"""The daily schedule: re-derive yesterday once it is complete."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg

from wa_pipeline.defs.ops.jobs import daily_pipeline
from wa_pipeline.defs.partitions import Daily, daily_definitions


def previous_day(moment: datetime, tz: str) -> str:
    """The partition key of the local day before `moment`."""
    return (moment.astimezone(ZoneInfo(tz)).date() - timedelta(days=1)).isoformat()


def build(daily: Daily) -> dg.Definitions:
    """The nightly re-run of yesterday, in the business's timezone."""

    # Not build_schedule_from_partitioned_job: with end_offset=1 (today is a partition, so a day syncs before midnight)
    # it would request today's partition at 01:15, a day barely begun, instead of yesterday.
    @dg.schedule(
        name="daily_schedule",
        target=daily_pipeline,
        cron_schedule="15 1 * * *",
        execution_timezone=daily.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Every night re-runs yesterday, so late messages and fixes reach the sheet.",
    )
    def daily_schedule(context: dg.ScheduleEvaluationContext):
        """Every night re-runs yesterday, so late messages and fixes reach the sheet."""
        day = previous_day(context.scheduled_execution_time or datetime.now(UTC), daily.timezone)
        if day < daily.partitions.start.date().isoformat():
            return dg.SkipReason(f"{day} is before the first partition ({daily.partitions.start.date().isoformat()})")
        return dg.RunRequest(partition_key=day)

    return dg.Definitions(schedules=[daily_schedule])


defs = daily_definitions(build)
