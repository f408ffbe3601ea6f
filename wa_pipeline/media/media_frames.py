"""The media stage's tables: which messages carry media, their extracted text, and the gallery (media catalog)."""

from __future__ import annotations

import pandas as pd

from wa_pipeline.media.media_text import MediaItem, MediaResult

MEDIA_TEXT_COLUMNS = (
    "message_id",
    "media_sha256",
    "media_kind",
    "media_mime",
    "media_status",
    "media_text",
    "media_confidence",
    "media_reason",
    "media_width",
    "media_height",
    "media_duration_s",
    "media_bytes",
)
CATALOG_COLUMNS = (
    "message_id",
    "chat",
    "sender",
    "sent_at",
    "kind",
    "filename",
    "media_kind",
    "mime",
    "bytes",
    "sha256",
    "width",
    "height",
    "duration_s",
    "status",
    "confidence",
    "excerpt",
    "reason",
)
_INTEGERS = ("media_width", "media_height", "media_bytes")
_FLOATS = ("media_confidence", "media_duration_s")


def _present(series: pd.Series) -> pd.Series:
    return series.notna() & (series.astype(object).fillna("") != "")


def media_items(raw: pd.DataFrame) -> list[MediaItem]:
    """One item per message that carries a file, or a reference to one (a filename, a WhatsApp media id)."""
    if raw.empty:
        return []
    carries = _present(raw["media_sha256"]) | _present(raw["media_filename"]) | _present(raw["media_remote_id"])
    rows = raw.loc[carries].sort_values(["sent_at", "message_id"], kind="stable")
    return [
        MediaItem(
            message_id=row.message_id,
            sha256=_text(row.media_sha256),
            kind=row.kind,
            claimed_mime=_text(row.media_mime),
            filename=_text(row.media_filename),
            remote_id=_text(row.media_remote_id),
        )
        for row in rows.itertuples(index=False)
    ]


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) or value == "" else str(value)


def media_text_frame(results: list[MediaResult]) -> pd.DataFrame:
    """The contract with enrichment: one row per media message, keyed by message_id, with `media_text`."""
    frame = pd.DataFrame(
        [
            {
                "message_id": r.message_id,
                "media_sha256": r.sha256,
                "media_kind": r.kind,
                "media_mime": r.mime,
                "media_status": r.status,
                "media_text": r.text,
                "media_confidence": r.confidence,
                "media_reason": r.reason,
                "media_width": r.width,
                "media_height": r.height,
                "media_duration_s": r.duration_s,
                "media_bytes": r.bytes,
            }
            for r in results
        ],
        columns=list(MEDIA_TEXT_COLUMNS),
    )
    for column in _INTEGERS:
        frame[column] = frame[column].astype("Int64")
    for column in _FLOATS:
        frame[column] = frame[column].astype("float64")
    for column in set(MEDIA_TEXT_COLUMNS) - set(_INTEGERS) - set(_FLOATS):
        frame[column] = frame[column].astype(object)
    return frame


def media_catalog_frame(raw: pd.DataFrame, media_text: pd.DataFrame, excerpt_chars: int = 200) -> pd.DataFrame:
    """The gallery: each media message with who sent it, when, what the file really is, and what it says."""
    if media_text.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in CATALOG_COLUMNS})
    messages = raw[["message_id", "chat_name", "chat_id", "sender_name", "sent_at", "kind", "media_filename"]]
    joined = media_text.merge(messages, on="message_id", how="left", validate="one_to_one")
    flat = joined["media_text"].fillna("").astype(str).str.split().str.join(" ")
    excerpt = flat.where(flat.str.len() <= excerpt_chars, flat.str.slice(0, excerpt_chars - 1) + "…")
    catalog = pd.DataFrame(
        {
            "message_id": joined["message_id"],
            "chat": joined["chat_name"].fillna(joined["chat_id"]),
            "sender": joined["sender_name"],
            "sent_at": joined["sent_at"],
            "kind": joined["kind"],
            "filename": joined["media_filename"],
            "media_kind": joined["media_kind"],
            "mime": joined["media_mime"],
            "bytes": joined["media_bytes"],
            "sha256": joined["media_sha256"],
            "width": joined["media_width"],
            "height": joined["media_height"],
            "duration_s": joined["media_duration_s"],
            "status": joined["media_status"],
            "confidence": joined["media_confidence"],
            "excerpt": excerpt,
            "reason": joined["media_reason"],
        },
        columns=list(CATALOG_COLUMNS),
    )
    return catalog.sort_values(["sent_at", "message_id"], kind="stable").reset_index(drop=True)


def attach_media_text(messages: pd.DataFrame, media_text: pd.DataFrame) -> pd.DataFrame:
    """The day's messages with each media item's extracted text beside it (empty for text messages)."""
    extracted = media_text.loc[media_text["media_status"] == "ok", ["message_id", "media_text"]]
    joined = messages.merge(extracted, on="message_id", how="left", validate="one_to_one")
    joined["media_text"] = joined["media_text"].fillna("")
    return joined
