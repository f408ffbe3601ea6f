"""Command bodies of the `wa-pipeline` CLI that need no Dagster: each file one verb, wired up in cli.py."""
