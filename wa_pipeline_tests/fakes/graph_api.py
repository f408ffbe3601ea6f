"""A local stand-in for the WhatsApp Cloud API media endpoints, served over real HTTP on 127.0.0.1.

It answers like Meta's published reference (developers.facebook.com/docs/whatsapp/cloud-api/reference/media):

* `GET /{version}/{media-id}` with `Authorization: Bearer <token>` ->
  `{"messaging_product": "whatsapp", "url": ..., "mime_type": ..., "sha256": <hex>, "file_size": "<digits>",
  "id": ...}` (file_size as a string, as in Meta's example). A missing or wrong token -> 401 with Graph's
  OAuthException code 190; an unknown, deleted or expired id (ids live 7 days) -> 400, GraphMethodException
  code 100 / subcode 33 ("Unsupported get request. Object with ID ... does not exist ..."). The optional
  `phone_number_id` query parameter is accepted and ignored.
* the returned URL mimics `https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=..&ext=..&hash=..`:
  it lives `url_ttl_s` seconds (Meta: 5 minutes), serves `url_uses` downloads (single use by default), and must
  be fetched with the same bearer token (401 without). A lapsed, used-up or unknown URL -> 404.

Time is a clock the test moves (`advance`), so expiry never depends on how fast the test runs. Faults are
queued per endpoint ("metadata" or "download") and consumed in request order. Every request is logged.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DEFAULT_TOKEN = "test-graph-token"
ATTACHMENTS_PATH = "/whatsapp_business/attachments/"
MEDIA_ID_LIFETIME_S = 7 * 24 * 3600
GRAPH_DOCS = "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"


@dataclass
class StoredMedia:
    media_id: str
    data: bytes | None  # None: a generated ("huge") file of `size` zero bytes, streamed without being held
    mime_type: str
    size: int
    sha256: str
    uploaded_at: float
    advertised_sha256: str | None = None
    advertised_size: int | None = None
    send_length: bool = True
    corrupt: bool = False
    deleted: bool = False


@dataclass
class IssuedUrl:
    media_id: str
    expires_at: float
    uses_left: int


@dataclass(frozen=True)
class LoggedRequest:
    endpoint: str  # "metadata" | "download" | "other"
    path: str  # with the query string
    media_id: str | None
    status: int
    authorized: bool
    bytes_sent: int = 0


@dataclass
class _Fault:
    status: int = 500
    delay_s: float = 0.0


@dataclass
class _Rendezvous:
    barrier: threading.Barrier
    timeout_s: float


class FakeGraphApi:
    """Context manager: `with FakeGraphApi() as graph: graph.base_url ...`."""

    def __init__(self, access_token: str = DEFAULT_TOKEN, url_ttl_s: float = 300, url_uses: int = 1) -> None:
        self.access_token = access_token
        self.url_ttl_s = url_ttl_s
        self.url_uses = url_uses
        self._requests: list[LoggedRequest] = []
        self.peak_concurrent_downloads = 0
        self._media: dict[str, StoredMedia] = {}
        self._urls: dict[str, IssuedUrl] = {}
        self._faults: dict[str, deque[_Fault]] = {"metadata": deque(), "download": deque()}
        self._rendezvous: _Rendezvous | None = None
        self._in_flight = 0
        self._offset = 0.0
        self._next_id = 1_000_000_000_000_000
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------------------------ lifecycle

    def __enter__(self) -> FakeGraphApi:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-graph-api", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()  # releases handlers sleeping in a delay fault
        if self._rendezvous:
            self._rendezvous.barrier.abort()
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    @property
    def base_url(self) -> str:
        assert self._server is not None, "use FakeGraphApi as a context manager"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ------------------------------------------------------------------------------------ state

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the stand-in's clock: URLs and media ids expire against it."""
        with self._lock:
            self._offset += seconds

    def add_media(
        self,
        data: bytes,
        mime_type: str = "image/jpeg",
        media_id: str | None = None,
        advertised_sha256: str | None = None,
        advertised_size: int | None = None,
    ) -> str:
        """A file WhatsApp received; returns its media id. `advertised_*` make metadata lie about it."""
        with self._lock:
            media_id = media_id or self._new_id()
            self._media[media_id] = StoredMedia(
                media_id=media_id,
                data=data,
                mime_type=mime_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                uploaded_at=self.now(),
                advertised_sha256=advertised_sha256,
                advertised_size=advertised_size,
            )
        return media_id

    def add_huge_media(
        self, size: int, mime_type: str = "image/jpeg", advertised_size: int | None = None, send_length: bool = False
    ) -> str:
        """`size` zero bytes, generated while streaming (chunked unless `send_length`), never held in memory."""
        digest = hashlib.sha256()
        block = bytes(1 << 20)
        remaining = size
        while remaining:
            step = min(remaining, len(block))
            digest.update(block[:step])
            remaining -= step
        with self._lock:
            media_id = self._new_id()
            self._media[media_id] = StoredMedia(
                media_id=media_id,
                data=None,
                mime_type=mime_type,
                size=size,
                sha256=digest.hexdigest(),
                uploaded_at=self.now(),
                advertised_size=advertised_size,
                send_length=send_length,
            )
        return media_id

    def sha256_of(self, media_id: str) -> str:
        return self._media[media_id].sha256

    def delete_media(self, media_id: str) -> None:
        """As `DELETE /{media-id}` would: later lookups answer code 100 / subcode 33."""
        with self._lock:
            self._media[media_id].deleted = True

    def corrupt_download(self, media_id: str) -> None:
        """Serve the file with one byte flipped, while metadata still describes the original."""
        with self._lock:
            self._media[media_id].corrupt = True

    def fail_next(self, endpoint: str, times: int = 1, status: int = 500) -> None:
        with self._lock:
            self._faults[endpoint].extend(_Fault(status=status) for _ in range(times))

    def delay_next(self, endpoint: str, seconds: float, times: int = 1) -> None:
        with self._lock:
            self._faults[endpoint].extend(_Fault(status=0, delay_s=seconds) for _ in range(times))

    def rendezvous_downloads(self, parties: int, timeout_s: float = 20) -> None:
        """Hold each download until `parties` are in flight at once: proves the client runs them concurrently."""
        self._rendezvous = _Rendezvous(threading.Barrier(parties), timeout_s)

    def expire_url(self, url: str) -> None:
        with self._lock:
            token = _url_token(url)
            if token in self._urls:
                self._urls[token].expires_at = self.now() - 1

    @property
    def requests(self) -> list[LoggedRequest]:
        return self.log()

    def log(self, endpoint: str | None = None, media_id: str | None = None) -> list[LoggedRequest]:
        """Requests answered so far; waits for downloads still streaming, whose entry is written when they end."""
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=30)
            return [
                r
                for r in self._requests
                if (endpoint is None or r.endpoint == endpoint) and (media_id is None or r.media_id == media_id)
            ]

    # ------------------------------------------------------------------------------------ internals

    def _new_id(self) -> str:
        self._next_id += 7919
        return str(self._next_id)

    def _record(self, request: LoggedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _take_fault(self, endpoint: str) -> _Fault | None:
        with self._lock:
            queue = self._faults[endpoint]
            return queue.popleft() if queue else None

    def _sleep(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _lookup(self, media_id: str) -> StoredMedia | None:
        media = self._media.get(media_id)
        if media is None or media.deleted or self.now() - media.uploaded_at > MEDIA_ID_LIFETIME_S:
            return None
        return media

    def _issue_url(self, base: str, media: StoredMedia) -> str:
        token = secrets.token_urlsafe(24)
        expires_at = self.now() + self.url_ttl_s
        with self._lock:
            self._urls[token] = IssuedUrl(media.media_id, expires_at, self.url_uses)
        return f"{base}{ATTACHMENTS_PATH}?mid={media.media_id}&ext={int(expires_at)}&hash={token}"

    def _claim_url(self, token: str) -> StoredMedia | None:
        with self._lock:
            issued = self._urls.get(token)
            if issued is None or issued.uses_left <= 0 or self.now() > issued.expires_at:
                return None
            issued.uses_left -= 1
            return self._lookup(issued.media_id)

    def _enter_download(self) -> None:
        with self._lock:
            self._in_flight += 1
            self.peak_concurrent_downloads = max(self.peak_concurrent_downloads, self._in_flight)

    def _leave_download(self) -> None:
        with self._idle:
            self._in_flight -= 1
            self._idle.notify_all()


def _url_token(url: str) -> str:
    return (parse_qs(urlsplit(url).query).get("hash") or [""])[0]


def _graph_error(message: str, type_: str, code: int, subcode: int | None = None, **extra: object) -> dict:
    error: dict = {"message": message, "type": type_, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(extra)
    error["fbtrace_id"] = secrets.token_urlsafe(8)
    return {"error": error}


def _generated(size: int) -> Iterator[bytes]:
    block = bytes(1 << 16)
    remaining = size
    while remaining:
        step = min(remaining, len(block))
        yield block[:step]
        remaining -= step


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGraphApi
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _authorized(self) -> bool:
        return self.headers.get("Authorization", "") == f"Bearer {self.fake.access_token}"

    def _send_json(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        if status == 401:
            self.send_header(
                "WWW-Authenticate", 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"'
            )
        self.end_headers()
        self.wfile.write(payload)

    def _send_empty(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        if split.path == ATTACHMENTS_PATH:
            self._download(split.query)
            return
        parts = [p for p in split.path.split("/") if p]
        if len(parts) == 2 and parts[0].startswith("v"):
            self._metadata(parts[1])
            return
        self.fake._record(LoggedRequest("other", self.path, None, 400, self._authorized()))
        self._send_json(400, _graph_error(f"Unknown path components: {split.path}", "OAuthException", 2500))

    def _metadata(self, media_id: str) -> None:
        fake = self.fake
        authorized = self._authorized()
        fault = fake._take_fault("metadata")
        if fault and fault.delay_s:
            fake._sleep(fault.delay_s)
            fault = None
        if not authorized:
            status, body = (
                401,
                _graph_error("Invalid OAuth access token - Cannot parse access token", "OAuthException", 190),
            )
        elif fault:
            status, body = (
                fault.status,
                _graph_error(
                    "An unexpected error has occurred. Please retry your request later.",
                    "OAuthException",
                    2,
                    is_transient=True,
                ),
            )
        else:
            media = fake._lookup(media_id)
            if media is None:
                status, body = (
                    400,
                    _graph_error(
                        f"Unsupported get request. Object with ID '{media_id}' does not exist, cannot be loaded due to "
                        f"missing permissions, or does not support this operation. {GRAPH_DOCS}",
                        "GraphMethodException",
                        100,
                        33,
                    ),
                )
            else:
                host, port = self.server.server_address[:2]
                status, body = (
                    200,
                    {
                        "messaging_product": "whatsapp",
                        "url": fake._issue_url(f"http://{host}:{port}", media),
                        "mime_type": media.mime_type,
                        "sha256": media.advertised_sha256 or media.sha256,
                        "file_size": str(media.advertised_size if media.advertised_size is not None else media.size),
                        "id": media.media_id,
                    },
                )
        fake._record(LoggedRequest("metadata", self.path, media_id, status, authorized))
        self._send_json(status, body)

    def _download(self, query: str) -> None:
        fake = self.fake
        params = parse_qs(query)
        media_id = (params.get("mid") or [None])[0]
        authorized = self._authorized()
        fake._enter_download()
        try:
            if fake._rendezvous is not None:
                try:
                    fake._rendezvous.barrier.wait(fake._rendezvous.timeout_s)
                except threading.BrokenBarrierError:
                    fake._record(LoggedRequest("download", self.path, media_id, 503, authorized))
                    self._send_empty(503)
                    return
            fault = fake._take_fault("download")
            if fault and fault.delay_s:
                fake._sleep(fault.delay_s)
                fault = None
            if not authorized:
                status = 401
            elif fault:
                status = fault.status
            else:
                media = fake._claim_url((params.get("hash") or [""])[0])
                status = 200 if media is not None else 404
            if status != 200:
                fake._record(LoggedRequest("download", self.path, media_id, status, authorized))
                self._send_empty(status)
                return
            sent = self._send_media(media)
            fake._record(LoggedRequest("download", self.path, media_id, 200, authorized, bytes_sent=sent))
        finally:
            fake._leave_download()

    def _send_media(self, media: StoredMedia) -> int:
        self.send_response(200)
        self.send_header("Content-Type", media.mime_type)
        chunked = media.data is None and not media.send_length
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(media.size))
        self.end_headers()
        if media.data is not None:
            body = bytearray(media.data)
            if media.corrupt and body:
                body[len(body) // 2] ^= 0xFF
            self.wfile.write(bytes(body))
            return len(body)
        sent = 0
        try:
            for block in _generated(media.size):
                if chunked:
                    self.wfile.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
                else:
                    self.wfile.write(block)
                sent += len(block)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            # The client stopped reading (its size cap): exactly what a capped download should do.
            self.close_connection = True
        return sent
