"""The Cloud API webhook receiver: verify, cap, authenticate, parse, land durably, then acknowledge."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.landing_store import LandingStore
from wa_pipeline.whatsapp.cloud_api import parse_webhook
from wa_pipeline.whatsapp.group_commit import GroupCommitWriter, WriterClosed
from wa_pipeline.whatsapp.webhook_signature import verify_signature

log = logging.getLogger(__name__)
_PLAIN = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


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


def create_webhook_app(
    store: LandingStore,
    dead_letters: DeadLetterQueue,
    app_secret: str,
    verify_token: str,
    max_body_bytes: int = 1_000_000,
) -> Starlette:
    """GET /webhook answers Meta's verification, POST /webhook lands deliveries, GET /healthz says it is up."""
    if not app_secret or not verify_token:
        raise ValueError("the webhook needs an app secret (WA_APP_SECRET) and a verify token (WA_VERIFY_TOKEN)")
    writer = GroupCommitWriter(store, dead_letters)
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

        try:
            body = json.loads(raw)
        except ValueError:
            return _refuse(400, "body is not valid JSON")
        if not isinstance(body, dict):
            return _refuse(400, "body is not a JSON object")

        parsed = parse_webhook(body)
        try:
            await writer.write(parsed)
        except WriterClosed:
            return _refuse(503, "shutting down")
        except Exception as exc:
            log.error("landing a webhook failed: %s", type(exc).__name__)
            return _refuse(500, "could not store the delivery; retry later")
        if parsed.rejects:
            log.warning("webhook: %d element(s) sent to the dead-letter queue", len(parsed.rejects))
        return JSONResponse(
            {"messages": len(parsed.messages), "statuses": len(parsed.statuses), "rejected": len(parsed.rejects)}
        )

    async def healthz(request: Request) -> Response:
        if not writer.healthy:
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse(
            {"status": "ok", "commits": writer.commits, "requests": writer.requests, "queued": writer.pending}
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
