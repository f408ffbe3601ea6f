"""The landing store on a SQLite file: every message persisted once, keyed by message_id, before it is acknowledged."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from wa_pipeline.message import Message, StatusUpdate
from wa_pipeline.store import landing_sql as sql
from wa_pipeline.store.landing_database import Statements
from wa_pipeline.store.landing_store import AddResult, Changes
from wa_pipeline.store.sqlite_db import connect, sqlite_tables, write_transaction
from wa_pipeline.store.tombstones import Tombstones

SCHEMA = sql.schema(sql.SQLITE_SEQ, sql.FINGERPRINTS_BY_SEQ)
_FINGERPRINTS_SHAPE = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'fingerprints'"
# A file made before fingerprints were keyed by seq: each row takes its message's slot, as landing gives it.
_MIGRATE_FINGERPRINTS = (
    sql.fingerprints_table("fingerprints_by_seq", sql.FINGERPRINTS_BY_SEQ),
    "INSERT INTO fingerprints_by_seq (rowid, fingerprint, message_id, source)"
    f" SELECT m.seq * {sql.FINGERPRINT_SLOTS} + row_number() OVER (PARTITION BY f.message_id ORDER BY f.fingerprint) - 1,"
    " f.fingerprint, f.message_id, f.source FROM fingerprints f JOIN messages m ON m.message_id = f.message_id"
    " ORDER BY 1",
    "DROP TABLE fingerprints",
    "ALTER TABLE fingerprints_by_seq RENAME TO fingerprints",
)
# 16 MiB: a 200,000-line import fills it as a 2,000,000-line one does (the import's peak memory is flat in the file's
# size: 88 and 91 MiB), where 32 MiB filled only in some runs (95-106 MiB against 108); the bigger import takes the
# same CPU with either (176 and 175 s), and 64 MiB gained nothing.
CACHE_KIB = 16 * 1024
# Pages the write-ahead log may hold before an import's commit copies them into the database file (SQLite's own
# checkpoint, which it makes after the commit that takes the log past this size). At SQLite's default, 1,000, every
# import transaction copied its pages at once; the message-id index is keyed by a hash, so each transaction dirties
# most of that index's pages, and the same pages again in the next: copied once per several transactions they are
# written (and synced) once. The bound is the work left to the next commit of any writer, at most this many pages.
IMPORT_CHECKPOINT_PAGES = 50_000
_CHECKPOINT_PAGES = 1_000


class SqliteLandingStore:
    """SQLite landing store (WAL, synchronous=FULL); a duplicate delivery is a no-op."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        with self._conn() as conn:
            conn.executescript(SCHEMA)
            if _keyed_by_value(conn):
                with write_transaction(conn):
                    # Checked again under the write lock: another process may have moved it meanwhile.
                    if _keyed_by_value(conn):
                        for statement in _MIGRATE_FINGERPRINTS:
                            conn.execute(statement)

    def __reduce__(self):
        # Sent to another process as its file: that process opens connections of its own.
        return (type(self), (self.path,))

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            # A batch lands rows at random places in the id and fingerprint indexes: with SQLite's default 2 MiB
            # page cache most of those pages are read again from disk. The cap bounds memory whatever the file's size.
            conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            self._local.conn = conn
        return _Borrowed(conn)

    def database(self) -> SqliteLandingDatabase:
        """This file, on a connection of its own, for the tables kept beside `messages` (see `landing_database`)."""
        return SqliteLandingDatabase(self.path)

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
        with self._conn() as conn:
            conn.execute(f"PRAGMA wal_autocheckpoint={IMPORT_CHECKPOINT_PAGES}")
            try:
                with write_transaction(conn):
                    offered, added, duplicates = sql.land_batches(conn.execute, conn.executemany, batches, by_seq=True)
            finally:
                conn.execute(f"PRAGMA wal_autocheckpoint={_CHECKPOINT_PAGES}")
        return AddResult(added=added, already_present=offered - added - duplicates, cross_source_duplicates=duplicates)

    def cross_source_duplicates(self) -> list[tuple[str, str]]:
        """(message_id, duplicate_of) pairs: copies of a message that another source had already delivered."""
        with self._conn() as conn:
            rows = conn.execute(sql.CROSS_SOURCE_DUPLICATES).fetchall()
        return [(r[0], r[1]) for r in rows]

    def tombstones(self) -> Tombstones:
        with self._conn() as conn:
            return Tombstones.load(conn.execute)

    def add_statuses(self, statuses: Iterable[StatusUpdate]) -> int:
        """Record statuses (see `landing_sql.land_statuses`); returns how many changed."""
        statuses = list(statuses)
        if not statuses:
            return 0
        with self._conn() as conn, write_transaction(conn):
            rows = sql.status_rows(conn.execute, statuses)
            # One statement for the batch, applied row by row in order; sqlite3 sums the rows each changed.
            return conn.executemany(sql.UPSERT_STATUS, rows).rowcount if rows else 0

    def status_of(self, message_id: str) -> str | None:
        with self._conn() as conn:
            row = conn.execute(sql.STATUS_OF, (message_id,)).fetchone()
        return row["status"] if row else None

    def messages_between(
        self, start: datetime, end: datetime, on_error: Callable[[str, str, Exception], None] | None = None
    ) -> list[Message]:
        """Messages with start <= sent_at < end, in send order (ties in arrival order).

        A stored record that no longer loads is passed to `on_error` (and skipped) when given, else raised.
        """
        with self._conn() as conn:
            rows = conn.execute(sql.MESSAGES_BETWEEN, (sql.utc_text(start), sql.utc_text(end))).fetchall()
        messages = []
        for row in rows:
            try:
                messages.append(Message.from_json(row["record"]))
            except (ValueError, KeyError, TypeError) as exc:
                if on_error is None:
                    raise
                on_error(row["message_id"], row["record"], exc)
        return messages

    def iter_messages(self) -> Iterator[Message]:
        with self._conn() as conn:
            for row in conn.execute(sql.ALL_RECORDS):
                yield Message.from_json(row["record"])

    def get(self, message_id: str) -> Message | None:
        with self._conn() as conn:
            row = conn.execute(sql.RECORD_OF, (message_id,)).fetchone()
        return Message.from_json(row["record"]) if row else None

    def changes_since(self, cursor: int) -> Changes:
        """Rows landed after `cursor` (a sequence number), for the sensor that requests their days."""
        with self._conn() as conn:
            rows = conn.execute(sql.CHANGES_SINCE, (cursor,)).fetchall()
        if not rows:
            return Changes(high_water_mark=cursor, sent_at=[])
        return Changes(
            high_water_mark=rows[-1]["seq"],
            sent_at=[datetime.fromisoformat(r["sent_at"]) for r in rows],
        )

    def high_water_mark(self) -> int:
        with self._conn() as conn:
            return conn.execute(sql.HIGH_WATER_MARK).fetchone()[0]

    def count(self) -> int:
        with self._conn() as conn:
            return conn.execute(sql.COUNT).fetchone()[0]

    def last_landed_at(self) -> datetime | None:
        with self._conn() as conn:
            row = conn.execute(sql.LAST_LANDED_AT).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None


def _keyed_by_value(conn) -> bool:
    return "PRIMARY KEY" in conn.execute(_FINGERPRINTS_SHAPE).fetchone()[0]


class SqliteLandingDatabase:
    """The landing file as a `LandingDatabase`: `?` statements as written, writers queued by BEGIN IMMEDIATE."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = connect(path)
        self._statements = Statements(self._conn.execute)

    def json_text(self, column: str, key: str) -> str:
        return f"CAST(json_extract({column}, '$.{key}') AS TEXT)"

    def create(self, schema: str, last_table: str) -> None:
        self._conn.executescript(schema)

    def rows(self, statement: str, params: Sequence = ()) -> list[dict]:
        return self._statements.rows(statement, params)

    def tables(self) -> set[str]:
        return sqlite_tables(self._conn)

    @contextmanager
    def write(self, *, landing: bool = False) -> Iterator[Statements]:
        # One writer at a time for the whole file (BEGIN IMMEDIATE): message writers wait whatever `landing` says.
        with write_transaction(self._conn):
            yield self._statements

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        # A lock file beside the database: the kernel releases a flock when its holder closes it or dies.
        with open(self.path.with_name(f"{self.path.name}.{name}.lock"), "a") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield

    def close(self) -> None:
        self._conn.close()


class _Borrowed:
    """Lends the thread's connection to a `with` block without closing it afterwards."""

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        return self.conn

    def __exit__(self, *exc):
        return False
