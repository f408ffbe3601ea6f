"""Forget a customer (or a chat, or everything before a date) in every store, and keep them forgotten.

What goes: the landed messages, their fingerprints, cross-source copies and statuses; the status history and the
events that name the customer; their contacts record; media files no remaining message shares, with their
extraction-cache entries; rows of every Parquet frame and every sheet tab that hold a removed message id, media
hash, the number or the name; dead letters that carry them; webhook bodies in the inbox not landed yet (rewritten
without what names them, or emptied, while the receiver and lander may be running). Tombstones (salted hashes, see
`store.tombstones`) make landing refuse them from any source, from before the search on; the SQLite files (the
inbox too) are vacuumed so the deleted bytes do not linger in free pages or the write-ahead log. Retention is the
same removal for everyone before a cut-off (`ForgetRequest(everyone=True, before=...)`, see `privacy.retention`).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.message import Message
from wa_pipeline.sheets.sink import SheetSink
from wa_pipeline.sheets.tabs.consent import CONSENT
from wa_pipeline.sheets.tabs.customers import CUSTOMERS_KEY, CUSTOMERS_TAB
from wa_pipeline.sheets.tabs.deliveries import DELIVERIES_KEY, DELIVERIES_TAB
from wa_pipeline.sheets.tabs.entities import ENTITIES
from wa_pipeline.sheets.tabs.media import MEDIA
from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline.sheets.tabs.orders import ORDERS
from wa_pipeline.sheets.tabs.threads import THREADS
from wa_pipeline.store import media_download_ledger, tombstones, webhook_inbox
from wa_pipeline.store.contacts import ContactStore
from wa_pipeline.store.landing_database import LandingDatabase, Statements
from wa_pipeline.store.landing_store import LandingStore
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.name_key import name_key
from wa_pipeline.store.sqlite_db import sqlite_tables, write_transaction
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.store.tombstones import FOREVER, message_keys, phone_key, text_keys
from wa_pipeline.store.webhook_inbox import FORGOTTEN, InboxBody

# SQLite binds at most 999 parameters per statement in old builds; stay well below.
_CHUNK = 400
_DIGIT_RUN = re.compile(r"\d[\d \-]{5,20}\d")
# Every tab the pipeline writes, with its key: a row that mentions what is forgotten is deleted by that key.
SHEET_TABS = (
    *((spec.name, spec.sheet_key) for spec in (MESSAGES, MEDIA, THREADS, ENTITIES, ORDERS, CONSENT)),
    (CUSTOMERS_TAB, CUSTOMERS_KEY),
    (DELIVERIES_TAB, DELIVERIES_KEY),
)
# Lists of a webhook body whose items hold lists of records: such an item is pruned, then dropped only if it still
# names the target, so one customer's message does not take the others' in the same delivery or history chunk along.
_CONTAINERS = frozenset({"entry", "changes", "history", "threads"})
# How long forget tries again a checkpoint that readers keep busy (the webhook lander polls the inbox).
_CHECKPOINT_S = 60.0


@dataclass(frozen=True)
class ForgetRequest:
    """Who or what to forget; at least one of phone, customer and chat, or `everyone` (retention: then `before` is
    required). `before` limits it to older messages, events, statuses and dead letters."""

    phone: str | None = None
    customer: str | None = None
    chat: str | None = None
    before: datetime | None = None
    everyone: bool = False

    def __post_init__(self) -> None:
        if self.everyone:
            if self.before is None or self.phone or self.customer or self.chat:
                raise ValueError("forgetting everyone needs a cut-off time (`before`) and nobody named")
        elif not (self.phone or self.customer or self.chat):
            raise ValueError("say whom to forget: a phone number, a customer id or a chat name")
        # Only the international form names one person: "0733 111 222" is a different number in every country.
        if self.phone and (not self.phone.strip().startswith("+") or phone_key(self.phone) is None):
            raise ValueError(f"not an international phone number: {self.phone!r} (write it as +<country><number>)")


@dataclass
class ForgetReport:
    """What was removed, per store (counts only: the report itself holds nothing personal)."""

    removed: dict[str, int] = field(default_factory=dict)
    tombstones: int = 0

    def add(self, store: str, count: int) -> None:
        self.removed[store] = self.removed.get(store, 0) + count

    def as_dict(self) -> dict:
        return {"removed": dict(self.removed), "tombstones": self.tombstones}


@dataclass(frozen=True)
class _Target:
    """The forgotten identifiers in the clear, for this run only (they are never written anywhere)."""

    keys: frozenset[str]
    customers: frozenset[str]
    names: frozenset[str]
    phones: frozenset[str]  # E.164 digits without '+'
    everyone: bool = False

    @property
    def name_pattern(self) -> re.Pattern[str] | None:
        # Whole words only: forgetting "Ann" must not remove a row about the "Annual" order.
        if not self.names:
            return None
        return re.compile("|".join(rf"(?<!\w){re.escape(name)}(?!\w)" for name in sorted(self.names)))

    def matches(self, message: Message, before: datetime | None) -> bool:
        if before is not None and message.sent_at >= before:
            return False
        return self.everyone or not self.keys.isdisjoint(message_keys(message))

    def by_marks_only(self) -> _Target:
        """The same target matching rows by the removed ids and media alone: under a cut-off, a row that names the
        customer may be about a newer message, which stays."""
        return _Target(frozenset(), self.customers, frozenset(), frozenset(), self.everyone)

    @property
    def bsuids(self) -> frozenset[str]:
        return frozenset(key[len("bsuid:") :] for key in self.keys if key.startswith("bsuid:"))

    def in_text(self, text: str, marks: frozenset[str]) -> bool:
        """A cell or payload mentions a removed id, a BSUID, a name or the number (however it is spaced)."""
        if any(mark in text for mark in marks) or any(bsuid in text for bsuid in self.bsuids):
            return True
        pattern = self.name_pattern
        if pattern is not None and pattern.search(text.casefold()):
            return True
        if not self.phones:
            return False
        return any(_same_number(match.group(), self.phones) for match in _DIGIT_RUN.finditer(text)) or any(
            key[len("phone:+") :] in self.phones for key in text_keys(text)
        )


def _same_number(written: str, phones: frozenset[str]) -> bool:
    digits = re.sub(r"\D", "", written)
    # A number written nationally ("0712 345 678") ends with the same nine digits as its E.164 form.
    return len(digits) >= 9 and any(phone.endswith(digits[-9:]) for phone in phones)


def _target(request: ForgetRequest, stores: Sequence[ContactStore]) -> _Target:
    keys: set[str] = set()
    customers: set[str] = set()
    if request.customer:
        customers.add(request.customer)
    if request.phone:
        key = phone_key(request.phone)
        keys.add(key)
        customers |= {found for contacts in stores if (found := contacts.customer_of(phone=key[len("phone:") :]))}
    if request.chat:
        keys.add(f"name:{name_key(request.chat)}")
    names: set[str] = {name_key(request.chat)} if request.chat else set()
    for record in (record for contacts in stores for record in contacts.customers()):
        if record["customer_id"] not in customers:
            continue
        keys |= {f"phone:{p}" for p in record["phones"]}
        keys |= {f"bsuid:{b}" for b in record["user_ids"] + record["parent_user_ids"]}
        for name, _ in record["names"]:
            keys |= {f"name:{name_key(name)}"}
            names.add(name_key(name))
    phones = {key[len("phone:+") :] for key in keys if key.startswith("phone:")}
    return _Target(frozenset(keys), frozenset(customers), frozenset(names), frozenset(phones), request.everyone)


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _delete_ids(db: LandingDatabase, table: str, column: str, ids: Sequence[str]) -> int:
    removed = 0
    with db.write() as statements:
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            removed += statements.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", tuple(chunk))
    return removed


def forget(
    request: ForgetRequest,
    *,
    landing: LandingStore,
    layout: DataLayout,
    sink: SheetSink | None,
    tabs: Sequence[tuple[str, str]] = SHEET_TABS,
) -> ForgetReport:
    """Tombstone what `request` names and remove it from every store; returns the counts per store."""
    report = ForgetReport()
    in_file = landing_in_file(landing, layout)
    db = landing.database()
    try:
        # A PostgreSQL store keeps the receiver's contacts beside its messages; the SQLite file may hold older ones.
        stores = [ContactStore(db)] + ([] if in_file else [ContactStore(layout.landing_db)])
        try:
            target = _target(request, stores)
        finally:
            for older in stores[1:]:
                older.close()
        # Their identifiers are tombstoned before the stores are searched: a message of theirs that lands meanwhile
        # (the webhook lander runs beside forget) is refused, not landed behind the search. The ids found follow.
        stones = _write_tombstones(db, target, [], request.before)
        downloaded = _downloaded_media(db)
        gone: list[Message] = []
        gone_media: set[str] = set()
        kept_media: set[str] = set()
        for message in landing.iter_messages():
            shas = _media_of(message, downloaded)
            if target.matches(message, request.before):
                gone.append(message)
                gone_media |= shas
            else:
                kept_media |= shas
        ids = [m.message_id for m in gone]
        media = sorted(gone_media - kept_media)
        marks = frozenset(ids) | frozenset(media)

        report.add("messages", _delete_ids(db, "messages", "message_id", ids))
        _delete_ids(db, "fingerprints", "message_id", ids)
        report.add("cross_source_duplicates", _delete_ids(db, "cross_source_duplicates", "message_id", ids))
        report.add("cross_source_duplicates", _delete_ids(db, "cross_source_duplicates", "duplicate_of", ids))
        report.add("statuses", _delete_ids(db, "statuses", "message_id", ids))
        report.add("statuses", _delete_statuses_of(db, target, request.before))
        report.add("media_downloads", _delete_ids(db, "media_downloads", "message_id", ids))
        report.tombstones = stones + _write_tombstones(db, target, ids, request.before)
        if not in_file:
            # Contacts, events and statuses the receiver wrote beside the messages (PostgreSQL).
            _forget_beside_messages(db, target, media, marks, report, request.before)
    finally:
        db.close()

    with closing(sqlite3.connect(layout.landing_db, timeout=60, isolation_level=None)) as conn:
        conn.row_factory = sqlite3.Row
        # Deleted rows are overwritten with zeros, not merely unlinked from the b-tree.
        conn.execute("PRAGMA secure_delete = ON")
        conn.executescript(tombstones.SCHEMA)
        beside = _SqliteDatabase(conn)
        if not in_file:
            # The tables kept in the SQLite file (dead letters) refuse the same records by its tombstones, written
            # before they are searched, as the store's are.
            _write_tombstones(beside, target, ids, request.before, salt=landing.tombstones().salt)
        _forget_beside_messages(beside, target, media, marks, report, request.before)

    # After the tombstones: a body the lander read before this rewrite and lands after it is refused by them.
    report.add("inbox", _forget_in_inbox(layout.webhook_inbox, target, marks, request.before))

    media_store = MediaStore(layout.media_dir)
    removed_files = 0
    for sha256 in media:
        path = media_store.path_for(sha256)
        if path.exists():
            path.unlink()
            removed_files += 1
    report.add("media_files", removed_files)

    rows_target = target if request.before is None else target.by_marks_only()
    report.add("frame_rows", _forget_frames(layout.frames_dir, rows_target, marks))
    if sink is not None:
        for tab, key in tabs:
            contents = sink.read_tab(tab)
            if key not in contents.header:
                continue
            position = contents.header.index(key)
            keys = [
                str(row[position])
                for row in contents.rows
                if rows_target.in_text("\x1f".join("" if cell is None else str(cell) for cell in row), marks)
            ]
            report.add(f"sheet:{tab}", sink.delete_rows(tab, key, keys) if keys else 0)

    _scrub(layout.landing_db)
    if layout.webhook_inbox.exists():
        _scrub(layout.webhook_inbox)
    return report


def landing_in_file(landing: LandingStore, layout: DataLayout) -> bool:
    """The landing store is the layout's SQLite file, which then holds every table kept beside the messages too."""
    return isinstance(landing, SqliteLandingStore) and landing.path == layout.landing_db


def _downloaded_media(db: LandingDatabase) -> dict[str, str]:
    """The files the Cloud API media downloads stored, by message id: the landed record does not name them."""
    db.create(media_download_ledger.SCHEMA, media_download_ledger.STATE_TABLE)
    rows = db.rows("SELECT message_id, sha256 FROM media_downloads WHERE sha256 IS NOT NULL")
    return {row["message_id"]: row["sha256"] for row in rows}


def _media_of(message: Message, downloaded: dict[str, str]) -> set[str]:
    shas = {message.media.sha256} if message.media and message.media.sha256 else set()
    return shas | ({downloaded[message.message_id]} if message.message_id in downloaded else set())


def media_in_use(landing: LandingStore) -> set[str]:
    """Every media file a landed message points at (in its record or through its download)."""
    db = landing.database()
    try:
        downloaded = _downloaded_media(db)
    finally:
        db.close()
    return {sha for message in landing.iter_messages() for sha in _media_of(message, downloaded)}


def _delete_statuses_of(db: LandingDatabase, target: _Target, before: datetime | None) -> int:
    """Statuses of messages the business sent: the recipient is the customer, by wa_id (E.164 digits without '+');
    under a cut-off only those reported before it (for everyone: every status reported before it)."""
    if target.everyone and before is not None:
        doomed = [
            row["message_id"] for row in db.rows("SELECT message_id, at FROM statuses") if _older(row["at"], before)
        ]
        return _delete_ids(db, "statuses", "message_id", doomed)
    if not target.phones:
        return 0
    if before is None:
        return _delete_ids(db, "statuses", "recipient_id", sorted(target.phones))
    doomed = [
        row["message_id"]
        for row in db.rows("SELECT message_id, recipient_id, at FROM statuses")
        if row["recipient_id"] in target.phones and _older(row["at"], before)
    ]
    return _delete_ids(db, "statuses", "message_id", doomed)


def _older(stored: str | None, before: datetime | None) -> bool:
    """A stored time (ISO text, either of the stores' formats) is before the cut-off; no cut-off: always."""
    if before is None:
        return True
    if not stored:
        return False
    moment = datetime.fromisoformat(stored)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) < before


class _SqliteDatabase:
    """Just enough of `LandingDatabase` over an open connection, for writing tombstones into the SQLite file."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def rows(self, statement: str, params: Sequence = ()) -> list[dict]:
        return [dict(row) for row in self._conn.execute(statement, params).fetchall()]

    def tables(self) -> set[str]:
        return sqlite_tables(self._conn)

    @contextmanager
    def write(self, *, landing: bool = False) -> Iterator[Statements]:
        with write_transaction(self._conn):
            yield Statements(self._conn.execute)


def _write_tombstones(db, target: _Target, ids: Sequence[str], before: datetime | None, salt: str | None = None) -> int:
    now = datetime.now(UTC).isoformat()
    with db.write(landing=True) as statements:
        statements.execute(tombstones.INSERT_SALT, (salt or secrets.token_hex(32),))
    stored = db.rows(tombstones.SELECT_SALT)[0]["salt"]
    stones = tombstones.Tombstones(salt=stored)
    cutoff = tombstones.utc_text(before) if before is not None else FOREVER
    keys = set(target.keys) | {f"message:{i}" for i in ids}
    with db.write(landing=True) as statements:
        return sum(
            statements.execute(tombstones.INSERT_TOMBSTONE, (stones.digest(key), cutoff, now)) for key in sorted(keys)
        )


def _forget_beside_messages(
    db: LandingDatabase,
    target: _Target,
    media: Sequence[str],
    marks: frozenset[str],
    report: ForgetReport,
    before: datetime | None,
) -> None:
    """The tables kept beside the messages (in the SQLite file, or in PostgreSQL where the receiver keeps contacts,
    events and statuses with the messages). Under a cut-off only records from before it go (by the time each holds:
    a status's report, an event's occurrence, a dead letter's arrival); forgetting everyone before it (retention)
    removes every such record, whoever it names."""

    def doomed(moment: str | None, text: Callable[[], str], message_id: str | None = None) -> bool:
        if not _older(moment, before):
            return False
        return target.everyone or message_id in marks or target.in_text(text(), marks)

    tables = db.tables()
    # One transaction for the search and the deletes: a writer of these tables reads the tombstones inside its own
    # (taking turns with this one), so a record it adds is either found here or refused there.
    with db.write() as statements:
        if "status_history" in tables:
            statuses = [
                (row["message_id"], row["status"])
                for row in statements.rows("SELECT message_id, status, at, recipient_id, raw FROM status_history")
                if doomed(row["at"], lambda row=row: f"{row['recipient_id'] or ''} {row['raw']}", row["message_id"])
            ]
            for status in statuses:
                statements.execute("DELETE FROM status_history WHERE message_id = ? AND status = ?", status)
            report.add("status_history", len(statuses))
        if "events" in tables:
            events = [
                row["event_id"]
                for row in statements.rows("SELECT event_id, occurred_at, customer, summary, data, raw FROM events")
                if doomed(
                    row["occurred_at"],
                    lambda row=row: " ".join(str(row[c] or "") for c in ("customer", "summary", "data", "raw")),
                )
            ]
            for event in events:
                statements.execute("DELETE FROM events WHERE event_id = ?", (event,))
            report.add("events", len(events))
        if "customers" in tables and before is None:
            removed = 0
            for customer in sorted(target.customers):
                for table in ("customer_keys", "customer_names"):
                    statements.execute(f"DELETE FROM {table} WHERE customer_id = ?", (customer,))
                removed += statements.execute("DELETE FROM customers WHERE customer_id = ?", (customer,))
            report.add("contacts", removed)
        if "dead_letters" in tables:
            letters = [
                row["id"]
                for row in statements.rows("SELECT id, item_key, reason, payload, created_at FROM dead_letters")
                if doomed(
                    row["created_at"], lambda row=row: f"{row['item_key']} {row['reason']} {_decoded(row['payload'])}"
                )
            ]
            for letter in letters:
                statements.execute("DELETE FROM dead_letters WHERE id = ?", (letter,))
            report.add("dead_letters", len(letters))
        if "media_extractions" in tables:
            for sha256 in media:
                statements.execute("DELETE FROM media_extractions WHERE sha256 = ?", (sha256,))
            report.add("extraction_cache", len(media))


def _decoded(payload: str) -> str:
    """A dead letter's payload with its base64 fields decoded: the raw bytes are where the number is."""
    try:
        values = json.loads(payload)
    except ValueError:
        return payload
    parts = [payload]
    if isinstance(values, dict):
        for name, value in values.items():
            if name.endswith("_base64") and isinstance(value, str):
                try:
                    parts.append(base64.b64decode(value).decode("utf-8", "replace"))
                except ValueError:
                    continue
    return " ".join(parts)


def _forget_frames(frames_dir: Path, target: _Target, marks: frozenset[str]) -> int:
    if not frames_dir.exists():
        return 0
    import pandas as pd
    import pyarrow.parquet as pq

    from wa_pipeline.store.frames import write_frame

    removed = 0
    for path in sorted(frames_dir.rglob("*.parquet")):
        table = pq.read_table(path)
        frame = table.to_pandas()
        if frame.empty:
            continue
        doomed = [target.in_text(json.dumps(row, default=str, ensure_ascii=False), marks) for row in table.to_pylist()]
        if not any(doomed):
            continue
        write_frame(pd.DataFrame(frame[[not d for d in doomed]]), path, schema=table.schema)
        removed += sum(doomed)
    return removed


def _scrub(path: Path) -> None:
    """Rewrite the SQLite file without free pages and empty its write-ahead log: deleted rows leave no bytes."""
    with closing(sqlite3.connect(path, timeout=60, isolation_level=None)) as conn:
        conn.execute("VACUUM")
        # A reader still in the log when the busy wait ends makes the checkpoint answer busy (first column) rather
        # than fail; the log keeps the old pages until one succeeds.
        deadline = time.monotonic() + _CHECKPOINT_S
        while conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] and time.monotonic() < deadline:
            time.sleep(0.01)


def _forget_in_inbox(path: Path, target: _Target, marks: frozenset[str], before: datetime | None) -> int:
    """Webhook bodies in the inbox that name the target: rewritten without the records that do, or emptied when what
    is left still names them (or is not JSON); how many bodies changed."""

    def named(node: object, moment: datetime) -> bool:
        if before is not None and moment >= before:
            return False
        text = node if isinstance(node, str) else json.dumps(node, ensure_ascii=False)
        return target.everyone or target.in_text(text, marks)

    def prune(node: object, moment: datetime) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, dict):
                    prune(value, moment)
                elif isinstance(value, list):
                    for item in value:
                        if key in _CONTAINERS:
                            prune(item, moment)
                    node[key] = [item for item in value if not named(item, _sent_at(item, moment))]

    def rewrite(row: InboxBody) -> bytes:
        if row.body == FORGOTTEN:
            return row.body
        try:
            payload = json.loads(row.body)
        except (ValueError, RecursionError):
            # The lander will letter it whole; its bytes are all there is to match.
            return FORGOTTEN if named(row.body.decode("utf-8", "replace"), row.received_at) else row.body
        # Names are matched as written, not as Meta's ASCII escapes them.
        if not (target.everyone or target.in_text(json.dumps(payload, ensure_ascii=False), marks)):
            return row.body
        prune(payload, row.received_at)
        # Still named outside the records pruned (a thread's id, a field of its own): the whole body goes.
        if named(payload, row.received_at):
            return FORGOTTEN
        if payload == json.loads(row.body):
            return row.body
        # Nothing left but the envelope: empty rather than a body that lands nothing.
        return json.dumps(payload, separators=(",", ":")).encode("ascii") if _holds_records(payload) else FORGOTTEN

    return webhook_inbox.rewrite_bodies(path, rewrite)


def _holds_records(node: object, key: str = "") -> bool:
    """Whether a pruned webhook body still carries a record (an item of a list that is not only a container)."""
    if isinstance(node, dict):
        return any(_holds_records(value, name) for name, value in node.items())
    if isinstance(node, list):
        return any(_holds_records(item) for item in node) if key in _CONTAINERS else bool(node)
    return False


def _sent_at(item: object, received_at: datetime) -> datetime:
    """When a webhook record happened (its `timestamp`, Unix seconds), else when its body arrived."""
    stamp = item.get("timestamp") if isinstance(item, dict) else None
    try:
        return datetime.fromtimestamp(int(stamp), UTC) if stamp is not None else received_at
    except (TypeError, ValueError, OverflowError, OSError):
        return received_at
