"""The landing store's SQL, written once for both engines: SQLite runs it as written, PostgreSQL with `%s`.

Both engines keep the same columns and the same encodings (times as fixed-width UTC text, records as the
canonical message's JSON), so every statement below orders, compares and de-duplicates identically on either.
Only the sequence column and the placeholder style differ.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from wa_pipeline.cross_source import (
    Slot,
    export_slot,
    fingerprints,
    richer_copy,
    same_export_message,
    sender_aliases,
)
from wa_pipeline.message import MEDIA_PLACEHOLDER, STATUS_ORDER, Message, StatusUpdate
from wa_pipeline.store import tombstones

SQLITE_SEQ = "INTEGER PRIMARY KEY AUTOINCREMENT"
POSTGRES_SEQ = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
# A message has at most three fingerprints (one per sender key: name, phone from the id, phone from the name).
FINGERPRINT_SLOTS = 16
# PostgreSQL keys fingerprints by value. SQLite keeps them in a rowid table whose rowid is the message's
# seq * FINGERPRINT_SLOTS + the fingerprint's place in the message's sorted list, and finds them by the send minute
# they hold (see `land_messages`): a random key gets a page of its own dirtied for nearly every row once the
# table outgrows the page cache, a key in landing order appends.
FINGERPRINTS_BY_VALUE = ",\n    PRIMARY KEY (fingerprint, message_id)"
FINGERPRINTS_BY_SEQ = ""


def fingerprints_table(name: str, key: str) -> str:
    """The fingerprints table's definition under `name`, closed by `key` (FINGERPRINTS_BY_VALUE or _BY_SEQ)."""
    return f"""CREATE TABLE IF NOT EXISTS {name} (
    fingerprint TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    source      TEXT NOT NULL{key}
)"""


def schema(seq_column: str, fingerprints_key: str = FINGERPRINTS_BY_VALUE) -> str:
    """The tables, with the engine's never-reused, increasing sequence column and its fingerprints' key."""
    return (
        f"""
CREATE TABLE IF NOT EXISTS messages (
    seq        {seq_column},
    message_id TEXT NOT NULL UNIQUE,
    chat_id    TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    source     TEXT NOT NULL,
    record     TEXT NOT NULL,
    landed_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_sent_at ON messages (sent_at);
{fingerprints_table("fingerprints", fingerprints_key)};
CREATE TABLE IF NOT EXISTS cross_source_duplicates (
    message_id   TEXT PRIMARY KEY,
    duplicate_of TEXT NOT NULL,
    source       TEXT NOT NULL,
    record       TEXT NOT NULL,
    seen_at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS statuses (
    message_id   TEXT PRIMARY KEY,
    status       TEXT NOT NULL,
    rank         INTEGER NOT NULL,
    at           TEXT NOT NULL,
    recipient_id TEXT,
    errors       TEXT NOT NULL,
    raw          TEXT NOT NULL
);
"""
        + tombstones.SCHEMA
    )


def utc_text(moment: datetime, iso: str | None = None) -> str:
    """`moment` as stored: fixed-width ISO text in UTC; `iso`, when given, is `moment.isoformat()` of a UTC moment."""
    # Fixed-width ISO text in UTC sorts the same as time, so range queries can use the index. isoformat with
    # microseconds is that text at a fraction of strftime's cost (it is written once per landed message).
    if iso is not None:
        return f"{iso[:26]}Z" if moment.microsecond else f"{iso[:19]}.000000Z"
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


# "MM:SS+00:00" by seconds into the hour, and the ISO text up to the hour ("2016-01-04T07:") by a UTC moment's hour
# (its ordinal day * 24 + its hour), kept for the last few thousand hours: an import's messages walk through them.
_INTO_HOUR_ISO = [f"{seconds // 60:02d}:{seconds % 60:02d}+00:00" for seconds in range(3600)]
_HOUR_HEADS: dict[int, str] = {}
_HOUR_HEADS_KEPT = 4096


def utc_isoformat(moment: datetime) -> str:
    """`moment.isoformat()` of a moment in UTC (a message's `sent_at`), at a third of its cost for a whole second."""
    # datetime.isoformat of an aware time costs about 3 µs, and landing writes one per message.
    if moment.microsecond or moment.tzinfo is not UTC:
        return moment.isoformat()
    hour = moment.toordinal() * 24 + moment.hour
    head = _HOUR_HEADS.get(hour)
    if head is None:
        if len(_HOUR_HEADS) >= _HOUR_HEADS_KEPT:
            _HOUR_HEADS.clear()
        head = _HOUR_HEADS[hour] = moment.isoformat()[:14]
    return head + _INTO_HOUR_ISO[moment.minute * 60 + moment.second]


def pyformat(statement: str) -> str:
    """The statement with psycopg's placeholders (the statements here contain no other `?` or `%`)."""
    return statement.replace("?", "%s")


INSERT_MESSAGE = (
    "INSERT INTO messages (message_id, chat_id, sent_at, source, record, landed_at)"
    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING"
)
INSERT_FINGERPRINT = (
    "INSERT INTO fingerprints (fingerprint, message_id, source) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
)
# Fingerprints keyed by seq (SQLite, see FINGERPRINTS_BY_SEQ): the writer numbers the messages it lands itself, as
# AUTOINCREMENT would (one past the highest ever given), so that their fingerprints' keys are known before they land.
LAST_SEQ = (
    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0),"
    " coalesce((SELECT max(seq) FROM messages), 0))"
)
INSERT_MESSAGE_AT = (
    "INSERT INTO messages (seq, message_id, chat_id, sent_at, source, record, landed_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING"
)
INSERT_FINGERPRINT_AT = "INSERT INTO fingerprints (rowid, fingerprint, message_id, source) VALUES (?, ?, ?, ?)"
# The fingerprints of the messages sent between two times (the sent_at index, then each message's slots).
HOLDERS_BETWEEN = (
    "SELECT f.fingerprint, f.message_id, f.source FROM messages m JOIN fingerprints f"
    f" ON f.rowid >= m.seq * {FINGERPRINT_SLOTS} AND f.rowid < (m.seq + 1) * {FINGERPRINT_SLOTS}"
    " WHERE m.sent_at >= ? AND m.sent_at <= ?"
)
# A copy is recorded only while the message itself is not landed under the same id (a plain re-delivery).
INSERT_CROSS_SOURCE_DUPLICATE = (
    "INSERT INTO cross_source_duplicates (message_id, duplicate_of, source, record, seen_at)"
    " SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM messages WHERE message_id = ?)"
    " ON CONFLICT (message_id) DO NOTHING"
)


# Values per IN list: well under every SQLite build's variable limit (999 before 3.32) and PostgreSQL's.
IN_CHUNK = 500


def _marks(count: int) -> str:
    return ",".join("?" * count)


def present_ids(count: int) -> str:
    return f"SELECT message_id FROM messages WHERE message_id IN ({_marks(count)})"


def fingerprint_holders(count: int) -> str:
    return f"SELECT fingerprint, message_id, source FROM fingerprints WHERE fingerprint IN ({_marks(count)})"


def records_of(count: int) -> str:
    return f"SELECT message_id, record FROM messages WHERE message_id IN ({_marks(count)})"


def placed_records_of(count: int) -> str:
    return f"SELECT message_id, seq, record FROM messages WHERE message_id IN ({_marks(count)})"


def recorded_duplicates(count: int) -> str:
    return f"SELECT message_id FROM cross_source_duplicates WHERE message_id IN ({_marks(count)})"


# The export messages landed in a window of send times (the sent_at index, then each row; records are read apart).
EXPORTS_BETWEEN = (
    "SELECT sent_at, seq, message_id, chat_id FROM messages"
    " WHERE sent_at >= ? AND sent_at <= ? AND source = 'chat_export'"
)
# A message improved by another export's copy of it (see `_export_twins`) is landed again under its id, with a new
# seq: readers of `changes_since` then see its day changed.
DELETE_MESSAGE = "DELETE FROM messages WHERE message_id = ?"
DELETE_FINGERPRINTS = "DELETE FROM fingerprints WHERE message_id = ?"
DELETE_FINGERPRINTS_AT = "DELETE FROM fingerprints WHERE rowid >= ? AND rowid < ?"
# Whether anything landed in a window of send times (the sent_at index answers it without touching a row).
LANDED_BETWEEN = "SELECT 1 FROM messages WHERE sent_at >= ? AND sent_at <= ? LIMIT 1"
CROSS_SOURCE_DUPLICATES = "SELECT message_id, duplicate_of FROM cross_source_duplicates ORDER BY seen_at"
# Statuses only move forward: a delivery receipt arriving after the read receipt changes nothing.
UPSERT_STATUS = (
    "INSERT INTO statuses (message_id, status, rank, at, recipient_id, errors, raw)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (message_id) DO UPDATE SET status=excluded.status, rank=excluded.rank,"
    " at=excluded.at, recipient_id=excluded.recipient_id, errors=excluded.errors, raw=excluded.raw"
    " WHERE excluded.rank > statuses.rank"
)
STATUS_OF = "SELECT status FROM statuses WHERE message_id = ?"
MESSAGES_BETWEEN = "SELECT message_id, record FROM messages WHERE sent_at >= ? AND sent_at < ? ORDER BY sent_at, seq"
ALL_RECORDS = "SELECT record FROM messages ORDER BY sent_at, seq"
RECORD_OF = "SELECT record FROM messages WHERE message_id = ?"
CHANGES_SINCE = "SELECT seq, sent_at FROM messages WHERE seq > ? ORDER BY seq"
COUNT = "SELECT count(*) FROM messages"
# The mark `changes_since` would return from 0, without reading a row (the seq index's last entry).
HIGH_WATER_MARK = "SELECT coalesce(max(seq), 0) FROM messages"
LAST_LANDED_AT = "SELECT max(landed_at) FROM messages"


def _select_in(run: Callable[[str, tuple], Any], statement: Callable[[int], str], values: Iterable[str]) -> list:
    """The rows `statement(n)` gives for `values`, asked IN_CHUNK values at a time."""
    values = list(values)
    rows: list = []
    for start in range(0, len(values), IN_CHUNK):
        chunk = tuple(values[start : start + IN_CHUNK])
        rows += run(statement(len(chunk)), chunk).fetchall()
    return rows


def _holders_by_minute(run: Callable[[str, tuple], Any], prepared: Sequence[Prepared]) -> list:
    """The landed fingerprints held by messages sent in the minutes the batch's messages were sent in.

    A fingerprint holds its message's send minute, so every holder of one of the batch's fingerprints is among them
    (and only the batch's fingerprints are kept). One look-up per hour the batch touches, from its first to its
    last minute in that hour: a webhook batch spread over years reads no more than its own minutes' hours.
    """
    hours: dict[str, tuple[str, str]] = {}
    for entry in prepared:
        minute = entry[5][:16]
        first, last = hours.get(minute[:13], (minute, minute))
        hours[minute[:13]] = (min(first, minute), max(last, minute))
    wanted = {p for e in prepared for p in e[3]}
    rows = []
    for first, last in hours.values():
        # "...T07:59" sorts before every time in that minute, "...T07:59:99" after.
        rows += [row for row in run(HOLDERS_BETWEEN, (first, last + ":99")).fetchall() if row[0] in wanted]
    return rows


def _twin(holders: dict[str, list[tuple[str, str]]], prints: list[str], message_id: str, source: str) -> str | None:
    """A message of another source holding one of the fingerprints: the first by (fingerprint, message_id)."""
    for fingerprint in prints:
        for holder, its_source in holders.get(fingerprint, ()):
            if its_source != source and holder != message_id:
                return holder
    return None


# A message ready to land: (message_id, chat_id, source, its fingerprints, its record's JSON, its send time as
# stored). Plain strings, so that a batch prepared in one process is cheap to hand to the one that writes.
Prepared = tuple[str, str, str, list[str], str, str]


def prepare(messages: Iterable[Message]) -> list[Prepared]:
    """What landing writes for each message, worked out before the write transaction opens.

    Most of a batch's landing is this Python work; done outside the transaction, it does not hold the writers'
    lock, and an import can do it in other processes than the one that writes (see `importer`).
    """
    prepared = []
    at = sent_at = None
    for message in messages:
        # One ISO text of the send time (in UTC, as every message holds it) serves the record, the fingerprints
        # and the stored time; an export's messages of one minute often share one time, written once.
        if message.sent_at is not at:
            at = message.sent_at
            sent_at = utc_isoformat(at)
        prepared.append(
            (
                message.message_id,
                message.chat_id,
                message.source,
                fingerprints(message, sent_at),
                message.to_json(sent_at),
                utc_text(message.sent_at, sent_at),
            )
        )
    return prepared


def _message(entry: Prepared) -> Message:
    return Message.from_record(json.loads(entry[4]))


def _may_meet_landed(run: Callable[[str, tuple], Any], prepared: Sequence[Prepared]) -> bool:
    """False only when no message of the batch can be landed already, nor have a landed twin: then neither look-up
    is needed, which is most of a first import's time in a big store (each is a random read of an index).

    A twin shares a fingerprint, and a fingerprint holds its message's minute: a twin was sent in the same minute.
    An export's message id is made from its send time, so the same id is the same time. A webhook's wamid is not,
    so a batch holding one is always looked up.
    """
    if not prepared or any(entry[2] != "chat_export" for entry in prepared):
        return True
    times = [entry[5] for entry in prepared]
    # Whole minutes, as fingerprints have them: "2016-01-04T07:00" sorts before every time in that minute, and
    # "2016-01-04T07:59:99" after every time in 07:59.
    return run(LANDED_BETWEEN, (min(times)[:16], max(times)[:16] + ":99")).fetchone() is not None


def _filled_placeholders(
    run: Callable[[str, tuple], Any], prepared: Sequence[Prepared], present: set[str]
) -> dict[str, int]:
    """{message_id: landed seq} of the landed history placeholders that a copy in this batch fills with its media.

    History sync shares a media message first without its media (`MEDIA_PLACEHOLDER`), then again under the same id
    with it (Meta's history reference: for media sent within 14 days of onboarding). Dropped as a re-delivery, the
    copy's media would never be fetched: the placeholder is landed again as the copy, as a richer export copy is.
    """
    with_media = {entry[0] for entry in prepared if entry[0] in present and _fills_a_placeholder(entry)}
    if not with_media:
        return {}
    return {
        message_id: seq
        for message_id, seq, record in _select_in(run, placed_records_of, with_media)
        if _PLACEHOLDER_FLAG in record
    }


# How a placeholder's record (sorted-key JSON, see `Message.to_json`) opens its flags.
_PLACEHOLDER_FLAG = f'"flags": "{MEDIA_PLACEHOLDER}'


def _fills_a_placeholder(entry: Prepared) -> bool:
    """Whether the message may be a history placeholder's copy with its media (Cloud API, a media id)."""
    return entry[2] == "cloud_api" and bool(json.loads(entry[4]).get("media_remote_id"))


def _export_twins(
    run: Callable[[str, tuple], Any], prepared: Sequence[Prepared], present: set[str]
) -> dict[int, tuple[dict, int, dict]]:
    """{place in the batch: (landed record, its seq, the batch's record)} for each of the batch's export messages not
    landed by id whose copy another export of the same chat landed (records as `Message.to_record` stores them).

    An Android export and an iOS export of one chat (minutes against seconds), or a "without media" export and one
    with media (a placeholder against the file), give one message two ids. A copy is the n-th message of its slot
    (`cross_source.export_slot`: chat, minute, sender, content) in the batch and the n-th landed there, by send
    time then landing order: two genuine "ok" in one minute stay two, and a copy meets one landed message at most.
    Read with one look-up per hour holding such a message, and only its landed rows' records are read; nothing
    when every message is landed by id (a re-import).
    """
    cells = {(entry[1], entry[5][:16]) for entry in prepared if entry[2] == "chat_export" and entry[0] not in present}
    if not cells:
        return {}
    hours: dict[str, tuple[str, str]] = {}
    for _, minute in cells:
        first, last = hours.get(minute[:13], (minute, minute))
        hours[minute[:13]] = (min(first, minute), max(last, minute))
    landed_rows = []
    for first, last in hours.values():
        landed_rows += [
            row for row in run(EXPORTS_BETWEEN, (first, last + ":99")).fetchall() if (row[3], row[0][:16]) in cells
        ]
    if not landed_rows:
        return {}
    records = dict(_select_in(run, records_of, {row[2] for row in landed_rows}))
    landed_cells = {(row[3], row[0][:16]) for row in landed_rows}
    landed = [(json.loads(records[row[2]]), row[1]) for row in sorted(landed_rows, key=itemgetter(0, 1))]
    landed_chats = {chat for chat, _ in landed_cells}
    batch = {
        place: json.loads(entry[4])
        for place, entry in enumerate(prepared)
        if entry[2] == "chat_export" and entry[1] in landed_chats
    }
    landed_slots = [export_slot(record) for record, _ in landed]
    batch_slots = {place: export_slot(record) for place, record in batch.items()}
    # A sender one export shows by number and the other by name is keyed by the name in both (the batch's every
    # message of those chats tells whether the name also writes in the number's export).
    aliases = sender_aliases(landed_slots, batch_slots.values())
    if aliases:
        landed_slots = [_by_alias(slot, aliases) for slot in landed_slots]
        batch_slots = {place: _by_alias(slot, aliases) for place, slot in batch_slots.items()}
    slots: dict[tuple, list[tuple[dict, int]]] = {}
    for (record, seq), slot in zip(landed, landed_slots):
        if slot is not None:
            slots.setdefault(slot, []).append((record, seq))
    twins: dict[int, tuple[dict, int, dict]] = {}
    # Messages landed by id count in their slot's order too: the batch's n-th is its file's n-th.
    ranks: dict[tuple, int] = {}
    for place, record in batch.items():
        entry = prepared[place]
        slot = batch_slots[place]
        if slot is None or (entry[1], entry[5][:16]) not in landed_cells:
            continue
        rank = ranks[slot] = ranks.get(slot, -1) + 1
        held = slots.get(slot, ())
        if entry[0] not in present and rank < len(held) and same_export_message(held[rank][0], record):
            twins[place] = (*held[rank], record)
    return twins


def _by_alias(slot: Slot | None, aliases: dict[tuple[str, str], str]) -> Slot | None:
    return None if slot is None else (slot[0], slot[1], aliases.get((slot[0], slot[2]), slot[2]), slot[3])


def land_messages(
    run: Callable[[str, tuple], Any],
    run_many: Callable[[str, list[tuple]], Any],
    prepared: Sequence[Prepared],
    by_seq: bool = False,
) -> tuple[int, int]:
    """The landing algorithm both stores share, inside the caller's write transaction (see `prepare`).

    `run(statement, params)` executes one statement (written with `?`) and returns a cursor (fetchall);
    `run_many(statement, rows)` executes one statement per row. A message already present by id is a no-op; a
    copy another source already delivered is recorded in `cross_source_duplicates` instead. A message a tombstone
    names (`wa-pipeline forget`) is not landed, from any source. Another export's copy of an export message (see
    `_export_twins`) is that message: recorded as a copy, and when it says more (`cross_source.richer_copy`) the
    landed record is replaced by the richer one under the same id; so is a history placeholder by its copy with media.
    Returns (added, cross-source duplicates).

    The batch is decided in memory, in message order, from three look-ups (ids present, fingerprints held, copies
    recorded) and then written with one statement per table: the caller's transaction holds the writers' lock,
    so nothing changes under the decision, and the outcome is what landing one message at a time would give,
    at a few statements per batch instead of a few per message. `by_seq`: the fingerprints table is keyed by seq
    (FINGERPRINTS_BY_SEQ), and this writer numbers the messages it lands.
    """
    now = utc_text(datetime.now(UTC))
    forgotten = tombstones.Tombstones.load(run)
    if forgotten:
        # Rare (only after `forget`): the message is read back from its record to be matched.
        prepared = [entry for entry in prepared if not forgotten.blocks(_message(entry))]
    present: set[str] = set()
    holders: dict[str, list[tuple[str, str]]] = {}
    # A twin is of another source. A batch that may meet nothing landed is of one source (see `_may_meet_landed`),
    # so no message of it has a twin, landed or in the batch, and holders need not be kept.
    seek_twins = _may_meet_landed(run, prepared)
    if seek_twins:
        present = {row[0] for row in _select_in(run, present_ids, {entry[0] for entry in prepared})}
        # An export message recorded as another's copy (by an import before) is that message: present, and not
        # matched again (a second export imported again costs what the first does).
        unlanded = {entry[0] for entry in prepared if entry[2] == "chat_export" and entry[0] not in present}
        present |= {row[0] for row in _select_in(run, recorded_duplicates, unlanded)}
        if by_seq:
            held = _holders_by_minute(run, prepared)
        else:
            held = _select_in(run, fingerprint_holders, {p for e in prepared for p in e[3]})
        for fingerprint, message_id, source in held:
            holders.setdefault(fingerprint, []).append((message_id, source))
    for held in holders.values():
        held.sort()
    new_rows: list[tuple] = []
    # Each landed message's fingerprints, in landing order: their rows are made for the whole batch at once below.
    landed_prints: list[list[str]] = []
    copies: list[tuple[str, str, str, str]] = []
    seq = run(LAST_SEQ, ()).fetchone()[0] if by_seq else 0
    export_twins = _export_twins(run, prepared, present) if seek_twins else {}
    filled = _filled_placeholders(run, prepared, present) if seek_twins else {}
    # Landed messages that another export's copy improves (its file, its seconds), or that history sync's copy with
    # media fills (see `_filled_placeholders`): (message_id, seq) of each, removed and landed again under the same id.
    improved: list[tuple[str, int]] = []
    # History placeholders landed by this batch, by id: the place of each one's row in `new_rows`.
    placeholders: dict[str, int] = {}
    export_copies: set[str] = set()
    for place, entry in enumerate(prepared):
        message_id, chat_id, source, its_prints, record, sent_at = entry
        export_twin = export_twins.get(place)
        if export_twin is not None:
            landed, landed_seq, incoming = export_twin
            # The copy is the message landed already, and is counted so: recorded, and improving it at most.
            copies.append((message_id, source, landed["message_id"], record))
            export_copies.add(message_id)
            richer = richer_copy(landed, incoming)
            if richer is None:
                continue
            landed_id = landed["message_id"]
            improved.append((landed_id, landed_seq))
            kept, kept_at = richer
            if kept is incoming and kept_at == incoming["sent_at"]:
                # The copy whole under the landed id (the usual case): its fingerprints and stored time are the
                # copy's, and its record differs only in the id, the one string in it that follows that key.
                record = record.replace(f'"message_id": "{message_id}"', f'"message_id": "{landed_id}"', 1)
                message_id = landed_id
            else:
                merged = Message.from_record({**kept, "message_id": landed_id, "sent_at": kept_at})
                message_id, chat_id, source, its_prints, record, sent_at = prepare([merged])[0]
        else:
            twin = _twin(holders, its_prints, message_id, source) if seek_twins and its_prints else None
            if twin is not None:
                # Recorded only while the message itself is not landed under the same id (a plain re-delivery).
                if message_id not in present:
                    copies.append((message_id, source, twin, record))
                continue
            if message_id in present:
                landed_seq = filled.pop(message_id, None)
                if landed_seq is None:
                    at = placeholders.get(message_id)
                    if at is not None and _fills_a_placeholder(entry):
                        # The placeholder landed earlier in this batch: its row becomes the copy's.
                        del placeholders[message_id]
                        row = (message_id, chat_id, sent_at, source, record, now)
                        new_rows[at] = (new_rows[at][0], *row) if by_seq else row
                        landed_prints[at] = its_prints
                    continue
                improved.append((message_id, landed_seq))
        present.add(message_id)
        if by_seq:
            seq += 1
            if len(its_prints) > FINGERPRINT_SLOTS:
                raise ValueError(f"{message_id}: {len(its_prints)} fingerprints, more than {FINGERPRINT_SLOTS}")
            new_rows.append((seq, message_id, chat_id, sent_at, source, record, now))
        else:
            new_rows.append((message_id, chat_id, sent_at, source, record, now))
        landed_prints.append(its_prints)
        if source == "cloud_api" and _PLACEHOLDER_FLAG in record:
            placeholders[message_id] = len(new_rows) - 1
        if seek_twins:
            for fingerprint in its_prints:
                bisect.insort(holders.setdefault(fingerprint, []), (message_id, source))
    recorded = {row[0] for row in _select_in(run, recorded_duplicates, {copy[0] for copy in copies})}
    copy_rows = []
    for message_id, source, twin, record in copies:
        if message_id not in recorded:
            recorded.add(message_id)
            copy_rows.append((message_id, twin, source, record, now, message_id))
    if improved:
        run_many(DELETE_MESSAGE, [(message_id,) for message_id, _ in improved])
        if by_seq:
            run_many(
                DELETE_FINGERPRINTS_AT,
                [(old * FINGERPRINT_SLOTS, (old + 1) * FINGERPRINT_SLOTS) for _, old in improved],
            )
        else:
            run_many(DELETE_FINGERPRINTS, [(message_id,) for message_id, _ in improved])
    if by_seq:
        print_rows = [
            (row[0] * FINGERPRINT_SLOTS + slot, fingerprint, row[1], row[4])
            for row, its_prints in zip(new_rows, landed_prints)
            for slot, fingerprint in enumerate(its_prints)
        ]
    else:
        print_rows = [
            (fingerprint, row[0], row[3])
            for row, its_prints in zip(new_rows, landed_prints)
            for fingerprint in its_prints
        ]
    # Keyed by value, fingerprints are random keys: written in key order, each page of their index is visited once per
    # batch; in arrival order, once the index outgrows the page cache, pages are evicted (dirty ones spilled) and read
    # again (about 15% of a writer's CPU at a million messages). The rows carry no sequence number: any order lands the
    # same, so ties (one fingerprint, two messages) need no order of their own, and comparing strings is cheaper than
    # tuples. Keyed by seq, they come in key order.
    if not by_seq:
        print_rows.sort(key=itemgetter(0))
    # Copies first: their guard (no message under the same id) must not see this batch's messages, which the
    # decision above already took into account in order.
    for statement, rows in (
        (INSERT_CROSS_SOURCE_DUPLICATE, copy_rows),
        (INSERT_MESSAGE_AT if by_seq else INSERT_MESSAGE, new_rows),
        (INSERT_FINGERPRINT_AT if by_seq else INSERT_FINGERPRINT, print_rows),
    ):
        if rows:
            run_many(statement, rows)
    # An export's copy of an export message is that message, already present: not a copy from another source.
    return len(new_rows) - len(improved), sum(row[0] not in export_copies for row in copy_rows)


def land_batches(
    run: Callable[[str, tuple], Any],
    run_many: Callable[[str, list[tuple]], Any],
    batches: Iterable[Sequence[Prepared]],
    by_seq: bool = False,
) -> tuple[int, int, int]:
    """`land_messages` of each batch as it comes, all in the caller's one transaction: (offered, added, duplicates).

    Each batch is decided after the ones before it are written, so the outcome is theirs landed one by one; a batch
    is dropped once landed, so only one is held at a time.
    """
    offered = added = duplicates = 0
    for prepared in batches:
        if prepared:
            batch_added, batch_duplicates = land_messages(run, run_many, prepared, by_seq)
            offered += len(prepared)
            added += batch_added
            duplicates += batch_duplicates
    return offered, added, duplicates


def status_rows(run: Callable[[str, tuple], Any], statuses: Iterable[StatusUpdate]) -> list[tuple]:
    """The UPSERT_STATUS rows of the statuses, in order, read inside the caller's write transaction.

    A status of a forgotten customer or message (a tombstone names it) has no row: it is not recorded.
    """
    forgotten = tombstones.Tombstones.load(run)
    return [
        (
            status.message_id,
            status.status,
            STATUS_ORDER[status.status],
            utc_text(status.at),
            status.recipient_id,
            # Most statuses carry no errors: their JSON without a trip through the encoder.
            "[]" if status.errors == [] else json.dumps(status.errors, ensure_ascii=False),
            status.raw,
        )
        for status in statuses
        if not (forgotten and forgotten.blocks_status(status))
    ]


def land_statuses(run: Callable[[str, tuple], Any], statuses: Iterable[StatusUpdate]) -> int:
    """Record statuses inside the caller's write transaction, one statement each; returns how many changed.

    A status only replaces one of lower rank (sent < delivered < read < played < failed); see `status_rows`.
    """
    return sum(run(UPSERT_STATUS, row).rowcount for row in status_rows(run, statuses))
