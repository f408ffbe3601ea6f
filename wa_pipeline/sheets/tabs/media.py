"""The `Media` tab: the gallery, one row per media message, keyed by message_id."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.sheets.cell_safety import safe_cell

MEDIA_TAB = "Media"
MEDIA_KEY = "message_id"
MEDIA_COLUMNS = (
    "message_id",
    "sent_at",
    "date",
    "chat",
    "sender",
    "kind",
    "file",
    "type",
    "size_bytes",
    "dimensions",
    "duration_s",
    "status",
    "confidence",
    "text",
    "reason",
    "sha256",
)


def build_media_rows(catalog: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """Sheet rows for a partition's media catalog, in send order, every cell already safe to write."""
    if catalog.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in MEDIA_COLUMNS})
    ordered = catalog.sort_values(["sent_at", "message_id"], kind="stable")
    local = pd.to_datetime(ordered["sent_at"], utc=True).dt.tz_convert(tz)
    width, height = ordered["width"].astype("Int64"), ordered["height"].astype("Int64")
    dimensions = [f"{w}x{h}" if pd.notna(w) and pd.notna(h) else "" for w, h in zip(width, height)]
    rows = pd.DataFrame(
        {
            "message_id": ordered["message_id"],
            "sent_at": local.dt.strftime("%Y-%m-%d %H:%M:%S"),
            "date": local.dt.strftime("%Y-%m-%d"),
            "chat": ordered["chat"],
            "sender": ordered["sender"],
            "kind": ordered["kind"],
            "file": ordered["filename"],
            "type": ordered["mime"],
            "size_bytes": ordered["bytes"].astype("Int64").astype(object),
            "dimensions": dimensions,
            "duration_s": ordered["duration_s"].astype(float).round(1),
            "status": ordered["status"],
            "confidence": ordered["confidence"].astype(float).round(3),
            "text": ordered["excerpt"],
            "reason": ordered["reason"],
            "sha256": ordered["sha256"],
        },
        columns=list(MEDIA_COLUMNS),
    ).reset_index(drop=True)
    for column in MEDIA_COLUMNS:
        rows[column] = [safe_cell(None if _missing(value) else value) for value in rows[column].astype(object)]
    return rows


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)
