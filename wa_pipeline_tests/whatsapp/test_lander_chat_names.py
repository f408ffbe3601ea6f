"""The owner's replies sent from the Business app sit under the customer's name, as the customer's messages do."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx

from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.store.webhook_inbox import WebhookInbox
from wa_pipeline.whatsapp.chat_export import parse_chat_export
from wa_pipeline.whatsapp.group_commit import GroupCommitWriter
from wa_pipeline.whatsapp.lander import Lander
from wa_pipeline.whatsapp.webhook_app import create_webhook_app
from wa_pipeline_tests.whatsapp.test_webhook_app import SECRET, TOKEN, serving, signed

META = {"display_phone_number": "254711000999", "phone_number_id": "109876543210001"}
CUSTOMER = "254733222002"
NOW = datetime(2026, 12, 6, tzinfo=UTC)
T0 = int(datetime(2026, 12, 5, 6, 15, tzinfo=UTC).timestamp())


def body(field: str, value: dict) -> bytes:
    value = {"messaging_product": "whatsapp", "metadata": META, **value}
    entry = {"id": "WABA1", "changes": [{"field": field, "value": value}]}
    return json.dumps({"object": "whatsapp_business_account", "entry": [entry]}).encode()


def customer_writes(wamid: str, at: int, text: str) -> bytes:
    contacts = [{"profile": {"name": "Jean-Luc"}, "wa_id": CUSTOMER}]
    message = {"from": CUSTOMER, "id": wamid, "timestamp": str(at), "type": "text", "text": {"body": text}}
    return body("messages", {"contacts": contacts, "messages": [message]})


def owner_replies(wamid: str, at: int, text: str, to: str = CUSTOMER) -> bytes:
    echo = {"from": META["display_phone_number"], "to": to, "id": wamid, "timestamp": str(at), "type": "text"}
    return body("smb_message_echoes", {"message_echoes": [{**echo, "text": {"body": text}}]})


def land(tmp_path, batches: list[list[bytes]]) -> dict[str, str | None]:
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    lander = Lander(WebhookInbox(tmp_path / "inbox.sqlite3"), GroupCommitWriter(store, DeadLetterQueue(store.path)))
    for bodies in batches:
        lander.inbox.append((raw, datetime(2026, 12, 6, tzinfo=UTC)) for raw in bodies)
        while lander.land_once() != (0, 0):
            pass
    return {m.message_id: m.chat_name for m in store.iter_messages()}


def test_a_reply_landed_after_the_customers_message_takes_the_customers_name(tmp_path):
    names = land(
        tmp_path,
        [[customer_writes("wamid.C1", T0, "je voudrais 2 sacs")], [owner_replies("wamid.B1", T0 + 60, "3500 KES")]],
    )
    assert names == {"wamid.C1": "Jean-Luc", "wamid.B1": "Jean-Luc"}


def test_a_reply_landed_in_the_same_batch_as_the_customers_message_takes_the_customers_name(tmp_path):
    names = land(
        tmp_path, [[customer_writes("wamid.C1", T0, "bonjour"), owner_replies("wamid.B1", T0 + 60, "bonjour!")]]
    )
    assert names["wamid.B1"] == "Jean-Luc"


def test_a_reply_to_a_customer_never_heard_from_keeps_the_number(tmp_path):
    names = land(
        tmp_path,
        [[customer_writes("wamid.C1", T0, "bonjour")], [owner_replies("wamid.B2", T0 + 60, "hi", to="254744333003")]],
    )
    assert names["wamid.B2"] == "254744333003"


def test_a_shared_history_message_of_the_customer_is_theirs_and_matches_the_imported_export(tmp_path):
    # Onboarding with history sharing after importing an export: Meta's history threads name no one.
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    exported = parse_chat_export(
        "01/12/2026, 09:15 - Jean-Luc: Vous avez des sacs noirs ?\n",
        chat_name="Jean-Luc",
        tz=ZoneInfo("Africa/Nairobi"),
    ).messages
    store.add_messages(exported)
    at = int(datetime(2026, 12, 1, 6, 15, 20, tzinfo=UTC).timestamp())
    said = {"from": CUSTOMER, "id": "wamid.H1", "timestamp": str(at), "type": "text"}
    thread = {"id": CUSTOMER, "messages": [{**said, "text": {"body": "Vous avez des sacs noirs ?"}}]}
    history = body(
        "history", {"history": [{"metadata": {"phase": 0, "chunk_order": 1, "progress": 100}, "threads": [thread]}]}
    )
    lander = Lander(WebhookInbox(tmp_path / "inbox.sqlite3"), GroupCommitWriter(store, DeadLetterQueue(store.path)))
    lander.inbox.append([(customer_writes("wamid.C1", T0, "bonjour"), NOW), (history, NOW)])
    while lander.land_once() != (0, 0):
        pass
    assert store.cross_source_duplicates() == [("wamid.H1", exported[0].message_id)]
    assert store.count() == 2


def test_with_acknowledge_landed_a_reply_takes_the_customers_name_too(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    app = create_webhook_app(
        store, DeadLetterQueue(store.path), app_secret=SECRET, verify_token=TOKEN, acknowledge="landed"
    )
    with serving(app) as url:
        for raw in (customer_writes("wamid.C1", T0, "bonjour"), owner_replies("wamid.B1", T0 + 60, "bonjour!")):
            assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw), timeout=30).status_code == 200
    assert {m.message_id: m.chat_name for m in store.iter_messages()} == {
        "wamid.C1": "Jean-Luc",
        "wamid.B1": "Jean-Luc",
    }
