"""Rows of the Deliveries and Customers tabs from what the receiver landed over real HTTP."""

import json
from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from wa_pipeline.sheets.tabs.customers import CUSTOMERS_COLUMNS, build_customer_rows
from wa_pipeline.sheets.tabs.deliveries import DELIVERIES_COLUMNS, build_delivery_rows
from wa_pipeline.store.contacts import ContactStore
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.events import EventStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.chat_export import parse_chat_export
from wa_pipeline.whatsapp.identities import export_sightings, message_customer_keys
from wa_pipeline.whatsapp.webhook_app import create_webhook_app
from wa_pipeline_tests.whatsapp.test_cloud_api import wamid
from wa_pipeline_tests.whatsapp.test_identities import EXPORT
from wa_pipeline_tests.whatsapp.test_webhook_app import SECRET, TOKEN, serving, signed

pytestmark = pytest.mark.timeout(300)
PAYLOADS = Path(__file__).resolve().parent / "payloads"
TZ = ZoneInfo("Africa/Nairobi")


@pytest.fixture
def world(tmp_path):
    db = tmp_path / "landing.sqlite3"
    store, events, contacts = SqliteLandingStore(db), EventStore(db), ContactStore(db)
    app = create_webhook_app(
        store, DeadLetterQueue(db), app_secret=SECRET, verify_token=TOKEN, events=events, contacts=contacts
    )
    with serving(app) as url:

        def post(name: str, edit=None) -> None:
            payload = json.loads((PAYLOADS / f"{name}.json").read_text())
            if edit:
                edit(payload["entry"][0]["changes"][0]["value"])
            raw = json.dumps(payload).encode()
            assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw), timeout=60).status_code == 200

        yield store, events, contacts, post


def test_deliveries_join_statuses_that_came_first_to_their_message_with_timings_cost_and_failure(world):
    store, events, _, post = world
    post("status_read_pricing")  # delivered and read for echo-1, before the echo itself

    def failed(value):
        value["statuses"] = [
            {
                "id": wamid("echo-2"),
                "status": "failed",
                "timestamp": "1749416570",
                "recipient_id": "16505551234",
                "errors": [{"code": 131047, "title": "Re-engagement message", "error_data": {"details": "24h"}}],
            },
            {"id": "wamid.never-landed", "status": "sent", "timestamp": "1749416580", "recipient_id": "1"},
        ]

    post("status_read_pricing", failed)
    before = build_delivery_rows(events.status_history(), {}, TZ)
    assert [r["chat"] for r in before] == ["", "", ""]  # kept, though no message is known yet
    post("smb_message_echoes")
    messages = {m.message_id: m for m in store.iter_messages()}
    rows = {r["message_id"]: r for r in build_delivery_rows(events.status_history(), messages, TZ)}
    assert all(tuple(r) == DELIVERIES_COLUMNS for r in rows.values())
    read = rows[wamid("echo-1")]
    assert (read["status"], read["seconds_to_delivered"], read["seconds_to_read"]) == ("read", 10.0, 30.0)
    assert (read["text"], read["chat"]) == ("Yes, we have it in blue and green.", "16505551234")
    assert (read["pricing_category"], read["billable"], read["sent_at"]) == ("service", False, "2025-06-09 00:01:40")
    lost = rows[wamid("echo-2")]
    assert lost["status"] == "failed" and lost["seconds_to_delivered"] == ""
    assert lost["failure"] == (
        "more than 24 hours since the customer last wrote: only a template can reopen the chat (Meta error 131047)"
    )
    assert rows["wamid.never-landed"]["text"] == "" and rows["wamid.never-landed"]["status"] == "sent"


def test_a_customer_seen_in_an_export_by_name_then_by_webhook_with_phone_and_bsuid_is_one_customers_row(world):
    store, events, contacts, post = world
    export = parse_chat_export(EXPORT, chat_name="Sheena N.", tz=UTC).messages
    contacts.observe(export_sightings(export, region="US", business_names=["Mama Mboga Bakery"]))
    post("text_bsuid_with_phone")  # "Sheena N.", +16505551234, BSUID

    def with_ad(value):
        value["contacts"][0]["profile"]["name"] = "Sheena N."
        value["messages"][0]["from"] = "16505551234"

    post("text_from_ad", with_ad)
    post("user_preferences")

    def of_message(message):
        return contacts.customer_of(**message_customer_keys(message, "US"))

    def of_event(event):
        return contacts.customer_of(phone=f"+{event.customer}")

    rows = build_customer_rows(
        contacts.customers(), [*export, *store.iter_messages()], events.events("consent"), of_message, of_event, TZ
    )
    assert all(tuple(r) == CUSTOMERS_COLUMNS for r in rows)
    [sheena] = [r for r in rows if r["phone"] == "+16505551234"]
    assert len([r for r in rows if "Sheena" in r["name"] + r["other_names"]]) == 1
    assert (sheena["name"], sheena["user_id"]) == ("Sheena N.", "US.13491208655302741918")
    assert sheena["first_contact"] == "2024-11-16 12:15:00"  # the export's first message, in Nairobi time
    assert sheena["chats"] == 2  # the exported chat and the Cloud API chat
    assert sheena["marketing"].startswith("stopped 2025-06-09")
    assert sheena["first_ad"] == "Mama Mboga Bakery (ad 120226305854810726)"
    assert sheena["link_confidence"] == 0.6
