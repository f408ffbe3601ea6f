"""The ledger of sheet writes: what we meant to write, and what we know the sheet holds.

The Sheets API has no idempotency key, and a process can die after Google applied a write but before we
recorded it. So every write is journalled in two steps, in SQLite in the data directory:

1. `begin`: before the first request, the rows about to be written (key -> content hash), state pending;
2. `confirm`: after the last request succeeded, state confirmed, and each row's hash and sheet row number kept.

A write still pending at the next upsert of its tab was interrupted: its rows are read back and compared with
the hashes (`settle`); rows that landed count as reconciled and are not written again, rows that did not are
planned like any other. The row numbers are hints that let the next upsert read the rows it touches in the
same request as the key column; a stale hint (someone sorted the tab) only costs a second read.

Row keys are kept only as salted HMACs (`digest`), never in the clear: a key is often a wamid, and a wamid carries
the customer's phone number in base64, so a clear key would outlive `wa-pipeline forget` in this file. The salt is
random per ledger file; `pending` and `settle` speak digests, `confirm` and `positions` take the keys themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path

from wa_pipeline.sheets.google.state_db import open_state_db
from wa_pipeline.store.sqlite_db import write_transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS sheet_writes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    spreadsheet TEXT NOT NULL,
    tab         TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'reconciled')),
    row_count   INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX IF NOT EXISTS sheet_writes_pending ON sheet_writes (spreadsheet, tab, state);
CREATE TABLE IF NOT EXISTS sheet_write_rows (
    write_id     INTEGER NOT NULL REFERENCES sheet_writes (id) ON DELETE CASCADE,
    row_key      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    PRIMARY KEY (write_id, row_key)
);
CREATE TABLE IF NOT EXISTS sheet_rows (
    spreadsheet  TEXT NOT NULL,
    tab          TEXT NOT NULL,
    row_key      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    row_number   INTEGER NOT NULL,
    confirmed_at TEXT NOT NULL,
    PRIMARY KEY (spreadsheet, tab, row_key)
);
CREATE INDEX IF NOT EXISTS sheet_rows_position ON sheet_rows (spreadsheet, tab, row_number);
-- Columns whose header was written and whose formatting Google has not yet confirmed: sent again at the next upsert.
CREATE TABLE IF NOT EXISTS sheet_format_due (
    spreadsheet TEXT NOT NULL,
    tab         TEXT NOT NULL,
    column_name TEXT NOT NULL,
    PRIMARY KEY (spreadsheet, tab, column_name)
);
CREATE TABLE IF NOT EXISTS ledger_salt (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    salt TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Settled:
    """The outcome of re-checking interrupted writes: rows found as intended, and rows that never landed."""

    reconciled: int
    missing: int
    writes: int


def _now() -> str:
    return datetime.now(UTC).isoformat()


class WriteLedger:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn = open_state_db(path)
        with self._lock:
            self._conn.executescript(SCHEMA)
            self._salt = self._load_salt()

    def _load_salt(self) -> bytes:
        with write_transaction(self._conn):
            row = self._conn.execute("SELECT salt FROM ledger_salt WHERE id = 1").fetchone()
            if row is not None:
                return bytes.fromhex(row[0])
            salt = secrets.token_bytes(32)
            self._conn.execute("INSERT INTO ledger_salt (id, salt) VALUES (1, ?)", (salt.hex(),))
            # A ledger written before keys were hashed: positions are only hints, so they go; pending rows are kept,
            # their keys hashed in place.
            self._conn.execute("DELETE FROM sheet_rows")
            self._conn.execute(
                "DELETE FROM sheet_write_rows WHERE write_id IN (SELECT id FROM sheet_writes WHERE state != 'pending')"
            )
            clear = self._conn.execute("SELECT write_id, row_key FROM sheet_write_rows").fetchall()
            self._conn.executemany(
                "UPDATE sheet_write_rows SET row_key = ? WHERE write_id = ? AND row_key = ?",
                [(self._digest_with(salt, key), write_id, key) for write_id, key in clear],
            )
            return salt

    @staticmethod
    def _digest_with(salt: bytes, key: str) -> str:
        return hmac.new(salt, key.encode("utf-8"), hashlib.sha256).hexdigest()

    def digest(self, key: str) -> str:
        """How this ledger names a row key: stable for the file, and no key can be read back from it."""
        return self._digest_with(self._salt, key)

    def begin(self, spreadsheet: str, tab: str, rows: Mapping[str, str]) -> int:
        """Record the intent to write `rows` (key -> content hash; keys stored as digests); returns the write's id."""
        with self._lock, write_transaction(self._conn):
            write_id = self._conn.execute(
                "INSERT INTO sheet_writes (spreadsheet, tab, state, row_count, started_at) VALUES (?, ?, 'pending', ?, ?)",
                (spreadsheet, tab, len(rows), _now()),
            ).lastrowid
            self._conn.executemany(
                "INSERT INTO sheet_write_rows (write_id, row_key, content_hash) VALUES (?, ?, ?)",
                [(write_id, self.digest(key), digest) for key, digest in rows.items()],
            )
        return int(write_id)

    def confirm(
        self,
        write_id: int | None,
        spreadsheet: str,
        tab: str,
        rows: Mapping[str, tuple[str, int]],
        inserted_at: Iterable[tuple[int, int]] = (),
    ) -> None:
        """The write succeeded: remember each row's (hash, sheet row) and mark the write confirmed.

        `inserted_at` lists (sheet row, count) of blocks inserted before existing rows (numbered as the tab was
        before the inserts): remembered rows at or below move down with them. `write_id` None records rows verified without writing anything.
        """
        now = _now()
        inserted_at = sorted(inserted_at)
        rows = {self.digest(key): value for key, value in rows.items()}
        with self._lock, write_transaction(self._conn):
            if inserted_at:
                # A remembered row moves down by every block inserted at or above it (numbered as before the inserts).
                starts = [at_row for at_row, _ in inserted_at]
                moved_by = list(accumulate(count for _, count in inserted_at))
                below = self._conn.execute(
                    "SELECT row_key, row_number FROM sheet_rows WHERE spreadsheet = ? AND tab = ? AND row_number >= ?",
                    (spreadsheet, tab, starts[0]),
                ).fetchall()
                self._conn.executemany(
                    "UPDATE sheet_rows SET row_number = ? WHERE spreadsheet = ? AND tab = ? AND row_key = ?",
                    [
                        (number + moved_by[bisect_right(starts, number) - 1], spreadsheet, tab, key)
                        for key, number in below
                        if key not in rows
                    ],
                )
            self._conn.executemany(
                "INSERT INTO sheet_rows (spreadsheet, tab, row_key, content_hash, row_number, confirmed_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (spreadsheet, tab, row_key) DO UPDATE SET"
                " content_hash = excluded.content_hash, row_number = excluded.row_number,"
                " confirmed_at = excluded.confirmed_at",
                [(spreadsheet, tab, key, digest, number, now) for key, (digest, number) in rows.items()],
            )
            if write_id is not None:
                self._conn.execute(
                    "UPDATE sheet_writes SET state = 'confirmed', finished_at = ? WHERE id = ?", (now, write_id)
                )

    def pending(self, spreadsheet: str, tab: str) -> dict[int, dict[str, str]]:
        """Writes begun and never confirmed: write id -> {key digest: intended content hash}."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT w.id, r.row_key, r.content_hash FROM sheet_writes w JOIN sheet_write_rows r ON r.write_id = w.id"
                " WHERE w.spreadsheet = ? AND w.tab = ? AND w.state = 'pending' ORDER BY w.id",
                (spreadsheet, tab),
            ).fetchall()
        found: dict[int, dict[str, str]] = {}
        for write_id, key, digest in rows:
            found.setdefault(write_id, {})[key] = digest
        return found

    def settle(self, pending: Mapping[int, Mapping[str, str]], found: Mapping[str, str]) -> Settled:
        """Close interrupted writes against what the sheet holds now (`found`: key digest -> read-back hash)."""
        reconciled = missing = 0
        latest: dict[str, str] = {}
        for write_id in sorted(pending):
            latest.update(pending[write_id])
        for key, digest in latest.items():
            if found.get(key) == digest:
                reconciled += 1
            else:
                missing += 1
        if pending:
            now = _now()
            with self._lock, write_transaction(self._conn):
                self._conn.executemany(
                    "UPDATE sheet_writes SET state = 'reconciled', finished_at = ? WHERE id = ? AND state = 'pending'",
                    [(now, write_id) for write_id in pending],
                )
        return Settled(reconciled=reconciled, missing=missing, writes=len(pending))

    def positions(self, spreadsheet: str, tab: str, keys: Iterable[str]) -> dict[str, int]:
        """Last known sheet row of each key (hints; the caller checks them against the key column)."""
        by_digest = {self.digest(key): key for key in keys}
        digests = list(by_digest)
        found: dict[str, int] = {}
        with self._lock:
            for start in range(0, len(digests), 500):
                chunk = digests[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for digest, number in self._conn.execute(
                    f"SELECT row_key, row_number FROM sheet_rows WHERE spreadsheet = ? AND tab = ? AND row_key IN ({marks})",
                    (spreadsheet, tab, *chunk),
                ):
                    found[by_digest[digest]] = number
        return found

    def format_due(self, spreadsheet: str, tab: str, columns: Iterable[str]) -> None:
        """Before a header write: these columns' formatting is owed until `formatted` says it was applied."""
        with self._lock, write_transaction(self._conn):
            self._conn.executemany(
                "INSERT OR IGNORE INTO sheet_format_due (spreadsheet, tab, column_name) VALUES (?, ?, ?)",
                [(spreadsheet, tab, column) for column in columns],
            )

    def formatting_due(self, spreadsheet: str, tab: str) -> list[str]:
        """Columns whose header an earlier upsert wrote but whose formatting it never saw applied."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT column_name FROM sheet_format_due WHERE spreadsheet = ? AND tab = ? ORDER BY column_name",
                (spreadsheet, tab),
            ).fetchall()
        return [row[0] for row in rows]

    def formatted(self, spreadsheet: str, tab: str) -> None:
        with self._lock, write_transaction(self._conn):
            self._conn.execute("DELETE FROM sheet_format_due WHERE spreadsheet = ? AND tab = ?", (spreadsheet, tab))

    def forget_tab(self, spreadsheet: str, tab: str) -> None:
        """The tab is gone (deleted or renamed by someone): its remembered rows describe nothing any more."""
        with self._lock, write_transaction(self._conn):
            self._conn.execute("DELETE FROM sheet_rows WHERE spreadsheet = ? AND tab = ?", (spreadsheet, tab))

    def writes(self, spreadsheet: str, tab: str) -> list[tuple[int, str, int]]:
        """(id, state, row count) of every journalled write to a tab, oldest first."""
        with self._lock:
            return [
                (r[0], r[1], r[2])
                for r in self._conn.execute(
                    "SELECT id, state, row_count FROM sheet_writes WHERE spreadsheet = ? AND tab = ? ORDER BY id",
                    (spreadsheet, tab),
                )
            ]

    def close(self) -> None:
        self._conn.close()
