"""The landing store on PostgreSQL, for scale-out: the SQLite store's tables, statements and semantics."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import psycopg2.extras

from wa_pipeline.message import Message, StatusUpdate
from wa_pipeline.store import landing_sql as sql
from wa_pipeline.store.landing_database import Statements
from wa_pipeline.store.landing_store import AddResult, Changes
from wa_pipeline.store.tombstones import Tombstones

SCHEMA = sql.schema(sql.POSTGRES_SEQ)
# Transaction-scoped advisory locks (arbitrary fixed keys, one per purpose) in the landing database.
_WRITER_LOCK = 0x77615F6C616E64  # "wa_land"
_SCHEMA_LOCK = 0x77615F736368  # "wa_sch"
_LEDGER_WRITER_LOCK = 0x77615F6C6564  # "wa_led": writers of the tables beside `messages` (not the landing writers')
# Statements sent per round trip when a batch lands.
_PAGE = 500


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _runners(cur) -> tuple[Callable[[str, tuple], Any], Callable[[str, list[tuple]], None]]:
    """`run` and `run_many` for the shared landing SQL (written with `?`) on one cursor."""

    def run(statement: str, params: tuple):
        cur.execute(sql.pyformat(statement), params)
        return cur

    def run_many(statement: str, rows: list[tuple]) -> None:
        # psycopg2's executemany makes a round trip per row; execute_batch sends pages of statements at once.
        psycopg2.extras.execute_batch(cur, sql.pyformat(statement), rows, page_size=_PAGE)

    return run, run_many


class PostgresLandingStore:
    """PostgreSQL landing store; a duplicate delivery is a no-op and `seq` order is commit order."""

    def __init__(self, url: str):
        self.url = url
        self._local = threading.local()
        with self._transaction() as cur:
            # Concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL's catalogs: one creator at a time.
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            cur.execute(SCHEMA)

    def __repr__(self) -> str:
        return f"PostgresLandingStore({_redacted(self.url)!r})"

    def __reduce__(self):
        # Sent to another process as its address: that process opens connections of its own.
        return (type(self), (self.url,))

    def _connect(self):
        return psycopg2.connect(self.url, application_name="wa_pipeline.landing", connect_timeout=30)

    def _conn(self):
        # One connection per thread, as the SQLite store; a new one once psycopg has seen it break (a restarted server).
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._connect()
            # Reads run on their own; writes open a transaction explicitly (`with conn` does, even in autocommit).
            conn.autocommit = True
            self._local.conn = conn
        return conn

    @contextmanager
    def _transaction(self):
        conn = self._conn()
        with conn, conn.cursor() as cur:
            yield cur

    @contextmanager
    def _writing(self):
        with self._transaction() as cur:
            # Writers take turns, as SQLite's BEGIN IMMEDIATE makes them. Without this, a transaction holding seq 7
            # could commit before the one holding seq 6: the landing sensor would read 7, move its cursor past 6,
            # and never see message 6. Serialised, seq order is commit order, and the lock is held until the commit
            # is visible. It also makes the cross-source look-up and the insert after it one atomic step.
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITER_LOCK,))
            yield cur

    def database(self) -> PostgresLandingDatabase:
        """This database, on a connection of its own, for the tables kept beside `messages` (see `landing_database`)."""
        return PostgresLandingDatabase(self._connect())

    def _rows(self, statement: str, params: tuple = ()) -> list[tuple]:
        with self._conn().cursor() as cur:
            cur.execute(sql.pyformat(statement), params)
            return cur.fetchall()

    def add_messages(self, messages: Iterable[Message]) -> AddResult:
        """Insert in one durable transaction; returns how many were new and how many already present.

        A message already present by id is a no-op. A message that another source already delivered
        (see `cross_source`) is recorded in `cross_source_duplicates` and not inserted a second time.
        """
        return self.add_prepared(sql.prepare(messages))

    def add_prepared(self, prepared: Sequence[sql.Prepared]) -> AddResult:
        """`add_messages` of messages already prepared (`landing_sql.prepare`), possibly by another process."""
        if not prepared:
            return AddResult(0, 0)
        return self.add_prepared_batches([prepared])

    def add_prepared_batches(self, batches: Iterable[Sequence[sql.Prepared]]) -> AddResult:
        """`add_prepared` of each batch as it comes, all in one durable transaction (see `landing_sql.land_batches`)."""
        with self._writing() as cur:
            offered, added, duplicates = sql.land_batches(*_runners(cur), batches)
        return AddResult(added=added, already_present=offered - added - duplicates, cross_source_duplicates=duplicates)

    def tombstones(self) -> Tombstones:
        with self._conn().cursor() as cur:

            def run(statement: str, params: tuple):
                cur.execute(sql.pyformat(statement), params)
                return cur

            return Tombstones.load(run)

    def cross_source_duplicates(self) -> list[tuple[str, str]]:
        """(message_id, duplicate_of) pairs: copies of a message that another source had already delivered."""
        return [(r[0], r[1]) for r in self._rows(sql.CROSS_SOURCE_DUPLICATES)]

    def add_statuses(self, statuses: Iterable[StatusUpdate]) -> int:
        """Record statuses (see `landing_sql.land_statuses`); returns how many changed."""
        statuses = list(statuses)
        if not statuses:
            return 0
        with self._writing() as cur:
            return sql.land_statuses(_runners(cur)[0], statuses)

    def status_of(self, message_id: str) -> str | None:
        rows = self._rows(sql.STATUS_OF, (message_id,))
        return rows[0][0] if rows else None

    def messages_between(
        self, start: datetime, end: datetime, on_error: Callable[[str, str, Exception], None] | None = None
    ) -> list[Message]:
        """Messages with start <= sent_at < end, in send order (ties in arrival order).

        A stored record that no longer loads is passed to `on_error` (and skipped) when given, else raised.
        """
        messages = []
        for message_id, record in self._rows(sql.MESSAGES_BETWEEN, (sql.utc_text(start), sql.utc_text(end))):
            try:
                messages.append(Message.from_json(record))
            except (ValueError, KeyError, TypeError) as exc:
                if on_error is None:
                    raise
                on_error(message_id, record, exc)
        return messages

    def iter_messages(self) -> Iterator[Message]:
        # A server-side cursor on a connection of its own: the table is streamed, not loaded, and the caller may
        # write to the store between two messages.
        conn = self._connect()
        try:
            with conn, conn.cursor(name="iter_messages") as cur:
                cur.itersize = 1000
                cur.execute(sql.ALL_RECORDS)
                for (record,) in cur:
                    yield Message.from_json(record)
        finally:
            conn.close()

    def get(self, message_id: str) -> Message | None:
        rows = self._rows(sql.RECORD_OF, (message_id,))
        return Message.from_json(rows[0][0]) if rows else None

    def changes_since(self, cursor: int) -> Changes:
        """Rows landed after `cursor` (a sequence number), for the sensor that requests their days."""
        rows = self._rows(sql.CHANGES_SINCE, (cursor,))
        if not rows:
            return Changes(high_water_mark=cursor, sent_at=[])
        return Changes(high_water_mark=rows[-1][0], sent_at=[datetime.fromisoformat(r[1]) for r in rows])

    def high_water_mark(self) -> int:
        return self._rows(sql.HIGH_WATER_MARK)[0][0]

    def count(self) -> int:
        return self._rows(sql.COUNT)[0][0]

    def last_landed_at(self) -> datetime | None:
        rows = self._rows(sql.LAST_LANDED_AT)
        return datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None


class PostgresLandingDatabase:
    """The landing database as a `LandingDatabase`: `?` statements run with `%s`, writers queued by an advisory lock."""

    def __init__(self, conn) -> None:
        self._conn = conn
        # Reads run on their own; `with conn` opens a transaction for writes, as in the store.
        conn.autocommit = True
        self._statements = Statements(self._execute)

    def _execute(self, statement: str, params: Sequence[Any]):
        cur = self._conn.cursor()
        cur.execute(sql.pyformat(statement), params)
        return cur

    def json_text(self, column: str, key: str) -> str:
        # Records are the canonical message's JSON as text, as in SQLite: parsed per row, only where a query asks.
        return f"({column}::jsonb ->> '{key}')"

    def create(self, schema: str, last_table: str) -> None:
        # CREATE INDEX IF NOT EXISTS waits for every open writer of its table even when the index is there: once the
        # schema's last table exists (the schema commits as one transaction), nothing is run.
        if self.rows("SELECT to_regclass(?) IS NOT NULL AS present", (last_table,))[0]["present"]:
            return
        with self._conn, self._conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            cur.execute(schema)

    def rows(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return self._statements.rows(statement, params)

    def tables(self) -> set[str]:
        statement = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        return {row["table_name"] for row in self.rows(statement)}

    @contextmanager
    def write(self, *, landing: bool = False) -> Iterator[Statements]:
        with self._conn, self._conn.cursor() as cur:
            # Writers take turns, as SQLite's BEGIN IMMEDIATE makes them: a read-then-write (a scan and its
            # high-water mark) is one atomic step. A tombstone is written under the message writers' lock: a landing
            # that read the tombstones before it then commits before it, where `forget`'s search that follows sees it.
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITER_LOCK if landing else _LEDGER_WRITER_LOCK,))

            def execute(statement: str, params: Sequence[Any]):
                cur.execute(sql.pyformat(statement), params)
                return cur

            yield Statements(execute)

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        # A session-level advisory lock (advisory locks are per database): PostgreSQL releases it when the
        # connection ends, so a worker that dies mid-pass holds nobody up.
        digest = hashlib.blake2b(f"wa_pipeline:{name}".encode(), digest_size=8).digest()
        key = int.from_bytes(digest, "big", signed=True)
        self._statements.rows("SELECT pg_advisory_lock(?)", (key,))
        try:
            yield
        finally:
            if not self._conn.closed:
                try:
                    self._statements.rows("SELECT pg_advisory_unlock(?)", (key,))
                except psycopg2.Error:
                    pass  # a broken connection: the lock ended with its session

    def close(self) -> None:
        self._conn.close()
