"""A circuit breaker for the Sheets API, its state kept in SQLite so it survives from one run to the next.

Closed: requests flow, consecutive failures are counted (a failure is a request that still failed after its
retries). After `failure_threshold` in a row it opens: every request fails at once with `CircuitOpenError`
saying when it will try again, instead of each run spending its retries on an API that is down. When the
cool-down has passed, one caller gets through as a probe (half-open): success closes the breaker, failure
opens it for another cool-down. Any answer that is not a transient failure (even a 400) counts as success:
the API is up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from wa_pipeline.sheets.errors import CircuitOpenError
from wa_pipeline.sheets.google.state_db import open_state_db
from wa_pipeline.store.sqlite_db import write_transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS circuit_breakers (
    name        TEXT PRIMARY KEY,
    state       TEXT NOT NULL CHECK (state IN ('closed', 'open', 'half_open')),
    failures    INTEGER NOT NULL,
    open_until  REAL,
    probe_until REAL,
    last_error  TEXT,
    updated_at  REAL NOT NULL
);
"""

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


@dataclass(frozen=True)
class BreakerState:
    state: str
    failures: int
    open_until: float | None
    last_error: str | None


class CircuitBreaker:
    def __init__(
        self,
        path: Path | None = None,
        *,
        name: str = "sheets",
        failure_threshold: int = 5,
        cooldown_s: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.name, self.failure_threshold, self.cooldown_s, self.clock = name, failure_threshold, cooldown_s, clock
        self._lock = threading.Lock()
        self._conn = open_state_db(path)
        with self._lock:
            self._conn.executescript(SCHEMA)

    def before_request(self) -> None:
        """Let a request through, or raise `CircuitOpenError` while the breaker is open (or a probe is out)."""
        with self._lock, write_transaction(self._conn):
            now = self.clock()
            row = self._row()
            if row is None or row["state"] == CLOSED:
                return
            if row["state"] == OPEN and now < row["open_until"]:
                raise CircuitOpenError(self._message(row, row["open_until"], now))
            if row["state"] == HALF_OPEN and row["probe_until"] is not None and now < row["probe_until"]:
                raise CircuitOpenError(self._message(row, row["probe_until"], now, probing=True))
            # This caller is the probe; a probe that never reports back (its process died) expires after a cool-down.
            self._conn.execute(
                "UPDATE circuit_breakers SET state = ?, probe_until = ?, updated_at = ? WHERE name = ?",
                (HALF_OPEN, now + self.cooldown_s, now, self.name),
            )

    def record_success(self) -> None:
        with self._lock, write_transaction(self._conn):
            self._conn.execute(
                "INSERT INTO circuit_breakers (name, state, failures, updated_at) VALUES (?, ?, 0, ?)"
                " ON CONFLICT (name) DO UPDATE SET state = excluded.state, failures = 0, open_until = NULL,"
                " probe_until = NULL, updated_at = excluded.updated_at"
                " WHERE circuit_breakers.state != 'closed' OR circuit_breakers.failures != 0",
                (self.name, CLOSED, self.clock()),
            )

    def record_failure(self, error: str) -> None:
        with self._lock, write_transaction(self._conn):
            now = self.clock()
            row = self._row()
            failures = (row["failures"] if row is not None else 0) + 1
            was_probe = row is not None and row["state"] == HALF_OPEN
            opens = was_probe or failures >= self.failure_threshold
            self._conn.execute(
                "INSERT INTO circuit_breakers (name, state, failures, open_until, probe_until, last_error, updated_at)"
                " VALUES (?, ?, ?, ?, NULL, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET state = excluded.state, failures = excluded.failures,"
                " open_until = excluded.open_until, probe_until = NULL, last_error = excluded.last_error,"
                " updated_at = excluded.updated_at",
                (
                    self.name,
                    OPEN if opens else CLOSED,
                    failures,
                    now + self.cooldown_s if opens else None,
                    error[:500],
                    now,
                ),
            )

    def state(self) -> BreakerState:
        with self._lock:
            row = self._row()
        if row is None:
            return BreakerState(CLOSED, 0, None, None)
        return BreakerState(row["state"], row["failures"], row["open_until"], row["last_error"])

    def close(self) -> None:
        self._conn.close()

    def _row(self):
        return self._conn.execute("SELECT * FROM circuit_breakers WHERE name = ?", (self.name,)).fetchone()

    def _message(self, row, until: float, now: float, probing: bool = False) -> str:
        when = datetime.fromtimestamp(until, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        waiting = "a probe request is deciding whether it is back" if probing else "then one probe request decides"
        return (
            f"Google Sheets is failing: {row['failures']} requests in a row failed after retries "
            f"(last: {row['last_error']}). The circuit breaker {self.name!r} is open, so nothing is sent until "
            f"{when} (in {max(0.0, until - now):.0f} s); {waiting}. Rows already written stay as they are; re-run "
            "the sync after that. If it persists, check https://www.google.com/appsstatus/dashboard/ and the Sheets API "
            "quota page of the service account's Google Cloud project."
        )
