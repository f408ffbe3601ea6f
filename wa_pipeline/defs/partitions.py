"""Messages are partitioned by their local calendar day; a backfill materializes a run of days at a time."""

import dagster as dg

from wa_pipeline.settings import get_settings

_settings = get_settings()

DAILY = dg.DailyPartitionsDefinition(
    start_date=_settings.partition_start.isoformat(),
    timezone=_settings.timezone,
    # end_offset=1 includes today, so the messages of the day so far can be synced before midnight.
    end_offset=1,
)

# Every daily asset carries this policy: a run pays process start-up, the spaCy, Whisper and tesseract loads and
# the sheet's read-back once, so a 90-day backfill is 3 runs of 30 days instead of 90 runs. Memory stays one
# day's worth per step (days are processed one after another), plus the range's output frames.
DAILY_BACKFILL = dg.BackfillPolicy.multi_run(max_partitions_per_run=_settings.backfill_days_per_run)
