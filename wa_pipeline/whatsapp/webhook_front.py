"""The receiver's own HTTP/1.1 server: httptools' parser in an asyncio protocol, on uvloop where installed.

Under Meta's 500-connection bursts the receiver is bound by its interpreter lock, and uvicorn's per-request work
(the ASGI scope, its message dicts, a task and an event per request) cost more than the receiver itself. This server
carries a request straight to `WebhookReceiver.handle`, which holds every rule of the webhook; what is here is
HTTP only: keep-alive and `Connection: close`, HTTP/1.0, pipelined requests answered in order, `Expect:
100-continue`, a body never buffered past the receiver's cap, malformed requests answered 400 and closed, and
deadlines so that neither an idle connection nor a slow request holds its socket for ever.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from email.utils import formatdate
from http import HTTPStatus
from urllib.parse import unquote

import httptools

from wa_pipeline.whatsapp.webhook_app import ACCEPTED, Reply, WebhookReceiver

log = logging.getLogger(__name__)
access_log = logging.getLogger("wa_pipeline.webhook.access")
# A client that opens a request must finish sending it within this (headers and body; Meta sends at most 3 MB).
DEFAULT_REQUEST_TIMEOUT_S = 30.0
# Requests parsed ahead of the one being answered; past this the connection is not read until they are answered.
MAX_PIPELINED = 16
# Body bytes held of a request queued behind the one being answered before the connection is no longer read (the
# one being answered is read to the cap: the signature covers all of it).
QUEUED_BODY_BYTES = 64 * 1024
# How long a stopping server lets the requests in progress finish before it closes their connections.
STOP_GRACE_S = 10.0
_SWEEP_S = 1.0
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_BAD_REQUEST = Reply(400, b"bad request", close=True)


class _ClientGone(Exception):
    """The connection closed before the body of the request being answered arrived."""


def _status_line(status: int) -> bytes:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"HTTP/1.1 {status} {phrase}\r\n".encode("latin-1")


def date_line() -> bytes:
    """The Date header of a response sent now (HTTP/1.1 asks a server with a clock for one)."""
    return b"date: " + formatdate(usegmt=True).encode("ascii") + b"\r\n"


def render(reply: Reply, date: bytes, head_only: bool = False, close: bool = False) -> bytes:
    """The reply as bytes on the wire (no body for HEAD; `connection: close` when the connection ends after it)."""
    close = close or reply.close
    lines = [_status_line(reply.status), date]
    lines += [name + b": " + value + b"\r\n" for name, value in reply.asgi_headers() if name != b"connection"]
    if close:
        lines.append(b"connection: close\r\n")
    lines.append(b"\r\n")
    if not head_only:
        lines.append(reply.body)
    return b"".join(lines)


class AccessLines:
    """One access-log line per request with the path only (Meta's verification GET carries the verify token in its
    query string). A log record costs several times a request, so the lines of the requests answered in one turn
    of the event loop go out as one record; one record per request when they come one at a time."""

    def __init__(self):
        self._lines: list[str] = []

    def note(self, client: str, method: str, path: str, status: int, started: float) -> None:
        """Queue the line of one answered request (`started`: its `time.perf_counter()`)."""
        if not self._lines:
            asyncio.get_running_loop().call_soon(self._flush)
        self._lines.append(f'{client} "{method} {path}" {status} {(time.perf_counter() - started) * 1000:.1f}ms')

    def _flush(self) -> None:
        lines, self._lines = self._lines, []
        access_log.info("%s", "\n".join(lines))


class _Request:
    __slots__ = (
        "method",
        "url",
        "declared",
        "signature",
        "expect_continue",
        "body",
        "size",
        "complete",
        "overflow",
        "waiter",
        "keep_alive",
        "started",
    )

    def __init__(self):
        self.url = b""
        self.declared = self.signature = None
        self.expect_continue = False
        self.body: bytes | bytearray = b""
        self.size = 0
        self.complete = self.overflow = False
        self.waiter: asyncio.Future | None = None
        self.keep_alive = True
        self.started = time.perf_counter()


class _Connection(asyncio.Protocol):
    """One client connection: parses requests as bytes come, answers them one at a time, in order."""

    def __init__(self, front: WebhookFront):
        self.front = front
        self.loop = front.loop
        self.parser = httptools.HttpRequestParser(self)
        self.queue: deque = deque()
        self.parsing: _Request | None = None
        self.serving = False
        self.reading = True
        self.closing = False
        self.transport = None
        self.client = "-"
        self.deadline = 0.0

    # --- the transport's calls

    def connection_made(self, transport) -> None:
        """A client connected: its idle deadline starts."""
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.client = peer[0] if isinstance(peer, tuple) else "-"
        self.deadline = self.loop.time() + self.front.keep_alive_s
        self.front.connections.add(self)

    def connection_lost(self, exc) -> None:
        """The client went away: a request waiting for its body stops waiting."""
        self.closing = True
        self.front.connections.discard(self)
        for request in self.queue:
            if request is not _BAD_REQUEST and request.waiter is not None and not request.waiter.done():
                request.waiter.set_exception(_ClientGone())

    def data_received(self, data: bytes) -> None:
        """Bytes from the client, parsed as they come (the parser calls the `on_*` methods)."""
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # No protocol but HTTP/1.1 here: answer what came before the upgrade, then close.
            self._stop_reading()
        except httptools.HttpParserError:
            # Data after a request that asked to close is an error too (llhttp): nothing after it is answered.
            self._stop_reading()
            self._enqueue(_BAD_REQUEST)

    # --- the parser's calls

    def on_message_begin(self) -> None:
        """A request starts: it must arrive whole within the request timeout."""
        self.parsing = _Request()
        self.deadline = self.loop.time() + self.front.request_timeout_s

    def on_url(self, url: bytes) -> None:
        """(A piece of) the request target."""
        self.parsing.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        """One header: only those the receiver or the protocol needs are kept."""
        name = name.lower()
        if name == b"content-length":
            self.parsing.declared = value
        elif name == b"x-hub-signature-256":
            self.parsing.signature = value
        elif name == b"expect" and value.lower() == b"100-continue":
            self.parsing.expect_continue = True

    def on_headers_complete(self) -> None:
        """The head is in: the request is queued to be answered (its body may still be coming)."""
        request = self.parsing
        request.method = self.parser.get_method().decode("latin-1")
        request.keep_alive = self.parser.should_keep_alive()
        self._enqueue(request)

    def on_body(self, chunk: bytes) -> None:
        """A piece of the (de-chunked) body, held up to the cap only."""
        request = self.parsing
        if request.overflow:
            return
        request.size += len(chunk)
        if request.size > QUEUED_BODY_BYTES and self.queue and self.queue[0] is not request:
            self._pause()
        if request.size > self.front.max_body_bytes:
            # Never held past the cap: the receiver answers 413 on seeing None, and the connection closes.
            request.overflow, request.body = True, b""
            self._wake(request)
        elif not request.body:
            request.body = chunk
        else:
            if isinstance(request.body, bytes):
                request.body = bytearray(request.body)
            request.body += chunk

    def on_message_complete(self) -> None:
        """The whole request is in."""
        request, self.parsing = self.parsing, None
        request.complete = True
        # Answering is the server's time, not the client's: no deadline until the connection is idle again.
        self.deadline = float("inf")
        self._wake(request)

    # --- answering

    def _enqueue(self, request) -> None:
        self.queue.append(request)
        if len(self.queue) > MAX_PIPELINED:
            self._pause()
        if not self.serving:
            self.serving = True
            self.loop.create_task(self._serve())

    def _pause(self) -> None:
        if self.reading:
            self.transport.pause_reading()
            self.reading = False

    def _resume(self) -> None:
        # Once the request ahead is answered: what is queued now may be the one whose body is still to come.
        if not self.reading and not self.closing:
            self.transport.resume_reading()
            self.reading = True

    def _stop_reading(self) -> None:
        self._pause()
        # Nothing more will be parsed: after the requests already queued, the connection closes.
        self.closing = True

    @staticmethod
    def _wake(request: _Request) -> None:
        if request.waiter is not None and not request.waiter.done():
            request.waiter.set_result(None)

    async def _read_body(self, limit: int) -> bytes | None:
        request = self.queue[0]
        if not request.complete and not request.overflow:
            if self.transport.is_closing():
                raise _ClientGone()
            if request.expect_continue:
                request.expect_continue = False
                self.transport.write(_CONTINUE)
            self._resume()
            request.waiter = self.loop.create_future()
            await request.waiter
        if request.overflow or request.size > limit:
            return None
        return bytes(request.body) if isinstance(request.body, bytearray) else request.body

    async def _serve(self) -> None:
        try:
            while self.queue:
                request = self.queue[0]
                if request is _BAD_REQUEST:
                    self._write(render(_BAD_REQUEST, self.front.date), request, None, close=True)
                    return
                if not await self._answer(request):
                    return
        except _ClientGone:
            return
        except Exception:
            log.exception("the webhook server failed to answer a request")
            error = Reply(500, b"internal server error", close=True)
            self._write(render(error, self.front.date), None, None, close=True)
            return
        finally:
            self.serving = False
        if self.parsing is None:
            self.deadline = self.loop.time() + self.front.keep_alive_s

    async def _answer(self, request: _Request) -> bool:
        path, _, query = request.url.partition(b"?")
        if not path.startswith(b"/"):  # the absolute form a proxy may send: http://host/webhook?...
            url = httptools.parse_url(request.url)
            path, query = url.path or b"/", url.query or b""
        path = path.decode("latin-1")
        if "%" in path:
            path = unquote(path)  # as uvicorn gives the ASGI app its path
        reply = await self.front.receiver.handle(
            request.method, path, query, request.declared, request.signature, self._read_body, self.client
        )
        self.queue.popleft()
        self._resume()
        # A body not read to its end leaves the connection in the middle of a request: it cannot carry another.
        close = reply.close or not request.keep_alive or not request.complete or (self.closing and not self.queue)
        if reply is ACCEPTED and not close:
            data = self.front.accepted
        else:
            data = render(reply, self.front.date, head_only=request.method == "HEAD", close=close)
        self._write(data, request, (path, reply.status), close)
        return not close

    def _write(self, data: bytes, request, noted, close: bool) -> None:
        if self.transport.is_closing():
            return
        self.transport.write(data)
        if noted is not None:
            self.front.access.note(self.client, request.method, noted[0], noted[1], request.started)
        if close:
            self.closing = True
            self.transport.close()

    def expired(self, now: float) -> bool:
        """Past its deadline: idle past the keep-alive, or a request still arriving past the request timeout."""
        return now > self.deadline


class WebhookFront:
    """The receiver served over HTTP/1.1 on a socket; `serve_forever` runs it until stopped."""

    def __init__(
        self,
        receiver: WebhookReceiver,
        keep_alive_s: float,
        request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S,
    ):
        self.receiver = receiver
        self.keep_alive_s = keep_alive_s
        self.request_timeout_s = request_timeout_s
        self.max_body_bytes = receiver.max_body_bytes
        self.access = AccessLines()
        self._date()
        self.connections: set[_Connection] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.port: int | None = None
        self._server: asyncio.AbstractServer | None = None
        self._stopped = asyncio.Event()

    async def start(self, host: str = "127.0.0.1", port: int = 0, sock: socket.socket | None = None) -> None:
        """Start the receiver's threads (and lander), then listen."""
        self.loop = asyncio.get_running_loop()
        options = {"sock": sock} if sock is not None else {"host": host, "port": port}
        # Bound before the receiver starts: a port already in use must fail alone, not leave a lander process
        # running that the interpreter waits for at exit (the command printed its error and never ended).
        self._server = await self.loop.create_server(
            lambda: _Connection(self), backlog=2048, start_serving=False, **options
        )
        self.receiver.start()
        await self._server.start_serving()
        address = self._server.sockets[0].getsockname()
        self.port = address[1]
        self.loop.call_later(_SWEEP_S, self._sweep)
        log.info("webhook receiver listening on http://%s:%s", address[0], self.port)

    def _date(self) -> None:
        # Once a second, not once a request: the Date line, and the answer to almost every POST, rendered with it.
        self.date = date_line()
        self.accepted = render(ACCEPTED, self.date)

    def _sweep(self) -> None:
        self._date()
        now = self.loop.time()
        for connection in [c for c in self.connections if c.expired(now)]:
            connection.closing = True
            connection.transport.close()
        if not self._stopped.is_set():
            self.loop.call_later(_SWEEP_S, self._sweep)

    def stop(self) -> None:
        """Ask `serve_forever` to stop (from the loop's thread; `stop_threadsafe` from another)."""
        self._stopped.set()

    def stop_threadsafe(self) -> None:
        """`stop` from any thread."""
        self.loop.call_soon_threadsafe(self._stopped.set)

    async def serve_forever(self) -> None:
        """Answer until stopped, then let what is in progress finish, close, and stop the receiver."""
        await self._stopped.wait()
        self._server.close()
        deadline = self.loop.time() + STOP_GRACE_S
        while any(c.serving for c in self.connections) and self.loop.time() < deadline:
            await asyncio.sleep(0.01)
        for connection in list(self.connections):
            connection.transport.close()
        await asyncio.to_thread(self.receiver.stop)
        log.info("webhook receiver stopped")


def _quieter_gc() -> None:
    # A request allocates a few dozen containers (coroutines, a task, futures, the request) that die with it, but
    # the cyclic collector counts them and, every few thousand, walks every object the process holds (the imported
    # code included): about a tenth of the receiver's CPU under a burst (perf). What is alive now lives as long as
    # the process, so it is moved out of the collector's sight, and it runs a tenth as often.
    gc.freeze()
    threshold, *older = gc.get_threshold()
    gc.set_threshold(threshold * 10, *older)


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency; the stdlib loop is only slower
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run(
    receiver: WebhookReceiver,
    host: str,
    port: int,
    keep_alive_s: float,
    request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S,
    sock: socket.socket | None = None,
    on_ready: Callable[[WebhookFront], None] | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM (in the main thread) or `front.stop_threadsafe()`; blocks."""
    front = WebhookFront(receiver, keep_alive_s, request_timeout_s)
    loop = _new_loop()

    async def main() -> None:
        await front.start(host, port, sock)
        if on_ready is not None:
            on_ready(front)
        await front.serve_forever()

    try:
        if threading.current_thread() is threading.main_thread():
            # The process is the server's (`serve-webhook`): see _quieter_gc.
            _quieter_gc()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, front.stop)
        loop.run_until_complete(main())
    finally:
        # Answers to clients already gone (the receiver has committed or refused their bodies by now).
        leftover = asyncio.all_tasks(loop)
        for task in leftover:
            task.cancel()
        if leftover:
            loop.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
        loop.close()
