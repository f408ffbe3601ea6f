"""Running the webhook receiver: on its own HTTP server (`webhook_front`, the default) or under uvicorn
(`WA_WEBHOOK_SERVER=uvicorn`), with an access log that never shows a query string either way."""

from __future__ import annotations

import copy
import importlib.util
import logging
import logging.config
import multiprocessing
import threading
import time
from collections.abc import Callable

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from wa_pipeline.settings import Settings
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.events import EventStore
from wa_pipeline.store.landing_factory import open_landing_store
from wa_pipeline.store.webhook_inbox import WebhookInbox
from wa_pipeline.whatsapp import webhook_front
from wa_pipeline.whatsapp.inbox_writer import InboxWriter
from wa_pipeline.whatsapp.lander import run_process
from wa_pipeline.whatsapp.webhook_app import WebhookReceiver, create_webhook_app
from wa_pipeline.whatsapp.webhook_front import AccessLines

log = logging.getLogger(__name__)


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
    """ASGI middleware: the front's access lines (`AccessLines`: the path only, batched per turn of the event loop)
    for the receiver under uvicorn, whose own access log would print the verify token of Meta's verification GET.
    """

    def __init__(self, app):
        self.app = app
        self._lines = AccessLines()

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
            self._lines.note(client[0], scope["method"], scope["path"], status[0], started)


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
    # uvloop and httptools where installed: uvicorn's pure-Python loop and parser cost more CPU a request.
    options.setdefault("loop", "uvloop" if importlib.util.find_spec("uvloop") else "asyncio")
    options.setdefault("http", "httptools" if importlib.util.find_spec("httptools") else "h11")
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


class LanderProcess:
    """The lander in a process of its own, started with the receiver, restarted if it dies, stopped with it."""

    def __init__(
        self, settings: Settings, restart_delay_s: float = 1.0, setup: Callable[[Settings], None] | None = None
    ):
        self.settings = settings
        # Run first in each lander process (a module-level function: spawn pickles it by name).
        self.setup = setup
        self.restart_delay_s = restart_delay_s
        self.restarts = 0
        self._inbox = WebhookInbox(settings.layout.webhook_inbox)
        # spawn: a fresh interpreter, not a fork of one whose threads hold locks.
        self._context = multiprocessing.get_context("spawn")
        self._process = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def _spawn(self) -> None:
        self._process = self._context.Process(
            target=run_process, args=(self.settings, self.setup), name="webhook-lander"
        )
        self._process.start()

    def start(self) -> None:
        """Start the lander process and the thread that restarts it when it dies."""
        if self._watcher is not None:
            return
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="webhook-lander-watch", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stopping.is_set():
            self._process.join(0.2)
            if self._process.is_alive() or self._stopping.is_set():
                continue
            log.error("the webhook lander exited (code %s); starting it again", self._process.exitcode)
            if self._stopping.wait(self.restart_delay_s):
                return
            self.restarts += 1
            self._spawn()

    @property
    def alive(self) -> bool:
        """The lander process is running."""
        return self._process is not None and self._process.is_alive()

    def state(self) -> dict:
        """What /healthz shows of the lander."""
        state = "running" if self.alive else ("stopped" if self._stopping.is_set() else "dead")
        pid = self._process.pid if self._process is not None else None
        return {"state": state, "where": "process", "pid": pid, "restarts": self.restarts}

    def wake(self) -> None:
        """Nothing to do: the lander process looks at the inbox every few milliseconds."""

    def drained(self, timeout: float = 30.0) -> bool:
        """Wait until every body in the inbox now has landed; False if the time ran out."""
        target = self._inbox.backlog().last_seq
        deadline = time.monotonic() + timeout
        while not self._inbox.landed_up_to(target):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def stop(self, timeout: float = 60.0) -> None:
        """SIGTERM: the lander lands what the inbox holds and exits; killed if it has not within `timeout`."""
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join(5)
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(5)


def build_receiver(settings: Settings, process_setup: Callable[[Settings], None] | None = None) -> WebhookReceiver:
    """The receiver `serve-webhook` runs: by default inbox + lander process, or landing before the 200.

    `process_setup(settings)` runs first in the lander process (the command installs the logs' PII policy with it).
    """
    app_secret, verify_token = webhook_secrets(settings)
    dead_letters = DeadLetterQueue(settings.layout.landing_db)
    if settings.webhook_acknowledge == "landed":
        return create_webhook_app(
            open_landing_store(settings),
            dead_letters,
            app_secret=app_secret,
            verify_token=verify_token,
            max_body_bytes=settings.webhook_max_body_bytes,
            acknowledge="landed",
        )
    # The receiver's process holds no landing store: its interpreter lock does HTTP and the inbox only.
    return WebhookReceiver(
        app_secret,
        verify_token,
        dead_letters,
        max_body_bytes=settings.webhook_max_body_bytes,
        inbox_writer=InboxWriter(WebhookInbox(settings.layout.webhook_inbox)),
        lander=LanderProcess(settings, setup=process_setup),
        max_backlog_age_s=settings.webhook_max_backlog_age_s,
        # Opened by the first /healthz that counts the events by kind: never on a POST's path.
        events=lambda: EventStore(open_landing_store(settings).database()),
    )


def serve(
    host: str,
    port: int,
    settings: Settings,
    keep_alive_s: float = DEFAULT_KEEP_ALIVE_S,
    sockets: list | None = None,
    process_setup: Callable[[Settings], None] | None = None,
) -> None:
    """Serve the receiver until interrupted; what was acknowledged is landed before it exits (or at next start)."""
    receiver = build_receiver(settings, process_setup)
    if settings.webhook_server == "fast":
        _log_to_stderr()
        webhook_front.run(
            receiver,
            host,
            port,
            keep_alive_s,
            request_timeout_s=settings.webhook_request_timeout_s,
            sock=sockets[0] if sockets else None,
        )
        return
    server = uvicorn.Server(server_config(PathOnlyAccessLog(receiver), host, port, keep_alive_s))
    if sockets is None:
        server.run()
    else:
        server.run(sockets=sockets)


def _log_to_stderr() -> None:
    # The lines uvicorn's logging configuration would give the receiver's loggers: INFO and up, to stderr.
    logging.config.dictConfig(_log_config())
