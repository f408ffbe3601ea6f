"""Poison isolation at the receiver, over real HTTP: an element that cannot be stored never takes its siblings."""

import base64
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from wa_pipeline.message import Message
from wa_pipeline.replay.replayer import DeadLetterReplayer
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.webhook_app import DEFAULT_MAX_BODY_BYTES, create_webhook_app
from wa_pipeline_tests.whatsapp.test_webhook_app import SECRET, TOKEN, serving, signed, wait_landed

pytestmark = pytest.mark.timeout(300)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
T = int((NOW - timedelta(hours=1)).timestamp())
CUSTOMER = "254712345678"


def element(wamid: str, body: str = '"hello"', timestamp: str | None = None, extra: str = "") -> bytes:
    """One message element as Meta serialises it (ASCII, non-ASCII escaped), with `body` as raw JSON."""
    stamp = timestamp if timestamp is not None else json.dumps(str(T))
    return (
        f'{{"from":"{CUSTOMER}","id":{json.dumps(wamid)},"timestamp":{stamp},"type":"text",'
        f'"text":{{"body":{body}}}{extra}}}'
    ).encode()


def body(*elements: bytes, contacts: bytes = b'[{"profile":{"name":"Wanjiku"},"wa_id":"254712345678"}]') -> bytes:
    return (
        b'{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",'
        b'"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881",'
        b'"phone_number_id":"106540352242922"},"contacts":'
        + contacts
        + b',"messages":['
        + b",".join(elements)
        + b"]}}]}]}"
    )


@pytest.fixture
def landing(tmp_path):
    db = tmp_path / "landing.sqlite3"
    return SqliteLandingStore(db), DeadLetterQueue(db)


@pytest.fixture
def url(landing):
    store, dead_letters = landing
    app = create_webhook_app(store, dead_letters, app_secret=SECRET, verify_token=TOKEN, clock=lambda: NOW)
    with serving(app) as address:
        yield Receiver(address, app)


class Receiver(str):
    """The receiver's URL, with its app: `post` waits for its lander to land what a 200 acknowledged."""

    def __new__(cls, url: str, app):
        receiver = super().__new__(cls, url)
        receiver.app = app
        return receiver


def post(url: str, raw: bytes) -> httpx.Response:
    """POST a signed body; once it is acknowledged and landed, `response.landed` is what the lander landed of it."""
    app = getattr(url, "app", None)
    before = app.state.lander.state()["records"] if app is not None else None
    response = httpx.post(f"{url}/webhook", content=raw, headers=signed(raw), timeout=60)
    if app is not None and response.status_code == 200:
        wait_landed(app)
        after = app.state.lander.state()["records"]
        response.landed = {kind: after[kind] - before[kind] for kind in after}
    return response


def test_unstorable_elements_are_dead_lettered_with_their_bytes_and_their_siblings_land(url, landing):
    store, dead_letters = landing
    deep = b'{"x":' * 100_000 + b"1" + b"}" * 100_000
    poisons = {
        "wamid.deep": element("wamid.deep", body=deep),
        "wamid.bad-id-\\ud800": element("x").replace(b'"id":"x"', b'"id":"wamid.bad-id-\\ud800"'),
        "wamid.nul-id": element("wamid.nul\u0000id"),
        "wamid.time-list": element("wamid.time-list", timestamp="[1, 2]"),
        "wamid.from-object": element("wamid.from-object").replace(f'"from":"{CUSTOMER}"'.encode(), b'"from":{"a":1}'),
    }
    good = [element("wamid.ok-1", '"two loaves"'), element("wamid.ok-2", '"pay \\ud83d later"')]
    raw = body(good[0], *poisons.values(), good[1])

    response = post(url, raw)

    assert response.status_code == 200
    assert response.landed == {"messages": 2, "statuses": 0, "events": 0, "rejected": 5}
    assert [(m.message_id, m.text) for m in store.iter_messages()] == [
        ("wamid.ok-1", "two loaves"),
        ("wamid.ok-2", "pay \ufffd later"),  # a lone surrogate in text is replaced, the message kept
    ]
    letters = dead_letters.list()
    assert len(letters) == 5
    by_bytes = {base64.b64decode(letter.payload["raw_base64"]): letter for letter in letters}
    # Each letter holds the element's bytes exactly as they arrived, and says why.
    assert set(by_bytes) == set(poisons.values())
    assert "nested 100002 levels deep" in by_bytes[poisons["wamid.deep"]].reason
    assert "lone surrogates" in by_bytes[poisons["wamid.bad-id-\\ud800"]].reason
    assert "control characters" in by_bytes[poisons["wamid.nul-id"]].reason
    assert "timestamp" in by_bytes[poisons["wamid.time-list"]].reason
    assert "message.from is not a string" in by_bytes[poisons["wamid.from-object"]].reason
    # Meta redelivers: the same letters are updated, the messages not landed twice.
    assert post(url, raw).status_code == 200
    assert len(dead_letters.list()) == 5 and store.count() == 2


def test_contacts_that_is_a_number_is_dead_lettered_and_the_messages_still_land(url, landing):
    store, dead_letters = landing
    response = post(url, body(element("wamid.c-1", '"hello"'), contacts=b"5"))
    assert response.status_code == 200 and response.landed["messages"] == 1
    [message] = store.iter_messages()
    assert (message.sender_id, message.chat_id) == (CUSTOMER, f"wa:106540352242922:{CUSTOMER}")
    [letter] = dead_letters.list()
    assert letter.reason == "contacts is not a list" and base64.b64decode(letter.payload["raw_base64"]) == b"5"


def test_nul_and_control_characters_are_replaced_by_visible_markers_the_same_in_store_frame_and_sheet(url, landing):
    store, _ = landing
    typed = '"total\\u0000 due\\u0007 now\\ttab \\u200ekept"'
    assert post(url, body(element("wamid.nul-1", typed))).status_code == 200
    stored = store.get("wamid.nul-1")
    assert stored.text == "total\u2400 due\u2407 now\ttab \u200ekept"
    # The frame's record and a reload give the same string, and a workbook cell can hold it unchanged.
    assert Message.from_record(stored.to_record()).text == stored.text
    assert ILLEGAL_CHARACTERS_RE.search(stored.text) is None


@pytest.mark.parametrize(
    "timestamp, landed",
    [
        ("0", False),  # 1970
        (str(int(datetime(2008, 12, 31, 23, 59, tzinfo=UTC).timestamp())), False),
        (str(int(datetime(2009, 1, 1, tzinfo=UTC).timestamp())), True),
        (str(int((NOW + timedelta(hours=23)).timestamp())), True),
        (str(int((NOW + timedelta(days=1, seconds=1)).timestamp())), False),
        (str(int(datetime(2100, 1, 1, tzinfo=UTC).timestamp())), False),
        ("99999999999999999999", False),  # past any calendar
    ],
)
def test_timestamps_outside_2009_to_a_day_after_the_clock_are_dead_lettered_with_a_reason(
    url, landing, timestamp, landed
):
    store, dead_letters = landing
    raw = body(element("wamid.time-1", '"order"', timestamp=json.dumps(timestamp)), element("wamid.sibling"))
    assert post(url, raw).status_code == 200
    assert {m.message_id for m in store.iter_messages()} == ({"wamid.time-1"} if landed else set()) | {"wamid.sibling"}
    letters = dead_letters.list()
    if landed:
        assert letters == []
    else:
        [letter] = letters
        assert letter.item_key == "wamid.time-1" and "timestamp" in letter.reason


def test_statuses_outside_the_window_are_dead_lettered_too(url, landing):
    store, dead_letters = landing
    raw = (
        b'{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":'
        b'{"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},"statuses":['
        b'{"id":"wamid.s-1","status":"sent","timestamp":"4102444800","recipient_id":"254712345678"},'
        b'{"id":"wamid.s-2","status":"sent","timestamp":"' + str(T).encode() + b'","recipient_id":"254712345678"}'
        b"]}}]}]}"
    )
    assert post(url, raw).status_code == 200
    assert (store.status_of("wamid.s-1"), store.status_of("wamid.s-2")) == (None, "sent")
    [letter] = dead_letters.list()
    assert letter.item_key == "wamid.s-1#sent" and "more than a day after" in letter.reason


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"[" * 100_000 + b"]" * 100_000, "not a JSON object"),
        (b'{"object": "whatsapp_business_account", "entry": [', "never closed"),
        (b"\xff\xfe\x00", "not a JSON object"),
    ],
)
def test_a_signed_body_that_cannot_be_split_is_a_bad_request_kept_whole(url, landing, raw, reason):
    store, dead_letters = landing
    response = post(url, raw)
    assert response.status_code == 400 and reason in response.text
    [letter] = dead_letters.list()
    assert base64.b64decode(letter.payload["raw_base64"]) == raw and reason in letter.reason
    assert store.count() == 0


def test_a_dead_lettered_element_replays_from_its_exact_bytes_once_the_cause_is_gone(tmp_path):
    db = tmp_path / "landing.sqlite3"
    store, dead_letters = SqliteLandingStore(db), DeadLetterQueue(db)
    future = int((NOW + timedelta(days=2)).timestamp())
    raw = body(element("wamid.early", '"see you Friday"', timestamp=json.dumps(str(future))))
    app = create_webhook_app(store, dead_letters, app_secret=SECRET, verify_token=TOKEN, clock=lambda: NOW)
    with serving(app) as address:
        assert post(Receiver(address, app), raw).status_code == 200
    [letter] = dead_letters.list()
    assert store.count() == 0 and "more than a day after" in letter.reason
    # Two days later the message's time is no longer in the future: the replay lands it, in its chat.
    [outcome] = DeadLetterReplayer(dead_letters, store, None, "UTC").replay([letter])
    assert outcome.action == "reparsed"
    landed = store.get("wamid.early")
    assert (landed.chat_id, landed.chat_name, landed.text) == (
        f"wa:106540352242922:{CUSTOMER}",
        "Wanjiku",
        "see you Friday",
    )
    assert dead_letters.list() == []


def sized_body(size: int) -> bytes:
    """A signed-size text message padded to exactly `size` bytes."""
    empty = body(element("wamid.size", '""'))
    raw = body(element("wamid.size", json.dumps("x" * (size - len(empty)))))
    assert len(raw) == size
    return raw


def test_the_default_cap_takes_meta_s_3_mb_bodies_and_refuses_one_byte_more(landing):
    store, dead_letters = landing
    app = create_webhook_app(store, dead_letters, app_secret=SECRET, verify_token=TOKEN, clock=lambda: NOW)
    assert DEFAULT_MAX_BODY_BYTES == 3 * 1024 * 1024
    with serving(app) as address:
        accepted = post(Receiver(address, app), sized_body(int(2.9 * 1024 * 1024)))
        refused = post(address, sized_body(DEFAULT_MAX_BODY_BYTES + 1))
    assert accepted.status_code == 200 and refused.status_code == 413
    landed = store.get("wamid.size")
    assert len(landed.text) == int(2.9 * 1024 * 1024) - len(body(element("wamid.size", '""')))
    assert store.count() == 1 and dead_letters.list() == []


def test_the_cap_is_a_setting_the_receiver_uses(monkeypatch, tmp_path):
    from wa_pipeline.settings import Settings
    from wa_pipeline.whatsapp import webhook_server

    monkeypatch.setenv("WA_WEBHOOK_MAX_BODY_BYTES", "5000")
    settings = Settings(_env_file=None, data_dir=tmp_path, app_secret=SECRET, verify_token=TOKEN)
    apps = []
    with monkeypatch.context() as patched:
        patched.setattr(webhook_server.webhook_front, "run", lambda receiver, *args, **kwargs: apps.append(receiver))
        webhook_server.serve("127.0.0.1", 0, settings)
    with serving(apps[0]) as address:
        assert post(address, sized_body(5000)).status_code == 200
        assert post(address, sized_body(5001)).status_code == 413


def test_a_dead_lettered_event_replays_into_the_event_store(tmp_path):
    from wa_pipeline.store.events import EventStore

    db = tmp_path / "landing.sqlite3"
    store, dead_letters, events = SqliteLandingStore(db), DeadLetterQueue(db), EventStore(db)
    future = int((NOW + timedelta(days=3)).timestamp())
    raw = (
        b'{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"user_preferences","value":'
        b'{"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},"user_preferences":['
        b'{"wa_id":"254712345678","category":"marketing_messages","value":"stop","timestamp":'
        + str(future).encode()
        + b"}]}}]}]}"
    )
    app = create_webhook_app(store, dead_letters, app_secret=SECRET, verify_token=TOKEN, clock=lambda: NOW)
    with serving(app) as address:
        assert post(Receiver(address, app), raw).landed["rejected"] == 1
    [letter] = dead_letters.list()
    assert events.events() == [] and "more than a day after" in letter.reason
    [outcome] = DeadLetterReplayer(dead_letters, store, None, "UTC").replay([letter])
    assert outcome.action == "reparsed" and "1 events landed" in outcome.detail
    [consent] = events.events("consent")
    assert (consent.customer, consent.data["value"]) == ("254712345678", "stop")
    assert dead_letters.list() == []
