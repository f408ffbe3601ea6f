"""Messages are partitioned by their local calendar day."""

import dagster as dg

from wa_pipeline.settings import get_settings

_settings = get_settings()

DAILY = dg.DailyPartitionsDefinition(
    start_date=_settings.partition_start.isoformat(),
    timezone=_settings.timezone,
    # end_offset=1 includes today, so the messages of the day so far can be synced before midnight.
    end_offset=1,
)
