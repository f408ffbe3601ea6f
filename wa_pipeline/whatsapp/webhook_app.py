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
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple
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
from wa_pipeline.whatsapp.lander import (
    Lander,
    LanderThread,
    bsuid_chats,
    file_under_first_key,
    known_chat_keys,
    known_name,
    name_customer_chats,
    unnamed_chats,
)
from wa_pipeline.whatsapp.webhook_signature import verify_signature

log = logging.getLogger(__name__)
# Meta delivers bodies of up to 3 MB; a larger one is refused with 413 before it is read into memory.
DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024
# Past this age of the oldest unlanded body /healthz says the lander is not keeping up (WA_WEBHOOK_MAX_BACKLOG_AGE_S).
DEFAULT_MAX_BACKLOG_AGE_S = 300.0
# Splitting a body costs one scan of its bytes; past this size it runs beside the event loop, not on it.
_PARSE_IN_THREAD_BYTES = 256 * 1024
_TEXT = ((b"content-type", b"text/plain; charset=utf-8"), (b"x-content-type-options", b"nosniff"))
_JSON = ((b"content-type", b"application/json"), (b"x-content-type-options", b"nosniff"))
_NO_STORE = (b"cache-control", b"no-store")
_WHITESPACE = b" \t\r\n"


class Reply(NamedTuple):
    """What the receiver answers, whatever server carries it: the ASGI app and `webhook_front` both send it."""

    status: int
    body: bytes
    headers: tuple = _TEXT
    # The request's body may not have been read to its end: the connection cannot carry another request.
    close: bool = False

    def asgi_headers(self) -> list:
        """The headers with content-length, cache-control and (when closing) connection."""
        extra = [(b"content-length", str(len(self.body)).encode()), _NO_STORE]
        if self.close:
            extra.append((b"connection", b"close"))
        return [*self.headers, *extra]


def _refuse(status: int, reason: str, close: bool = False) -> Reply:
    return Reply(status, reason.encode("utf-8"), _TEXT, close)


def _json(payload: dict, status: int = 200) -> Reply:
    return Reply(status, json.dumps(payload).encode(), _JSON)


# The answer to almost every request: one object, so a server may render it once.
ACCEPTED = Reply(200, b'{"status":"accepted"}', _JSON)
# Says where the receiver listens: a callback URL or proxy pointing at another path is the usual set-up slip.
NOT_FOUND = _refuse(404, "not found: the webhook is at /webhook, its health at /healthz")
# Meta calls the callback URL exactly as typed in the App Dashboard, where a trailing slash is easy to add.
WEBHOOK_PATHS = frozenset({"/webhook", "/webhook/"})
NOT_ALLOWED = _refuse(405, "method not allowed")
# Where a request's body is read from: the limit in, the bytes out, or None once they grow past it.
ReadBody = Callable[[int], Awaitable["bytes | None"]]


async def _send(send, reply: Reply) -> None:
    await send({"type": "http.response.start", "status": reply.status, "headers": reply.asgi_headers()})
    await send({"type": "http.response.body", "body": reply.body})


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

    `handle` holds every rule of a request; the ASGI call and `webhook_front`'s server only carry it.
    `events` is the event store /healthz counts, or what opens it when first asked.
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
        events: EventStore | Callable[[], EventStore] | None = None,
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
        declared = signature = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name == b"x-hub-signature-256":
                signature = value
        client = scope.get("client") or ("?", 0)
        reply = await self.handle(
            scope["method"],
            scope["path"],
            scope.get("query_string", b""),
            declared,
            signature,
            lambda limit: _read_capped(receive, limit),
            client[0],
        )
        await _send(send, reply)

    async def handle(
        self,
        method: str,
        path: str,
        query: bytes,
        declared: bytes | None,
        signature: bytes | None,
        read_body: ReadBody,
        client: str,
    ) -> Reply:
        """The answer to one request, whichever server carries it (`declared`: the Content-Length header's value)."""
        if path in WEBHOOK_PATHS:
            if method == "POST":
                return await self._receive(declared, signature, read_body)
            if method in ("GET", "HEAD"):
                return self._verify(query, client)
            return NOT_ALLOWED
        if path == "/healthz" and method in ("GET", "HEAD"):
            return await self._healthz()
        return NOT_FOUND

    def _verify(self, query: bytes, client: str) -> Reply:
        params = {k: v[0] for k, v in parse_qs(query.decode("latin-1")).items()}
        token, challenge = params.get("hub.verify_token"), params.get("hub.challenge")
        if (
            params.get("hub.mode") == "subscribe"
            and token is not None
            and challenge is not None
            and hmac.compare_digest(token.encode("utf-8"), self._token)
        ):
            return Reply(200, challenge.encode("utf-8"), _TEXT)
        # Why, for the person setting it up (the caller is told nothing it could use to guess the token).
        if params.get("hub.mode") != "subscribe" or challenge is None:
            why = "it is not a subscription request (hub.mode=subscribe with a hub.challenge)"
        elif token is None:
            why = "it carries no hub.verify_token"
        else:
            why = "its verify token is not WA_VERIFY_TOKEN (the App Dashboard's Verify token must be the same)"
        log.warning("webhook verification refused for %s: %s", client, why)
        return _refuse(403, "verification refused")

    async def _receive(self, declared: bytes | None, signature: bytes | None, read_body: ReadBody) -> Reply:
        if declared is not None:
            if not declared.strip().isdigit():
                return _refuse(400, "bad Content-Length", close=True)
            if int(declared) > self.max_body_bytes:
                return _refuse(413, self._too_large, close=True)
        raw = await read_body(self.max_body_bytes)
        if raw is None:
            return _refuse(413, self._too_large, close=True)
        if signature is None:
            log.warning("webhook POST without X-Hub-Signature-256 refused")
            return _refuse(401, "missing X-Hub-Signature-256")
        if not verify_signature(raw, signature.decode("latin-1"), self._secret):
            # A forger's post reads the same; when Meta's own posts all end here, the secret is the usual cause.
            log.warning(
                "webhook POST with a wrong signature refused (if Meta's posts are all refused: WA_APP_SECRET must be"
                " the App secret of the app this webhook is set on, App settings > Basic, and a proxy must pass the"
                " body unchanged)"
            )
            return _refuse(403, "signature does not match")
        if self._landing_first is not None:
            return await self._land_then_answer(raw)
        if not _looks_like_an_object(raw):
            return await self._bad_body(raw)
        try:
            await self.state.inbox_writer.append(raw, self.clock())
        except InboxClosed:
            return _refuse(503, "shutting down")
        except Exception as exc:
            log.error("the webhook inbox is unavailable: %s", type(exc).__name__)
            return _refuse(503, "could not store the delivery; retry later")
        return ACCEPTED

    async def _bad_body(self, raw: bytes) -> Reply:
        # Rare, so it may be slow: the parser names what is wrong and the whole body is kept in the queue.
        parsed = await asyncio.to_thread(parse_webhook, raw, self.clock())
        try:
            await asyncio.to_thread(self._dead_letter, parsed)
        except Exception as exc:
            log.error("the dead-letter queue refused a bad body: %s", type(exc).__name__)
            return _refuse(503, "could not store the delivery; retry later")
        return _refuse(400, parsed.body_error or "the body is not a JSON object")

    def _dead_letter(self, parsed: ParsedWebhook) -> None:
        items = [(r.item_key, normalise_text(r.reason) or "", r.payload()) for r in parsed.rejects]
        self.dead_letters.add_many(STAGE, items)

    async def _land_then_answer(self, raw: bytes) -> Reply:
        if len(raw) > _PARSE_IN_THREAD_BYTES:
            parsed = await asyncio.to_thread(parse_webhook, raw, self.clock())
        else:
            parsed = parse_webhook(raw, self.clock())
        store = self.state.writer.store
        if bsuid_chats(parsed):
            # As the lander does: a message naming its customer by BSUID joins the chat of their number.
            await asyncio.to_thread(file_under_first_key, [parsed], lambda user_ids: known_chat_keys(store, user_ids))
        if unnamed_chats(parsed):
            # As the lander does: an echo or history line takes the customer's name (a read, off the loop).
            await asyncio.to_thread(name_customer_chats, [parsed], lambda customer: known_name(store, customer))
        try:
            await self.state.writer.write(parsed)
        except WriterClosed:
            return _refuse(503, "shutting down")
        except StoreUnavailable:
            log.error("the landing store is unavailable")
            return _refuse(503, "could not store the delivery; retry later")
        except Exception as exc:
            log.error("landing a webhook failed: %s", type(exc).__name__)
            return _refuse(503, "could not store the delivery; retry later")
        if parsed.body_error is not None:
            # Kept in the dead-letter queue with its bytes; the sender is told why it was not accepted.
            return _refuse(400, parsed.body_error)
        if parsed.rejects:
            log.warning("webhook: %d element(s) sent to the dead-letter queue", len(parsed.rejects))
        return _json(_summary(parsed))

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

    async def _healthz(self) -> Reply:
        healthy, report = await asyncio.to_thread(self.health)
        if healthy and self.events is not None:
            # Events by kind, "unknown" included: a field this version keeps without mapping is visible here.
            report["events"] = await asyncio.to_thread(self._event_counts)
        return _json({"status": "ok" if healthy else "unavailable", **report}, 200 if healthy else 503)

    def _event_counts(self) -> dict[str, int]:
        if callable(self.events):
            # Opened on the first /healthz, off every POST's path (serve-webhook's receiver holds no landing store).
            self.events = self.events()
        return self.events.counts_by_kind()

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
