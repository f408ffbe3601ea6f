"""Rows of the Deliveries and Customers tabs from what the receiver landed over real HTTP."""

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from wa_pipeline.privacy.consent import consent_ledger
from wa_pipeline.sheets.tabs.customers import CUSTOMERS, consent_by_customer, customer_key, customer_records
from wa_pipeline.sheets.tabs.deliveries import DELIVERIES, delivery_records
from wa_pipeline.store.contacts import ContactStore
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.events import EventStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.chat_export import parse_chat_export
from wa_pipeline.whatsapp.identities import export_sightings, message_customer_keys
from wa_pipeline.whatsapp.webhook_app import create_webhook_app
from wa_pipeline_tests.whatsapp.test_cloud_api import wamid
from wa_pipeline_tests.whatsapp.test_identities import EXPORT
from wa_pipeline_tests.whatsapp.test_webhook_app import SECRET, TOKEN, serving, signed, wait_landed

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
            wait_landed(app)

        yield store, events, contacts, post


def deliveries(events, messages, **pricing) -> dict[str, dict]:
    records = delivery_records(events.status_history(), messages, **pricing)
    rows = DELIVERIES.rows(records, TZ)
    assert tuple(rows.columns) == DELIVERIES.columns
    return {row["message_id"]: row for row in rows.to_dict("records")}


def test_deliveries_join_statuses_that_came_first_to_their_message_with_times_cost_and_failure(world):
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
                "pricing": {"billable": True, "pricing_model": "PMP", "category": "marketing", "type": "regular"},
            },
            {"id": "wamid.never-landed", "status": "sent", "timestamp": "1749416580", "recipient_id": "1"},
        ]

    post("status_read_pricing", failed)
    before = deliveries(events, {})
    # Kept, though no message is known yet, in the chat of the customer each status names.
    assert [r["chat"] for r in before.values()] == ["16505551234", "16505551234", "1"]
    post("smb_message_echoes")
    messages = {m.message_id: m for m in store.iter_messages()}
    rows = deliveries(events, messages, rates={"marketing": 0.0225}, currency="USD")
    read = rows[wamid("echo-1")]
    # Times are the business's local wall time, as date-time cells.
    assert read["sent_at"] == datetime(2025, 6, 9, 0, 1, 40)
    assert (read["delivered_at"], read["read_at"]) == (datetime(2025, 6, 9, 0, 1, 50), datetime(2025, 6, 9, 0, 2, 10))
    assert (read["status"], read["failed_at"], read["error_code"]) == ("read", None, None)
    assert (read["text"], read["chat"]) == ("Yes, we have it in blue and green.", "16505551234")
    # A free service message costs nothing, in the rate card's currency.
    assert (read["pricing_category"], read["billable"], read["cost"], read["currency"]) == (
        "service",
        False,
        0.0,
        "USD",
    )
    lost = rows[wamid("echo-2")]
    assert lost["status"] == "failed" and lost["delivered_at"] is None and lost["error_code"] == 131047
    assert lost["failure"] == (
        "more than 24 hours since the customer last wrote: only a template can reopen the chat (Meta error 131047)"
    )
    assert (lost["billable"], lost["cost"], lost["currency"]) == (True, 0.0225, "USD")
    unknown = rows["wamid.never-landed"]
    assert (unknown["text"], unknown["status"], unknown["cost"], unknown["currency"]) == ("", "sent", None, "")
    # The echo no status was reported for is still a message the business sent.
    assert rows.keys() == {wamid("echo-1"), wamid("echo-2"), "wamid.never-landed"}
    with_unreported = delivery_records(events.status_history(), messages, [messages[wamid("echo-3")]])
    assert with_unreported.set_index("message_id").loc[wamid("echo-3"), "status"] == ""


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
    owners = contacts.key_owners()

    def of_message(message):
        return owners.get(customer_key(**message_customer_keys(message, "US")))

    from_customers = [m for m in [*export, *store.iter_messages()] if m.sender_name != "Mama Mboga Bakery"]
    consent = consent_by_customer(consent_ledger(events.events("consent"), []), owners.get)
    records = customer_records(
        contacts.customers(), from_customers, of_message, consent, datetime(2024, 1, 1, tzinfo=UTC), datetime.now(UTC)
    )
    rows = CUSTOMERS.rows(records, TZ).to_dict("records")
    [sheena] = [r for r in rows if r["phone"] == "+16505551234"]
    assert len([r for r in rows if "Sheena" in r["name"] + r["other_names"]]) == 1
    assert (sheena["name"], sheena["user_id"]) == ("Sheena N.", "US.13491208655302741918")
    assert sheena["first_contact"] == datetime(2024, 11, 16, 12, 15)  # the export's first message, in Nairobi time
    assert (sheena["chats"], sheena["messages"]) == (2, 4)  # the exported chat and the Cloud API chat
    assert (sheena["consent"], sheena["consent_changed"].date().isoformat()) == ("opted out", "2025-06-09")
    assert sheena["first_ad"] == "Mama Mboga Bakery (ad 120226305854810726)"
    assert sheena["link_confidence"] == 0.6
    # The unsaved number of the export is a customer of its own, of whose consent nothing is known.
    [other] = [r for r in rows if r["phone"] == "+12125557890"]
    assert (other["messages"], other["consent"]) == (1, "unknown")


def test_a_failed_status_for_a_message_sent_from_another_tool_is_in_the_recipients_chat(world):
    # The business sent wamid.elsewhere-1 from another tool: only its failed status ever arrives.
    store, events, _, post = world

    def failed(value):
        value["statuses"] = [
            {
                "id": "wamid.elsewhere-1",
                "status": "failed",
                "timestamp": "1749416570",
                "recipient_id": "16505551234",
                "errors": [{"code": 131026, "title": "Message undeliverable"}],
            },
            {"id": "wamid.elsewhere-2", "status": "failed", "timestamp": "1749416571", "recipient_id": "16505550000"},
        ]

    post("status_read_pricing", failed)
    post("smb_message_echoes")
    # The chat goes by the name the business's own messages to that customer carry, as the lander names it.
    named = {
        m.message_id: dataclasses.replace(m, chat_name="Test Customer")
        for m in store.iter_messages()
        if m.chat_id.endswith(":16505551234")
    }
    rows = deliveries(events, named)
    assert rows["wamid.elsewhere-1"]["chat"] == "Test Customer"
    assert rows["wamid.elsewhere-1"]["failure"].endswith("(Meta error 131026)")
    # A customer the business never wrote to here: the name the customers store knows, else the number.
    assert rows["wamid.elsewhere-2"]["chat"] == "16505550000"
    records = delivery_records(events.status_history(), {}, name_of={"16505550000": "Other Customer"}.get)
    assert records.set_index("message_id").loc["wamid.elsewhere-2", "chat"] == "Other Customer"
