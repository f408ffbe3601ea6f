"""Rules every partition of canonical messages must satisfy."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from wa_pipeline.message import KINDS, MESSAGE_COLUMNS, SOURCES
from wa_pipeline.quality.outcome import Outcome

SAMPLE = 5


def schema_valid(frame: pd.DataFrame) -> Outcome:
    columns = tuple(frame.columns)
    if columns[: len(MESSAGE_COLUMNS)] != MESSAGE_COLUMNS:
        differ = sorted(set(MESSAGE_COLUMNS) ^ set(columns[: len(MESSAGE_COLUMNS)])) or ["order"]
        return Outcome(
            False,
            f"columns differ from the canonical message schema: {', '.join(differ)}",
            {"columns": list(columns)},
        )
    masks = {
        "null_message_id": frame["message_id"].isna(),
        "null_chat_id": frame["chat_id"].isna(),
        "null_sent_at": frame["sent_at"].isna(),
        "unknown_kind": ~frame["kind"].isin(KINDS),
        "unknown_source": ~frame["source"].isin(SOURCES),
    }
    if len(frame) and getattr(frame["sent_at"].dtype, "tz", None) is None:
        masks["sent_at_not_tz_aware"] = pd.Series(True, index=frame.index)
    bad = {name: int(mask.sum()) for name, mask in masks.items() if mask.any()}
    if not bad:
        return Outcome(True, "every row follows the canonical schema", {})
    broken = pd.concat([masks[name] for name in bad], axis=1).any(axis=1)
    examples = [str(x) for x in frame.loc[broken, "message_id"].head(SAMPLE)]
    return Outcome(
        False, f"rows break the schema ({_named(bad)}): {', '.join(examples)}", {**bad, "examples": examples}
    )


def ids_unique(frame: pd.DataFrame, column: str = "message_id") -> Outcome:
    duplicated = frame.loc[frame[column].duplicated(keep=False), column]
    examples = sorted(set(duplicated.astype(str)))[:SAMPLE]
    return Outcome(
        duplicated.empty,
        f"each {column} appears once"
        if duplicated.empty
        else f"{duplicated.nunique()} {column} values repeat: {', '.join(examples)}",
        {"duplicate_rows": int(len(duplicated)), "examples": examples},
    )


def timestamps_inside(frame: pd.DataFrame, start: datetime, end: datetime) -> Outcome:
    sent_at = frame["sent_at"]
    outside = frame.loc[(sent_at < pd.Timestamp(start)) | (sent_at >= pd.Timestamp(end)), "message_id"]
    return Outcome(
        outside.empty,
        "every sent_at lies inside the partition"
        if outside.empty
        else f"{len(outside)} messages lie outside the partition: {', '.join(str(x) for x in outside[:SAMPLE])}",
        {
            "window_start": start.isoformat(),
            "window_end": end.isoformat(),
            "outside": [str(x) for x in outside[:SAMPLE]],
        },
    )


def same_ids(left: pd.DataFrame, right: pd.DataFrame, what: str) -> Outcome:
    """Every message of the upstream frame is present downstream, and nothing else is."""
    left_ids, right_ids = set(left["message_id"]), set(right["message_id"])
    missing, extra = sorted(left_ids - right_ids), sorted(right_ids - left_ids)
    ok = not missing and not extra
    return Outcome(
        ok,
        f"{what} holds exactly the partition's messages"
        if ok
        else f"{what} lost or invented messages: {', '.join(map(str, (missing + extra)[:SAMPLE]))}",
        {"missing": len(missing), "extra": len(extra), "examples": (missing + extra)[:SAMPLE]},
    )


def _named(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} ({count})" for name, count in counts.items())
