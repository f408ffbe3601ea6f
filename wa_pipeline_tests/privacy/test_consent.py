"""The consent ledger from both sources, and the rule that flags a business message sent after an opt-out."""

import dataclasses
from datetime import timedelta
from pathlib import Path

from wa_pipeline.privacy.consent import CONSENT_COLUMNS, consent_ledger, consent_rows, sent_after_opt_out
from wa_pipeline.whatsapp.cloud_api import parse_webhook
from wa_pipeline_tests.privacy.test_forget import RECEIVED_AT, webhook

PAYLOADS = Path(__file__).resolve().parents[1] / "whatsapp" / "payloads"
PHONE_NUMBER_ID = "106540352242922"


def customer_says(wamid: str, text: str, timestamp: int):
    return parse_webhook(webhook(wamid, text, str(timestamp)), now=RECEIVED_AT).messages[0]


def business_says(wamid: str, timestamp: int):
    message = customer_says(wamid, "New offers this week!", timestamp)
    return dataclasses.replace(message, sender_id=PHONE_NUMBER_ID, sender_name="Duka Hardware")


def test_user_preferences_stop_is_an_opt_out_with_its_time_and_source():
    parsed = parse_webhook((PAYLOADS / "user_preferences.json").read_bytes(), now=RECEIVED_AT)
    ledger = consent_ledger(parsed.events, [])
    assert [(e.customer, e.state, e.source) for e in ledger] == [("+16505551234", "opted_out", "user_preferences")]
    assert ledger[0].at.timestamp() == 1749417000
    assert consent_rows(ledger)[0][CONSENT_COLUMNS.index("state")] == "opted_out"


def test_a_business_message_after_a_stop_message_is_flagged_until_the_customer_opts_back_in():
    t = 1795176000
    messages = [
        business_says("wamid.b1", t),
        customer_says("wamid.c1", "I'll stop by tomorrow", t + 60),  # not an opt-out
        business_says("wamid.b2", t + 120),
        customer_says("wamid.c2", "STOP", t + 180),
        business_says("wamid.b3", t + 240),
        customer_says("wamid.c3", "start", t + 300),
        business_says("wamid.b4", t + 360),
    ]
    ledger = consent_ledger([], messages)
    assert [(e.state, e.source, e.reference) for e in ledger] == [
        ("opted_out", "message", "wamid.c2"),
        ("opted_in", "message", "wamid.c3"),
    ]
    assert ledger[0].customer == "+254733111222"
    assert ledger[1].at - ledger[0].at == timedelta(minutes=2)
    assert sent_after_opt_out(ledger, messages) == ["wamid.b3"]
