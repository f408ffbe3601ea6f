"""Canonical messages as a pandas frame with the contract's columns and types."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pyarrow as pa

from wa_pipeline.message import MESSAGE_SCHEMA, MESSAGE_TABLE_SCHEMA, Message


def messages_to_frame(messages: Iterable[Message]) -> pd.DataFrame:
    records = [m.to_record() for m in messages]
    # Going through Arrow with the contract schema gives the same dtypes whether there are 0 rows or 10,000.
    table = pa.Table.from_pylist(records, schema=MESSAGE_SCHEMA)
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)


def messages_to_table(messages: Iterable[Message]) -> pa.Table:
    """Messages as an Arrow table of `MESSAGE_TABLE_SCHEMA`: their records with `event` and `event_subjects`."""
    records = [m.to_record() | {"event": m.event, "event_subjects": m.event_subjects} for m in messages]
    return pa.Table.from_pylist(records, schema=MESSAGE_TABLE_SCHEMA)


def frame_to_messages(frame: pd.DataFrame) -> list[Message]:
    return [
        Message.from_record({key: (None if _missing(value) else value) for key, value in record.items()})
        for record in frame.to_dict(orient="records")
    ]


def _missing(value: object) -> bool:
    # pandas marks absent values as NaN, NaT or NA depending on the dtype; the canonical record says None.
    return value is None or (not isinstance(value, (list, dict)) and bool(pd.isna(value)))


def fold_reactions(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with one row per person's reaction to a message, as WhatsApp shows it: a new emoji replaces their
    earlier one and an empty one removes it, so their first reaction's row (the row a sheet already holds) takes the
    latest reaction's content and the later reactions' rows go."""
    if frame.empty or "reply_to" not in frame:
        return frame
    reactions = frame[(frame["kind"] == "reaction") & frame["reply_to"].notna()]
    if len(reactions) < 2:
        return frame
    if not frame.index.is_unique:
        return fold_reactions(frame.reset_index(drop=True))
    who = reactions["sender_id"].fillna(reactions["sender_name"]).fillna("")
    # Stable on the send time alone: two reactions of one second keep the order they landed in.
    ordered = reactions.assign(_who=who).sort_values("sent_at", kind="stable")
    folded = frame.copy()
    dropped = []
    # Its id and time stay, so the row is rewritten where it stands; what it says is the latest reaction.
    content = [column for column in frame.columns if column not in ("message_id", "sent_at")]
    for _, same in ordered.groupby(["chat_id", "_who", "reply_to"], sort=False):
        if len(same) < 2:
            continue
        first, latest = same.index[0], same.index[-1]
        folded.loc[first, content] = frame.loc[latest, content]
        dropped += list(same.index[1:])
    return folded.drop(index=dropped)
