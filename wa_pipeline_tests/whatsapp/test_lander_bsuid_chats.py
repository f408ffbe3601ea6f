"""One customer, one chat across the BSUID rollout: a message naming the customer by business-scoped user id only
lands in the chat of the number Meta showed beside that id before (payload shapes of Meta's BSUID reference)."""

import json
from datetime import UTC, datetime

import httpx
import pytest

from wa_pipeline.message import Sighting
from wa_pipeline.sheets.tabs.customers import CUSTOMERS, customer_records
from wa_pipeline.store.contacts import ContactStore, chat_keys_of, names_of
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.store.webhook_inbox import WebhookInbox
from wa_pipeline.whatsapp.group_commit import GroupCommitWriter
from wa_pipeline.whatsapp.lander import Lander
from wa_pipeline.whatsapp.webhook_app import create_webhook_app
from wa_pipeline_tests.whatsapp.test_webhook_app import SECRET, TOKEN, serving, signed

META = {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"}
PHONE = "16505551234"
BSUID = "US.13491208655302741918"
PARENT = "US.ENT.11815799212886844830"
PHONE_CHAT = f"wa:{META['phone_number_id']}:{PHONE}"
BSUID_CHAT = f"wa:{META['phone_number_id']}:{BSUID}"
NOW = datetime(2026, 12, 6, tzinfo=UTC)
T0 = int(datetime(2026, 12, 5, 6, 15, tzinfo=UTC).timestamp())
DAY = (datetime(2026, 12, 5, tzinfo=UTC), datetime(2026, 12, 6, tzinfo=UTC))


def body(field: str, value: dict) -> bytes:
    value = {"messaging_product": "whatsapp", "metadata": META, **value}
    entry = {"id": "102290129340398", "changes": [{"field": field, "value": value}]}
    return json.dumps({"object": "whatsapp_business_account", "entry": [entry]}).encode()


def with_phone(wamid: str, at: int, text: str, name: str = "Sheena N.") -> bytes:
    # While the number is shown, Meta sends it (wa_id, from) beside the BSUID (user_id, from_user_id).
    contact = {"profile": {"name": name}, "wa_id": PHONE, "user_id": BSUID, "parent_user_id": PARENT}
    message = {"from": PHONE, "from_user_id": BSUID, "from_parent_user_id": PARENT, "id": wamid}
    message |= {"timestamp": str(at), "type": "text", "text": {"body": text}}
    return body("messages", {"contacts": [contact], "messages": [message]})


def bsuid_only(
    wamid: str, at: int, text: str, user: str = BSUID, name: str | None = "Sheena N.", username: str = "@sheena"
) -> bytes:
    # A user who adopted a username and hides the number: no wa_id, no from.
    profile = {"username": username} | ({"name": name} if name else {})
    contact = {"profile": profile, "user_id": user}
    message = {"from_user_id": user, "id": wamid, "timestamp": str(at), "type": "text", "text": {"body": text}}
    return body("messages", {"contacts": [contact], "messages": [message]})


def phone_only(wamid: str, at: int, text: str, phone: str, name: str) -> bytes:
    contact = {"profile": {"name": name}, "wa_id": phone}
    message = {"from": phone, "id": wamid, "timestamp": str(at), "type": "text", "text": {"body": text}}
    return body("messages", {"contacts": [contact], "messages": [message]})


def owner_replies_by_bsuid(wamid: str, at: int, text: str) -> bytes:
    echo = {"from": META["display_phone_number"], "to_user_id": BSUID, "id": wamid, "timestamp": str(at)}
    return body("smb_message_echoes", {"message_echoes": [{**echo, "type": "text", "text": {"body": text}}]})


def land(tmp_path, batches: list[list[bytes]]) -> SqliteLandingStore:
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    lander = Lander(WebhookInbox(tmp_path / "inbox.sqlite3"), GroupCommitWriter(store, DeadLetterQueue(store.path)))
    for bodies in batches:
        lander.inbox.append((raw, NOW) for raw in bodies)
        while lander.land_once() != (0, 0):
            pass
    return store


def chats(store: SqliteLandingStore) -> dict[str, str]:
    return {m.message_id: m.chat_id for m in store.iter_messages()}


def test_a_bsuid_only_message_after_one_with_phone_and_bsuid_lands_in_the_phone_chat(tmp_path):
    store = land(
        tmp_path,
        [[with_phone("wamid.P1", T0, "Is the blue one in stock?")], [bsuid_only("wamid.U1", T0 + 600, "and red?")]],
    )
    assert chats(store) == {"wamid.P1": PHONE_CHAT, "wamid.U1": PHONE_CHAT}
    later = {m.message_id: m for m in store.iter_messages()}["wamid.U1"]
    # One customer, one sender: the sheet shows the same sender and chat name on both lines.
    assert (later.sender_id, later.chat_name, later.sender_name) == (PHONE, "Sheena N.", "Sheena N.")


def test_the_same_holds_inside_one_batch_and_for_the_owners_reply_by_bsuid(tmp_path):
    store = land(
        tmp_path,
        [
            [
                with_phone("wamid.P1", T0, "hello"),
                bsuid_only("wamid.U1", T0 + 60, "still there?"),
                owner_replies_by_bsuid("wamid.B1", T0 + 120, "yes, 2 left"),
            ]
        ],
    )
    assert chats(store) == {"wamid.P1": PHONE_CHAT, "wamid.U1": PHONE_CHAT, "wamid.B1": PHONE_CHAT}
    reply = {m.message_id: m for m in store.iter_messages()}["wamid.B1"]
    assert (reply.sender_id, reply.chat_name) == (META["phone_number_id"], "Sheena N.")


def test_a_customer_first_seen_by_bsuid_alone_keeps_the_bsuid_chat_and_landed_rows_keep_theirs(tmp_path):
    # First known by BSUID: their chat is the BSUID's, and a number learned later does not move it. The message
    # that shows the number is filed under it, as Meta shows it; Meta's redelivery of the first adds nothing.
    first = bsuid_only("wamid.U1", T0, "hi, it's Sheena")
    store = land(
        tmp_path,
        [
            [first],
            [with_phone("wamid.P1", T0 + 60, "my number is on now")],
            [first],
            [bsuid_only("wamid.U2", T0 + 120, ".")],
        ],
    )
    assert chats(store) == {"wamid.U1": BSUID_CHAT, "wamid.P1": PHONE_CHAT, "wamid.U2": BSUID_CHAT}
    assert store.count() == 3


def test_inside_one_batch_the_first_sighting_decides_as_the_store_would(tmp_path):
    bodies = [
        bsuid_only("wamid.U1", T0, "hi"),
        with_phone("wamid.P1", T0 + 60, "+"),
        bsuid_only("wamid.U2", T0 + 90, "."),
    ]
    assert chats(land(tmp_path, [bodies])) == chats(land(tmp_path / "apart", [[b] for b in bodies]))


def test_a_message_with_phone_and_bsuid_in_the_same_body_as_the_bsuid_only_one_decides_for_it(tmp_path):
    both = json.loads(with_phone("wamid.P1", T0, "hello"))
    later = json.loads(bsuid_only("wamid.U1", T0 + 60, "?"))["entry"][0]["changes"][0]["value"]
    value = both["entry"][0]["changes"][0]["value"]
    value["messages"] = later["messages"] + value["messages"]
    store = land(tmp_path, [[json.dumps(both).encode()]])
    assert chats(store) == {"wamid.P1": PHONE_CHAT, "wamid.U1": PHONE_CHAT}


@pytest.mark.parametrize("number_first", [False, True])
def test_a_number_linked_by_name_only_does_not_move_a_bsuid_chat(tmp_path, number_first):
    # Another person with the same profile name and a number: the customers table links them at 0.6, a guess.
    by_bsuid = [bsuid_only("wamid.U1", T0, "hi", name="Bob")]
    by_number = [phone_only("wamid.X1", T0 + 60, "hello", phone="254700111222", name="Bob")]
    store = land(
        tmp_path,
        [
            *([by_number, by_bsuid] if number_first else [by_bsuid, by_number]),
            [bsuid_only("wamid.U2", T0 + 120, "me again", name="Bob")],
        ],
    )
    assert chats(store)["wamid.U2"] == BSUID_CHAT


@pytest.mark.parametrize("one_batch", [False, True])
def test_a_changed_bsuid_without_a_number_stays_in_the_first_bsuid_chat(tmp_path, one_batch):
    new = "US.99990000111122223333"
    change = {"from_user_id": new, "id": "wamid.S1", "timestamp": str(T0 + 60), "type": "system"}
    change["system"] = {"body": "User changed", "type": "user_changed_user_id", "user_id": new}
    change["system"] |= {"previous_user_id": BSUID}
    later = [body("messages", {"messages": [change]}), bsuid_only("wamid.U2", T0 + 120, "new id, same me", user=new)]
    store = land(tmp_path, [[bsuid_only("wamid.U1", T0, "hi")], *([later] if one_batch else [[b] for b in later])])
    # The notice of the change too: it is the customer's, in their chat.
    assert (chats(store)["wamid.S1"], chats(store)["wamid.U2"]) == (BSUID_CHAT, BSUID_CHAT)


def test_chat_keys_of_reads_the_first_strong_key(tmp_path):
    contacts = ContactStore(tmp_path / "landing.sqlite3")
    at = datetime(2026, 12, 5, tzinfo=UTC)
    later = datetime(2026, 12, 6, tzinfo=UTC)
    other = "US.22220000111122223333"
    contacts.observe([Sighting(source="cloud_api", seen_at=at, user_id=BSUID)])
    contacts.observe([Sighting(source="cloud_api", seen_at=later, phone=f"+{PHONE}", user_id=BSUID)])
    contacts.observe([Sighting(source="cloud_api", seen_at=at, phone="+16505550002", user_id=other)])
    asked = {BSUID, other, "US.00000000000000000000"}
    # BSUID: first known alone; other: shown with the number from the start; the third: unknown.
    assert chat_keys_of(contacts._db, asked) == {BSUID: BSUID, other: "16505550002"}


def test_with_acknowledge_landed_a_bsuid_only_message_joins_the_phone_chat_too(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    app = create_webhook_app(
        store, DeadLetterQueue(store.path), app_secret=SECRET, verify_token=TOKEN, acknowledge="landed"
    )
    with serving(app) as url:
        for raw in (with_phone("wamid.P1", T0, "hello"), bsuid_only("wamid.U1", T0 + 60, "?")):
            assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw), timeout=30).status_code == 200
    assert chats(store) == {"wamid.P1": PHONE_CHAT, "wamid.U1": PHONE_CHAT}


def test_a_customers_username_is_shown_on_their_row_and_is_never_taken_for_a_name(tmp_path):
    store = land(
        tmp_path,
        [
            [with_phone("wamid.P1", T0, "Is the blue one in stock?")],
            [bsuid_only("wamid.U1", T0 + 600, "and red?")],
            [bsuid_only("wamid.U2", T0 + 1200, "new handle, same me", username="@sheena.k")],
        ],
    )
    contacts = ContactStore(store.database())
    [sheena] = contacts.customers()
    assert sheena["names"] == [("Sheena N.", "cloud_api")]
    # Kept as Meta's rules write a username, without the "@" some senders add (a formula trigger in a cell).
    assert sheena["usernames"] == ["sheena", "sheena.k"]
    # What names her chat and her messages on the sheet stays her profile name.
    assert names_of(store.database(), f"bsuid:{BSUID}") == ["Sheena N."]
    records = customer_records([sheena], list(store.iter_messages()), lambda m: sheena["customer_id"], {}, *DAY)
    [row] = CUSTOMERS.rows(records, UTC).to_dict("records")
    # The one her business's app shows now, as it shows it instead of her hidden number.
    assert (row["name"], row["other_names"], row["username"]) == ("Sheena N.", "", "sheena.k")


def test_a_user_who_shows_no_profile_name_has_a_chat_named_by_their_username(tmp_path):
    store = land(tmp_path, [[bsuid_only("wamid.U1", T0, "hi", name=None, username="kip.wanjiru")]])
    [message] = store.iter_messages()
    assert (message.chat_id, message.chat_name) == (BSUID_CHAT, "kip.wanjiru")


def test_a_delivery_receipt_that_names_the_recipients_username_records_it(tmp_path):
    # Meta adds the recipient's contact, username included, to delivered and read statuses.
    status = {"id": "wamid.B1", "status": "delivered", "timestamp": str(T0 + 60), "recipient_id": PHONE}
    status |= {"recipient_user_id": BSUID}
    contact = {"profile": {"name": "Sheena N.", "username": "sheena"}, "wa_id": PHONE, "user_id": BSUID}
    store = land(
        tmp_path,
        [[with_phone("wamid.P1", T0, "hello")], [body("messages", {"contacts": [contact], "statuses": [status]})]],
    )
    [sheena] = ContactStore(store.database()).customers()
    assert (sheena["phones"], sheena["usernames"]) == (["+" + PHONE], ["sheena"])
