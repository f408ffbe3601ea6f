"""The retention check: after the job, nothing older than the limit is left in any store."""

import dagster as dg

from wa_pipeline.defs.privacy.resources import RetentionPolicy
from wa_pipeline.defs.resources import Locale, PipelineStorage, SheetSinkResource
from wa_pipeline.privacy.retention import describe, leftovers

NOTHING_PAST_RETENTION = "nothing_past_retention"


@dg.asset_check(asset="retention", name=NOTHING_PAST_RETENTION, blocking=True)
def nothing_past_retention(
    retention: RetentionPolicy, storage: PipelineStorage, locale: Locale, sheet_sink: SheetSinkResource
) -> dg.AssetCheckResult:
    """No message, record, media file, frame row or sheet row older than WA_RETENTION_DAYS remains anywhere."""
    cut = retention.cut(locale.tz())
    if cut is None:
        return dg.AssetCheckResult(passed=True, description="retention is off (WA_RETENTION_DAYS unset)")
    found = leftovers(cut, landing=storage.landing(), layout=storage.layout, sink=sheet_sink.get_sink())
    return dg.AssetCheckResult(
        passed=not any(found.values()),
        description=f"before {cut.date().isoformat()}: {describe(found)}",
        metadata={
            "cut": dg.MetadataValue.text(cut.isoformat()),
            **{k: dg.MetadataValue.int(v) for k, v in found.items()},
        },
    )
