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
        return Outcome(False, "columns differ from the canonical message schema", {"columns": list(columns)})
    problems: dict[str, int] = {
        "null_message_id": int(frame["message_id"].isna().sum()),
        "null_chat_id": int(frame["chat_id"].isna().sum()),
        "null_sent_at": int(frame["sent_at"].isna().sum()),
        "unknown_kind": int((~frame["kind"].isin(KINDS)).sum()),
        "unknown_source": int((~frame["source"].isin(SOURCES)).sum()),
    }
    if len(frame) and getattr(frame["sent_at"].dtype, "tz", None) is None:
        problems["sent_at_not_tz_aware"] = len(frame)
    bad = {k: v for k, v in problems.items() if v}
    return Outcome(not bad, "every row follows the canonical schema" if not bad else "rows break the schema", bad)


def ids_unique(frame: pd.DataFrame, column: str = "message_id") -> Outcome:
    duplicated = frame.loc[frame[column].duplicated(keep=False), column]
    examples = sorted(set(duplicated.astype(str)))[:SAMPLE]
    return Outcome(
        duplicated.empty,
        f"each {column} appears once" if duplicated.empty else f"{duplicated.nunique()} {column} values repeat",
        {"duplicate_rows": int(len(duplicated)), "examples": examples},
    )


def timestamps_inside(frame: pd.DataFrame, start: datetime, end: datetime) -> Outcome:
    sent_at = frame["sent_at"]
    outside = frame.loc[(sent_at < pd.Timestamp(start)) | (sent_at >= pd.Timestamp(end)), "message_id"]
    return Outcome(
        outside.empty,
        "every sent_at lies inside the partition"
        if outside.empty
        else f"{len(outside)} messages lie outside the partition",
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
        f"{what} holds exactly the partition's messages" if ok else f"{what} lost or invented messages",
        {"missing": len(missing), "extra": len(extra), "examples": (missing + extra)[:SAMPLE]},
    )
