"""`serve-webhook`'s own HTTP/1.1 server at the edges of the protocol, over raw loopback sockets.

The webhook's rules are `test_webhook_app`'s (run on this server too); here: pipelining, chunked bodies over the cap,
`Expect: 100-continue`, HTTP/1.0, `Connection: close`, malformed requests, HEAD, and the deadlines that keep a slow
or idle client from holding a connection.
"""

import json
import socket
import time

import httpx
import pytest

from wa_pipeline.settings import Settings
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp import webhook_front
from wa_pipeline.whatsapp.webhook_app import create_webhook_app
from wa_pipeline.whatsapp.webhook_server import build_receiver
from wa_pipeline_tests.whatsapp.test_webhook_app import (
    PAYLOADS,
    SECRET,
    TOKEN,
    meta_bytes,
    serving_front,
    signed,
    text_payload,
)

pytestmark = pytest.mark.timeout(120)
CAP = 4096


@pytest.fixture
def store(tmp_path):
    db = tmp_path / "landing.sqlite3"
    return SqliteLandingStore(db), DeadLetterQueue(db)


@pytest.fixture
def front(store):
    app = create_webhook_app(*store, app_secret=SECRET, verify_token=TOKEN, max_body_bytes=CAP)
    with serving_front(app, keep_alive_s=75, request_timeout_s=1) as (url, server):
        yield server.port, app


def connect(port: int) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    return conn


def post_request(raw: bytes, extra: str = "", version: str = "1.1") -> bytes:
    headers = "".join(f"{k}: {v}\r\n" for k, v in signed(raw).items())
    head = f"POST /webhook HTTP/{version}\r\nHost: x\r\nContent-Length: {len(raw)}\r\n{headers}{extra}\r\n"
    return head.encode() + raw


class Responses:
    """Reads whole responses (status, headers, body) off a socket, and whether the server closed it."""

    def __init__(self, conn: socket.socket):
        self.conn, self.buffer = conn, b""

    def _fill(self) -> bool:
        chunk = self.conn.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def next(self) -> tuple[int, dict, bytes]:
        while b"\r\n\r\n" not in self.buffer:
            assert self._fill(), f"closed before a response: {self.buffer!r}"
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
        length = int(headers.get("content-length", 0)) if not status_line.split()[1].startswith("1") else 0
        while len(self.buffer) < length:
            assert self._fill(), "closed in the middle of a body"
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status_line.split()[1]), headers, body

    def closed(self) -> bool:
        """The server closed the connection (within the socket's timeout) with nothing more sent."""
        try:
            return not self._fill() and self.buffer == b""
        except TimeoutError:
            return False


def body_of(wamid: str) -> bytes:
    return meta_bytes(text_payload(wamid, "two loaves"))


def test_pipelined_requests_are_answered_in_order_on_one_connection(front, store):
    port, app = front
    first, second = body_of("wamid.pipe-1"), body_of("wamid.pipe-2")
    verify = (
        "GET /webhook?hub.mode=subscribe&hub.verify_token=" + TOKEN + "&hub.challenge=c9 HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    with connect(port) as conn:
        # Four requests in one write: the server must answer each, in the order they came.
        conn.sendall(post_request(first) + verify.encode() + b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
        conn.sendall(post_request(second))
        replies = Responses(conn)
        answers = [replies.next() for _ in range(4)]
    assert [(status, body) for status, _, body in answers] == [
        (200, b'{"status":"accepted"}'),
        (200, b"c9"),
        (404, b"not found: the webhook is at /webhook, its health at /healthz"),
        (200, b'{"status":"accepted"}'),
    ]
    assert app.state.lander.drained(60)
    assert {m.message_id for m in store[0].iter_messages()} == {"wamid.pipe-1", "wamid.pipe-2"}


def test_requests_pipelined_past_the_limit_are_all_answered_though_the_last_body_comes_later(front, store):
    port, app = front
    raw = body_of("wamid.pipe-late")
    head, body = post_request(raw).split(b"\r\n\r\n", 1)
    with connect(port) as conn:
        # More requests than the server reads ahead: it stops reading, and must read again for the last body.
        conn.sendall(
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * (webhook_front.MAX_PIPELINED + 4) + head + b"\r\n\r\n"
        )
        time.sleep(0.3)
        conn.sendall(body)
        replies = Responses(conn)
        statuses = [replies.next()[0] for _ in range(webhook_front.MAX_PIPELINED + 5)]
    assert statuses == [200] * (webhook_front.MAX_PIPELINED + 5)
    assert app.state.lander.drained(60)
    assert store[0].get("wamid.pipe-late") is not None


def test_a_large_body_queued_behind_a_request_is_read_once_that_one_is_answered(store):
    app = create_webhook_app(*store, app_secret=SECRET, verify_token=TOKEN)
    raw = meta_bytes(text_payload("wamid.queued-large", "y" * (4 * webhook_front.QUEUED_BODY_BYTES)))
    with serving_front(app, keep_alive_s=75) as (_, server), connect(server.port) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + post_request(raw))
        replies = Responses(conn)
        assert [replies.next()[0] for _ in range(2)] == [200, 200]
        assert app.state.lander.drained(60)
    assert store[0].get("wamid.queued-large") is not None


def test_a_path_in_absolute_form_or_percent_encoded_is_routed_as_uvicorn_routes_it(front):
    port, _ = front
    with connect(port) as conn:
        conn.sendall(
            b"GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            + f"GET /web%68ook?hub.mode=subscribe&hub.verify_token={TOKEN}&hub.challenge=z HTTP/1.1\r\n\r\n".encode()
        )
        replies = Responses(conn)
        assert replies.next()[0] == 200
        assert replies.next()[::2] == (200, b"z")


def chunked(raw: bytes, size: int) -> bytes:
    pieces = [raw[i : i + size] for i in range(0, len(raw), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


def chunked_post(raw: bytes) -> bytes:
    headers = "".join(f"{k}: {v}\r\n" for k, v in signed(raw).items())
    return f"POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n{headers}\r\n".encode()


def test_a_chunked_body_is_taken_under_the_cap_and_refused_with_a_close_once_it_grows_over(front, store):
    port, app = front
    small = body_of("wamid.chunked-small")
    large = meta_bytes(text_payload("wamid.chunked-large", "x" * (CAP + 100)))
    with connect(port) as conn:
        conn.sendall(chunked_post(small) + chunked(small, 100))
        replies = Responses(conn)
        assert replies.next()[0] == 200
        conn.sendall(chunked_post(large))
        for i in range(0, len(large), 1000):
            conn.sendall(chunked(large[i : i + 1000], 1000)[: -len(b"0\r\n\r\n")])
        status, headers, _ = replies.next()
        assert (status, headers.get("connection")) == (413, "close")
        assert replies.closed()
    assert app.state.lander.drained(60)
    assert [m.message_id for m in store[0].iter_messages()] == ["wamid.chunked-small"]


def test_a_declared_length_over_the_cap_is_refused_before_the_body_even_with_expect_continue(front, store):
    port, _ = front
    with connect(port) as conn:
        head = f"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: {CAP + 1}\r\nExpect: 100-continue\r\n\r\n"
        conn.sendall(head.encode())
        replies = Responses(conn)
        status, headers, _ = replies.next()
        assert (status, headers.get("connection")) == (413, "close")
        assert replies.closed()


def test_expect_100_continue_is_answered_before_the_body_is_sent(front, store):
    port, app = front
    raw = body_of("wamid.continue")
    with connect(port) as conn:
        request = post_request(raw, extra="Expect: 100-continue\r\n")
        head, body = request.split(b"\r\n\r\n", 1)
        conn.sendall(head + b"\r\n\r\n")
        replies = Responses(conn)
        assert replies.next()[0] == 100  # nothing of the body sent yet
        conn.sendall(body)
        assert replies.next()[:1] == (200,)
    assert app.state.lander.drained(60)
    assert store[0].get("wamid.continue") is not None


@pytest.mark.parametrize(
    "request_line",
    [b"GARBAGE\r\n\r\n", b"GET /healthz HTTP/9.9\r\n\r\n", b"POST /webhook HTTP/1.1\r\nContent-Length: ab\r\n\r\n"],
)
def test_a_malformed_request_gets_400_and_a_close(front, request_line):
    port, _ = front
    with connect(port) as conn:
        conn.sendall(request_line)
        replies = Responses(conn)
        status, headers, _ = replies.next()
        assert (status, headers.get("connection")) == (400, "close")
        assert replies.closed()


def test_a_malformed_request_behind_a_good_one_is_answered_after_it(front):
    port, _ = front
    with connect(port) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nBAD LINE\r\n\r\n")
        replies = Responses(conn)
        assert [replies.next()[0] for _ in range(2)] == [200, 400]
        assert replies.closed()


def test_http_1_0_closes_after_the_answer_unless_asked_to_keep_alive(front, store):
    port, _ = front
    with connect(port) as conn:
        conn.sendall(post_request(body_of("wamid.http10"), version="1.0"))
        replies = Responses(conn)
        assert replies.next()[0] == 200
        assert replies.closed()
    with connect(port) as conn:
        conn.sendall(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" * 2)
        replies = Responses(conn)
        assert [replies.next()[0] for _ in range(2)] == [200, 200]


def test_connection_close_is_honoured_and_keep_alive_is_the_default(front):
    port, _ = front
    with connect(port) as conn:
        replies = Responses(conn)
        for _ in range(3):
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert replies.next()[0] == 200
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        status, headers, _ = replies.next()
        assert (status, headers.get("connection")) == (200, "close")
        assert headers["date"].endswith(" GMT") and headers["cache-control"] == "no-store"
        assert replies.closed()


def test_nothing_pipelined_behind_a_connection_close_is_answered_or_stored(front, store):
    port, app = front
    closing = post_request(body_of("wamid.last"), extra="Connection: close\r\n")
    with connect(port) as conn:
        conn.sendall(closing + post_request(body_of("wamid.after-close")))
        replies = Responses(conn)
        status, headers, _ = replies.next()
        assert (status, headers.get("connection")) == (200, "close")
        assert replies.closed()
    assert app.state.lander.drained(60)
    assert [m.message_id for m in store[0].iter_messages()] == ["wamid.last"]


def test_head_has_the_headers_of_get_and_no_body_and_other_methods_are_405(front):
    port, _ = front
    with connect(port) as conn:
        conn.sendall(b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nDELETE /webhook HTTP/1.1\r\nHost: x\r\n\r\n")
        replies = Responses(conn)
        # A HEAD answer announces the length of the body it leaves out: read its head only.
        while replies.buffer.count(b"\r\n\r\n") < 2:
            assert replies._fill()
        head, rest = replies.buffer.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 200") and b"content-length: " in head
        replies.buffer = rest
        assert replies.next()[:1] == (405,)


def test_a_client_slow_to_send_its_request_is_cut_off(front):
    port, _ = front
    with connect(port) as conn:
        conn.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\n")  # and then nothing: the headers never end
        started = time.monotonic()
        assert Responses(conn).closed()
        assert time.monotonic() - started < 5  # the request timeout is 1 s here; the sweep runs every second


def test_an_idle_connection_is_closed_after_the_keep_alive(store):
    app = create_webhook_app(*store, app_secret=SECRET, verify_token=TOKEN)
    with serving_front(app, keep_alive_s=1) as (_, server), connect(server.port) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        replies = Responses(conn)
        assert replies.next()[0] == 200
        started = time.monotonic()
        assert replies.closed()
        assert 0.5 < time.monotonic() - started < 5


def test_the_access_log_has_the_path_without_the_query(front, caplog):
    port, _ = front
    with caplog.at_level("INFO", logger="wa_pipeline.webhook.access"), connect(port) as conn:
        conn.sendall(f"GET /webhook?hub.verify_token={TOKEN}&hub.challenge=1 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert Responses(conn).next()[0] == 403
        time.sleep(0.2)
    lines = [r.getMessage() for r in caplog.records if r.name == "wa_pipeline.webhook.access"]
    assert lines == [lines[0]] and '"GET /webhook" 403' in lines[0] and TOKEN not in lines[0]


def test_serve_mode_healthz_counts_the_events_by_kind(tmp_path):
    # The receiver `serve-webhook` builds holds no landing store; /healthz opens the event store when first asked.
    settings = Settings(_env_file=None, data_dir=tmp_path, app_secret=SECRET, verify_token=TOKEN)
    receiver = build_receiver(settings)
    with serving_front(receiver, keep_alive_s=75) as (url, _):
        for name in ("account_update", "unknown_field"):
            raw = (PAYLOADS / f"{name}.json").read_bytes()
            assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw), timeout=30).status_code == 200
        assert receiver.state.lander.drained(60)
        health = httpx.get(f"{url}/healthz", timeout=30)
    assert health.status_code == 200, health.text
    assert json.loads(health.text)["events"] == {"account": 1, "unknown": 1}
