"""The daily schedule: re-derive yesterday once it is complete."""

import dagster as dg

from wa_pipeline.defs.ops.jobs import daily_pipeline

daily_schedule = dg.build_schedule_from_partitioned_job(
    daily_pipeline,
    name="daily_schedule",
    description="Every night re-runs yesterday, so late messages and fixes reach the sheet.",
    hour_of_day=1,
    minute_of_hour=15,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
