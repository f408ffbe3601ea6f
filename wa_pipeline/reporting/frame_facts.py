"""The day's numbers read from the stored Parquet frames (messages, intents, media extraction)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from wa_pipeline.reporting.report_data import DayReport


def _column(path: Path, column: str):
    if not path.exists():
        return None
    table = pq.read_table(path)
    return table.column(column).to_pylist() if column in table.column_names else None


def fill_from_frames(day: DayReport, frames_dir: Path) -> None:
    """Counts from the frames the day's run wrote; a frame that does not exist leaves its numbers at zero."""
    raw = frames_dir / "raw_messages" / f"{day.day}.parquet"
    if raw.exists():
        day.messages = pq.read_metadata(raw).num_rows
    intents = _column(frames_dir / "enriched_messages" / f"{day.day}.parquet", "intent")
    if intents:
        counts: dict[str, int] = {}
        for intent in intents:
            counts[intent or "other"] = counts.get(intent or "other", 0) + 1
        day.intents = dict(sorted(counts.items(), key=lambda item: -item[1]))
    statuses = _column(frames_dir / "media_text" / f"{day.day}.parquet", "media_status")
    if statuses:
        day.media_items = len(statuses)
        day.media_ok = sum(1 for status in statuses if status == "ok")
