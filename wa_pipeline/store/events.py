"""Business events and the full status history, kept beside the landed messages.

Events are what a webhook reports that is not a message (calls, consent, contact-book changes, account and
template news, fields this version does not know); each is stored once by its id, with its raw JSON. Every
delivery status is kept too (the landing store's `statuses` table holds only the latest one per message), so
the time to delivered and read, the failure reason and Meta's pricing stay answerable. A status may arrive
before its message (or for a message sent elsewhere): it is kept all the same, and joins the message by id.

The tables live in the landing database, the SQLite file or PostgreSQL: the statements are written once against
`LandingDatabase` (see `landing_database`), so both engines keep the same rows.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wa_pipeline.message import Event, StatusUpdate, normalise_text
from wa_pipeline.store import tombstones
from wa_pipeline.store.landing_database import LandingDatabase
from wa_pipeline.store.ledger_database import landing_database, run_on

# Written once for both engines: SQLite runs it as written, PostgreSQL with `%s`. Events are ordered by when they
# happened, then by when they landed (a database written by an earlier version also has a `seq` column, unused).
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    event_id    TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    field       TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    customer    TEXT,
    summary     TEXT,
    data        TEXT NOT NULL,
    raw         TEXT NOT NULL,
    landed_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_kind ON events (kind, occurred_at);
CREATE TABLE IF NOT EXISTS status_history (
    message_id        TEXT NOT NULL,
    status            TEXT NOT NULL,
    at                TEXT NOT NULL,
    recipient_id      TEXT,
    recipient_user_id TEXT,
    pricing           TEXT,
    conversation      TEXT,
    errors            TEXT NOT NULL,
    raw               TEXT NOT NULL,
    PRIMARY KEY (message_id, status)
);
"""
LAST_TABLE = "status_history"
INSERT_EVENT = (
    "INSERT INTO events (event_id, kind, field, occurred_at, customer, summary, data, raw, landed_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING"
)
INSERT_STATUS = (
    "INSERT INTO status_history (message_id, status, at, recipient_id, recipient_user_id, pricing,"
    " conversation, errors, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, status) DO NOTHING"
)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# json.dumps with options builds an encoder per call; one built once writes the same text.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def _json(value: Any) -> str:
    if value == []:  # a status's errors, nearly always none: their JSON without a trip through the encoder
        return "[]"
    # Normalised after encoding: a lone surrogate inside a value becomes U+FFFD, and the JSON stays valid.
    return normalise_text(_ENCODER.encode(value)) or "null"


class EventStore:
    """The tables in the landing database (a SQLite path, or any store's `database()`); adding the same event or
    status twice is a no-op."""

    def __init__(self, database: Path | LandingDatabase):
        self._db = landing_database(database)
        self._lock = threading.Lock()
        self._db.create(SCHEMA + tombstones.SCHEMA, LAST_TABLE)

    def add(self, events: Iterable[Event] = (), statuses: Iterable[StatusUpdate] = ()) -> int:
        """Store events and statuses in one durable transaction; returns how many rows were new.

        What names a forgotten customer or message (a tombstone) is not stored: a redelivery cannot bring it back.
        """
        events, statuses = list(events), list(statuses)
        if not events and not statuses:
            return 0
        now = _utc(datetime.now(UTC))
        event_rows = [
            (e, (e.event_id, e.kind, e.field, _utc(e.occurred_at), e.customer, e.summary, _json(e.data), e.raw, now))
            for e in events
        ]
        status_rows = [
            (
                s,
                (
                    s.message_id,
                    s.status,
                    _utc(s.at),
                    s.recipient_id,
                    s.recipient_user_id,
                    _json(s.pricing) if s.pricing is not None else None,
                    _json(s.conversation) if s.conversation is not None else None,
                    _json(s.errors),
                    s.raw,
                ),
            )
            for s in statuses
        ]
        with self._lock, self._db.write() as statements:
            # Read inside the write: `forget` searches these tables in a write of its own after its tombstones, so
            # what is added here is either refused by them or found by that search.
            forgotten = tombstones.Tombstones.load(run_on(statements))
            added = sum(
                statements.execute(INSERT_EVENT, row)
                for e, row in event_rows
                if not forgotten.blocks_text(f"{e.customer or ''} {e.raw}")
            )
            return added + sum(
                statements.execute(INSERT_STATUS, row) for s, row in status_rows if not forgotten.blocks_status(s)
            )

    def events(self, kind: str | None = None) -> list[Event]:
        """Stored events (of one kind), in the order they happened."""
        sql = (
            "SELECT event_id, kind, field, occurred_at, customer, summary, data, raw FROM events"
            + (" WHERE kind = ?" if kind else "")
            + " ORDER BY occurred_at, landed_at, event_id"
        )
        with self._lock:
            rows = self._db.rows(sql, (kind,) if kind else ())
        return [
            Event(
                event_id=r["event_id"],
                kind=r["kind"],
                field=r["field"],
                occurred_at=datetime.fromisoformat(r["occurred_at"]),
                customer=r["customer"],
                summary=r["summary"],
                data=json.loads(r["data"]),
                raw=r["raw"],
            )
            for r in rows
        ]

    def counts_by_kind(self) -> dict[str, int]:
        """Events per kind (the `unknown` count says how many fields this version keeps without mapping)."""
        with self._lock:
            rows = self._db.rows("SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind")
        return {row["kind"]: int(row["n"]) for row in rows}

    def status_history(self, message_id: str | None = None) -> list[dict]:
        """Every status stored (of one message), oldest first, JSON columns decoded."""
        sql = (
            "SELECT message_id, status, at, recipient_id, recipient_user_id, pricing, conversation, errors, raw"
            " FROM status_history"
            + (" WHERE message_id = ?" if message_id else "")
            + " ORDER BY at, message_id, status"
        )
        with self._lock:
            rows = self._db.rows(sql, (message_id,) if message_id else ())
        decoded = []
        for record in rows:
            for column in ("pricing", "conversation", "errors"):
                record[column] = json.loads(record[column]) if record[column] is not None else None
            decoded.append(record)
        return decoded

    def close(self) -> None:
        self._db.close()
