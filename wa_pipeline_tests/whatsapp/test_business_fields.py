"""Every webhook field a business subscribes to lands as something, over real HTTP (fixtures from Meta's shapes)."""

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import openpyxl
import pytest

from wa_pipeline.message_frame import messages_to_frame
from wa_pipeline.nlp.threads import conversation_threads
from wa_pipeline.sheets.tabs.threads import THREADS
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.events import EventStore
from wa_pipeline.store.landing_factory import open_landing_store
from wa_pipeline.store.media_download_ledger import MediaDownloadLedger
from wa_pipeline.whatsapp.webhook_app import create_webhook_app
from wa_pipeline_tests.whatsapp.test_cloud_api import wamid
from wa_pipeline_tests.whatsapp.test_webhook_app import SECRET, TOKEN, serving, signed, wait_landed

pytestmark = pytest.mark.timeout(300)
PAYLOADS = Path(__file__).resolve().parent / "payloads"
NUMBER_ID = "106540352242922"
CHAT = f"wa:{NUMBER_ID}:16505551234"


@pytest.fixture
def stores(tmp_path, landing_target):
    # Events and the status history live in the landing database: the SQLite file, or PostgreSQL.
    store = open_landing_store(landing_target)
    return store, DeadLetterQueue(tmp_path / "dead_letters.sqlite3"), EventStore(store.database())


@pytest.fixture
def deliver(stores):
    store, dead_letters, events = stores
    app = create_webhook_app(store, dead_letters, app_secret=SECRET, verify_token=TOKEN, events=events)
    with serving(app) as url:

        def post(payload: str | dict) -> dict:
            raw = (
                (PAYLOADS / f"{payload}.json").read_bytes()
                if isinstance(payload, str)
                else json.dumps(payload).encode()
            )
            before = app.state.lander.state()["records"]
            response = httpx.post(f"{url}/webhook", content=raw, headers=signed(raw), timeout=60)
            assert response.status_code == 200, response.text
            wait_landed(app)
            # What this body held, as the lander landed it (the 200 now leaves before the mapping).
            after = app.state.lander.state()["records"]
            return {kind: after[kind] - before[kind] for kind in after}

        post.health = lambda: httpx.get(f"{url}/healthz", timeout=30).json()
        yield post


def test_a_location_with_unreadable_coordinates_keeps_its_name_and_address_with_a_flag(deliver, stores):
    assert deliver("location_bad_coordinates")["messages"] == 1
    landed = stores[0].get(wamid("loc-bad-1"))
    assert (landed.kind, landed.text) == ("location", "Philz Coffee\n1 Hacker Way, Menlo Park, CA 94025")
    assert landed.flags == "location: latitude/longitude are not numbers ('37.483307 N', None)"
    assert stores[1].list() == []


def test_an_interactive_message_with_only_errors_lands_as_an_error_with_metas_code(deliver, stores):
    deliver("interactive_errors_only")
    landed = stores[0].get(wamid("inter-err-1"))
    assert landed.kind == "error"
    assert landed.text == "Meta error 131051: Message type unknown - Message type is currently not supported."
    assert landed.flags == "interactive object is missing" and landed.chat_id == CHAT
    assert stores[1].list() == []


def test_echoes_are_messages_from_the_business_in_the_customers_chat(deliver, stores):
    assert deliver("smb_message_echoes") == {"messages": 3, "statuses": 0, "events": 0, "rejected": 0}
    first, edit, revoke = (stores[0].get(wamid(tag)) for tag in ("echo-1", "echo-2", "echo-3"))
    # "+1 650-555-1234" as the business typed it is the same chat as the customer's wa_id.
    assert {m.chat_id for m in (first, edit, revoke)} == {CHAT}
    assert {m.sender_id for m in (first, edit, revoke)} == {NUMBER_ID}
    assert (edit.kind, edit.text, edit.reply_to) == ("text", "Yes, in blue, green and red.", first.message_id)
    assert (revoke.kind, revoke.reply_to) == ("deleted", first.message_id)


def test_a_coexistence_day_has_real_first_response_times_and_no_false_awaiting_reply(deliver, stores):
    customer = json.loads((PAYLOADS / "text.json").read_text())
    customer["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = "1749416200"
    deliver(customer)
    deliver("smb_message_echoes")  # the owner answers from the phone 300 s later
    threads = conversation_threads(messages_to_frame(stores[0].iter_messages()))
    [thread] = threads.to_dict(orient="records")
    assert thread["chat_id"] == CHAT and thread["messages"] == 4
    assert thread["first_response_s"] == 300.0 and thread["awaiting_reply"] is False
    # Without the echoes (the Cloud API alone), the same chat looks unanswered.
    alone = conversation_threads(messages_to_frame([stores[0].get(wamid("text-1"))]))
    assert alone.loc[0, "awaiting_reply"]


def test_history_lands_like_live_messages_and_a_redelivery_or_live_copy_adds_nothing(deliver, stores):
    store, _, events = stores
    assert deliver("history") == {"messages": 4, "statuses": 0, "events": 1, "rejected": 0}
    owner, placeholder, customer = (store.get(wamid(f"hist-{n}")) for n in (1, 2, 3))
    assert {owner.chat_id, customer.chat_id} == {CHAT} and owner.sender_id == NUMBER_ID
    assert customer.sender_id == "16505551234" and customer.text == "Thanks!"
    assert placeholder.kind == "unsupported" and placeholder.flags.startswith("media_placeholder")
    assert store.get(wamid("hist-4")).chat_id == f"wa:{NUMBER_ID}:12125557890"
    [progress] = events.events("history")
    assert progress.summary == "history phase 0, chunk 1, 55% done"
    deliver("history")
    live = json.loads((PAYLOADS / "text.json").read_text())
    live["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = wamid("hist-3")
    deliver(live)
    assert store.count() == 4 and len(events.events()) == 1


def test_history_media_sent_after_its_placeholder_fills_it_and_is_queued_for_download(deliver, stores):
    store = stores[0]
    deliver("history")
    before = store.get(wamid("hist-2"))
    assert before.kind == "unsupported" and before.media is None
    # Meta's history reference: media of the first 14 days comes again in a later history webhook, with its id.
    later = json.loads((PAYLOADS / "history.json").read_text())
    [thread, _] = later["entry"][0]["changes"][0]["value"]["history"][0]["threads"]
    placeholder = thread["messages"][1]
    del placeholder["type"]
    placeholder.update(type="image", image={"id": "1479537139650973", "mime_type": "image/jpeg"})
    thread["messages"] = [placeholder]
    later["entry"][0]["changes"][0]["value"]["history"][0]["threads"] = [thread]
    deliver(later)
    filled = store.get(wamid("hist-2"))
    assert (filled.kind, filled.media.remote_id, filled.flags) == ("image", "1479537139650973", None)
    assert (filled.chat_id, filled.sent_at) == (before.chat_id, before.sent_at) and store.count() == 4
    ledger = MediaDownloadLedger(store)
    ledger.sync()
    assert [(i.message_id, i.media_id) for i in ledger.pending()] == [(wamid("hist-2"), "1479537139650973")]
    ledger.close()
    # A redelivery of either copy changes nothing more.
    deliver("history")
    deliver(later)
    assert store.get(wamid("hist-2")).kind == "image" and store.count() == 4


def test_history_sharing_declined_is_an_event_with_metas_reason(deliver, stores):
    deliver("history_declined")
    [event] = stores[2].events("history")
    assert "2593109" in event.summary and "turned off" in event.summary


def test_contact_book_changes_are_contact_records(deliver, stores):
    assert deliver("smb_app_state_sync")["events"] == 2
    added, removed = stores[2].events("contact")
    assert (added.customer, added.data["action"], added.data["contact"]["full_name"]) == (
        "16505551234",
        "add",
        "Pablo Morales",
    )
    assert (removed.customer, removed.data["action"]) == ("12125557890", "remove")


def test_calls_and_call_statuses_are_call_records(deliver, stores):
    deliver("calls")
    deliver("call_status")
    deliver("calls")  # redelivered: no second record
    connect, terminate, ringing = stores[2].events("call")
    assert (connect.customer, connect.summary) == ("16505551234", "call connect")
    assert (terminate.summary, terminate.data["duration"]) == ("call terminate, 125 s", 125)
    assert (ringing.summary, ringing.customer) == ("call ringing", "16505551234")
    assert stores[0].status_of(ringing.data["id"]) is None  # a call's status is not a message's


def test_marketing_stop_is_a_consent_event(deliver, stores):
    deliver("user_preferences")
    [event] = stores[2].events("consent")
    assert (event.customer, event.data["category"], event.data["value"]) == (
        "16505551234",
        "marketing_messages",
        "stop",
    )
    assert event.occurred_at.timestamp() == 1749417000


def test_a_status_of_an_unknown_message_is_kept_with_its_pricing_and_joins_the_message_when_it_arrives(deliver, stores):
    store, _, events = stores
    assert deliver("status_read_pricing")["statuses"] == 2
    target = wamid("echo-1")
    assert store.get(target) is None and store.status_of(target) == "read"
    delivered, read = events.status_history(target)
    assert (delivered["status"], delivered["pricing"]["category"], delivered["pricing"]["billable"]) == (
        "delivered",
        "service",
        False,
    )
    assert delivered["conversation"]["origin"]["type"] == "service"
    assert delivered["recipient_user_id"] == "US.13491208655302741918" and read["status"] == "read"
    deliver("smb_message_echoes")
    assert store.get(target).text == "Yes, we have it in blue and green." and store.status_of(target) == "read"


def test_account_template_and_automatic_events_and_unknown_fields_are_kept_whole_and_counted(deliver, stores):
    for name in ("account_update", "template_category_update", "automatic_events", "unknown_field"):
        assert deliver(name)["events"] == 1
    events = stores[2]
    assert events.counts_by_kind() == {"account": 2, "automatic": 1, "unknown": 1}
    assert deliver.health()["events"] == {"account": 2, "automatic": 1, "unknown": 1}
    account, category = events.events("account")
    assert (account.field, account.summary) == ("account_update", "account_update VERIFIED_ACCOUNT 15550783881")
    assert category.data["new_category"] == "MARKETING" and category.occurred_at.timestamp() == 1749417200
    [automatic] = events.events("automatic")
    assert automatic.data["custom_data"] == {"currency": "USD", "value": 25.0}
    [unknown] = events.events("unknown")
    assert unknown.field == "business_portfolio_news_2027"
    assert json.loads(unknown.raw)["news"][0]["headline"] == "Something Meta adds next year"


def test_an_ad_referral_is_kept_on_the_message_and_its_thread_shows_the_ad_in_the_threads_tab(
    deliver, stores, tmp_path
):
    deliver("text_from_ad")
    [message] = stores[0].iter_messages()
    referral = json.loads(message.referral)
    assert referral["source_type"] == "ad" and referral["ctwa_clid"].startswith("ARAkLkA8")
    assert referral["headline"] == "Mama Mboga Bakery"
    # The owner answers from the phone: the thread goes on, and still says which ad started it.
    deliver("smb_message_echoes")
    threads = conversation_threads(messages_to_frame(stores[0].iter_messages()))
    [thread] = threads.to_dict(orient="records")
    assert thread["chat_id"] == CHAT and thread["messages"] > 1 and json.loads(thread["referral"]) == referral
    rows = THREADS.rows(threads, ZoneInfo("Africa/Nairobi"))
    workbook = tmp_path / "wa.xlsx"
    WorkbookSink(workbook).upsert(
        THREADS.name, THREADS.sheet_columns, THREADS.sheet_key, THREADS.cells(rows), position=THREADS.position
    )
    sheet = openpyxl.load_workbook(workbook)[THREADS.name]
    [row] = [dict(zip([c.value for c in sheet[1]], r)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert row["Ad"] == "Mama Mboga Bakery (ad 120226305854810726)"
