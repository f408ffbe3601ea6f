"""The `Threads` tab: one row per conversation, keyed by thread_id."""

from __future__ import annotations

import math
from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.sheets.tab_spec import TabSpec, empty_rows
from wa_pipeline.sheets.tabs.ads import ad_in_words

_COLUMNS = (
    "thread_id",
    "date",
    "chat",
    "started_at",
    "last_message_at",
    "messages",
    "participants",
    "first_message",
    "last_message",
    "last_sender",
    "first_response_min",
    "awaiting_reply",
    "intents",
    "ad",
)


def _build(threads: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """Rows for a partition's threads, in start order."""
    if threads.empty:
        return empty_rows(_COLUMNS)
    ordered = threads.sort_values(["started_at", "chat_id", "thread_id"], kind="stable")
    started = pd.to_datetime(ordered["started_at"], utc=True).dt.tz_convert(tz)
    last = pd.to_datetime(ordered["last_message_at"], utc=True).dt.tz_convert(tz)
    rows = pd.DataFrame(
        {
            "thread_id": ordered["thread_id"],
            "date": started.dt.date,
            "chat": ordered["chat_name"],
            "started_at": started.dt.tz_localize(None),
            "last_message_at": last.dt.tz_localize(None),
            "messages": ordered["messages"].astype(int),
            "participants": ordered["participants"],
            "first_message": ordered["first_message"],
            "last_message": ordered["last_message"],
            "last_sender": ordered["last_sender"],
            # Minutes read at a glance; an unanswered thread has no response time, not zero.
            "first_response_min": [
                round(s / 60, 1) if not math.isnan(s) else None for s in ordered["first_response_s"]
            ],
            # A boolean: the sheet filters on it and counts it (COUNTIF(...; TRUE)).
            "awaiting_reply": [bool(waiting) for waiting in ordered["awaiting_reply"]],
            "intents": ordered["intents"],
            # A thread frame stored before threads carried their ad has no `referral`: no ad, not an error.
            "ad": [ad_in_words(r) for r in ordered.get("referral", pd.Series("", index=ordered.index))],
        },
        columns=list(_COLUMNS),
    ).reset_index(drop=True)
    return rows


THREADS = TabSpec(
    name="Threads",
    key="thread_id",
    columns=_COLUMNS,
    build=_build,
    description="The Threads tab: one row per conversation, upserted by thread_id, with response times and who is "
    "still waiting, and the click-to-WhatsApp ad a conversation began from.",
    position=2,
    headers={
        "thread_id": "Thread ID",
        "date": "Date",
        "chat": "Chat",
        "started_at": "Started",
        "last_message_at": "Last message at",
        "messages": "Messages",
        "participants": "Participants",
        "first_message": "First message",
        "last_message": "Last message",
        "last_sender": "Last from",
        "first_response_min": "First reply (min)",
        "awaiting_reply": "Awaiting reply",
        "intents": "Intents",
        "ad": "Ad",
    },
)
