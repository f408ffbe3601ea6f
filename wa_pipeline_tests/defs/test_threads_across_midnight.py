"""A conversation begun before midnight is one thread, with its business reply after midnight counted and the ad it
began from kept, through the daily job: each day's partition is run on its own, as the landing sensor runs them."""

import json
from datetime import UTC, datetime

import dagster as dg
import openpyxl

from wa_pipeline.message import Message
from wa_pipeline.settings import get_settings
from wa_pipeline.store.frames import read_frame
from wa_pipeline.store.sqlite_landing import SqliteLandingStore

AD = {"source_type": "ad", "source_id": "120226305854810726", "headline": "Brown bread, baked at 6"}


def text(i: int, at: datetime, sender: str, words: str, referral: str | None = None) -> Message:
    return Message(
        message_id=f"wamid.mid-{i}",
        chat_id="wa:254712345678",
        chat_name="Wanjiku",
        sender_id=sender,
        sender_name="Wanjiku" if sender == "254712345678" else "Mama Mboga Bakery",
        sent_at=at,
        kind="text",
        source="cloud_api",
        text=words,
        referral=referral,
    )


def test_a_conversation_begun_at_23_50_is_one_thread_answered_after_midnight(data_dir, fresh_settings):
    fresh_settings.setenv("WA_TIMEZONE", "UTC")
    fresh_settings.setenv("WA_BUSINESS_SENDERS", '["106540352242922"]')
    get_settings.cache_clear()
    settings = get_settings()
    SqliteLandingStore(settings.layout.landing_db).add_messages(
        [
            text(
                1,
                datetime(2026, 11, 16, 23, 50, tzinfo=UTC),
                "254712345678",
                "Do you have brown bread tomorrow?",
                json.dumps(AD),
            ),
            text(2, datetime(2026, 11, 17, 0, 5, tzinfo=UTC), "106540352242922", "Yes, from 7am. How many?"),
            text(3, datetime(2026, 11, 17, 0, 7, tzinfo=UTC), "254712345678", "Two loaves please"),
        ]
    )
    from wa_pipeline.definitions import defs

    job = defs().resolve_job_def("daily_pipeline")
    with dg.instance_for_test() as instance:
        for day in ("2026-11-16", "2026-11-17"):
            result = job.execute_in_process(partition_key=day, instance=instance)
            assert result.success
            failed = [e.asset_check_key.name for e in result.get_asset_check_evaluations() if not e.passed]
            assert failed == [], (day, failed)

    before = read_frame(settings.layout.frame("conversation_threads", "2026-11-16"))
    after = read_frame(settings.layout.frame("conversation_threads", "2026-11-17"))
    assert len(before) == 1 and bool(before.loc[0, "awaiting_reply"])
    # The day it ends reports the whole thread, under the id it was given the day it began.
    assert len(after) == 1 and after.loc[0, "thread_id"] == before.loc[0, "thread_id"]
    assert after.loc[0, "messages"] == 3
    assert after.loc[0, "first_response_s"] == 15 * 60  # answered at 00:05, the business's reply of the next day
    assert bool(after.loc[0, "awaiting_reply"])  # the customer wrote last
    # The ad the customer came from is the thread's, on both days, and the Threads tab's one row names it.
    assert json.loads(before.loc[0, "referral"]) == json.loads(after.loc[0, "referral"]) == AD
    sheet = openpyxl.load_workbook(settings.layout.workbook, read_only=True)["Threads"]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(rows) == 1 and rows[0][header.index("Ad")] == "Brown bread, baked at 6 (ad 120226305854810726)"
