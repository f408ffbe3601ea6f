"""Checks over the stored media gallery."""

from datetime import UTC, datetime, timedelta

import dagster as dg
import pandas as pd

from wa_pipeline.defs._shared.day_range import DayFrames, check_days, frames_by_day
from wa_pipeline.defs.media.resources import MediaEngines
from wa_pipeline.defs.partitions import Daily, daily_definitions

SAMPLE = 5


def build(daily: Daily) -> dg.Definitions:
    """The check that no media item waits too long for its text."""

    @dg.asset_check(asset="media_catalog", partitions_def=daily.partitions)
    def no_stale_pending_media(
        context: dg.AssetCheckExecutionContext, media_catalog: DayFrames, media_engines: MediaEngines
    ):
        """No media item has waited for its text (engine missing, download pending) longer than the allowed days."""
        cutoff = datetime.now(UTC) - timedelta(days=media_engines.max_pending_days)
        catalogs = frames_by_day(media_catalog, context.partition_keys)
        yield from check_days(
            context,
            {
                day: _stale_pending(catalogs[day], cutoff, media_engines.max_pending_days)
                for day in context.partition_keys
            },
        )

    return dg.Definitions(asset_checks=[no_stale_pending_media])


defs = daily_definitions(build)


def _stale_pending(catalog: pd.DataFrame, cutoff: datetime, max_pending_days: int) -> dg.AssetCheckResult:
    if catalog.empty:
        stale = catalog
    else:
        pending = catalog["status"].astype(str).str.startswith("pending:")
        stale = catalog.loc[pending & (pd.to_datetime(catalog["sent_at"], utc=True) < cutoff)]
    return dg.AssetCheckResult(
        passed=stale.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "stale_pending": len(stale),
            "max_pending_days": max_pending_days,
            "examples": dg.MetadataValue.json(
                stale[["message_id", "status"]].head(SAMPLE).astype(str).to_dict("records") if len(stale) else []
            ),
        },
        description=f"{len(stale)} media items pending for more than {max_pending_days} days"
        + (f": {', '.join(stale['message_id'].astype(str).head(SAMPLE))}" if len(stale) else ""),
    )
