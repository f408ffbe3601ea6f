"""The SQLite file where the sync keeps state between runs and processes (ledger, throttle buckets, breaker)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from wa_pipeline.store.sqlite_db import connect

STATE_DB_NAME = "sheets_state.sqlite3"


def open_state_db(path: Path | None, durable: bool = True) -> sqlite3.Connection:
    """A connection to the state file; `None` gives a private in-memory database (state for this process only).

    `durable=False` relaxes fsync to WAL checkpoints: right for throttle tokens, where a crash may at worst
    forget a few spent tokens, and each request would otherwise pay for an fsync.
    """
    if path is None:
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        return conn
    conn = connect(Path(path))
    if not durable:
        conn.execute("PRAGMA synchronous=NORMAL")
    return conn
