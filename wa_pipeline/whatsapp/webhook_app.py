"""The Cloud API webhook receiver: verify, cap, authenticate, keep the raw body durably, then acknowledge.

A plain ASGI callable: under Meta's bursts the receiver is bound by its interpreter lock, and a framework's routing
and request objects cost as much as the rest of a request. By default (`WA_WEBHOOK_ACKNOWLEDGE=inbox`) a POST is
answered 200 once its raw bytes are in the webhook inbox (fsynced); the lander maps and lands them after. With
`landed` the 200 waits until every record of the body is in the landing store, as before the inbox.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.message import normalise_text
from wa_pipeline.store.contacts import ContactStore
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.events import EventStore
from wa_pipeline.store.landing_store import LandingStore
from wa_pipeline.store.webhook_inbox import WebhookInbox
from wa_pipeline.whatsapp.cloud_api import ParsedWebhook, parse_webhook
from wa_pipeline.whatsapp.group_commit import STAGE, GroupCommitWriter, StoreUnavailable, WriterClosed
from wa_pipeline.whatsapp.inbox_writer import InboxClosed, InboxWriter
from wa_pipeline.whatsapp.lander import Lander, LanderThread
from wa_pipeline.whatsapp.webhook_signature import verify_signature

log = logging.getLogger(__name__)
# Meta delivers bodies of up to 3 MB; a larger one is refused with 413 before it is read into memory.
DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024
# Past this age of the oldest unlanded body /healthz says the lander is not keeping up (WA_WEBHOOK_MAX_BACKLOG_AGE_S).
DEFAULT_MAX_BACKLOG_AGE_S = 300.0
# Splitting a body costs one scan of its bytes; past this size it runs beside the event loop, not on it.
_PARSE_IN_THREAD_BYTES = 256 * 1024
_TEXT = [(b"content-type", b"text/plain; charset=utf-8"), (b"x-content-type-options", b"nosniff")]
_JSON = [(b"content-type", b"application/json"), (b"x-content-type-options", b"nosniff")]
_NO_STORE = (b"cache-control", b"no-store")
_ACCEPTED = b'{"status":"accepted"}'
_WHITESPACE = b" \t\r\n"


async def _answer(send, status: int, body: bytes, headers: list, close: bool = False) -> None:
    extra = [(b"content-length", str(len(body)).encode()), _NO_STORE]
    if close:
        extra.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers + extra})
    await send({"type": "http.response.body", "body": body})


async def _refuse(send, status: int, reason: str, close: bool = False) -> None:
    await _answer(send, status, reason.encode("utf-8"), _TEXT, close)


async def _json(send, payload: dict, status: int = 200) -> None:
    await _answer(send, status, json.dumps(payload).encode(), _JSON)


async def _read_capped(receive, limit: int) -> bytes | None:
    """The raw body, or None as soon as it grows past `limit` (the rest is never read into memory)."""
    message = await receive()
    body = message.get("body", b"")
    if not message.get("more_body", False) and len(body) <= limit:
        return body  # the usual case: the whole body arrived in one piece
    buffer = bytearray(body)
    while message.get("more_body", False):
        if len(buffer) > limit:
            return None
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        buffer += message.get("body", b"")
    return None if len(buffer) > limit else bytes(buffer)


def _looks_like_an_object(raw: bytes) -> bool:
    """The cheap check of the request path: braces at both ends. The lander dead-letters whatever else is wrong."""
    stripped = raw.strip(_WHITESPACE)
    return stripped[:1] == b"{" and stripped[-1:] == b"}"


def _summary(parsed: ParsedWebhook) -> dict:
    return {
        "messages": len(parsed.messages),
        "statuses": len(parsed.statuses),
        "events": len(parsed.events),
        "rejected": len(parsed.rejects),
    }


class WebhookReceiver:
    """The ASGI app: GET /webhook (Meta's verification), POST /webhook, GET /healthz.

    `app.state.lander.drained(timeout)` waits until every body acknowledged so far has landed (inbox mode).
    """

    def __init__(
        self,
        app_secret: str,
        verify_token: str,
        dead_letters: DeadLetterQueue,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        inbox_writer: InboxWriter | None = None,
        lander=None,
        writer: GroupCommitWriter | None = None,
        max_backlog_age_s: float = DEFAULT_MAX_BACKLOG_AGE_S,
        events: EventStore | None = None,
    ):
        if not app_secret or not verify_token:
            raise ValueError("the webhook needs an app secret (WA_APP_SECRET) and a verify token (WA_VERIFY_TOKEN)")
        if inbox_writer is None and writer is None:
            raise ValueError("the receiver acknowledges through the inbox or through the landing writer")
        self._secret = app_secret
        self._token = verify_token.encode("utf-8")
        self.dead_letters = dead_letters
        self.max_body_bytes = max_body_bytes
        self.clock = clock
        self.max_backlog_age_s = max_backlog_age_s
        self.events = events if events is not None else (writer.events if writer is not None else None)
        # `writer` lands (through the lander in inbox mode); only without an inbox does the 200 wait for it.
        self.state = SimpleNamespace(inbox_writer=inbox_writer, lander=lander, writer=writer)
        self._landing_first = writer if inbox_writer is None else None
        # A reader of its own: /healthz never waits behind the inbox writer's connection.
        self._inbox_reader = WebhookInbox(inbox_writer.inbox.path) if inbox_writer is not None else None
        self._too_large = f"body larger than {max_body_bytes} bytes"

    async def __call__(self, scope, receive, send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            return await self._lifespan(receive, send)
        if kind != "http":
            return
        path, method = scope["path"], scope["method"]
        if path == "/webhook":
            if method == "POST":
                return await self._receive(scope, receive, send)
            if method in ("GET", "HEAD"):
                return await self._verify(scope, send)
            return await _refuse(send, 405, "method not allowed")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return await self._healthz(send)
        return await _refuse(send, 404, "not found")

    async def _verify(self, scope, send) -> None:
        params = {k: v[0] for k, v in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()}
        token, challenge = params.get("hub.verify_token"), params.get("hub.challenge")
        if (
            params.get("hub.mode") == "subscribe"
            and token is not None
            and challenge is not None
            and hmac.compare_digest(token.encode("utf-8"), self._token)
        ):
            return await _answer(send, 200, challenge.encode("utf-8"), _TEXT)
        client = scope.get("client") or ("?", 0)
        log.warning("webhook verification refused for %s", client[0])
        await _refuse(send, 403, "verification refused")

    async def _receive(self, scope, receive, send) -> None:
        declared = signature = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name == b"x-hub-signature-256":
                signature = value
        if declared is not None:
            if not declared.strip().isdigit():
                return await _refuse(send, 400, "bad Content-Length", close=True)
            if int(declared) > self.max_body_bytes:
                return await _refuse(send, 413, self._too_large, close=True)
        raw = await _read_capped(receive, self.max_body_bytes)
        if raw is None:
            return await _refuse(send, 413, self._too_large, close=True)
        if signature is None:
            log.warning("webhook POST without X-Hub-Signature-256 refused")
            return await _refuse(send, 401, "missing X-Hub-Signature-256")
        if not verify_signature(raw, signature.decode("latin-1"), self._secret):
            log.warning("webhook POST with a wrong signature refused")
            return await _refuse(send, 403, "signature does not match")
        if self._landing_first is not None:
            return await self._land_then_answer(raw, send)
        if not _looks_like_an_object(raw):
            return await self._bad_body(raw, send)
        try:
            await self.state.inbox_writer.append(raw, self.clock())
        except InboxClosed:
            return await _refuse(send, 503, "shutting down")
        except Exception as exc:
            log.error("the webhook inbox is unavailable: %s", type(exc).__name__)
            return await _refuse(send, 503, "could not store the delivery; retry later")
        await _answer(send, 200, _ACCEPTED, _JSON)

    async def _bad_body(self, raw: bytes, send) -> None:
        # Rare, so it may be slow: the parser names what is wrong and the whole body is kept in the queue.
        parsed = await asyncio.to_thread(parse_webhook, raw, self.clock())
        try:
            await asyncio.to_thread(self._dead_letter, parsed)
        except Exception as exc:
            log.error("the dead-letter queue refused a bad body: %s", type(exc).__name__)
            return await _refuse(send, 503, "could not store the delivery; retry later")
        await _refuse(send, 400, parsed.body_error or "the body is not a JSON object")

    def _dead_letter(self, parsed: ParsedWebhook) -> None:
        items = [(r.item_key, normalise_text(r.reason) or "", r.payload()) for r in parsed.rejects]
        self.dead_letters.add_many(STAGE, items)

    async def _land_then_answer(self, raw: bytes, send) -> None:
        if len(raw) > _PARSE_IN_THREAD_BYTES:
            parsed = await asyncio.to_thread(parse_webhook, raw, self.clock())
        else:
            parsed = parse_webhook(raw, self.clock())
        try:
            await self.state.writer.write(parsed)
        except WriterClosed:
            return await _refuse(send, 503, "shutting down")
        except StoreUnavailable:
            log.error("the landing store is unavailable")
            return await _refuse(send, 503, "could not store the delivery; retry later")
        except Exception as exc:
            log.error("landing a webhook failed: %s", type(exc).__name__)
            return await _refuse(send, 503, "could not store the delivery; retry later")
        if parsed.body_error is not None:
            # Kept in the dead-letter queue with its bytes; the sender is told why it was not accepted.
            return await _refuse(send, 400, parsed.body_error)
        if parsed.rejects:
            log.warning("webhook: %d element(s) sent to the dead-letter queue", len(parsed.rejects))
        await _json(send, _summary(parsed))

    def health(self) -> tuple[bool, dict]:
        """(healthy, what /healthz shows): the writer, and in inbox mode the backlog and the lander."""
        writer, inbox_writer, lander = self._landing_first, self.state.inbox_writer, self.state.lander
        if writer is not None:
            report = {"acknowledge": "landed", "commits": writer.commits, "requests": writer.requests}
            report["queued"] = writer.pending
            return writer.healthy, report
        backlog = self._inbox_reader.backlog()
        age = (
            max(0.0, (datetime.now(UTC) - backlog.oldest_received_at).total_seconds())
            if backlog.oldest_received_at is not None
            else 0.0
        )
        lander_state = lander.state() if lander is not None else {"state": "none"}
        report = {
            "acknowledge": "inbox",
            "commits": inbox_writer.commits,
            "requests": inbox_writer.bodies,
            "queued": inbox_writer.pending,
            "inbox": {"backlog": backlog.bodies, "oldest_age_s": round(age, 3), "max_age_s": self.max_backlog_age_s},
            "lander": lander_state,
        }
        healthy = inbox_writer.healthy and lander_state["state"] == "running" and age <= self.max_backlog_age_s
        return healthy, report

    async def _healthz(self, send) -> None:
        healthy, report = await asyncio.to_thread(self.health)
        if healthy and self.events is not None:
            # Events by kind, "unknown" included: a field this version keeps without mapping is visible here.
            report["events"] = await asyncio.to_thread(self.events.counts_by_kind)
        await _json(send, {"status": "ok" if healthy else "unavailable", **report}, 200 if healthy else 503)

    def start(self) -> None:
        """Start the writer threads and the lander."""
        for part in (self._landing_first, self.state.inbox_writer, self.state.lander):
            if part is not None:
                part.start()

    def stop(self) -> None:
        """Acknowledge or refuse what is waiting, then let the lander land what the inbox holds, and stop."""
        for part in (self._landing_first, self.state.inbox_writer, self.state.lander):
            if part is not None:
                part.stop()
        if self.state.inbox_writer is not None:
            # The lander landed what was left: delete it now rather than at the next start.
            self.state.inbox_writer.inbox.prune()

    async def _lifespan(self, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    self.start()
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.to_thread(self.stop)
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_webhook_app(
    store: LandingStore,
    dead_letters: DeadLetterQueue,
    app_secret: str,
    verify_token: str,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    events: EventStore | None = None,
    contacts: ContactStore | None = None,
    acknowledge: str = "inbox",
    inbox_path: Path | None = None,
    max_backlog_age_s: float = DEFAULT_MAX_BACKLOG_AGE_S,
) -> WebhookReceiver:
    """The receiver with its lander in a thread of this process (`serve-webhook` runs the lander in its own).

    `clock` is the receiving time that bounds the timestamps landed (tests set it). The inbox defaults to the
    data layout's file beside the dead-letter queue. `acknowledge="landed"` answers only after landing.
    """
    if not app_secret or not verify_token:
        raise ValueError("the webhook needs an app secret (WA_APP_SECRET) and a verify token (WA_VERIFY_TOKEN)")
    writer = GroupCommitWriter(store, dead_letters, events=events, contacts=contacts)
    options = dict(max_body_bytes=max_body_bytes, clock=clock, max_backlog_age_s=max_backlog_age_s)
    if acknowledge == "landed":
        return WebhookReceiver(app_secret, verify_token, dead_letters, writer=writer, **options)
    if acknowledge != "inbox":
        raise ValueError(f"acknowledge must be 'inbox' or 'landed', not {acknowledge!r}")
    inbox = WebhookInbox(inbox_path or DataLayout(dead_letters.path.parent).webhook_inbox)
    lander = LanderThread(Lander(WebhookInbox(inbox.path), writer))
    inbox_writer = InboxWriter(inbox, on_commit=lander.wake)
    return WebhookReceiver(
        app_secret,
        verify_token,
        dead_letters,
        inbox_writer=inbox_writer,
        lander=lander,
        writer=writer,
        **options,
    )
