"""The receiver over real HTTP: its own server (`webhook_front`) or uvicorn on a loopback port, in a thread or (for
SIGKILL) in its own process."""

import asyncio
import json
import logging
import os
import signal
import socket
import sqlite3
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp import webhook_front
from wa_pipeline.whatsapp.webhook_app import create_webhook_app
from wa_pipeline.whatsapp.webhook_server import DEFAULT_KEEP_ALIVE_S, PathOnlyAccessLog, server_config
from wa_pipeline.whatsapp.webhook_signature import sign
from wa_pipeline_tests.servers import START_DEADLINE_S, server_on_free_port, start

SECRET = "app-secret-5b1e9c"
TOKEN = "verify-token-77aa"
PAYLOADS = Path(__file__).resolve().parent / "payloads"
WA = Path(sys.executable).parent / "wa-pipeline"
pytestmark = pytest.mark.timeout(300)


def text_payload(wamid: str, text: str, timestamp: int = 1763283600) -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
                            "contacts": [{"profile": {"name": "Wanjiku"}, "wa_id": "254712345678"}],
                            "messages": [
                                {
                                    "from": "254712345678",
                                    "id": wamid,
                                    "timestamp": str(timestamp),
                                    "type": "text",
                                    "text": {"body": text},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }


def meta_bytes(payload: dict) -> bytes:
    # Meta's own serialisation: ASCII only, '@' escaped as \u0040.
    return json.dumps(payload, separators=(",", ":")).replace("@", "\\u0040").encode()


def signed(raw: bytes, secret: str = SECRET) -> dict:
    return {"X-Hub-Signature-256": sign(raw, secret), "Content-Type": "application/json"}


@contextmanager
def serving(app, server: str = "fast"):
    """The receiver on a port the OS picked, in a thread, on `server` ("fast": `serve-webhook`'s default, or
    "uvicorn"); stops by itself when the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    if server == "fast":
        with serving_front(app, sock=sock) as (url, _):
            yield url
        sock.close()
        return
    server = uvicorn.Server(server_config(app, log_config=None))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_DEADLINE_S
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


@contextmanager
def serving_front(app, sock=None, **options):
    """`webhook_front` in a thread (keep-alive and request timeout from `options`); yields (url, front)."""
    ready = threading.Event()
    fronts = []

    def on_ready(front):
        fronts.append(front)
        ready.set()

    options.setdefault("keep_alive_s", DEFAULT_KEEP_ALIVE_S)
    failures = []

    def run():
        try:
            webhook_front.run(app, "127.0.0.1", 0, sock=sock, on_ready=on_ready, **options)
        except BaseException as exc:
            failures.append(exc)
            raise

    thread = threading.Thread(target=run)
    thread.daemon = True
    thread.start()
    deadline = time.monotonic() + START_DEADLINE_S
    while not ready.wait(0.05):
        assert thread.is_alive() and time.monotonic() < deadline, "the webhook server did not start"
    try:
        yield f"http://127.0.0.1:{fronts[0].port}", fronts[0]
    finally:
        fronts[0].stop_threadsafe()
        # Longer than the stop may take by design: STOP_GRACE_S for requests in progress, then a lander process
        # gets 60 s after SIGTERM and 5 more after SIGKILL (`LanderProcess.stop`), its watcher 5. A bound under
        # that (60 s) failed twice in one CI run, in the suite's last minutes beside its heaviest tests.
        thread.join(webhook_front.STOP_GRACE_S + 60 + 5 + 5 + 30)
        assert not thread.is_alive(), "the webhook server did not stop"
        assert not failures, f"the webhook server failed: {failures!r}"


@pytest.fixture
def landing(tmp_path):
    db = tmp_path / "landing.sqlite3"
    return SqliteLandingStore(db), DeadLetterQueue(db)


def wait_landed(app, timeout: float = 60) -> None:
    """Wait for the lander: a 200 means the body is in the inbox, its records land right after."""
    assert app.state.lander.drained(timeout), "the lander did not land the inbox in time"


@pytest.fixture(params=["fast", "uvicorn"])
def receiver(landing, request):
    """The receiver on `serve-webhook`'s own server, and on uvicorn (the fallback, WA_WEBHOOK_SERVER=uvicorn)."""
    store, dead_letters = landing
    app = create_webhook_app(store, dead_letters, app_secret=SECRET, verify_token=TOKEN)
    with serving(app, request.param) as url:
        yield url, app


class Delivery(list):
    """The final status of each POST, in order, and how many were sent again."""

    resent = 0


# Failures where no byte of a response arrived: the connection was refused, reset or closed under the request
# (a pooled keep-alive connection the server closed just as it was reused). Meta and every real client send again.
UNANSWERED = (httpx.ConnectError, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


def post_all(url: str, bodies: list[tuple[bytes, dict]], connections: int = 50, attempts: int = 5) -> Delivery:
    delivery = Delivery()

    async def run():
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        # Bounded here rather than queued in httpx's pool, whose wait queue gets slow with a thousand waiters.
        gate = asyncio.Semaphore(connections)

        async def post(client, raw, headers):
            async with gate:
                for attempt in range(1, attempts + 1):
                    try:
                        return (await client.post("/webhook", content=raw, headers=headers)).status_code
                    except UNANSWERED:
                        if attempt == attempts:
                            raise
                        delivery.resent += 1

        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
            return await asyncio.gather(*(post(client, raw, headers) for raw, headers in bodies))

    delivery.extend(asyncio.run(run()))
    return delivery


def test_verification_echoes_the_challenge_as_text(receiver):
    url, _ = receiver
    response = httpx.get(
        f"{url}/webhook", params={"hub.mode": "subscribe", "hub.verify_token": TOKEN, "hub.challenge": "1158201444"}
    )
    assert response.status_code == 200
    assert response.text == "1158201444" and response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "42"},
        {"hub.mode": "unsubscribe", "hub.verify_token": TOKEN, "hub.challenge": "42"},
        {"hub.mode": "subscribe", "hub.challenge": "42"},
        {"hub.mode": "subscribe", "hub.verify_token": TOKEN},
        {},
    ],
)
def test_verification_is_refused_for_anything_else(receiver, params):
    url, _ = receiver
    response = httpx.get(f"{url}/webhook", params=params)
    assert response.status_code == 403 and "42" not in response.text


def test_a_callback_url_with_a_trailing_slash_is_the_webhook(receiver, landing):
    url, app = receiver
    params = {"hub.mode": "subscribe", "hub.verify_token": TOKEN, "hub.challenge": "77"}
    assert httpx.get(f"{url}/webhook/", params=params).text == "77"
    raw = meta_bytes(text_payload("wamid.slash-1", "two loaves"))
    assert httpx.post(f"{url}/webhook/", content=raw, headers=signed(raw)).status_code == 200
    wait_landed(app)
    assert landing[0].get("wamid.slash-1") is not None
    # Anywhere else, the answer says where the webhook is.
    missed = httpx.post(f"{url}/hooks", content=raw, headers=signed(raw))
    assert missed.status_code == 404 and "/webhook" in missed.text


def test_a_refused_verification_logs_why_without_the_token(receiver, caplog):
    url, _ = receiver
    with caplog.at_level("WARNING", logger="wa_pipeline.whatsapp.webhook_app"):
        httpx.get(f"{url}/webhook", params={"hub.mode": "subscribe", "hub.verify_token": "typo", "hub.challenge": "1"})
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "verify token is not WA_VERIFY_TOKEN" in said and "typo" not in said and TOKEN not in said


def test_a_post_signed_with_another_secret_logs_which_setting_to_check(receiver, caplog):
    url, _ = receiver
    raw = meta_bytes(text_payload("wamid.secret-1", "two loaves"))
    with caplog.at_level("WARNING", logger="wa_pipeline.whatsapp.webhook_app"):
        refused = httpx.post(f"{url}/webhook", content=raw, headers=signed(raw, secret="another-apps-secret"))
    assert refused.status_code == 403 and "WA_APP_SECRET" not in refused.text
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "WA_APP_SECRET must be the App secret" in said and SECRET not in said


def test_healthz(receiver):
    url, _ = receiver
    response = httpx.get(f"{url}/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_a_thousand_concurrent_signed_posts_land_each_message_once(receiver, landing):
    url, app = receiver
    store, _ = landing
    ids = [f"wamid.load-{i:04d}" for i in range(1000)]
    bodies = [meta_bytes(text_payload(wamid, f"order {i}", 1763283600 + i)) for i, wamid in enumerate(ids)]
    statuses = post_all(url, [(raw, signed(raw)) for raw in bodies])
    assert statuses == [200] * 1000
    wait_landed(app)
    assert store.count() == 1000
    assert sorted(m.message_id for m in store.iter_messages()) == ids
    # A delivery sent again after its connection broke may reach the writer twice; it is still stored once.
    assert 1000 <= app.state.writer.requests <= 1000 + statuses.resent


def test_one_payload_delivered_five_times_lands_once(receiver, landing):
    url, app = receiver
    store, _ = landing
    raw = meta_bytes(text_payload("wamid.dup-1", "two loaves"))
    assert post_all(url, [(raw, signed(raw))] * 2) == [200, 200]
    for _ in range(3):
        assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw)).status_code == 200
    wait_landed(app)
    assert store.count() == 1 and store.get("wamid.dup-1").text == "two loaves"


def test_forged_missing_and_re_serialised_signatures_are_refused_and_nothing_is_stored(receiver, landing):
    url, app = receiver
    store, dead_letters = landing
    raw = meta_bytes(text_payload("wamid.forged-1", "pay to account 123 @ bank"))
    reserialised = json.dumps(json.loads(raw)).encode()
    assert reserialised != raw
    cases = [
        ({"X-Hub-Signature-256": sign(raw, "not-the-secret")}, 403),
        ({}, 401),
        ({"X-Hub-Signature-256": sign(reserialised, SECRET)}, 403),
        ({"X-Hub-Signature-256": "sha1=" + "0" * 40}, 403),
    ]
    for headers, expected in cases:
        response = httpx.post(f"{url}/webhook", content=raw, headers={"Content-Type": "application/json", **headers})
        assert response.status_code == expected
    wait_landed(app)
    assert store.count() == 0 and dead_letters.list() == []
    assert app.state.inbox_writer.bodies == 0  # not even kept in the inbox


@pytest.mark.parametrize("escaped", [True, False])
def test_non_ascii_text_with_at_sign_is_accepted_and_stored_exactly(receiver, landing, escaped):
    url, app = receiver
    store, _ = landing
    text = "Café ☕ order @ 5pm — Zoë"
    payload = text_payload("wamid.cafe-1", text)
    raw = meta_bytes(payload) if escaped else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    assert (b"\\u0040" in raw) is escaped
    response = httpx.post(f"{url}/webhook", content=raw, headers=signed(raw))
    assert response.status_code == 200
    wait_landed(app)
    stored = store.get("wamid.cafe-1")
    assert stored.text == text and stored.text.encode("utf-8") == text.encode("utf-8")
    assert stored.chat_name == "Wanjiku"
    assert json.loads(stored.raw)["text"]["body"] == text


def test_a_body_over_the_cap_is_refused_while_streaming_and_nothing_is_stored(landing):
    store, dead_letters = landing
    cap = 4096
    app = create_webhook_app(store, dead_letters, app_secret=SECRET, verify_token=TOKEN, max_body_bytes=cap)
    padding = cap - len(meta_bytes(text_payload("wamid.exact-1", "")))
    exact = meta_bytes(text_payload("wamid.exact-1", "x" * padding))
    big = meta_bytes(text_payload("wamid.large-1", "x" * (padding + 1)))
    assert (len(exact), len(big)) == (cap, cap + 1)

    async def chunks(raw: bytes):
        for offset in range(0, len(raw), 1000):
            yield raw[offset : offset + 1000]

    async def run(url):
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            declared = await client.post("/webhook", content=big, headers=signed(big))
            streamed = await client.post("/webhook", content=chunks(big), headers=signed(big))
            at_cap = await client.post("/webhook", content=exact, headers=signed(exact))
        return declared, streamed, at_cap

    with serving(app) as url:
        declared, streamed, at_cap = asyncio.run(run(url))
    assert "content-length" not in streamed.request.headers
    assert (declared.status_code, streamed.status_code, at_cap.status_code) == (413, 413, 200)
    assert [m.message_id for m in store.iter_messages()] == ["wamid.exact-1"]


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2, 3]", b"\xff\xfe\x00"])
def test_a_signed_body_that_is_not_a_json_object_is_a_bad_request(receiver, landing, raw):
    url, app = receiver
    assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw)).status_code == 400
    wait_landed(app)
    assert landing[0].count() == 0
    # Kept whole in the dead-letter queue, not in the inbox.
    [letter] = landing[1].list()
    assert letter.stage == "webhook" and app.state.inbox_writer.bodies == 0


@pytest.mark.parametrize("acknowledge", ["inbox", "landed"])
def test_malformed_elements_go_to_the_dead_letter_queue_and_their_siblings_land(landing, acknowledge):
    store, dead_letters = landing
    app = create_webhook_app(store, dead_letters, app_secret=SECRET, verify_token=TOKEN, acknowledge=acknowledge)
    with serving(app) as url:
        malformed_elements_are_dead_lettered(url, app, store, dead_letters, acknowledge)


def malformed_elements_are_dead_lettered(url, app, store, dead_letters, acknowledge):
    raw = (PAYLOADS / "malformed_sibling.json").read_bytes()
    response = httpx.post(f"{url}/webhook", content=raw, headers=signed(raw))
    assert response.status_code == 200
    summary = {"messages": 3, "statuses": 1, "events": 0, "rejected": 3}
    if acknowledge == "landed":
        assert response.json() == summary
    else:
        # Acknowledged from the inbox, before the mapping: what the body held shows once the lander has landed it.
        assert response.json() == {"status": "accepted"}
        wait_landed(app)
        assert app.state.lander.state()["records"] == summary
    # The message with an empty text body lands flagged; what has no usable id or time is dead-lettered.
    assert [(m.text, m.flags) for m in store.iter_messages()] == [
        ("First, fine", None),
        (None, "text.body is missing"),
        ("Last, fine", None),
    ]
    letters = dead_letters.list()
    assert len(letters) == 3 and {letter.stage for letter in letters} == {"webhook"}
    by_reason = {letter.reason: letter for letter in letters}
    [bad_time] = [letter for reason, letter in by_reason.items() if "timestamp" in reason]
    assert bad_time.item_key.startswith("wamid.") and bad_time.payload["element"]["timestamp"] == "yesterday"
    # Kept with its change's context, so a replay can name the chat once the element is fixed.
    assert bad_time.payload["metadata"]["phone_number_id"]
    # Meta redelivers: the same rejects update their letters instead of piling up.
    assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw)).status_code == 200
    if acknowledge == "inbox":
        wait_landed(app)
    assert len(dead_letters.list()) == 3 and store.count() == 3


class GatedStore(SqliteLandingStore):
    """Holds the first commit until released, so the test can see what is acknowledged when."""

    def __init__(self, path):
        super().__init__(path)
        self.entered, self.release = threading.Event(), threading.Event()

    def add_messages(self, messages):
        self.entered.set()
        assert self.release.wait(START_DEADLINE_S), "test never released the store"
        return super().add_messages(messages)


def test_acknowledgement_waits_for_the_commit_and_waiting_requests_share_one(tmp_path):
    # The "200 after landing" path (WA_WEBHOOK_ACKNOWLEDGE=landed); the inbox's own order is proved by
    # durability/test_fsync_order.py, and its group commit by test_webhook_inbox.py.
    store = GatedStore(tmp_path / "landing.sqlite3")
    app = create_webhook_app(
        store, DeadLetterQueue(store.path), app_secret=SECRET, verify_token=TOKEN, acknowledge="landed"
    )
    writer = app.state.writer
    bodies = [meta_bytes(text_payload(f"wamid.gate-{i}", f"n{i}")) for i in range(21)]

    async def run(url):
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=httpx.Limits(max_connections=30)) as client:
            first = asyncio.create_task(client.post("/webhook", content=bodies[0], headers=signed(bodies[0])))
            assert await asyncio.to_thread(store.entered.wait, START_DEADLINE_S)
            rest = [asyncio.create_task(client.post("/webhook", content=b, headers=signed(b))) for b in bodies[1:]]
            deadline = time.monotonic() + START_DEADLINE_S
            while writer.pending < 20:
                assert time.monotonic() < deadline, "requests never queued"
                await asyncio.sleep(0.01)
            # Nothing is committed yet, so nobody may have been told 200.
            assert not first.done() and not any(task.done() for task in rest)
            assert store.count() == 0
            store.release.set()
            return [r.status_code for r in await asyncio.gather(first, *rest)]

    with serving(app) as url:
        assert asyncio.run(run(url)) == [200] * 21
    assert store.count() == 21
    assert (writer.requests, writer.commits) == (21, 2)


class PoisonedStore(GatedStore):
    """A store that cannot take one particular message (think: a record the database refuses)."""

    def add_messages(self, messages):
        messages = list(messages)
        if any(m.text == "poison" for m in messages):
            self.entered.set()
            raise RuntimeError("cannot store this one")
        return super().add_messages(messages)


def two_messages(wamid: str, first: str, second: str) -> dict:
    payload = text_payload(wamid, first)
    value = payload["entry"][0]["changes"][0]["value"]
    value["messages"].append({**value["messages"][0], "id": wamid + "-b", "text": {"body": second}})
    return payload


def test_a_record_the_store_refuses_is_dead_lettered_and_its_request_and_neighbours_are_acknowledged(tmp_path):
    store = PoisonedStore(tmp_path / "landing.sqlite3")
    dead_letters = DeadLetterQueue(store.path)
    # The "200 after landing" path; the lander's handling of the same store: test_webhook_inbox.py.
    app = create_webhook_app(store, dead_letters, app_secret=SECRET, verify_token=TOKEN, acknowledge="landed")
    writer = app.state.writer
    payloads = [text_payload(f"wamid.p-{i}", text) for i, text in enumerate(["first", "a", "b", "c"])]
    payloads.insert(2, two_messages("wamid.p-x", "poison", "beside the poison"))
    bodies = [meta_bytes(p) for p in payloads]

    async def run(url):
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            first = asyncio.create_task(client.post("/webhook", content=bodies[0], headers=signed(bodies[0])))
            assert await asyncio.to_thread(store.entered.wait, START_DEADLINE_S)
            rest = [asyncio.create_task(client.post("/webhook", content=b, headers=signed(b))) for b in bodies[1:]]
            deadline = time.monotonic() + START_DEADLINE_S
            while writer.pending < 4:
                assert time.monotonic() < deadline, "requests never queued"
                await asyncio.sleep(0.01)
            store.release.set()
            return [r.status_code for r in await asyncio.gather(first, *rest)]

    with serving(app) as url:
        assert asyncio.run(run(url)) == [200] * 5
    assert sorted(m.text for m in store.iter_messages()) == ["a", "b", "beside the poison", "c", "first"]
    [letter] = dead_letters.list()
    assert letter.item_key == "wamid.p-x" and "cannot store this one" in letter.reason
    assert json.loads(letter.payload["raw"])["text"]["body"] == "poison"


class UnavailableStore(SqliteLandingStore):
    """A disk that fails every write: the landing store and the dead-letter queue in it alike."""

    def add_messages(self, messages):
        raise sqlite3.OperationalError("disk I/O error")


class UnavailableQueue(DeadLetterQueue):
    def add(self, *args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")


def test_a_5xx_means_the_store_is_unavailable_and_nothing_is_acknowledged(tmp_path):
    # The "200 after landing" path; with the inbox, a 5xx means the inbox is unavailable (test_webhook_inbox.py).
    store = UnavailableStore(tmp_path / "landing.sqlite3")
    app = create_webhook_app(
        store, UnavailableQueue(store.path), app_secret=SECRET, verify_token=TOKEN, acknowledge="landed"
    )
    raw = meta_bytes(text_payload("wamid.down-1", "order 7"))
    with serving(app) as url:
        response = httpx.post(f"{url}/webhook", content=raw, headers=signed(raw))
    assert response.status_code == 503 and "retry later" in response.text
    assert SqliteLandingStore(store.path).count() == 0


@pytest.mark.parametrize("server", ["fast", "uvicorn"])
def test_secrets_never_reach_logs_or_responses(landing, caplog, server):
    store, dead_letters = landing
    app = create_webhook_app(store, dead_letters, app_secret=SECRET, verify_token=TOKEN)
    # The front writes the access log itself; under uvicorn the middleware does.
    app = app if server == "fast" else PathOnlyAccessLog(app)
    raw = meta_bytes(text_payload("wamid.log-1", "hello"))
    with caplog.at_level(logging.DEBUG), serving(app, server) as url:
        responses = [
            httpx.get(
                f"{url}/webhook", params={"hub.mode": "subscribe", "hub.verify_token": TOKEN, "hub.challenge": "c1"}
            ),
            httpx.get(
                f"{url}/webhook",
                params={"hub.mode": "subscribe", "hub.verify_token": TOKEN + "x", "hub.challenge": "c2"},
            ),
            httpx.post(f"{url}/webhook", content=raw, headers=signed(raw, SECRET + "x")),
            httpx.post(f"{url}/webhook", content=raw),
            httpx.post(f"{url}/webhook", content=raw, headers=signed(raw)),
        ]
    assert [r.status_code for r in responses] == [200, 403, 403, 401, 200]
    access = [r.getMessage() for r in caplog.records if r.name == "wa_pipeline.webhook.access"]
    assert len(access) == 5 and all('/webhook"' in line for line in access)
    # The client's own log shows the URL it requested; what matters is what the server side writes.
    server_side = "".join(
        r.getMessage() for r in caplog.records if r.name.startswith(("wa_pipeline", "uvicorn", "starlette"))
    )
    everything = server_side + "".join(r.text + str(r.headers) for r in responses)
    assert SECRET not in everything and TOKEN not in everything and "hub.verify_token" not in everything


def test_the_app_refuses_to_start_without_secrets(landing):
    store, dead_letters = landing
    with pytest.raises(ValueError, match="WA_APP_SECRET"):
        create_webhook_app(store, dead_letters, app_secret="", verify_token=TOKEN)


# --- a receiver process killed with SIGKILL in the middle of the load -------------------------------------


def table_rows(db: Path) -> dict[str, int]:
    """Rows in every table of a SQLite landing database (the dead-letter queue and the customers included)."""
    with sqlite3.connect(db) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in names
            if name != "sqlite_sequence"
        }


def wait_inbox_landed(url: str, timeout: float = 120) -> dict:
    """Poll /healthz until the inbox's backlog is empty (the lander process has landed every acknowledged body)."""
    deadline = time.monotonic() + timeout
    while True:
        health = httpx.get(f"{url}/healthz", timeout=10).json()
        if health["inbox"]["backlog"] == 0:
            return health
        assert time.monotonic() < deadline, f"the lander did not land the inbox in time: {health}"
        time.sleep(0.05)


def answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def receiver_process(data_dir: Path, log_path: Path):
    """`wa-pipeline serve-webhook` in its own session; always ends (SIGKILL at the latest)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WA_")}
    env.update(
        WA_DATA_DIR=str(data_dir),
        WA_APP_SECRET=SECRET,
        WA_VERIFY_TOKEN=TOKEN,
        PYTHONWARNINGS="error::DeprecationWarning",
        # This checkout's code, whatever checkout the installed `wa-pipeline` script was built from.
        PYTHONPATH=os.pathsep.join(
            filter(None, [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH")])
        ),
    )

    def launch(port: int):
        return start([str(WA), "serve-webhook", "--port", str(port)], log=log_path, env=env, cwd=data_dir.parent)

    def url(port: int) -> str:
        return f"http://127.0.0.1:{port}"

    with server_on_free_port(
        launch, lambda port: answers(url(port)), what="wa-pipeline serve-webhook", log=log_path
    ) as (
        process,
        port,
    ):
        yield process, url(port)


def test_every_acknowledged_message_survives_sigkill_mid_load(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    ids = [f"wamid.kill-{i:04d}" for i in range(1000)]
    bodies = {wamid: meta_bytes(text_payload(wamid, f"order {i}", 1763283600 + i)) for i, wamid in enumerate(ids)}
    acknowledged: set[str] = set()
    log_path = tmp_path / "receiver.log"

    with receiver_process(data_dir, log_path) as (process, url):
        verified = httpx.get(
            f"{url}/webhook", params={"hub.mode": "subscribe", "hub.verify_token": TOKEN, "hub.challenge": "7"}
        )
        assert verified.text == "7"

        async def load():
            async with httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(max_connections=50)) as client:
                gate = asyncio.Semaphore(50)

                async def deliver(wamid):
                    async with gate:
                        try:
                            response = await client.post(
                                "/webhook", content=bodies[wamid], headers=signed(bodies[wamid])
                            )
                        except httpx.TransportError:
                            return
                    if response.status_code == 200:
                        acknowledged.add(wamid)
                        if len(acknowledged) == 300 and process.poll() is None:
                            os.killpg(process.pid, signal.SIGKILL)

                await asyncio.gather(*(deliver(wamid) for wamid in ids))

        asyncio.run(load())
        process.wait(30)
        assert process.returncode == -signal.SIGKILL

    assert 300 <= len(acknowledged) < 1000
    with receiver_process(data_dir, log_path) as (_, url):
        # The restarted lander first lands what the inbox held: every acknowledged body, none lost.
        health = wait_inbox_landed(url)
        assert health["lander"]["where"] == "process" and health["lander"]["state"] == "running"
        store = SqliteLandingStore(data_dir / "landing.sqlite3")
        stored = {m.message_id for m in store.iter_messages()}
        assert acknowledged <= stored
        # Meta retries what was never acknowledged; afterwards every message is there exactly once.
        retry = [(bodies[w], signed(bodies[w])) for w in ids if w not in acknowledged]
        assert set(post_all(url, retry)) == {200}
        wait_inbox_landed(url)
        assert store.count() == 1000
        assert sorted(m.message_id for m in store.iter_messages()) == ids
        # Every table as it is now; Meta redelivering all of it (acknowledged or not) adds no row anywhere.
        rows = table_rows(data_dir / "landing.sqlite3")
        assert set(post_all(url, [(bodies[w], signed(bodies[w])) for w in ids])) == {200}
        wait_inbox_landed(url)
        assert table_rows(data_dir / "landing.sqlite3") == rows
    log = log_path.read_text(errors="replace")
    assert '"POST /webhook" 200' in log and '"GET /webhook" 200' in log
    assert TOKEN not in log and SECRET not in log


def test_an_element_rejected_by_a_mapping_bug_lands_in_its_chat_when_replayed(receiver, landing, monkeypatch):
    from wa_pipeline.replay.replayer import DeadLetterReplayer
    from wa_pipeline.store.media_store import MediaStore
    from wa_pipeline.whatsapp import cloud_api

    url, app = receiver
    store, dead_letters = landing
    raw = (PAYLOADS / "text.json").read_bytes()
    [expected] = cloud_api.parse_webhook(json.loads(raw)).messages
    mapping = cloud_api._build_message

    def broken(*args, **kwargs):
        raise ValueError("a mapping bug in this release")

    monkeypatch.setattr(cloud_api, "_build_message", broken)
    assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw)).status_code == 200
    wait_landed(app)
    [letter] = dead_letters.list()
    assert store.count() == 0 and "mapping bug" in letter.reason

    monkeypatch.setattr(cloud_api, "_build_message", mapping)  # the fixed release
    replayer = DeadLetterReplayer(dead_letters, store, MediaStore(store.path.parent / "media"), "UTC")
    [outcome] = replayer.replay([letter])
    assert outcome.action == "reparsed"
    landed = store.get(expected.message_id)
    assert (landed.chat_id, landed.sender_name, landed.text) == (expected.chat_id, expected.sender_name, expected.text)
    assert dead_letters.list() == []


def test_an_idle_keep_alive_connection_outlives_common_proxy_timeouts(receiver):
    # uvicorn's own default closes an idle connection after 5 s; a client or proxy that keeps it longer and
    # reuses it at that instant gets a reset. Six idle seconds on one raw connection shows ours stays open.
    url, _ = receiver
    assert DEFAULT_KEEP_ALIVE_S >= 60
    host, port = url.removeprefix("http://").split(":")
    request = f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode()
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        for _ in range(2):
            conn.sendall(request)
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                chunk = conn.recv(4096)
                assert chunk, "the receiver closed the idle connection"
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200")
            time.sleep(6)


def test_serve_webhook_takes_the_keep_alive_from_the_command_line(fresh_settings):
    from typer.testing import CliRunner

    from wa_pipeline import cli
    from wa_pipeline.whatsapp import webhook_server

    seen = {}
    monkeypatch = fresh_settings  # settings read anew, with the secrets set here
    monkeypatch.setenv("WA_APP_SECRET", SECRET)
    monkeypatch.setenv("WA_VERIFY_TOKEN", TOKEN)
    monkeypatch.setattr(
        webhook_server,
        "serve",
        lambda host, port, settings, keep_alive_s, process_setup: seen.update(k=keep_alive_s, setup=process_setup),
    )
    assert CliRunner().invoke(cli.app, ["serve-webhook", "--keep-alive", "120"]).exit_code == 0
    # The lander process gets the logs' PII policy from the command, as the receiver does.
    assert seen == {"k": 120.0, "setup": cli.install_pii_log_policy}
    assert CliRunner().invoke(cli.app, ["serve-webhook"]).exit_code == 0
    assert seen == {"k": DEFAULT_KEEP_ALIVE_S, "setup": cli.install_pii_log_policy}
