"""Shapes found in public Cloud API payloads (pywa's recorded updates, Meta's references) that our own fixtures
missed, delivered as Meta delivers them: a signed POST, the inbox, the lander. Content and ids are invented."""

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from wa_pipeline.store.contacts import ContactStore
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.events import EventStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.webhook_app import create_webhook_app
from wa_pipeline_tests.whatsapp.test_cloud_api import wamid
from wa_pipeline_tests.whatsapp.test_webhook_app import SECRET, TOKEN, meta_bytes, serving, signed, wait_landed

pytestmark = pytest.mark.timeout(300)
PAYLOADS = Path(__file__).resolve().parent / "payloads"
NUMBER_ID = "106540352242922"
CHAT = f"wa:{NUMBER_ID}:16505551234"


@pytest.fixture
def landed(tmp_path):
    """`deliver(name, edit)` posts a fixture (`edit` may change it first) signed and waits for the lander; yields
    (deliver, store, letters, contacts)."""
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    letters = DeadLetterQueue(tmp_path / "landing.sqlite3")
    contacts = ContactStore(store.database())
    app = create_webhook_app(store, letters, app_secret=SECRET, verify_token=TOKEN, contacts=contacts)
    with serving(app) as url:

        def deliver(name: str, edit=None) -> None:
            body = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
            if edit is not None:
                edit(body)
            raw = meta_bytes(body)
            response = httpx.post(f"{url}/webhook", content=raw, headers=signed(raw), timeout=60)
            assert response.status_code == 200, response.text
            wait_landed(app)

        yield deliver, store, letters, contacts


def test_errors_meta_sends_beside_an_empty_message_become_that_messages_text(landed):
    deliver, store, letters, _ = landed
    deliver("interactive_value_errors")
    message = store.get(wamid("inter-verr-1"))
    assert (message.kind, message.chat_id, message.reply_to) == ("error", CHAT, wamid("menu-1"))
    assert message.text == "Meta error 131000: Something went wrong - Unsupported webhook payload"
    assert message.flags == "interactive object is missing"
    # The change's errors are still kept whole for a person, as for any change Meta reports errors on.
    [letter] = letters.list()
    assert letter.reason == "Meta reported an error: 131000 Something went wrong"


def test_a_call_permission_reply_lands_with_the_users_answer(landed):
    deliver, store, letters, _ = landed
    deliver("interactive_call_permission")
    accepted, rejected = store.get(wamid("perm-yes-1")), store.get(wamid("perm-no-1"))
    assert (accepted.kind, accepted.text, accepted.reply_to) == (
        "interactive",
        "call permission: accept",
        wamid("perm-ask-1"),
    )
    assert (rejected.kind, rejected.text, rejected.reply_to) == (
        "interactive",
        "call permission: reject",
        wamid("perm-ask-2"),
    )
    assert letters.list() == []


@pytest.mark.parametrize(
    ("fixture", "tag", "chat"),
    [
        # No `from` at all: the notice belongs to the chat of the id the user changed from.
        ("system_user_id_no_from", "sys-uid-1", "US.70111222333444555"),
        # `from` empty and no previous id: the chat of the id the user changed to.
        ("system_user_id_empty_from", "sys-uid-2", "US.70999888777666555"),
    ],
)
def test_a_bsuid_change_notice_without_a_sender_lands_in_the_users_chat(landed, fixture, tag, chat):
    deliver, store, letters, _ = landed
    deliver(fixture)
    notice = store.get(wamid(tag))
    assert notice is not None and letters.list() == []
    assert (notice.kind, notice.chat_id, notice.sender_id) == ("system", f"wa:{NUMBER_ID}:{chat}", None)
    assert notice.text.startswith("User") and "US.70999888777666555" in notice.text


def test_a_customer_changed_number_notice_links_the_new_number_to_the_customer(landed):
    deliver, store, letters, contacts = landed
    deliver("system_customer_changed_number")
    assert letters.list() == []
    assert store.get(wamid("sys-ccn-1")).chat_id == CHAT
    # The new number in system.wa_id (webhooks v12.0 on), the old one in system.customer.
    first = contacts.customer_of(phone="+16505551234")
    assert first is not None and contacts.customer_of(phone="+16505559876") == first
    # Earlier webhooks: the new number in system.new_wa_id, the old one only in `from`.
    second = contacts.customer_of(phone="+16505552222")
    assert second not in (None, first) and contacts.customer_of(phone="+16505553333") == second


def test_a_message_kept_as_unsupported_says_why(landed):
    deliver, store, letters, _ = landed
    deliver("unsupported_reasons")
    poll, unknown = store.get(wamid("unsup-poll-1")), store.get(wamid("unknown-1"))
    assert (poll.kind, poll.text, poll.chat_id) == ("unsupported", None, CHAT)
    assert poll.flags == (
        "WhatsApp did not deliver this poll message's content:"
        " Meta error 131051: Message type unknown - Message type is currently not supported."
    )
    assert (unknown.kind, unknown.text) == ("unsupported", None)
    assert unknown.flags == (
        "message type unknown is not mapped by this version (kept in raw):"
        " Meta error 131051: Unsupported message type - Message type is not currently supported"
    )
    assert letters.list() == []


def test_a_shared_contact_keeps_its_company_and_email_addresses(landed):
    deliver, store, letters, _ = landed
    deliver("contacts_email_only")
    card = store.get(wamid("card-email-1"))
    # The company names whose card it is; email addresses follow the numbers, and reach a card that has none.
    assert (card.kind, card.text) == (
        "contacts",
        "Wanjiru Kamau (Mama Mboga Bakery): wanjiru@example.com, w.kamau@example.org\nJuma: +254 712 345678, juma@example.com",
    )
    assert letters.list() == []


def test_content_that_arrives_with_metas_errors_lands_with_them_as_a_flag(landed):
    deliver, store, letters, _ = landed
    deliver("content_with_errors")
    image, text = store.get(wamid("img-err-1")), store.get(wamid("text-err-1"))
    assert (image.kind, image.caption, image.media.remote_id) == ("image", "the receipt", "1122334455667788")
    assert image.flags == "Meta error 131052: Media download error - Unable to download the media sent by the user."
    assert (text.kind, text.text) == ("text", "Is the shop open on Sunday?")
    assert text.flags == "Meta error 0: AuthException - Unable to authenticate the app user"
    assert letters.list() == []


def test_a_payment_status_lands_as_a_payment_event_not_a_dead_letter(landed):
    deliver, store, letters, contacts = landed
    deliver("status_payment")
    deliver("status_payment")  # Meta redelivers: nothing is added twice
    events = EventStore(store.database())
    failed, captured, other = events.events("payment")
    assert letters.list() == [] and events.status_history() == []
    assert (failed.customer, failed.occurred_at) == ("16505551234", datetime(2025, 6, 8, 21, 3, 20, tzinfo=UTC))
    assert failed.summary == (
        "payment pending: inv-2041, 450.50 INR; transaction txn-88001 (upi) failed:"
        " Account balance too low (insufficient-funds)"
    )
    assert captured.summary == "payment captured: inv-2041, 450.50 INR; transaction txn-88002 (upi) success"
    assert captured.data["id"] == wamid("order-pay-1") and captured.data["payment"]["reference_id"] == "inv-2041"
    # A copy that names the customer in `from` rather than recipient_id.
    assert (other.customer, other.summary) == ("16505559876", "payment captured: inv-2042")
    assert contacts.customer_of(phone="+16505559876") is not None


def test_each_group_participants_receipt_is_kept_beside_the_messages_status(landed):
    deliver, store, letters, contacts = landed
    deliver("status_group_participants")
    deliver("status_group_participants")
    events = EventStore(store.database())
    # The message's own progress, as for any status: sent, then delivered, then read.
    history = events.status_history(wamid("grp-out-1"))
    assert [s["status"] for s in history] == ["sent", "delivered", "read"]
    # Who received and read it: one record per participant and status, the second delivery included.
    receipts = [(e.customer, e.summary) for e in events.events("group_status")]
    assert receipts == [
        ("16505551234", "delivered to 16505551234"),
        ("16505552222", "delivered to 16505552222"),
        ("16505552222", "read by 16505552222"),
    ]
    assert letters.list() == []
    assert contacts.customer_of(phone="+16505552222") is not None


def test_an_echo_sent_under_messages_lands_in_the_customers_chat_from_the_business(landed):
    deliver, store, letters, _ = landed
    deliver("smb_message_echoes_messages_key")
    echo = store.get(wamid("echo-msgkey-1"))
    assert echo is not None and letters.list() == []
    assert (echo.chat_id, echo.sender_id, echo.text) == (CHAT, NUMBER_ID, "Your table is booked for eight")


def test_a_list_this_version_does_not_map_is_kept_as_an_unknown_event(landed):
    deliver, store, letters, _ = landed
    deliver("unmapped_value_list")
    deliver("unmapped_value_list")
    assert store.get(wamid("text-unmapped-1")).text == "Is delivery free?"
    [kept] = EventStore(store.database()).events("unknown")
    assert kept.summary == "messages: message_summaries is not mapped by this version (kept whole)"
    assert kept.data == {"message_summaries": [{"id": "sum-1", "count": 3}]}
    assert letters.list() == []


def test_a_flow_reply_without_its_answers_keeps_the_body_the_user_saw(landed):
    deliver, store, letters, _ = landed
    deliver("interactive_nfm_reply_no_json")
    reply = store.get(wamid("flow-nojson-1"))
    assert (reply.kind, reply.text, reply.reply_to) == ("interactive", "Sent", wamid("flow-ask-1"))
    assert reply.flags == "nfm_reply.response_json is missing"
    assert letters.list() == []


def test_a_status_that_carries_its_recipients_contact_names_the_customer(landed):
    deliver, store, letters, contacts = landed
    deliver("status_with_contacts")
    customer = contacts.customer_of(phone="+16505553131")
    assert customer is not None and letters.list() == []
    assert (
        contacts.customer_of(name="Tendai Moyo") == customer == contacts.customer_of(user_id="US.13491208655302741999")
    )


def test_a_number_written_with_a_plus_or_a_space_is_the_same_customers_chat(landed):
    deliver, store, letters, contacts = landed
    deliver("text_number_written_out")
    plus, spaced = store.get(wamid("plus-from-1")), store.get(wamid("space-from-1"))
    assert letters.list() == []
    # One chat and one sender id for the customer, however `from` wrote the number.
    assert (plus.chat_id, plus.sender_id, plus.text) == (CHAT, "16505551234", "Hello again, it's me")
    assert (spaced.chat_id, spaced.sender_id) == (CHAT, "16505551234")
    named = store.get(wamid("plus-from-2"))
    assert (named.chat_id, named.sender_id, named.sender_name) == (CHAT, "16505551234", "Sheena Nelson")
    [status] = EventStore(store.database()).status_history(wamid("out-plus-1"))
    assert status["recipient_id"] == "16505551234"
    assert contacts.customer_of(phone="+16505551234") == contacts.customer_of(name="Sheena Nelson") is not None


def test_a_body_without_object_or_a_change_without_field_still_lands(landed):
    deliver, store, letters, _ = landed
    # As SDK test suites post it: no `object` and no entry ids (the fixture), and a change without its `field`.
    deliver("text_no_object", lambda body: body["entry"][1]["changes"][0].pop("field"))
    message = store.get(wamid("no-object-1"))
    assert message is not None and letters.list() == []
    assert (message.chat_id, message.text, message.reply_to) == (CHAT, "Two of the blue ones, please", wamid("menu-9"))
    # A change without its field that lists statuses is read as the messages field Meta sends them in.
    [status] = EventStore(store.database()).status_history(wamid("out-nofield-1"))
    assert (status["status"], status["recipient_id"]) == ("read", "16505551234")


def test_a_status_relayed_with_a_bsps_own_id_reaches_the_message_by_metas_wamid(landed):
    deliver, store, letters, _ = landed
    deliver("status_bsp_meta_msg_id")
    deliver("status_bsp_meta_msg_id")
    echo = store.get(wamid("bsp-echo-1"))
    assert echo is not None and letters.list() == []
    # The status is the echoed message's, found by the wamid its replies and echoes carry; the BSP's id stays in raw.
    [status] = EventStore(store.database()).status_history(wamid("bsp-echo-1"))
    assert (status["status"], status["recipient_id"]) == ("delivered", "16505551234")
    assert "9b2e4c1a-3d5f-4e6a-8b7c-1d2e3f4a5b6c" in status["raw"]
    assert EventStore(store.database()).status_history("9b2e4c1a-3d5f-4e6a-8b7c-1d2e3f4a5b6c") == []


def test_a_system_notice_without_a_body_says_what_happened(landed):
    deliver, store, letters, _ = landed
    deliver("system_identity_changed_no_body")
    notice = store.get(wamid("sys-identity-1"))
    assert letters.list() == []
    assert (notice.kind, notice.chat_id) == ("system", CHAT)
    assert notice.text == "user_identity_changed: 16505551234"


def test_a_user_id_update_links_the_previous_and_current_bsuid_to_one_customer(landed):
    deliver, store, letters, contacts = landed
    deliver("text_bsuid")  # Bob, known so far only by his business-scoped id
    bob = contacts.customer_of(user_id="US.13491208655302741918")
    deliver("user_id_update")
    deliver("user_id_update")
    assert letters.list() == []
    [event] = EventStore(store.database()).events("identity")
    assert (event.customer, event.field) == ("16505553131", "user_id_update")
    assert event.summary == "user id changed: US.13491208655302741918 -> US.24817305912873642222"
    assert event.occurred_at == datetime(2026, 5, 21, 14, 16, 40, tzinfo=UTC)
    # The same customer under the previous id, the current one and the number the update names.
    assert bob is not None and contacts.customer_of(user_id="US.13491208655302741918") == bob
    assert contacts.customer_of(user_id="US.24817305912873642222") == bob
    assert contacts.customer_of(phone="+16505553131") == bob


def test_a_card_sent_on_the_businesss_contact_request_gives_the_customers_number(landed):
    deliver, store, letters, contacts = landed
    deliver("contacts_request_reply")
    reply = store.get(wamid("contact-request-1"))
    assert letters.list() == []
    assert (reply.kind, reply.chat_id) == ("contacts", f"wa:{NUMBER_ID}:US.13491208655302741777")
    # The user answered the business's request with their own card: their number joins them.
    amara = contacts.customer_of(user_id="US.13491208655302741777")
    assert amara is not None and contacts.customer_of(phone="+16505557777") == amara
    # A card shared any other way is someone else's, and names no key of the sender.
    assert store.get(wamid("contact-shared-1")).text == "Juma: +254 712 345678"
    assert contacts.customer_of(phone="+254712345678") is None


def test_a_message_without_its_type_is_read_from_the_content_it_holds(landed):
    deliver, store, letters, _ = landed
    # Meta's reference samples of location and shared-contact messages carry no `type` beside the content object.
    deliver("message_without_type")
    place, card = store.get(wamid("notype-loc-1")), store.get(wamid("notype-card-1"))
    assert letters.list() == []
    assert (place.kind, place.chat_id) == ("location", CHAT)
    assert place.text == "Kilimani Market\nArgwings Kodhek Rd, Nairobi\n-1.292066,36.821945"
    assert place.flags == "message.type is missing (read as location)"
    assert (card.kind, card.text) == ("contacts", "Baraka Otieno: +254 733 100200")
    # Nothing to read the type from: kept without content, saying why, as before.
    empty = store.get(wamid("notype-empty-1"))
    assert (empty.kind, empty.text, empty.flags) == ("unsupported", None, "message.type is missing")


def test_a_location_whose_coordinates_are_written_as_strings_keeps_them(landed):
    deliver, store, letters, _ = landed
    deliver("location_string_coordinates")
    place = store.get(wamid("loc-strings-1"))
    assert letters.list() == []
    assert (place.kind, place.flags) == ("location", None)
    assert place.text == "Old Town Jetty\nMbarak Hinawy Rd, Mombasa\n-4.043477,39.668206"


def test_an_interactive_answer_whose_type_does_not_name_it_is_still_read(landed):
    deliver, store, letters, _ = landed
    deliver("interactive_reply_untyped")
    assert letters.list() == []
    pickup, size = store.get(wamid("inter-typebutton-1")), store.get(wamid("inter-notype-1"))
    assert (pickup.kind, pickup.text, pickup.reply_to, pickup.flags) == (
        "interactive",
        "I'll collect it",
        wamid("ask-pickup-1"),
        None,
    )
    # The list row the customer chose, its description with it (the tray's size is in the description).
    assert (size.text, size.reply_to) == ("Large tray — 24 mandazi", wamid("ask-size-1"))
    # A reply this version does not read is not a blank answer: the row says why it is empty.
    unread = store.get(wamid("inter-unread-1"))
    assert (unread.kind, unread.text) == ("interactive", None)
    assert unread.flags == "interactive reply 'product_inquiry' is not read by this version (kept in raw)"


def test_echoes_under_the_message_echoes_field_or_beside_messages_land_as_the_businesss_messages(landed):
    deliver, store, letters, _ = landed
    deliver("message_echoes_field")
    deliver("message_echoes_field")
    assert letters.list() == []
    # The business's words in the customer's chat, from the business's number id, whichever way they were listed.
    for tag, text in (("echo-field-1", "Your cake will be ready at four"), ("merged-echo-1", "Five is fine")):
        echo = store.get(wamid(tag))
        assert (echo.chat_id, echo.sender_id, echo.text) == (CHAT, NUMBER_ID, text)
    assert store.get(wamid("merged-in-1")).sender_id == "16505551234"
    events = EventStore(store.database())
    [call] = events.events("call")
    assert (call.customer, call.summary) == ("16505551234", "call terminate, 42 s")
    # A PIN change on the business number and a Flow's status are news about the account, not unknown fields.
    summaries = sorted((e.field, e.summary) for e in events.events("account"))
    assert summaries == [("flows", "flows FLOW_STATUS_CHANGE"), ("security", "security PIN_CHANGED 15550783881")]
    assert events.events("unknown") == []


def test_a_status_that_is_no_step_of_delivery_is_kept_with_metas_errors_not_dead_lettered(landed):
    deliver, store, letters, _ = landed
    deliver("status_untracked")
    deliver("status_untracked")
    assert letters.list() == []
    events = EventStore(store.database())
    # The delivery itself moves the message's status as before.
    assert [s["status"] for s in events.status_history(wamid("catalog-out-1"))] == ["delivered"]
    kept = [(e.customer, e.summary) for e in events.events("unknown")]
    assert kept == [
        (
            "16505551234",
            f"status warning of {wamid('catalog-out-1')}: Meta error 2026:"
            " Some products in the message are hidden or not approved in the catalog",
        ),
        ("16505551234", f"status deleted of {wamid('gone-out-1')}"),
    ]


def test_groups_api_updates_land_as_one_account_event_per_group_change(landed):
    deliver, store, letters, contacts = landed
    deliver("group_updates")
    deliver("group_updates")  # Meta redelivers: nothing is added twice
    assert letters.list() == []
    events = EventStore(store.database())
    assert events.events("unknown") == []
    group = "group Y2FwaV9ncm91cDoxNTU1MDc4Mzg4MTpUdWtv"
    changes = [(e.field, e.customer, e.summary) for e in events.events("account")]
    assert changes == [
        ("group_lifecycle_update", None, f"{group} group_create 'Tuko Bakery regulars'"),
        ("group_participants_update", None, f"{group} group_participants_add: added 16505551234; failed 16505550000"),
        ("group_participants_update", "16505552222", f"{group} group_participants_remove: removed 16505552222"),
        (
            "group_settings_update",
            None,
            f"{group} group_settings_update: subject 'Tuko Bakery friends';"
            " description 'Orders close at six' (not applied)",
        ),
        ("group_status_update", None, f"{group} group_suspend: reason This group was reported"),
    ]
    assert events.events("account")[0].occurred_at == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    # A group's members are not the business's customers (as for the senders of group messages).
    assert contacts.customer_of(phone="+16505552222") is None


def test_calling_settings_business_status_and_username_changes_are_account_events(landed):
    deliver, store, letters, _ = landed
    deliver("account_settings_business_status")
    assert letters.list() == []
    events = EventStore(store.database())
    assert events.events("unknown") == []
    assert sorted((e.field, e.summary) for e in events.events("account")) == [
        ("account_settings_update", "account_settings_update CALLING_SETTINGS_UPDATED"),
        ("business_status_update", "business_status_update BUSINESS_VERIFIED"),
        # The business's username (BSUID era): which one, and what Meta decided.
        ("business_username_updates", "business_username_updates approved tuko_bakery"),
        # Meta found a template sent under the wrong category: the category it should have, and which template.
        ("template_correct_category_detection", "template_correct_category_detection MARKETING cake_ready"),
    ]


def test_a_conversation_meta_business_agent_holds_lands_from_its_standby_copies(landed):
    deliver, store, letters, contacts = landed
    deliver("standby")
    deliver("standby")
    assert letters.list() == []
    # The customer's message, in their chat, from them.
    asked = store.get(wamid("standby-in-1"))
    assert (asked.chat_id, asked.sender_id, asked.sender_name) == (CHAT, "16505551234", "Wanjiku Mwangi")
    assert asked.text == "Do you still have the mango jam?"
    # The agent's replies: the Send API request it made, nested under `message`, as the business's messages.
    replies = [store.get(wamid(f"standby-out-{n}")) for n in (1, 2, 3)]
    assert {(r.chat_id, r.sender_id) for r in replies} == {(CHAT, NUMBER_ID)}
    # The request answers the customer's message by context.message_id: the reply points at it.
    assert replies[0].reply_to == wamid("standby-in-1")
    assert [r.text for r in replies] == [
        "Yes, three jars left at 450 each.",
        "Shall I keep one for you?",
        "template jam_restock (en)\nWanjiku",
    ]
    events = EventStore(store.database())
    [receipt] = events.status_history(wamid("standby-out-1"))
    assert (receipt["status"], receipt["recipient_id"]) == ("read", "16505551234")
    # Meta's envelope with nothing in it is kept whole, as any value this version cannot read.
    [empty] = events.events("unknown")
    assert (empty.field, empty.data) == (
        "standby",
        {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "standby": {},
        },
    )
    assert contacts.customer_of(name="Wanjiku Mwangi") == contacts.customer_of(phone="+16505551234") is not None


def test_a_shared_history_of_a_customer_known_by_bsuid_and_the_businesss_echoes_land(landed):
    deliver, store, letters, contacts = landed
    deliver("history_bsuid_and_echoes")
    deliver("history_bsuid_and_echoes")
    assert letters.list() == []
    assert EventStore(store.database()).events("unknown") == []
    # A thread whose user withholds their number is named by `context.user_id`: one chat under that BSUID.
    bsuid_chat = f"wa:{NUMBER_ID}:US.13491208655302741555"
    asked, answered = store.get(wamid("hist-bsuid-1")), store.get(wamid("hist-echo-1"))
    assert (asked.chat_id, asked.sender_id, asked.text) == (
        bsuid_chat,
        "US.13491208655302741555",
        "Do you deliver to Thika?",
    )
    # The business's own messages of the history come as echoes beside the chunks.
    assert (answered.chat_id, answered.sender_id, answered.text) == (
        bsuid_chat,
        NUMBER_ID,
        "Yes, on Tuesdays and Fridays.",
    )
    packed = store.get(wamid("hist-echo-2"))
    assert (packed.chat_id, packed.sender_id, packed.text) == (CHAT, NUMBER_ID, "Your order is packed.")
    # The thread's BSUID and parent BSUID are one customer's keys.
    customer = contacts.customer_of(user_id="US.13491208655302741555")
    assert customer is not None and contacts.key_owners()["parent_bsuid:US.ENT.11815799212886844555"] == customer


def test_a_card_marked_contact_request_on_the_card_itself_gives_the_customers_number(landed):
    deliver, store, letters, contacts = landed
    deliver("contacts_request_card_origin")
    assert letters.list() == []
    assert store.get(wamid("card-origin-1")).text == "Akinyi O.: +1 (650) 555-6666"
    # Meta marks the card (contacts[].origin), not the message: the number still joins the BSUID's customer.
    akinyi = contacts.customer_of(user_id="US.13491208655302741666")
    assert akinyi is not None and contacts.customer_of(phone="+16505556666") == akinyi


def test_the_payment_method_a_customer_chose_is_their_answer(landed):
    deliver, store, letters, _ = landed
    deliver("interactive_payment_method")
    chosen = store.get(wamid("pay-method-1"))
    assert letters.list() == []
    assert (chosen.kind, chosen.chat_id, chosen.flags) == ("interactive", CHAT, None)
    assert chosen.text == "payment method: offsite_card_pay for order pedido-3321 (card ending 4417)"


def test_a_contact_the_business_saved_in_the_app_links_its_number_and_bsuid(landed):
    deliver, store, letters, contacts = landed
    deliver("smb_app_state_sync_bsuid")
    assert letters.list() == []
    # The app's contact book names a contact's BSUID beside its number: one customer under both keys.
    otieno = contacts.customer_of(phone="+16505554444")
    assert otieno is not None and contacts.customer_of(user_id="US.13491208655302744444") == otieno
    # A contact known to the app by BSUID only is that user's customer, not a contact of nobody.
    saved = [(e.customer, e.summary) for e in EventStore(store.database()).events("contact")]
    assert saved == [
        ("16505554444", "contact add: Otieno Ouma 16505554444"),
        ("US.13491208655302745555", "contact edit: Nyambura US.13491208655302745555"),
    ]
    assert contacts.customer_of(user_id="US.13491208655302745555") == contacts.customer_of(name="Nyambura") is not None


def test_a_conversation_handed_between_meta_business_agent_and_a_person_is_a_handover_event(landed):
    deliver, store, letters, _ = landed
    deliver("messaging_handovers")
    deliver("messaging_handovers")
    assert letters.list() == []
    events = EventStore(store.database())
    assert events.events("unknown") == []
    handovers = [(e.customer, e.summary) for e in events.events("handover")]
    assert handovers == [
        ("16505551234", "control_passed: ai_agent -> escalation (Customer asked for a person)"),
        ("16505551234", "control_taken: ai_agent -> escalation (Owner stepping in)"),
    ]
    # Meta's AI summary of the conversation is kept with the event, never as something the customer said.
    assert store.count() == 0
    passed = events.events("handover")[0]
    assert passed.data["control_passed"]["conversation_context"]["summary"]["text"].startswith("The customer wants")
    assert passed.occurred_at == datetime(2026, 6, 1, 10, 50, tzinfo=UTC)


def test_group_receipts_keep_each_participant_and_the_price_wherever_meta_puts_them(landed):
    deliver, store, letters, _ = landed
    deliver("status_group_pricing_placements")
    assert letters.list() == []
    events = EventStore(store.database())
    # Meta's Groups reference writes the participant recipient_participant_id and participant_recipient_id.
    receipts = [(e.customer, e.summary) for e in events.events("group_status")]
    assert receipts == [("16505551234", "read by 16505551234"), ("16505552222", "read by 16505552222")]
    # What Meta charges, inside the conversation object in its multi-participant example.
    [first, *_] = events.status_history(wamid("grp-priced-1"))
    assert first["pricing"] == {"billable": True, "pricing_model": "PMP", "category": "group_marketing"}


def test_the_summary_meta_business_agent_passes_on_is_a_handover_event_not_the_customers_words(landed):
    deliver, store, letters, _ = landed
    deliver("text_with_conversation_context")
    deliver("text_with_conversation_context")
    assert letters.list() == []
    said = store.get(wamid("after-handover-1"))
    assert (said.chat_id, said.text) == (CHAT, "Hello, is a person there now?")
    events = EventStore(store.database())
    assert events.events("unknown") == []
    [context] = events.events("handover")
    assert (context.customer, context.field) == ("16505551234", "messages")
    assert context.summary == "conversation summary passed on: The customer wants to move a cake order to Saturday."


def test_a_call_that_names_the_business_number_as_its_caller_is_the_customers_call(landed):
    deliver, store, letters, _ = landed
    deliver("calls_business_number_as_caller")
    assert letters.list() == []
    # Meta's user-initiated terminate example writes the business's number as `from`: the customer is the user's
    # BSUID on that side, or the other end; the business is never its own customer.
    calls = [(e.customer, e.summary) for e in EventStore(store.database()).events("call")]
    assert calls == [
        ("US.13491208655302747777", "call terminate, 0 s"),
        ("16505551234", "call terminate, 95 s"),
        ("16505551234", "call connect"),
    ]


def test_a_marketing_messages_click_and_its_landing_page_view_are_click_events(landed):
    # Meta's "Tracking click events" and "Tracking landing page view events" shapes: `user_actions` on the messages
    # field, with no message, no contacts and no id of the user.
    deliver, store, letters, _ = landed
    deliver("user_actions_link_click")
    deliver("user_actions_link_click")  # a redelivery is the same two events
    events = EventStore(store.database())
    clicks = [(e.field, e.customer, e.summary) for e in events.events("click")]
    assert clicks == [
        (
            "messages",
            None,
            "marketing message link tapped (call-to-action button): product maize-flour-2kg; click clk-7f3a",
        ),
        ("messages", None, "marketing message landing page opened: click clk-7f3a"),
    ]
    tapped = events.events("click")[0]
    assert tapped.occurred_at == datetime(2025, 6, 8, 20, 59, 43, tzinfo=UTC)
    # The token that ties the view to its click stays in the event's data.
    assert tapped.data["marketing_messages_link_click_data"]["tracking_token"] == "tok-91c2"
    assert events.events("unknown") == [] and letters.list() == []


def test_a_click_names_the_customer_when_the_change_does(landed):
    deliver, store, letters, _ = landed

    def with_contact(body: dict) -> None:
        value = body["entry"][0]["changes"][0]["value"]
        value["contacts"] = [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}]
        del value["user_actions"][1]

    deliver("user_actions_link_click", with_contact)
    [click] = EventStore(store.database()).events("click")
    assert click.customer == "16505551234"
    assert letters.list() == []


def test_a_tracking_events_change_is_a_click_event_naming_its_recipient(landed):
    # Meta publishes no payload for the tracking_events field; this shape (recipient_id, type, url) is invented.
    deliver, store, letters, _ = landed
    deliver("tracking_events")
    events = EventStore(store.database())
    [click] = events.events("click")
    assert (click.field, click.customer) == ("tracking_events", "16505551234")
    assert click.summary == "tracking_events: click: url https://shop.example/offers/maize; click clk-8b1d"
    assert events.events("unknown") == [] and letters.list() == []


def test_a_tracking_events_change_that_lists_its_events_is_read_from_them(landed):
    # As above, an invented shape: the recipient beside a list of the events.
    deliver, store, letters, _ = landed

    def listed(body: dict) -> None:
        value = body["entry"][0]["changes"][0]["value"]
        event = {key: value.pop(key) for key in ("type", "url", "click_id", "timestamp")}
        value["events"] = [event]

    deliver("tracking_events", listed)
    [click] = EventStore(store.database()).events("click")
    assert (click.customer, click.occurred_at) == ("16505551234", datetime(2025, 6, 8, 20, 59, 55, tzinfo=UTC))
    assert click.summary == "tracking_events: click: url https://shop.example/offers/maize; click clk-8b1d"
    assert letters.list() == []


@pytest.mark.parametrize("kind", ["text", "button"])
def test_a_message_about_a_catalog_item_names_the_item(landed, kind):
    # Meta's product-enquiry shape (and netflie's button reply to a product message): the item is named only in
    # context.referred_product, so the row read "Is this still available?" about nothing.
    deliver, store, letters, _ = landed

    def about_an_item(body: dict) -> None:
        message = body["entry"][0]["changes"][0]["value"]["messages"][0]
        message["context"]["referred_product"] = {"catalog_id": "880011223344", "product_retailer_id": "mandazi-12"}
        if kind == "button":
            del message["text"]
            message.update(type="button", button={"text": "Still available?", "payload": "ask-stock"})

    deliver("text_referred_product", about_an_item)
    message = store.get(wamid("product-q-1"))
    assert (message.kind, message.reply_to) == (kind, wamid("catalog-msg-1"))
    assert message.flags == "about product mandazi-12 of catalog 880011223344"
    assert letters.list() == []


def test_a_click_listed_beside_a_customers_message_is_not_filed_under_that_customer(landed):
    # A relay merging changes (Wappa's tests) lists a user action beside a message and its sender's contact: Meta's
    # click names no user, and the contact is the message's, so the click names nobody rather than the writer.
    deliver, store, letters, _ = landed

    def beside_a_message(body: dict) -> None:
        value = body["entry"][0]["changes"][0]["value"]
        value["contacts"] = [{"profile": {"name": "Achieng Otieno"}, "wa_id": "254711000222"}]
        value["messages"] = [
            {
                "from": "254711000222",
                "id": wamid("beside-click-1"),
                "timestamp": "1749416380",
                "type": "text",
                "text": {"body": "Do you deliver to Kisumu?"},
            }
        ]
        del value["user_actions"][1]

    deliver("user_actions_link_click", beside_a_message)
    assert store.get(wamid("beside-click-1")).chat_id == f"wa:{NUMBER_ID}:254711000222"
    [click] = EventStore(store.database()).events("click")
    assert click.customer is None
    assert letters.list() == []


def test_a_history_line_from_the_threads_customer_is_theirs_even_when_it_names_the_business_as_to(landed):
    # Chatwoot's coexistence history payloads write `to` on every line, the customer's included; Meta writes it on
    # the business's lines only. The customer's line landed as the business's own message.
    deliver, store, letters, _ = landed

    def to_on_every_line(body: dict) -> None:
        [thread, _] = body["entry"][0]["changes"][0]["value"]["history"][0]["threads"]
        for line in thread["messages"]:
            line["to"] = "16505551234" if line["from"] == "15550783881" else "15550783881"

    deliver("history", to_on_every_line)
    customers, business = store.get(wamid("hist-3")), store.get(wamid("hist-1"))
    assert (customers.chat_id, customers.sender_id) == (CHAT, "16505551234")
    assert (business.chat_id, business.sender_id) == (CHAT, NUMBER_ID)
    assert letters.list() == []


def test_the_owners_reply_listed_under_messages_lands_as_the_businesss_message_in_the_customers_chat(landed):
    # Some senders relay the owner's Business-app replies on the messages field, from the business's own number to
    # the customer (as Frostdesk's echo sync documents them): the reply opened a chat with the business itself, or
    # took the customer's profile name beside it.
    deliver, store, letters, contacts = landed

    def from_the_owner(body: dict) -> None:
        value = body["entry"][0]["changes"][0]["value"]
        message = value["messages"][0]
        message.update({"from": "15550783881", "to": "16505551234", "id": wamid("owner-reply-1")})
        message["text"] = {"body": "We open at nine tomorrow"}

    deliver("text", from_the_owner)
    reply = store.get(wamid("owner-reply-1"))
    assert (reply.chat_id, reply.sender_id, reply.text) == (CHAT, NUMBER_ID, "We open at nine tomorrow")
    assert reply.sender_name != "Sheena Nelson"
    assert contacts.customer_of(phone="+15550783881") is None
    assert letters.list() == []


def test_a_flow_answer_whose_response_json_arrives_decoded_reads_as_the_customers_answers(landed):
    # Meta sends response_json as a JSON string; a sender that decoded it on the way (the paragon SDK's NfmReply
    # documents the object) passed an object, and the row lost every answer behind "expected text, got dict".
    deliver, store, letters, _ = landed

    def decoded(body: dict) -> None:
        reply = body["entry"][0]["changes"][0]["value"]["messages"][0]["interactive"]["nfm_reply"]
        reply["response_json"] = {"flow_token": "tok-55", "cake_size": "Large", "pickup": {"day": "Saturday"}}

    deliver("interactive_nfm_reply", decoded)
    answer = store.get(wamid("nfm-1"))
    assert (answer.kind, answer.text, answer.flags) == ("interactive", "cake size: Large\nday: Saturday", None)
    assert letters.list() == []
