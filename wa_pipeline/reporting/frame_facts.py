"""The day's numbers read from the stored Parquet frames (messages, intents, media extraction)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.reporting.report_data import DayReport


def _column(path: Path, column: str):
    if not path.exists():
        return None
    table = pq.read_table(path)
    return table.column(column).to_pylist() if column in table.column_names else None


def fill_from_frames(day: DayReport, layout: DataLayout) -> None:
    """Counts from the frames the day's run wrote; a frame that does not exist leaves its numbers at zero."""
    raw = layout.frame("raw_messages", day.day)
    if raw.exists():
        day.messages = pq.read_metadata(raw).num_rows
    intents = _column(layout.frame("enriched_messages", day.day), "intent")
    if intents:
        counts: dict[str, int] = {}
        for intent in intents:
            counts[intent or "other"] = counts.get(intent or "other", 0) + 1
        day.intents = dict(sorted(counts.items(), key=lambda item: -item[1]))
    statuses = _column(layout.frame("media_text", day.day), "media_status")
    if statuses:
        day.media_items = len(statuses)
        day.media_ok = sum(1 for status in statuses if status == "ok")
