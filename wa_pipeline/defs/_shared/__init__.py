"""What the definitions share that is not a definition: day ranges, run metrics, the Parquet IO manager, the sheet
read-back over days and the report builder. They import dagster, so they live in the Dagster layer; the loader imports
these modules like any under defs/ and finds no asset, check, job, sensor or schedule in them to register."""
