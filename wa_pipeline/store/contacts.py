"""One identity per customer: phone numbers, business-scoped user ids (BSUID) and names linked to one id.

Every source sees a customer differently: a webhook by wa_id (a phone number) and, from 2026, a BSUID (`user_id`,
`parent_user_id`) that may replace the number; a chat export by the name the phone saved (or the number, for an
unsaved contact); the business's address book by name and number. Each sighting is linked to the customer that
already holds one of its strong keys (phone, BSUID); failing that, to the one customer known by the same name who
has no different phone or BSUID (a weaker link, kept with its confidence); else it starts a new customer. A
sighting that holds keys of two customers merges them into the older one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from wa_pipeline.message import Sighting, stable_id
from wa_pipeline.store import tombstones
from wa_pipeline.store.name_key import name_key
from wa_pipeline.store.sqlite_db import connect, write_transaction

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
STRONG = ("phone", "bsuid", "parent_bsuid")
# A name alone links a sighting to a customer with this confidence at most.
NAME_LINK_CONFIDENCE = 0.6


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _strong_keys(sighting: Sighting) -> list[tuple[str, str]]:
    pairs = [("phone", sighting.phone), ("bsuid", sighting.user_id), ("parent_bsuid", sighting.parent_user_id)]
    return [(kind, value) for kind, value in pairs if value]


class ContactStore:
    """The customers table, in the landing database file; observing the same sighting twice changes nothing."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = connect(self.path)
        self._conn.executescript(SCHEMA + tombstones.SCHEMA)

    def observe(self, sightings: Iterable[Sighting]) -> None:
        """Link each sighting to its customer (creating or merging customers), in one durable transaction.

        A sighting of a forgotten customer (a tombstone names its phone, BSUID or name) is not recorded.
        """
        sightings = list(sightings)
        if not sightings:
            return
        with self._lock, write_transaction(self._conn):
            forgotten = tombstones.Tombstones.load(self._conn.execute)
            sightings = [s for s in sightings if not forgotten.blocks_sighting(s)]
            for sighting in sightings:
                self._observe(sighting)

    def _customer_of(self, kind: str, value: str) -> str | None:
        row = self._conn.execute("SELECT customer_id FROM customer_keys WHERE key = ?", (f"{kind}:{value}",)).fetchone()
        return row[0] if row else None

    def _observe(self, sighting: Sighting) -> None:
        seen = _utc(sighting.seen_at)
        strong = _strong_keys(sighting)
        name = name_key(sighting.name) if sighting.name else ""
        found = {c for c in (self._customer_of(kind, value) for kind, value in strong) if c}
        # A changed number or BSUID that Meta reported: the person known by the old key.
        found |= {c for c in (self._customer_of(*key.split(":", 1)) for key in sighting.formerly) if c}
        # How sure the link of these keys to the customer is: certain through a shared phone or BSUID, only as
        # sure as a name when the name is all they share.
        link_confidence = 1.0
        if not found and name:
            named = self._customer_of("name", name)
            if named is not None and not self._conflicts(named, strong):
                found = {named}
                link_confidence = NAME_LINK_CONFIDENCE
        if not strong and not name:
            return
        if found:
            customer = self._merge(found)
        else:
            first_kind, first_value = strong[0] if strong else ("name", name)
            customer = stable_id(first_kind, first_value, prefix="cust_")
        self._conn.execute(
            "INSERT INTO customers (customer_id, first_seen, last_seen) VALUES (?, ?, ?)"
            " ON CONFLICT (customer_id) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),"
            " last_seen = max(last_seen, excluded.last_seen)",
            (customer, seen, seen),
        )
        keys = [(kind, value, link_confidence) for kind, value in strong]
        keys += [("name", name, min(sighting.name_confidence, link_confidence))] if name else []
        for kind, value, confidence in keys:
            self._conn.execute(
                "INSERT INTO customer_keys (key, kind, value, customer_id, confidence, source, first_seen)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                (f"{kind}:{value}", kind, value, customer, confidence, sighting.source, seen),
            )
        if sighting.name:
            self._conn.execute(
                "INSERT INTO customer_names (customer_id, name, source, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (customer_id, name, source) DO UPDATE SET"
                " first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)",
                (customer, sighting.name, sighting.source, seen, seen),
            )

    def _conflicts(self, customer: str, strong: list[tuple[str, str]]) -> bool:
        # Two people may share a name; one with another phone or BSUID is someone else.
        held = self._conn.execute(
            "SELECT kind, value FROM customer_keys WHERE customer_id = ? AND kind != 'name'", (customer,)
        ).fetchall()
        mine = dict(strong)
        return any(kind in mine and mine[kind] != value for kind, value in held)

    def _merge(self, customers: set[str]) -> str:
        if len(customers) == 1:
            return next(iter(customers))
        marks = ",".join("?" * len(customers))
        rows = self._conn.execute(
            f"SELECT customer_id, first_seen FROM customers WHERE customer_id IN ({marks})"
            " ORDER BY first_seen, customer_id",
            tuple(customers),
        ).fetchall()
        keep = rows[0][0]
        for other, _ in rows[1:]:
            self._conn.execute("UPDATE customer_keys SET customer_id = ? WHERE customer_id = ?", (keep, other))
            self._conn.execute(
                "INSERT INTO customer_names (customer_id, name, source, first_seen, last_seen)"
                " SELECT ?, name, source, first_seen, last_seen FROM customer_names WHERE customer_id = ?"
                " ON CONFLICT (customer_id, name, source) DO UPDATE SET"
                " first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)",
                (keep, other),
            )
            self._conn.execute("DELETE FROM customer_names WHERE customer_id = ?", (other,))
            self._conn.execute(
                "UPDATE customers SET first_seen = min(first_seen, (SELECT first_seen FROM customers WHERE customer_id = ?)),"
                " last_seen = max(last_seen, (SELECT last_seen FROM customers WHERE customer_id = ?))"
                " WHERE customer_id = ?",
                (other, other, keep),
            )
            self._conn.execute("DELETE FROM customers WHERE customer_id = ?", (other,))
        return keep

    def customer_of(self, phone: str | None = None, user_id: str | None = None, name: str | None = None) -> str | None:
        """The customer holding this phone (E.164), BSUID or name, strongest key first."""
        with self._lock:
            for kind, value in (("phone", phone), ("bsuid", user_id), ("name", name_key(name) if name else None)):
                if value and (customer := self._customer_of(kind, value)):
                    return customer
        return None

    def customers(self) -> list[dict]:
        """One record per customer: ids, names over time (oldest first), first and last seen, weakest link."""
        with self._lock:
            people = self._conn.execute("SELECT * FROM customers ORDER BY first_seen, customer_id").fetchall()
            keys = self._conn.execute("SELECT customer_id, kind, value, confidence FROM customer_keys").fetchall()
            names = self._conn.execute(
                "SELECT customer_id, name, source, first_seen FROM customer_names ORDER BY first_seen, name"
            ).fetchall()
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
                    "names": [(n["name"], n["source"]) for n in names if n["customer_id"] == customer],
                    "first_seen": person["first_seen"],
                    "last_seen": person["last_seen"],
                    "confidence": min((k["confidence"] for k in mine), default=1.0),
                }
            )
        return out

    def close(self) -> None:
        self._conn.close()
