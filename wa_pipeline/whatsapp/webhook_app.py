"""The Cloud API webhook receiver: verify, cap, authenticate, parse, land durably, then acknowledge."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from wa_pipeline.store.contacts import ContactStore
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.events import EventStore
from wa_pipeline.store.landing_store import LandingStore
from wa_pipeline.whatsapp.cloud_api import ParsedWebhook, parse_webhook
from wa_pipeline.whatsapp.group_commit import GroupCommitWriter, StoreUnavailable, WriterClosed
from wa_pipeline.whatsapp.webhook_signature import verify_signature

log = logging.getLogger(__name__)
_PLAIN = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
# Meta delivers bodies of up to 3 MB; a larger one is refused with 413 before it is read into memory.
DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024
# Splitting a body costs one scan of its bytes; past this size it runs beside the event loop, not on it.
_PARSE_IN_THREAD_BYTES = 256 * 1024


def _refuse(status: int, reason: str, close: bool = False) -> Response:
    headers = {**_PLAIN, "Connection": "close"} if close else _PLAIN
    return PlainTextResponse(reason, status_code=status, headers=headers)


async def _read_capped(request: Request, limit: int) -> bytes | None:
    """The raw body, or None as soon as it grows past `limit` (the rest is never read into memory)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _summary(parsed: ParsedWebhook) -> dict:
    return {
        "messages": len(parsed.messages),
        "statuses": len(parsed.statuses),
        "events": len(parsed.events),
        "rejected": len(parsed.rejects),
    }


def create_webhook_app(
    store: LandingStore,
    dead_letters: DeadLetterQueue,
    app_secret: str,
    verify_token: str,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    events: EventStore | None = None,
    contacts: ContactStore | None = None,
) -> Starlette:
    """GET /webhook answers Meta's verification, POST /webhook lands deliveries, GET /healthz says it is up.

    `clock` is the receiving time that bounds the timestamps landed (tests set it).
    """
    if not app_secret or not verify_token:
        raise ValueError("the webhook needs an app secret (WA_APP_SECRET) and a verify token (WA_VERIFY_TOKEN)")
    writer = GroupCommitWriter(store, dead_letters, events=events, contacts=contacts)
    expected_token = verify_token.encode("utf-8")

    async def verify(request: Request) -> Response:
        params = request.query_params
        token, challenge = params.get("hub.verify_token"), params.get("hub.challenge")
        if (
            params.get("hub.mode") == "subscribe"
            and token is not None
            and challenge is not None
            and hmac.compare_digest(token.encode("utf-8"), expected_token)
        ):
            return PlainTextResponse(challenge, headers=_PLAIN)
        log.warning("webhook verification refused for %s", request.client.host if request.client else "?")
        return _refuse(403, "verification refused")

    async def receive(request: Request) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                return _refuse(400, "bad Content-Length", close=True)
            if int(declared) > max_body_bytes:
                return _refuse(413, f"body larger than {max_body_bytes} bytes", close=True)
        raw = await _read_capped(request, max_body_bytes)
        if raw is None:
            return _refuse(413, f"body larger than {max_body_bytes} bytes", close=True)

        signature = request.headers.get("x-hub-signature-256")
        if signature is None:
            log.warning("webhook POST without X-Hub-Signature-256 refused")
            return _refuse(401, "missing X-Hub-Signature-256")
        if not verify_signature(raw, signature, app_secret):
            log.warning("webhook POST with a wrong signature refused")
            return _refuse(403, "signature does not match")

        if len(raw) > _PARSE_IN_THREAD_BYTES:
            parsed = await asyncio.to_thread(parse_webhook, raw, clock())
        else:
            parsed = parse_webhook(raw, clock())
        try:
            await writer.write(parsed)
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
        return JSONResponse(_summary(parsed))

    async def healthz(request: Request) -> Response:
        if not writer.healthy:
            return JSONResponse({"status": "unavailable"}, status_code=503)
        # Events by kind, "unknown" included: a field this version keeps without mapping is visible here.
        events = await asyncio.to_thread(writer.events.counts_by_kind)
        return JSONResponse(
            {
                "status": "ok",
                "commits": writer.commits,
                "requests": writer.requests,
                "queued": writer.pending,
                "events": events,
            }
        )

    @asynccontextmanager
    async def lifespan(app: Starlette):
        writer.start()
        try:
            yield
        finally:
            # Whatever is queued still lands (and is answered) before the process exits.
            await asyncio.to_thread(writer.stop)

    app = Starlette(
        routes=[
            Route("/webhook", verify, methods=["GET"]),
            Route("/webhook", receive, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.writer = writer
    return app
