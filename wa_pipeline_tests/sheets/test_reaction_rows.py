"""A reaction in the Messages tab as WhatsApp shows it: a person's latest reaction to a message, one row; a reaction
removed (Cloud API sends it again without an emoji) leaves no emoji standing."""

import copy
import json
from pathlib import Path

import dagster as dg
import openpyxl
import pandas as pd

from wa_pipeline.defs.resources import Locale, WorkbookSinkResource
from wa_pipeline.message_frame import fold_reactions, messages_to_frame
from wa_pipeline.nlp.enrich import enrich_messages
from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline.whatsapp.cloud_api import parse_webhook
from wa_pipeline_tests.daily_defs import daily, daily_def

PAYLOADS = Path(__file__).resolve().parents[1] / "whatsapp" / "payloads"
DAY = "2025-06-08"  # the payloads' messages were sent on 8 June 2025 (UTC, the default timezone)


def webhook(name: str, *, later_s: int = 0, emoji: str | None = None) -> dict:
    """A fixture's body, its message sent `later_s` seconds later (under an id of its own) or with another emoji."""
    body = copy.deepcopy(json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8")))
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]
    message["timestamp"] = str(int(message["timestamp"]) + later_s)
    if later_s:
        message["id"] = f"{message['id']}-{later_s}"
    if emoji is not None:
        message["reaction"]["emoji"] = emoji
    return body


def messages_tab(tmp_path, *bodies: dict) -> list[dict]:
    """The Messages tab after the day's `sheet_rows` and `messages_sheet` ran on the bodies' messages."""
    messages = [m for body in bodies for m in parse_webhook(body).messages]
    enriched = enrich_messages(messages_to_frame(messages), "KE", timezone="UTC")

    @dg.asset(name="enriched_messages", partitions_def=daily().partitions)
    def stub_enriched() -> pd.DataFrame:
        """The day's enriched messages."""
        return enriched

    workbook = tmp_path / "wa.xlsx"
    result = dg.materialize(
        [stub_enriched, daily_def("sheet_rows"), daily_def("messages_sheet"), daily_def("sheet_reconciled")],
        partition_key=DAY,
        resources={
            "sheet_sink": WorkbookSinkResource(path=str(workbook)),
            "locale": Locale(timezone="UTC", default_region="KE"),
            "io_manager": dg.mem_io_manager,
        },
    )
    assert result.success and all(e.passed for e in result.get_asset_check_evaluations())
    sheet = openpyxl.load_workbook(workbook)[MESSAGES.name]
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_a_removed_reaction_leaves_no_emoji_row_and_a_new_emoji_replaces_the_old(tmp_path):
    thumbs = webhook("reaction")
    rows = messages_tab(tmp_path / "removed", thumbs, webhook("reaction_removed", later_s=20))
    reactions = [r for r in rows if r["Type"] == "reaction"]
    # One row, the first reaction's (the one a sheet synced in between already holds), saying it was removed.
    assert [(r["Message ID"], r["Message"]) for r in reactions] == [
        (parse_webhook(thumbs).messages[0].message_id, "reaction removed")
    ]

    rows = messages_tab(tmp_path / "changed", thumbs, webhook("reaction", later_s=30, emoji="\u2764\ufe0f"))
    assert [r["Message"] for r in rows if r["Type"] == "reaction"] == ["\u2764\ufe0f"]


def test_reactions_of_two_people_or_to_two_messages_each_keep_their_row():
    frame = pd.DataFrame(
        {
            "message_id": ["r1", "r2", "r3", "t1"],
            "chat_id": ["c", "c", "c", "c"],
            "sender_id": ["254700000001", "254700000002", "254700000001", "254700000001"],
            "sender_name": ["Ann", "Ben", "Ann", "Ann"],
            "sent_at": pd.to_datetime(["2025-06-08 10:00", "2025-06-08 10:01", "2025-06-08 10:02", "2025-06-08 10:03"]),
            "kind": ["reaction", "reaction", "reaction", "text"],
            "text": ["\U0001f44d", "\U0001f44d", "\U0001f602", "ok"],
            "reply_to": ["m1", "m1", "m2", "m1"],
        }
    )
    assert fold_reactions(frame).equals(frame)
