"""The `Media` tab: the gallery, one row per media message, keyed by message_id."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.sheets.tab_spec import TabSpec, empty_rows

_COLUMNS = (
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


def _build(catalog: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """Rows for a partition's media catalog, in send order."""
    if catalog.empty:
        return empty_rows(_COLUMNS)
    ordered = catalog.sort_values(["sent_at", "message_id"], kind="stable")
    local = pd.to_datetime(ordered["sent_at"], utc=True).dt.tz_convert(tz)
    width, height = ordered["width"].astype("Int64"), ordered["height"].astype("Int64")
    dimensions = [f"{w}x{h}" if pd.notna(w) and pd.notna(h) else "" for w, h in zip(width, height)]
    rows = pd.DataFrame(
        {
            "message_id": ordered["message_id"],
            "sent_at": local.dt.tz_localize(None),
            "date": local.dt.date,
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
        columns=list(_COLUMNS),
    ).reset_index(drop=True)
    return rows


MEDIA = TabSpec(
    name="Media",
    key="message_id",
    columns=_COLUMNS,
    build=_build,
    description="The Media tab of the output sheet, upserted by message_id: the gallery people browse and search.",
    position=4,
    headers={
        "message_id": "Message ID",
        "sent_at": "Sent",
        "date": "Date",
        "chat": "Chat",
        "sender": "From",
        "kind": "Type",
        "file": "File",
        "type": "File type",
        "size_bytes": "Size (bytes)",
        "dimensions": "Dimensions",
        "duration_s": "Duration (s)",
        "status": "Status",
        "confidence": "Confidence",
        "text": "Text",
        "reason": "Reason",
        "sha256": "SHA-256",
    },
)
