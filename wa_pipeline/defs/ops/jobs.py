"""The daily job: every stage of one day, from the landing store to the sheet."""

import dagster as dg

daily_pipeline = dg.define_asset_job(
    name="daily_pipeline",
    # Media downloads run on their own sensor, as soon as media lands, not once a day.
    selection=dg.AssetSelection.groups("ingest", "media", "nlp", "sync") - dg.AssetSelection.assets("downloaded_media"),
    description="Materialize one day: raw messages, enrichment, sheet rows and the synced sheet, with their checks.",
)
