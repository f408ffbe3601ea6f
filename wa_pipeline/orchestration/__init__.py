"""What the definitions share that is not a definition: day ranges, run metrics, the Parquet IO manager, the
sheet read-back over days and the report builder. Part of the Dagster layer, outside the autoloaded defs/ folder."""
