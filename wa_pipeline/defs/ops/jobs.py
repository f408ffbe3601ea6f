"""The daily job: every stage of one day, from the landing store to the sheet."""

import dagster as dg

from wa_pipeline.defs.partitions import DAILY

daily_pipeline = dg.define_asset_job(
    name="daily_pipeline",
    selection=dg.AssetSelection.groups("ingest", "nlp", "sync"),
    partitions_def=DAILY,
    description="Materialize one day: raw messages, enrichment, sheet rows and the synced sheet, with their checks.",
)
