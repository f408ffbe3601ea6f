"""The landing sensor: new messages in the landing store request runs of the days they belong to."""

import json

import dagster as dg

from wa_pipeline.defs._shared.day_range import run_scope, tagged
from wa_pipeline.defs._shared.landing_coverage import days_to_run, landing_tag
from wa_pipeline.defs.ops.jobs import daily_pipeline
from wa_pipeline.defs.partitions import Daily, daily_definitions
from wa_pipeline.defs.resources import Locale, PipelineStorage
from wa_pipeline.landing_days import days_with_new_messages, runs_of_days


def build(daily: Daily) -> dg.Definitions:
    """The landing sensor, requesting runs of the days that are partitions, as many days per run as a backfill."""

    @dg.sensor(
        name="landing_sensor",
        target=daily_pipeline,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    def landing_sensor(
        context: dg.SensorEvaluationContext, storage: PipelineStorage, locale: Locale
    ) -> dg.SensorResult:
        """Requests runs of the days that received messages since the last tick (late messages included)."""
        cursor = json.loads(context.cursor) if context.cursor else {"seq": 0}
        landing = storage.landing()
        changes = landing.changes_since(int(cursor["seq"]))
        if changes.high_water_mark == cursor["seq"]:
            return dg.SensorResult(skip_reason=f"no new messages after landing sequence {cursor['seq']}")
        valid = set(daily.partitions.get_partition_keys())
        days = days_with_new_messages(changes.sent_at, locale.timezone)
        requested = sorted(day for day in days if day in valid)
        ignored = sorted(set(days) - set(requested))
        if ignored:
            context.log.warning(
                f"messages dated outside the partitions ({', '.join(ignored[:5])}) are kept but not scheduled"
            )
        # A day `wa-pipeline run` (or an earlier run of this sensor) already materialized with every message it holds
        # is not queued again: a first `make dev` after `make run` found every day new to its empty cursor.
        to_run = days_to_run(context.instance, landing, requested, locale.timezone, changes.high_water_mark)
        already = len(requested) - len(to_run)
        if already:
            context.log.info(f"{already} days with new messages were already run with all of them; not requested")
        return dg.SensorResult(
            skip_reason=f"the {already} days with new messages were already run with all of them (wa-pipeline run?)"
            if already and not to_run
            else None,
            # The run key carries the high-water mark: a day gets a new run whenever new data lands in it, never a
            # silently dropped one, while a repeated tick over the same data adds nothing.
            # Consecutive days share a run, as many as the backfill policy lets one run take: a history import of
            # 90 days is 3 runs, not 90 queued at once.
            run_requests=[
                dg.RunRequest(
                    run_key=f"{run[0]}..{run[-1]}@{changes.high_water_mark}",
                    **tagged(run_scope(run), landing_tag(changes.high_water_mark)),
                )
                for run in runs_of_days(to_run, daily.days_per_run or len(to_run))
            ],
            asset_events=[
                dg.AssetObservation(
                    asset_key="landing_messages",
                    metadata={
                        "new_messages": dg.MetadataValue.int(len(changes.sent_at)),
                        "total_messages": dg.MetadataValue.int(landing.count()),
                        "high_water_mark": dg.MetadataValue.int(changes.high_water_mark),
                        "days": dg.MetadataValue.json(requested),
                        "days_requested": dg.MetadataValue.json(to_run),
                    },
                )
            ],
            cursor=json.dumps({"seq": changes.high_water_mark}),
        )

    return dg.Definitions(sensors=[landing_sensor])


defs = daily_definitions(build)
