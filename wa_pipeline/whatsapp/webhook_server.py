"""Running the webhook receiver under uvicorn, with an access log that never shows a query string."""

from __future__ import annotations

import copy
import logging
import time

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from wa_pipeline.settings import Settings
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.landing_factory import open_landing_store
from wa_pipeline.whatsapp.webhook_app import create_webhook_app

access_log = logging.getLogger("wa_pipeline.webhook.access")


class MissingWebhookSecrets(ValueError):
    """The receiver cannot authenticate Meta (or answer its verification) without both secrets."""


def webhook_secrets(settings: Settings) -> tuple[str, str]:
    """(app secret, verify token), or an error naming every variable that is unset or empty."""
    values = {
        "WA_APP_SECRET": settings.app_secret.get_secret_value() if settings.app_secret else "",
        "WA_VERIFY_TOKEN": settings.verify_token.get_secret_value() if settings.verify_token else "",
    }
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise MissingWebhookSecrets(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: export the Meta app secret as"
            " WA_APP_SECRET and the verify token you entered in the App Dashboard as WA_VERIFY_TOKEN (or put them in .env)."
        )
    return values["WA_APP_SECRET"], values["WA_VERIFY_TOKEN"]


class PathOnlyAccessLog:
    """ASGI middleware: one line per request with the path only, because Meta's verification GET
    carries the verify token in its query string and uvicorn's own access log would print it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started, status = time.perf_counter(), [0]

        async def send_and_note(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            client = scope.get("client") or ("-", 0)
            access_log.info(
                '%s "%s %s" %d %.1fms',
                client[0],
                scope["method"],
                scope["path"],
                status[0],
                (time.perf_counter() - started) * 1000,
            )


def _log_config() -> dict:
    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["wa_pipeline"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


# Longer than the idle timeouts of common reverse proxies and HTTP clients (nginx and ALB keep upstream
# connections 60 s): a receiver that closes first races every client reusing the connection at that instant.
DEFAULT_KEEP_ALIVE_S = 75.0


def server_config(app, host: str = "127.0.0.1", port: int = 0, keep_alive_s: float = DEFAULT_KEEP_ALIVE_S, **options):
    """uvicorn's configuration for the receiver; tests start the same one on a port the OS picked."""
    options.setdefault("log_config", _log_config())
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        access_log=False,
        lifespan="on",
        server_header=False,
        timeout_keep_alive=keep_alive_s,
        backlog=2048,
        **options,
    )


def serve(host: str, port: int, settings: Settings, keep_alive_s: float = DEFAULT_KEEP_ALIVE_S) -> None:
    """Serve the receiver until interrupted; queued deliveries are landed before it exits."""
    app_secret, verify_token = webhook_secrets(settings)
    app = create_webhook_app(
        open_landing_store(settings),
        DeadLetterQueue(settings.layout.landing_db),
        app_secret=app_secret,
        verify_token=verify_token,
    )
    uvicorn.Server(server_config(PathOnlyAccessLog(app), host, port, keep_alive_s)).run()
