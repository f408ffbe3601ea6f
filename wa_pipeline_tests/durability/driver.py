"""What the durability tests run under strace: the webhook receiver, one Google sync, one workbook save.

`python -m wa_pipeline_tests.durability.driver MODE ... [--fault F]` runs the shipped code, or the same code with
one fault injected before anything opens a file, so the test can show that its syscall check catches the fault:

- `sync-off`: every SQLite connection is switched to `PRAGMA synchronous=OFF` right after it is opened;
- `no-fsync`: `os.fsync` does nothing (the workbook's temp file and directory are never flushed);
- `in-place`: the workbook is saved by rewriting the file itself instead of a temp file and a rename.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import socket
import sys
from pathlib import Path


def inject(fault: str | None) -> None:
    if fault == "sync-off":
        from wa_pipeline.store import sqlite_db

        connect = sqlite_db.connect

        def connect_without_sync(path):
            conn = connect(path)
            conn.execute("PRAGMA synchronous=OFF")
            return conn

        sqlite_db.connect = connect_without_sync
    elif fault == "no-fsync":
        os.fsync = lambda fd: None
    elif fault == "in-place":
        from wa_pipeline.sheets.xlsx import workbook_sink

        def save_in_place(self, write):
            buffer = io.BytesIO()
            write(buffer)
            with open(self.path, "wb") as out:
                out.write(buffer.getvalue())

        workbook_sink.WorkbookSink._save = save_in_place
    elif fault is not None:
        raise SystemExit(f"unknown fault {fault!r}")


def serve_webhook(data: Path, port_file: Path, secret: str, token: str, acknowledge: str, server: str) -> None:
    import uvicorn

    from wa_pipeline.store.dead_letters import DeadLetterQueue
    from wa_pipeline.store.sqlite_landing import SqliteLandingStore as LandingStore
    from wa_pipeline.whatsapp.webhook_app import create_webhook_app

    db = data / "landing.sqlite3"
    app = create_webhook_app(
        LandingStore(db), DeadLetterQueue(db), app_secret=secret, verify_token=token, acknowledge=acknowledge
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    # Listening before the port is published: a client that connects early waits in the backlog, never refused.
    sock.listen(128)
    port_file.write_text(str(sock.getsockname()[1]))
    if server == "fast":
        # `serve-webhook`'s own server (the default), as `webhook_server.serve` runs it.
        from wa_pipeline.whatsapp import webhook_front

        webhook_front.run(app, "127.0.0.1", 0, keep_alive_s=75, sock=sock)
        return
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def google_upsert(rows_file: Path, credentials: Path, key: str, endpoint: str, state_dir: Path) -> None:
    from wa_pipeline.sheets.google import throttle
    from wa_pipeline.sheets.google.sink import GoogleSheetsSink

    # The throttle's tokens share the state file but are deliberately not fsynced (a crash forgets a few spent
    # tokens); in a file of their own, the state file's trace shows only the writes that promise durability.
    open_state_db = throttle.open_state_db
    throttle.open_state_db = lambda path, durable=True: open_state_db(path.with_name("throttle.sqlite3"), durable)
    batch = json.loads(rows_file.read_text())
    sink = GoogleSheetsSink(credentials, key, endpoint=endpoint, state_dir=state_dir)
    result = sink.upsert(batch["tab"], batch["columns"], batch["key"], batch["rows"])
    print(json.dumps({"inserted": result.inserted, "api_calls": result.api_calls}))


def workbook_upsert(rows_file: Path, path: Path) -> None:
    from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink

    batch = json.loads(rows_file.read_text())
    WorkbookSink(path).upsert(batch["tab"], batch["columns"], batch["key"], batch["rows"])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["webhook", "google", "workbook"])
    parser.add_argument("args", nargs="*")
    parser.add_argument("--fault")
    parser.add_argument("--server", choices=["fast", "uvicorn"], default="fast", help="the webhook's HTTP server")
    options = parser.parse_args(argv)
    inject(options.fault)
    if options.mode == "webhook":
        data, port_file, secret, token, acknowledge = options.args
        serve_webhook(Path(data), Path(port_file), secret, token, acknowledge, options.server)
    elif options.mode == "google":
        rows_file, credentials, key, endpoint, state_dir = options.args
        google_upsert(Path(rows_file), Path(credentials), key, endpoint, Path(state_dir))
    else:
        rows_file, path = options.args
        workbook_upsert(Path(rows_file), Path(path))


if __name__ == "__main__":
    main(sys.argv[1:])
