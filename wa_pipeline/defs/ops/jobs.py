"""The daily job: every stage of one day, from the landing store to the sheet."""

import dagster as dg

daily_pipeline = dg.define_asset_job(
    name="daily_pipeline",
    selection=dg.AssetSelection.groups("ingest", "nlp", "sync"),
    description="Materialize one day: raw messages, enrichment, sheet rows and the synced sheet, with their checks.",
)
