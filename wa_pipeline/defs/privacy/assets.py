"""Retention as an asset: each materialization removes what is past the limit from every store and says how much."""

import dagster as dg

from wa_pipeline.defs.privacy.resources import RetentionPolicy
from wa_pipeline.defs.resources import Locale, PipelineStorage, SheetSinkResource
from wa_pipeline.privacy.retention import apply_retention


@dg.asset(
    group_name="privacy",
    kinds={"sqlite", "parquet"},
    # It deletes sheet rows: it takes its turn with the tabs' syncs in the single-writer pool.
    pool="sheets",
)
def retention(
    retention: RetentionPolicy, storage: PipelineStorage, locale: Locale, sheet_sink: SheetSinkResource
) -> dg.MaterializeResult:
    """Messages, media and records older than WA_RETENTION_DAYS removed from every store and the sheet."""
    cut = retention.cut(locale.tz())
    if cut is None:
        return dg.MaterializeResult(
            metadata={"retention_days": dg.MetadataValue.int(0), "removed": dg.MetadataValue.int(0)}
        )
    report = apply_retention(cut, landing=storage.landing(), layout=storage.layout, sink=sheet_sink.get_sink())
    # Counts and the cut-off only: never an id, a number or a name.
    return dg.MaterializeResult(
        metadata={
            "retention_days": dg.MetadataValue.int(retention.days or 0),
            "cut": dg.MetadataValue.text(cut.isoformat()),
            "removed": dg.MetadataValue.int(sum(report.removed.values())),
            **{f"removed_{store.replace(':', '_')}": dg.MetadataValue.int(n) for store, n in report.removed.items()},
        }
    )
