"""One identity per customer: phone numbers, business-scoped user ids (BSUID) and names linked to one id.

Every source sees a customer differently: a webhook by wa_id (a phone number) and, from 2026, a BSUID (`user_id`,
`parent_user_id`) that may replace the number; a chat export by the name the phone saved (or the number, for an
unsaved contact); the business's address book by name and number. Each sighting is linked to the customer that
already holds one of its strong keys (phone, BSUID); failing that, to the one customer known by the same name who
has no different phone or BSUID (a weaker link, kept with its confidence); else it starts a new customer. A
sighting that holds keys of two customers merges them into the older one.

The tables live in the landing database, the SQLite file or PostgreSQL, through one set of statements (see
`landing_database`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wa_pipeline.message import Sighting, stable_id
from wa_pipeline.store import tombstones
from wa_pipeline.store.landing_database import LandingDatabase, Statements
from wa_pipeline.store.ledger_database import landing_database, run_on
from wa_pipeline.store.name_key import name_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    customer_id TEXT PRIMARY KEY,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS customer_keys (
    key         TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    confidence  REAL NOT NULL,
    source      TEXT NOT NULL,
    first_seen  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS customer_keys_customer ON customer_keys (customer_id);
CREATE TABLE IF NOT EXISTS customer_names (
    customer_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    source      TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    PRIMARY KEY (customer_id, name, source)
);
"""
LAST_TABLE = "customer_names"
# Earliest first sighting and latest last one, written as CASE so that SQLite and PostgreSQL run the same statement.
_WIDEN = (
    " first_seen = CASE WHEN excluded.first_seen < {t}.first_seen THEN excluded.first_seen ELSE {t}.first_seen END,"
    " last_seen = CASE WHEN excluded.last_seen > {t}.last_seen THEN excluded.last_seen ELSE {t}.last_seen END"
)
UPSERT_CUSTOMER = (
    "INSERT INTO customers (customer_id, first_seen, last_seen) VALUES (?, ?, ?)"
    " ON CONFLICT (customer_id) DO UPDATE SET" + _WIDEN.format(t="customers")
)
UPSERT_NAME = (
    "INSERT INTO customer_names (customer_id, name, source, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (customer_id, name, source) DO UPDATE SET" + _WIDEN.format(t="customer_names")
)
STRONG = ("phone", "bsuid", "parent_bsuid")
# A name alone links a sighting to a customer with this confidence at most.
NAME_LINK_CONFIDENCE = 0.6
# The source under which a customer's WhatsApp usernames are kept beside their names: shown, never matched.
USERNAME_SOURCE = "username"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _strong_keys(sighting: Sighting) -> list[tuple[str, str]]:
    pairs = [("phone", sighting.phone), ("bsuid", sighting.user_id), ("parent_bsuid", sighting.parent_user_id)]
    return [(kind, value) for kind, value in pairs if value]


class ContactStore:
    """The customers tables in the landing database (a SQLite path, or any store's `database()`); observing the
    same sighting twice changes nothing."""

    def __init__(self, database: Path | LandingDatabase):
        self._db = landing_database(database)
        self._lock = threading.Lock()
        self._db.create(SCHEMA + tombstones.SCHEMA, LAST_TABLE)

    def observe(self, sightings: Iterable[Sighting]) -> None:
        """Link each sighting to its customer (creating or merging customers), in one durable transaction.

        A sighting of a forgotten customer (a tombstone names its phone, BSUID or name) is not recorded.
        """
        sightings = _earliest_and_latest(sightings)
        if not sightings:
            return
        with self._lock, self._db.write() as statements:
            # Read inside the write, as `EventStore.add` does: a sighting is refused by a tombstone or found by
            # `forget`'s search, never added between the two.
            forgotten = tombstones.Tombstones.load(run_on(statements))
            sightings = [s for s in sightings if not forgotten.blocks_sighting(s)]
            if sightings:
                known = _Known(statements, sightings)
                for sighting in sightings:
                    _observe(known, sighting)
                known.flush()

    def customer_of(self, phone: str | None = None, user_id: str | None = None, name: str | None = None) -> str | None:
        """The customer holding this phone (E.164), BSUID or name, strongest key first."""
        with self._lock:
            for kind, value in (("phone", phone), ("bsuid", user_id), ("name", name_key(name) if name else None)):
                if value and (customer := _customer_of(self._db, kind, value)):
                    return customer
        return None

    def key_owners(self) -> dict[str, str]:
        """Every key ("phone:+1650...", "bsuid:US.1...", "name:<name key>") and its customer, read at once."""
        with self._lock:
            return {
                row["key"]: row["customer_id"] for row in self._db.rows("SELECT key, customer_id FROM customer_keys")
            }

    def customers(self) -> list[dict]:
        """One record per customer: ids, names and usernames over time (oldest first), first and last seen, weakest
        link."""
        with self._lock:
            people = self._db.rows(
                "SELECT customer_id, first_seen, last_seen FROM customers ORDER BY first_seen, customer_id"
            )
            keys = self._db.rows("SELECT customer_id, kind, value, confidence FROM customer_keys")
            names = self._db.rows(
                "SELECT customer_id, name, source, first_seen FROM customer_names ORDER BY first_seen, name, source"
            )
        out = []
        for person in people:
            customer = person["customer_id"]
            mine = [k for k in keys if k["customer_id"] == customer]
            out.append(
                {
                    "customer_id": customer,
                    "phones": sorted(k["value"] for k in mine if k["kind"] == "phone"),
                    "user_ids": sorted(k["value"] for k in mine if k["kind"] == "bsuid"),
                    "parent_user_ids": sorted(k["value"] for k in mine if k["kind"] == "parent_bsuid"),
                    "names": [
                        (n["name"], n["source"])
                        for n in names
                        if n["customer_id"] == customer and n["source"] != USERNAME_SOURCE
                    ],
                    "usernames": [
                        n["name"] for n in names if n["customer_id"] == customer and n["source"] == USERNAME_SOURCE
                    ],
                    "first_seen": person["first_seen"],
                    "last_seen": person["last_seen"],
                    "confidence": min((k["confidence"] for k in mine), default=1.0),
                }
            )
        return out

    def close(self) -> None:
        self._db.close()


def names_of(database: LandingDatabase, key: str) -> list[str]:
    """The names the customers tables hold for the customer of a key ("phone:+2547...", "bsuid:..."): the profile
    names their own messages carried first, then the others, latest first; none before the tables exist."""
    if LAST_TABLE not in database.tables():
        return []
    rows = database.rows(
        "SELECT n.name FROM customer_keys k JOIN customer_names n ON n.customer_id = k.customer_id WHERE k.key = ?"
        " AND n.source != ? ORDER BY CASE WHEN n.source = 'cloud_api' THEN 0 ELSE 1 END, n.last_seen DESC",
        (key, USERNAME_SOURCE),
    )
    return [row["name"] for row in rows]


def chat_keys_of(database: LandingDatabase, user_ids: Iterable[str]) -> dict[str, str]:
    """For each BSUID known for sure, the key its customer was first known by, their chat's key: a number (digits,
    no "+"; a number Meta showed together with the BSUID counts as first) or a BSUID, this one or one it replaced.
    BSUIDs not known for sure are left out.

    Only links of confidence 1 count (Meta showed the keys together, or reported the change): a number joined to
    the customer by a shared name alone is a guess, and a chat is not moved on a guess.
    """
    wanted = sorted({f"bsuid:{user_id}" for user_id in user_ids})
    if not wanted or LAST_TABLE not in database.tables():
        return {}
    found: dict[str, tuple[str, bool, str]] = {}
    for part in _chunks(wanted):
        rows = database.rows(
            "SELECT o.value AS asked, k.kind, k.value, k.first_seen FROM customer_keys o"
            " JOIN customer_keys k ON k.customer_id = o.customer_id"
            f" WHERE o.key IN ({_in(len(part))}) AND o.confidence >= 1 AND k.confidence >= 1"
            " AND k.kind IN ('phone', 'bsuid')",
            part,
        )
        for row in rows:
            # Earliest first; seen together, the number before the BSUID.
            candidate = (row["first_seen"], row["kind"] != "phone", row["value"])
            if row["asked"] not in found or candidate < found[row["asked"]]:
                found[row["asked"]] = candidate
    return {asked: value if is_bsuid else value.lstrip("+") for asked, (_, is_bsuid, value) in found.items()}


def _earliest_and_latest(sightings: Iterable[Sighting]) -> list[Sighting]:
    """The sightings with the same keys and name reduced to their first and last: observing the ones between
    changes nothing (a customer's first and last seen are a minimum and a maximum), and under load a batch holds
    many messages of the same few customers."""
    spans: dict[tuple, list[Sighting]] = {}
    for sighting in sightings:
        identity = (
            sighting.source,
            sighting.phone,
            sighting.user_id,
            sighting.parent_user_id,
            sighting.name,
            sighting.name_confidence,
            sighting.formerly,
            sighting.username,
        )
        span = spans.get(identity)
        if span is None:
            spans[identity] = [sighting, sighting]
        elif sighting.seen_at < span[0].seen_at:
            span[0] = sighting
        elif sighting.seen_at > span[1].seen_at:
            span[1] = sighting
    return [s for first, last in spans.values() for s in ((first,) if first is last else (first, last))]


def _customer_of(db: LandingDatabase | Statements, kind: str, value: str) -> str | None:
    rows = db.rows("SELECT customer_id FROM customer_keys WHERE key = ?", (f"{kind}:{value}",))
    return rows[0]["customer_id"] if rows else None


def _in(count: int) -> str:
    return ",".join("?" * count)


# Ids per IN (...) list: under SQLite's oldest default limit on bound variables (999).
_CHUNK = 500


class _Known:
    """What the batch's transaction holds for the keys and customers its sightings name, read once up front and kept
    current as the batch writes: lookups are one query per batch, and a write that would change nothing (a key
    already held, a span already covering the sighting) is not sent."""

    def __init__(self, db: Statements, sightings: list[Sighting]):
        self.db = db
        wanted: set[str] = set()
        for sighting in sightings:
            wanted.update(f"{kind}:{value}" for kind, value in _strong_keys(sighting))
            wanted.update(sighting.formerly)
            if sighting.name:
                wanted.add(f"name:{name_key(sighting.name)}")
        # key -> customer for every wanted key the table holds; a wanted key absent here is not in the table.
        self.owners: dict[str, str] = {}
        for part in _chunks(sorted(wanted)):
            for row in db.rows(f"SELECT key, customer_id FROM customer_keys WHERE key IN ({_in(len(part))})", part):
                self.owners[row["key"]] = row["customer_id"]
        # customer -> (first_seen, last_seen), and (customer, name, source) -> the same, for the customers found.
        self.spans: dict[str, tuple[str, str]] = {}
        self.names: dict[tuple[str, str, str], tuple[str, str]] = {}
        for part in _chunks(sorted(set(self.owners.values()))):
            marks = _in(len(part))
            for row in db.rows(
                f"SELECT customer_id, first_seen, last_seen FROM customers WHERE customer_id IN ({marks})", part
            ):
                self.spans[row["customer_id"]] = (row["first_seen"], row["last_seen"])
            for row in db.rows(
                "SELECT customer_id, name, source, first_seen, last_seen FROM customer_names"
                f" WHERE customer_id IN ({marks})",
                part,
            ):
                self.names[(row["customer_id"], row["name"], row["source"])] = (row["first_seen"], row["last_seen"])
        # Spans widened and not yet written: the upserts are folded to one per row, as nothing reads the spans
        # before the batch ends but a merge, which writes them first.
        self.pending_customers: dict[str, tuple[str, str]] = {}
        self.pending_names: dict[tuple[str, str, str], tuple[str, str]] = {}

    def owner(self, kind: str, value: str) -> str | None:
        return self.owners.get(f"{kind}:{value}")

    def add_key(self, kind: str, value: str, customer: str, confidence: float, source: str, seen: str) -> None:
        key = f"{kind}:{value}"
        if key in self.owners:  # the insert would do nothing: the key has its customer already
            return
        self.db.execute(
            "INSERT INTO customer_keys (key, kind, value, customer_id, confidence, source, first_seen)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
            (key, kind, value, customer, confidence, source, seen),
        )
        self.owners[key] = customer

    def widen_customer(self, customer: str, first: str, last: str) -> None:
        span = self.spans.get(customer)
        if span is not None and span[0] <= first and last <= span[1]:
            return
        _widen(self.pending_customers, customer, first, last)
        # Unknown before the upsert (a customer this batch did not read) stays unknown after it.
        if span is not None:
            self.spans[customer] = (min(span[0], first), max(span[1], last))

    def widen_name(self, customer: str, name: str, source: str, first: str, last: str) -> None:
        span = self.names.get((customer, name, source))
        if span is not None and span[0] <= first and last <= span[1]:
            return
        _widen(self.pending_names, (customer, name, source), first, last)
        if span is not None or customer in self.spans:
            # The batch read every name of a customer it read: a name it did not see was new.
            span = span or (first, last)
            self.names[(customer, name, source)] = (min(span[0], first), max(span[1], last))

    def flush(self) -> None:
        """Write the widened spans: one upsert per customer and name, in the order they were first widened."""
        for customer, (first, last) in self.pending_customers.items():
            self.db.execute(UPSERT_CUSTOMER, (customer, first, last))
        for (customer, name, source), (first, last) in self.pending_names.items():
            self.db.execute(UPSERT_NAME, (customer, name, source, first, last))
        self.pending_customers.clear()
        self.pending_names.clear()

    def merged(self, keep: str, others: list[str]) -> None:
        """Follow a merge of `others` into `keep`: their keys now name `keep`; spans and names read again later."""
        gone = set(others)
        for key, customer in self.owners.items():
            if customer in gone:
                self.owners[key] = keep
        gone.add(keep)
        for customer in gone:
            self.spans.pop(customer, None)
        for entry in [entry for entry in self.names if entry[0] in gone]:
            del self.names[entry]


def _widen(pending: dict, row: Any, first: str, last: str) -> None:
    span = pending.get(row)
    pending[row] = (first, last) if span is None else (min(span[0], first), max(span[1], last))


def _chunks(values: list[str]) -> list[tuple[str, ...]]:
    return [tuple(values[i : i + _CHUNK]) for i in range(0, len(values), _CHUNK)]


def _observe(known: _Known, sighting: Sighting) -> None:
    db = known.db
    seen = _utc(sighting.seen_at)
    strong = _strong_keys(sighting)
    name = name_key(sighting.name) if sighting.name else ""
    found = {c for c in (known.owner(kind, value) for kind, value in strong) if c}
    # A changed number or BSUID that Meta reported: the person known by the old key.
    found |= {c for c in (known.owners.get(key) for key in sighting.formerly) if c}
    # How sure the link of these keys to the customer is: certain through a shared phone or BSUID, only as
    # sure as a name when the name is all they share.
    link_confidence = 1.0
    if not found and name:
        named = known.owner("name", name)
        if named is not None and not _conflicts(db, named, strong):
            found = {named}
            link_confidence = NAME_LINK_CONFIDENCE
    if not strong and not name:
        return
    if found:
        customer = _merge(known, found)
    else:
        first_kind, first_value = strong[0] if strong else ("name", name)
        customer = stable_id(first_kind, first_value, prefix="cust_")
    known.widen_customer(customer, seen, seen)
    keys = [(kind, value, link_confidence) for kind, value in strong]
    keys += [("name", name, min(sighting.name_confidence, link_confidence))] if name else []
    for kind, value, confidence in keys:
        known.add_key(kind, value, customer, confidence, sighting.source, seen)
    if sighting.name:
        known.widen_name(customer, sighting.name, sighting.source, seen, seen)
    if sighting.username:
        known.widen_name(customer, sighting.username, USERNAME_SOURCE, seen, seen)


def _conflicts(db: Statements, customer: str, strong: list[tuple[str, str]]) -> bool:
    # Two people may share a name; one with another phone or BSUID is someone else.
    held = db.rows("SELECT kind, value FROM customer_keys WHERE customer_id = ? AND kind != 'name'", (customer,))
    mine = dict(strong)
    return any(row["kind"] in mine and mine[row["kind"]] != row["value"] for row in held)


def _merge(known: _Known, customers: set[str]) -> str:
    if len(customers) == 1:
        return next(iter(customers))
    db = known.db
    known.flush()  # the merge reads the spans it combines
    marks = ",".join("?" * len(customers))
    rows = db.rows(
        f"SELECT customer_id, first_seen, last_seen FROM customers WHERE customer_id IN ({marks})"
        " ORDER BY first_seen, customer_id",
        tuple(customers),
    )
    keep = rows[0]["customer_id"]
    for other in rows[1:]:
        db.execute("UPDATE customer_keys SET customer_id = ? WHERE customer_id = ?", (keep, other["customer_id"]))
        for name in db.rows(
            "SELECT name, source, first_seen, last_seen FROM customer_names WHERE customer_id = ?",
            (other["customer_id"],),
        ):
            db.execute(UPSERT_NAME, (keep, name["name"], name["source"], name["first_seen"], name["last_seen"]))
        db.execute("DELETE FROM customer_names WHERE customer_id = ?", (other["customer_id"],))
        db.execute("DELETE FROM customers WHERE customer_id = ?", (other["customer_id"],))
    # The kept customer spans every merged one's sightings.
    db.execute(UPSERT_CUSTOMER, (keep, min(r["first_seen"] for r in rows), max(r["last_seen"] for r in rows)))
    known.merged(keep, [r["customer_id"] for r in rows[1:]])
    return keep
