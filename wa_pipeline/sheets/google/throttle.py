"""A client-side rate limit for Sheets API requests, shared by every process that opens the same state file.

Google counts read and write requests per minute per service account (60 each by default) and per project
(300). One token bucket per (scope, kind) holds at most `burst` tokens and refills `per_minute - burst` tokens a
minute, so no rolling 60-second window ever sees more than `per_minute` requests, whichever process sent them:
the buckets live in SQLite and each grant is one IMMEDIATE transaction. The clock and the sleeper are injectable,
so a test can run an hour of quota in a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from wa_pipeline.sheets.google.state_db import open_state_db
from wa_pipeline.store.sqlite_db import write_transaction

Kind = Literal["read", "write"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS throttle_buckets (
    scope      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    tokens     REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (scope, kind)
);
"""

GOOGLE_REQUESTS_PER_MINUTE = 60
DEFAULT_BURST = 10
# Wait a microsecond past the moment a token is due: float rounding must neither leave a caller a hair short of
# a token (spinning) nor grant one a hair early (a request at the very edge of Google's minute).
_MARGIN_S = 1e-6


class Throttle:
    """Token buckets for "read" and "write" requests under one scope (a service account)."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        scope: str = "sheets",
        reads_per_minute: int = GOOGLE_REQUESTS_PER_MINUTE,
        writes_per_minute: int = GOOGLE_REQUESTS_PER_MINUTE,
        burst: int = DEFAULT_BURST,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.scope = scope
        self._buckets = {
            kind: _bucket(per_minute, burst)
            for kind, per_minute in (("read", reads_per_minute), ("write", writes_per_minute))
        }
        self.clock, self.sleep = clock, sleep
        self.waited_s = 0.0
        self._lock = threading.Lock()
        self._conn = open_state_db(path, durable=False)
        with self._lock:
            self._conn.executescript(SCHEMA)

    def acquire(self, kind: Kind) -> float:
        """Block until a `kind` request may be sent; returns the clock time of the grant."""
        capacity, rate = self._buckets[kind]
        while True:
            with self._lock, write_transaction(self._conn):
                now = self.clock()
                row = self._conn.execute(
                    "SELECT tokens, updated_at FROM throttle_buckets WHERE scope = ? AND kind = ?", (self.scope, kind)
                ).fetchone()
                tokens = capacity if row is None else row[0] + max(0.0, now - row[1]) * rate
                # A bucket written by a process with a larger burst is clamped to ours.
                tokens = min(capacity, tokens)
                granted = tokens >= 1
                if granted:
                    tokens = max(0.0, tokens - 1)
                # Never move updated_at backwards: another process's clock may be a little behind ours.
                self._conn.execute(
                    "INSERT INTO throttle_buckets (scope, kind, tokens, updated_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (scope, kind) DO UPDATE SET tokens = excluded.tokens,"
                    " updated_at = max(throttle_buckets.updated_at, excluded.updated_at)",
                    (self.scope, kind, tokens, now),
                )
            if granted:
                return now
            wait = (1 - tokens) / rate + _MARGIN_S
            self.sleep(wait)
            self.waited_s += wait

    def close(self) -> None:
        self._conn.close()


def _bucket(per_minute: int, burst: int) -> tuple[float, float]:
    """(capacity, tokens per second) such that capacity + 60 s of refill never exceeds `per_minute`."""
    if per_minute < 2:
        raise ValueError(f"a Sheets throttle needs at least 2 requests per minute (got {per_minute})")
    if burst < 1:
        raise ValueError(f"burst must be at least 1 (got {burst})")
    capacity = min(burst, per_minute - 1)
    return float(capacity), (per_minute - capacity) / 60.0
