"""Messages are partitioned by their local calendar day; a backfill materializes a run of days at a time.

`daily_partitions` and `daily_backfill` read the settings when they are called, so definitions built from them follow
WA_TIMEZONE, WA_PARTITION_START and WA_BACKFILL_DAYS_PER_RUN as they are when the definitions are built.
`DAILY` and `DAILY_BACKFILL` are the same two, built once at import: the asset, check, sensor and schedule modules
still declare their definitions at module level with them (README, "Settings and the definitions", says what is left).
"""

import dagster as dg

from wa_pipeline.settings import Settings, get_settings


def daily_partitions(settings: Settings) -> dg.DailyPartitionsDefinition:
    """One partition per local day of the business, from the first day the settings name up to today."""
    return dg.DailyPartitionsDefinition(
        start_date=settings.partition_start.isoformat(),
        timezone=settings.timezone,
        # end_offset=1 includes today, so the messages of the day so far can be synced before midnight.
        end_offset=1,
    )


def daily_backfill(settings: Settings) -> dg.BackfillPolicy:
    """The policy of every daily asset: a backfill run takes as many days as the settings allow."""
    # A run pays process start-up, the spaCy, Whisper and tesseract loads and the sheet's read-back once, so a 90-day
    # backfill is 3 runs of 30 days instead of 90 runs. Memory stays one day's worth per step (days are processed one
    # after another), plus the range's output frames.
    return dg.BackfillPolicy.multi_run(max_partitions_per_run=settings.backfill_days_per_run)


# Read at import: the remaining step replaces these with the two functions above, called when definitions are built.
DAILY = daily_partitions(get_settings())
DAILY_BACKFILL = daily_backfill(get_settings())
