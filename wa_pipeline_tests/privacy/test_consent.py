"""The consent ledger from both sources, and the rule that flags a business message sent after an opt-out."""

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

from wa_pipeline.privacy.consent import (
    consent_frame,
    consent_ledger,
    sent_after_opt_out,
)
from wa_pipeline.sheets.tabs.customers import consent_by_customer
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
    frame = consent_frame(ledger)
    assert frame["state"].tolist() == ["opted_out"] and frame["at"].iloc[0].timestamp() == 1749417000


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
    # The customer's words travel with the entry (the Consent tab shows them).
    assert [e.text for e in ledger] == ["STOP", "start"]


def test_each_customers_latest_word_is_their_consent_status_under_the_id_the_caller_resolves():
    t = 1795176000
    ledger = consent_ledger(
        [],
        [
            customer_says("wamid.c1", "STOP", t),
            customer_says("wamid.c2", "start", t + 60),
            dataclasses.replace(customer_says("wamid.d1", "unsubscribe", t + 30), chat_id="wa:1:254700000001"),
        ],
    )
    by_phone = consent_by_customer(ledger, lambda key: key)
    assert {customer: entry.state for customer, entry in by_phone.items()} == {
        "phone:+254733111222": "opted_in",
        "phone:+254700000001": "opted_out",
    }
    known = {"phone:+254733111222": "cust_1"}
    by_id = consent_by_customer(ledger, known.get)
    assert {customer: entry.reference for customer, entry in by_id.items()} == {"cust_1": "wamid.c2"}


def test_the_days_consent_ledger_reaches_the_consent_tab_from_both_sources(tmp_path, landing_target):
    import dagster as dg

    from wa_pipeline.defs._shared.parquet_io_manager import ParquetFrameIOManager
    from wa_pipeline.defs.nlp.resources import NlpSettings
    from wa_pipeline.defs.resources import Locale, PipelineStorage, WorkbookSinkResource
    from wa_pipeline.sheets.tabs.consent import CONSENT
    from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink
    from wa_pipeline.store.events import EventStore
    from wa_pipeline.store.landing_factory import open_landing_store
    from wa_pipeline_tests.daily_defs import daily_def

    consent_ledger_asset, consent_sheet = daily_def("consent_ledger"), daily_def("consent_sheet")
    consent_sheet_reconciled = daily_def("consent_sheet_reconciled")

    data = tmp_path / "data"
    # On PostgreSQL the webhook receiver keeps the events beside the messages, where the ledger must read them.
    url = None if isinstance(landing_target, Path) else landing_target
    landing = open_landing_store(url or data / "landing.sqlite3")
    # 2025-06-08, the day of the user_preferences payload: her STOP at 21:20 UTC, and a "stop by" that is no opt-out.
    landing.add_messages(
        [customer_says("wamid.c9", "STOP", 1749417600), customer_says("wamid.c8", "I'll stop by", 1749400000)]
    )
    EventStore(landing.database()).add(
        parse_webhook((PAYLOADS / "user_preferences.json").read_bytes(), now=RECEIVED_AT).events
    )
    result = dg.materialize(
        [consent_ledger_asset, consent_sheet, consent_sheet_reconciled],
        partition_key="2025-06-08",
        resources={
            "storage": PipelineStorage(data_dir=str(data), landing_url=url),
            "locale": Locale(timezone="UTC", default_region="KE"),
            "sheet_sink": WorkbookSinkResource(path=str(data / "out.xlsx")),
            "io_manager": ParquetFrameIOManager(data_dir=str(data)),
            "nlp": NlpSettings(),
        },
    )
    assert result.success
    metadata = result.asset_materializations_for_node("consent_ledger")[0].metadata
    assert metadata["opt_outs"].value == 2 and metadata["opt_ins"].value == 0
    [check] = result.get_asset_check_evaluations()
    assert check.passed
    rows = WorkbookSink(data / "out.xlsx").read_tab(CONSENT.name).records()
    column = CONSENT.header
    assert [(r[column("customer")], r[column("change")], r[column("source")], r[column("message")]) for r in rows] == [
        ("+16505551234", "opted out", "WhatsApp marketing setting", ""),
        ("+254733111222", "opted out", "customer's message", "STOP"),
    ]


def test_a_customer_known_by_bsuid_alone_who_says_stop_is_one_customer_in_the_ledger_and_flags():
    # Meta's user_preferences for a user who hides their number: the BSUID, no wa_id.
    bsuid = "US.13491208655302741918"
    body = json.loads((PAYLOADS / "user_preferences.json").read_text())
    value = body["entry"][0]["changes"][0]["value"]
    value["contacts"] = [{"profile": {"name": "Sheena Nelson"}, "user_id": bsuid}]
    preference = value["user_preferences"][0]
    del preference["wa_id"]
    preference["user_id"] = bsuid
    parsed = parse_webhook(json.dumps(body).encode(), now=RECEIVED_AT)
    after = preference["timestamp"] + 3600
    offer = dataclasses.replace(
        business_says("wamid.b9", after), chat_id=f"wa:{PHONE_NUMBER_ID}:{bsuid}", chat_name="Sheena Nelson"
    )
    ledger = consent_ledger(parsed.events, [offer])
    assert [(e.customer, e.state) for e in ledger] == [(bsuid, "opted_out")]
    # The business's offer in that customer's chat, after the opt-out, is the one the check names.
    assert sent_after_opt_out(ledger, [offer]) == ["wamid.b9"]
    by_key = consent_by_customer(ledger, lambda key: key)
    assert list(by_key) == [f"bsuid:{bsuid}"]
