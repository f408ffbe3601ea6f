"""`forget` and the webhook inbox: a body waiting to land loses what names the customer, and nothing else.

The bodies are checked where they lie: the raw bytes of the inbox file, its write-ahead log and its index.
"""

import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.privacy.forget import ForgetRequest, forget
from wa_pipeline.privacy.retention import apply_retention, leftovers
from wa_pipeline.settings import get_settings
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.store.webhook_inbox import WebhookInbox
from wa_pipeline.whatsapp.cloud_api import parse_webhook
from wa_pipeline.whatsapp.group_commit import GroupCommitWriter
from wa_pipeline.whatsapp.lander import Lander
from wa_pipeline.whatsapp.webhook_app import create_webhook_app
from wa_pipeline_tests.servers import START_DEADLINE_S
from wa_pipeline_tests.whatsapp.test_webhook_app import (
    SECRET,
    TOKEN,
    receiver_process,
    serving,
    signed,
    wait_inbox_landed,
)

pytestmark = pytest.mark.timeout(300)
PHONE = "+254733111222"
WA_ID = "254733111222"
NAME = "Wanjiru Achieng"
BSUID = "KE.77001122334455667788"
RECEIVED_AT = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
# Her number as written in a body, her name, her BSUID and words only she wrote.
NEEDLES = [WA_ID, "733111222", "Wanjiru", "Achieng", BSUID, "zumaridi", "mchicha", "Lavington"]


def record(wamid: str, text: str, *, wa_id: str | None, name: str | None, bsuid: str | None = None) -> tuple:
    contact = {"profile": {"name": name} if name else {"username": "@someone"}}
    message = {"id": wamid, "timestamp": "1795176000", "type": "text", "text": {"body": text}}
    if wa_id:
        contact["wa_id"] = message["from"] = wa_id
    if bsuid:
        contact["user_id"] = message["from_user_id"] = bsuid
    return contact, message


def delivery(*records: tuple) -> bytes:
    """One Cloud API body carrying the records (Meta batches several customers' messages into one at times)."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "contacts": [contact for contact, _ in records],
        "messages": [message for _, message in records],
    }
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1022", "changes": [{"field": "messages", "value": value}]}],
    }
    # Meta's own serialisation: ASCII only.
    return json.dumps(payload, separators=(",", ":")).encode()


def hers(wamid: str, text: str) -> tuple:
    return record(wamid, text, wa_id=WA_ID, name=NAME, bsuid=BSUID)


def someone(wamid: str, n: int) -> tuple:
    return record(wamid, f"order {n} for Kisumu", wa_id=f"2547100000{n:02d}", name=f"Baraka {n}")


def inbox_traces(inbox: Path) -> dict[str, list[str]]:
    """Which needles each file of the inbox (the database, its WAL, its index) holds, byte for byte."""
    found = {}
    for path in sorted(inbox.parent.glob(inbox.name + "*")):
        data = path.read_bytes()
        hits = [needle for needle in NEEDLES if needle.encode() in data]
        if hits:
            found[path.name] = hits
    return found


def land_all(lander: Lander) -> None:
    deadline = time.monotonic() + START_DEADLINE_S
    while lander.land_once() != (0, 0):
        assert time.monotonic() < deadline


def test_a_waiting_body_of_hers_leaves_no_bytes_in_the_inbox_and_the_others_land_after(data_dir):
    layout = get_settings().layout
    store, letters = SqliteLandingStore(layout.landing_db), DeadLetterQueue(layout.landing_db)
    writer, inbox = GroupCommitWriter(store, letters), WebhookInbox(layout.webhook_inbox)
    # She wrote before, so the contacts know her name and BSUID beside her number.
    inbox.append([(delivery(hers("wamid.hers-landed", "hello")), RECEIVED_AT)])
    land_all(Lander(inbox, writer))
    inbox.prune()
    # Then the lander stops; these wait in the inbox.
    inbox.append(
        (body, RECEIVED_AT)
        for body in [
            delivery(someone("wamid.other-1", 1)),
            delivery(hers("wamid.hers-waiting", "Is my zumaridi on the way to Lavington?")),
            # Her BSUID alone: no number, no name.
            delivery(record("wamid.hers-bsuid", "mchicha tafadhali", wa_id=None, name=None, bsuid=BSUID)),
            delivery(someone("wamid.other-2", 2), hers("wamid.hers-mixed", "zumaridi ya pili")),
            delivery(someone("wamid.other-3", 3)),
        ]
    )
    assert set(inbox_traces(layout.webhook_inbox)) >= {"webhook_inbox.sqlite3-wal"}

    report = forget(ForgetRequest(phone=PHONE), landing=store, layout=layout, sink=None)

    assert inbox_traces(layout.webhook_inbox) == {}
    assert report.removed["inbox"] == 3
    land_all(Lander(inbox, writer))
    assert sorted(m.message_id for m in store.iter_messages()) == ["wamid.other-1", "wamid.other-2", "wamid.other-3"]
    assert letters.list() == []
    assert inbox.landed_through() == inbox.backlog().last_seq == 6 and inbox.backlog().bodies == 0


def test_a_body_of_hers_landed_and_zeroed_earlier_leaves_no_bytes_after_forget(data_dir):
    layout = get_settings().layout
    store, letters = SqliteLandingStore(layout.landing_db), DeadLetterQueue(layout.landing_db)
    writer, inbox = GroupCommitWriter(store, letters), WebhookInbox(layout.webhook_inbox)
    inbox.append([(delivery(hers("wamid.hers-landed", "zumaridi to Lavington")), RECEIVED_AT)])
    land_all(Lander(inbox, writer))
    # Another body waits, so the receiver's prune zeroes her row but cannot empty the log, which still holds it.
    inbox.append([(delivery(someone("wamid.other-1", 1)), RECEIVED_AT)])
    inbox.prune()
    assert inbox.backlog().bodies == 1 and inbox_traces(layout.webhook_inbox)

    report = forget(ForgetRequest(phone=PHONE), landing=store, layout=layout, sink=None)

    assert inbox_traces(layout.webhook_inbox) == {}
    assert report.removed["messages"] == 1 and report.removed["inbox"] == 0
    land_all(Lander(inbox, writer))
    assert [m.message_id for m in store.iter_messages()] == ["wamid.other-1"]


def history(*threads: tuple[str, list[tuple[str, str, str]]]) -> bytes:
    """A history sync chunk: per thread (the customer's wa_id) its messages as (from, wamid, text)."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "history": [
            {
                "metadata": {"phase": 0, "chunk_order": 1, "progress": 100},
                "threads": [
                    {
                        "id": wa_id,
                        "messages": [
                            {
                                "from": sender,
                                "id": wamid,
                                "timestamp": "1739230955",
                                "type": "text",
                                "text": {"body": text},
                            }
                            for sender, wamid, text in messages
                        ],
                    }
                    for wa_id, messages in threads
                ],
            }
        ],
    }
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1022", "changes": [{"field": "history", "value": value}]}],
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def test_her_thread_goes_from_a_waiting_history_chunk_and_the_other_threads_land(data_dir):
    layout = get_settings().layout
    store, letters = SqliteLandingStore(layout.landing_db), DeadLetterQueue(layout.landing_db)
    inbox = WebhookInbox(layout.webhook_inbox)
    business = "15550783881"
    chunk = history(
        (WA_ID, [(business, "wamid.to-her", "your zumaridi ships today"), (WA_ID, "wamid.from-her", "Lavington")]),
        ("12125557890", [(business, "wamid.to-him", "invoice 7 attached"), ("12125557890", "wamid.from-him", "paid")]),
    )
    inbox.append([(chunk, RECEIVED_AT)])

    report = forget(ForgetRequest(phone=PHONE), landing=store, layout=layout, sink=None)

    assert report.removed["inbox"] == 1 and inbox_traces(layout.webhook_inbox) == {}
    land_all(Lander(inbox, GroupCommitWriter(store, letters)))
    assert sorted(m.message_id for m in store.iter_messages()) == ["wamid.from-him", "wamid.to-him"]
    assert letters.list() == []


class RacingStore(SqliteLandingStore):
    """Lands one more message of hers right after forget has read the store through, as the lander may."""

    late: list = []
    landed_late = None

    def iter_messages(self):
        yield from super().iter_messages()
        if self.landed_late is None:
            self.landed_late = self.add_messages(self.late)


def test_a_message_of_hers_landing_while_forget_searches_is_refused(data_dir):
    layout = get_settings().layout
    store = RacingStore(layout.landing_db)
    store.add_messages(parse_webhook(delivery(hers("wamid.hers-before", "zumaridi")), RECEIVED_AT).messages)
    store.late = parse_webhook(delivery(hers("wamid.hers-late", "Lavington")), RECEIVED_AT).messages

    report = forget(ForgetRequest(phone=PHONE), landing=store, layout=layout, sink=None)

    assert report.removed["messages"] == 1 and store.landed_late.added == 0
    assert list(store.iter_messages()) == []


class HeldStore(SqliteLandingStore):
    """Lands nothing until released, and says when the lander first waits on it."""

    def __init__(self, path):
        super().__init__(path)
        self.waiting, self.release = threading.Event(), threading.Event()

    def add_messages(self, messages):
        self.waiting.set()
        assert self.release.wait(START_DEADLINE_S)
        return super().add_messages(messages)


def test_forget_beside_a_running_receiver_and_lander_loses_no_other_body(data_dir):
    layout = get_settings().layout
    store, letters = HeldStore(layout.landing_db), DeadLetterQueue(layout.landing_db)
    app = create_webhook_app(store, letters, app_secret=SECRET, verify_token=TOKEN, clock=lambda: RECEIVED_AT)
    acknowledged: list[str] = []
    stop = threading.Event()

    def post(client: httpx.Client, wamid: str, body: bytes) -> None:
        assert client.post("/webhook", content=body, headers=signed(body)).status_code == 200
        acknowledged.append(wamid)

    def keep_posting(url: str) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            n = 10
            while not stop.is_set():
                post(client, f"wamid.during-{n}", delivery(someone(f"wamid.during-{n}", n)))
                n += 1

    with serving(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        # The lander takes the first body and is held landing it: what comes next waits in the inbox.
        post(client, "wamid.first", delivery(someone("wamid.first", 0)))
        assert store.waiting.wait(START_DEADLINE_S)
        body = delivery(hers("wamid.hers-1", "zumaridi"))
        assert client.post("/webhook", content=body, headers=signed(body)).status_code == 200
        post(client, "wamid.other-1", delivery(someone("wamid.other-1", 1), hers("wamid.hers-2", "Lavington")))
        assert inbox_traces(layout.webhook_inbox)
        poster = threading.Thread(target=keep_posting, args=(url,))
        poster.start()
        try:
            while len(acknowledged) < 5:
                time.sleep(0.01)
            before = len(acknowledged)
            report = forget(ForgetRequest(phone=PHONE), landing=store, layout=layout, sink=None)
            traces = inbox_traces(layout.webhook_inbox)
            after = len(acknowledged)
        finally:
            stop.set()
            poster.join(60)
        store.release.set()
        assert app.state.lander.drained(START_DEADLINE_S)

    assert traces == {} and report.removed["inbox"] == 2
    # Bodies were acknowledged while forget ran, and every one of them landed.
    assert after > before
    landed = sorted(m.message_id for m in store.iter_messages())
    assert landed == sorted(acknowledged) and not any("hers" in wamid for wamid in landed)
    assert letters.list() == []
    inbox = WebhookInbox(layout.webhook_inbox)
    assert inbox.backlog().bodies == 0 and inbox.landed_through() == inbox.backlog().last_seq


def test_retention_empties_inbox_bodies_from_before_the_cut_and_keeps_newer_ones(data_dir):
    layout = get_settings().layout
    store, letters = SqliteLandingStore(layout.landing_db), DeadLetterQueue(layout.landing_db)
    inbox = WebhookInbox(layout.webhook_inbox)
    cut = datetime(2026, 11, 1, tzinfo=UTC)
    old_arrival = datetime(2026, 10, 30, tzinfo=UTC)
    old = record("wamid.old", "zumaridi from October", wa_id=WA_ID, name=NAME)
    old[1]["timestamp"] = str(int(datetime(2026, 10, 29, tzinfo=UTC).timestamp()))
    inbox.append([(delivery(old), old_arrival), (delivery(someone("wamid.new", 1)), RECEIVED_AT)])

    report = apply_retention(cut, landing=store, layout=layout, sink=None)

    assert report.removed["inbox"] == 1 and inbox_traces(layout.webhook_inbox) == {}
    assert leftovers(cut, landing=store, layout=layout, sink=None)["inbox"] == 0
    land_all(Lander(inbox, GroupCommitWriter(store, letters)))
    assert [m.message_id for m in store.iter_messages()] == ["wamid.new"] and letters.list() == []


def test_forget_beside_serve_webhook_and_its_lander_process_loses_no_other_body(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    layout = DataLayout(data_dir)
    acknowledged: list[str] = []
    stop = threading.Event()

    def keep_posting(url: str) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            n = 10
            while not stop.is_set():
                body = delivery(someone(f"wamid.during-{n}", n))
                assert client.post("/webhook", content=body, headers=signed(body)).status_code == 200
                acknowledged.append(f"wamid.during-{n}")
                n += 1

    with receiver_process(data_dir, tmp_path / "receiver.log") as (_, url):
        for body in (delivery(hers("wamid.hers-1", "zumaridi")), delivery(someone("wamid.other-1", 1))):
            assert httpx.post(f"{url}/webhook", content=body, headers=signed(body)).status_code == 200
        # Posting goes on at once: the receiver empties the inbox's log only after a second without a commit.
        poster = threading.Thread(target=keep_posting, args=(url,))
        poster.start()
        try:
            while len(acknowledged) < 5:
                time.sleep(0.01)
            before = len(acknowledged)
            store = SqliteLandingStore(layout.landing_db)
            report = forget(ForgetRequest(phone=PHONE), landing=store, layout=layout, sink=None)
            traces = inbox_traces(layout.webhook_inbox)
            after = len(acknowledged)
        finally:
            stop.set()
            poster.join(60)
        late = delivery(hers("wamid.hers-2", "Lavington"))
        assert httpx.post(f"{url}/webhook", content=late, headers=signed(late)).status_code == 200
        wait_inbox_landed(url)

    # Hers landed before forget (removed from the store) or waited in the inbox (emptied there).
    assert traces == {} and report.removed["messages"] + report.removed["inbox"] >= 1 and after > before
    landed = sorted(m.message_id for m in store.iter_messages())
    assert landed == sorted(["wamid.other-1", *acknowledged])
    assert DeadLetterQueue(layout.landing_db).list() == []
