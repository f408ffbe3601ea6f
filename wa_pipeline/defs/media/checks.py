"""Checks over the stored media gallery."""

from datetime import datetime, timedelta, timezone

import dagster as dg
import pandas as pd

from wa_pipeline.defs.media.resources import MediaEngines
from wa_pipeline.defs.partitions import DAILY

SAMPLE = 5


@dg.asset_check(asset="media_catalog", partitions_def=DAILY)
def no_stale_pending_media(media_catalog: pd.DataFrame, media_engines: MediaEngines) -> dg.AssetCheckResult:
    """No media item has waited for its text (engine missing, download pending) longer than the allowed days."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=media_engines.max_pending_days)
    if media_catalog.empty:
        stale = media_catalog
    else:
        pending = media_catalog["status"].astype(str).str.startswith("pending:")
        stale = media_catalog.loc[pending & (pd.to_datetime(media_catalog["sent_at"], utc=True) < cutoff)]
    return dg.AssetCheckResult(
        passed=stale.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "stale_pending": len(stale),
            "max_pending_days": media_engines.max_pending_days,
            "examples": dg.MetadataValue.json(
                stale[["message_id", "status"]].head(SAMPLE).astype(str).to_dict("records") if len(stale) else []
            ),
        },
        description=f"{len(stale)} media items pending for more than {media_engines.max_pending_days} days",
    )
