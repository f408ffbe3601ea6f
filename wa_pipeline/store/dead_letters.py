"""The dead-letter queue: items a stage could not process, with the reason, kept for replay.

A replay re-submits letters through the stage's normal path: an "import" letter re-imports its file, a "webhook"
letter re-parses the stored element into the landing store, a "media"/"media_download" letter is requeued for
download; a letter of any other stage is marked for the next run of its partition (which retries it anyway).
A letter that fails again is put back by that path with the new reason (open again); one that now succeeds is
resolved by it or marked replayed.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wa_pipeline.store.sqlite_db import connect, write_transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS dead_letters (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    stage       TEXT NOT NULL,
    item_key    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    payload     TEXT NOT NULL,
    partition   TEXT,
    created_at  TEXT NOT NULL,
    replayed_at TEXT,
    UNIQUE (stage, item_key)
);
"""

IMPORT, WEBHOOK, MEDIA, MEDIA_DOWNLOAD = "import", "webhook", "media", "media_download"


@dataclass(frozen=True)
class DeadLetter:
    id: int
    stage: str
    item_key: str
    reason: str
    payload: dict
    partition: str | None
    created_at: str
    replayed_at: str | None
    replay_note: str | None = None


@dataclass(frozen=True)
class ReplayOutcome:
    """What replaying one letter did. action: reimported, reparsed, requeued, marked, failed."""

    letter_id: int
    stage: str
    item_key: str
    action: str
    detail: str

    @property
    def failed(self) -> bool:
        return self.action == "failed"


def _now() -> str:
    # Fixed width, so times compare as text (isoformat drops a zero microsecond otherwise).
    return datetime.now(UTC).isoformat(timespec="microseconds")


class DeadLetterQueue:
    """Lives in the landing database; one open letter per (stage, item), updated if it fails again."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = connect(self.path)
        self._conn.executescript(SCHEMA)
        columns = {row["name"] for row in self._conn.execute("PRAGMA table_info(dead_letters)")}
        if "replay_note" not in columns:
            # Added with replay support; older landing databases get the column on first open.
            with self._lock, write_transaction(self._conn):
                columns = {row["name"] for row in self._conn.execute("PRAGMA table_info(dead_letters)")}
                if "replay_note" not in columns:
                    self._conn.execute("ALTER TABLE dead_letters ADD COLUMN replay_note TEXT")

    def add(
        self, stage: str, item_key: str, reason: str, payload: dict | None = None, partition: str | None = None
    ) -> None:
        now = _now()
        with self._lock, write_transaction(self._conn):
            self._conn.execute(
                "INSERT INTO dead_letters (stage, item_key, reason, payload, partition, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (stage, item_key) DO UPDATE SET reason=excluded.reason, payload=excluded.payload,"
                " partition=excluded.partition, created_at=excluded.created_at, replayed_at=NULL, replay_note=NULL",
                (
                    stage,
                    item_key,
                    reason[:2000],
                    json.dumps(payload or {}, ensure_ascii=False, default=str),
                    partition,
                    now,
                ),
            )

    def list(
        self,
        include_replayed: bool = False,
        partition: str | None = None,
        stage: str | None = None,
        ids: Iterable[int] | None = None,
    ) -> list[DeadLetter]:
        sql = "SELECT * FROM dead_letters WHERE 1=1"
        args: list = []
        if not include_replayed:
            sql += " AND replayed_at IS NULL"
        if partition is not None:
            sql += " AND partition = ?"
            args.append(partition)
        if stage is not None:
            sql += " AND stage = ?"
            args.append(stage)
        if ids is not None:
            wanted = [int(i) for i in ids]
            sql += f" AND id IN ({','.join('?' * len(wanted))})" if wanted else " AND 0"
            args += wanted
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY id", args).fetchall()
        return [
            DeadLetter(
                id=r["id"],
                stage=r["stage"],
                item_key=r["item_key"],
                reason=r["reason"],
                payload=json.loads(r["payload"]),
                partition=r["partition"],
                created_at=r["created_at"],
                replayed_at=r["replayed_at"],
                replay_note=r["replay_note"],
            )
            for r in rows
        ]

    def counts_by_stage(self) -> dict[str, int]:
        """Open letters per stage."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT stage, count(*) FROM dead_letters WHERE replayed_at IS NULL GROUP BY stage ORDER BY stage"
            ).fetchall()
        return {stage: count for stage, count in rows}

    def mark_replayed(self, ids: Sequence[int], note: str | None = None, unless_failed_since: str | None = None) -> int:
        """Close letters as replayed; returns how many were closed.

        With `unless_failed_since` (an ISO time), a letter that was put back after that moment (it failed again
        during the replay) stays open.
        """
        now = _now()
        sql = "UPDATE dead_letters SET replayed_at = ?, replay_note = ? WHERE id = ?"
        if unless_failed_since is not None:
            sql += " AND created_at < ?"
        with self._lock, write_transaction(self._conn):
            before = self._conn.total_changes
            self._conn.executemany(
                sql, [(now, note, i) + ((unless_failed_since,) if unless_failed_since is not None else ()) for i in ids]
            )
            return self._conn.total_changes - before

    def resolve(self, stage: str, item_key: str) -> None:
        """An item that now succeeds leaves the queue."""
        with self._lock, write_transaction(self._conn):
            self._conn.execute("DELETE FROM dead_letters WHERE stage = ? AND item_key = ?", (stage, item_key))

    def is_open(self, letter_id: int) -> bool:
        with self._lock:
            row = self._conn.execute("SELECT replayed_at FROM dead_letters WHERE id = ?", (letter_id,)).fetchone()
        return row is not None and row[0] is None


class DeadLetterReplayer:
    """Re-submits dead letters through each stage's normal path (see the module docstring)."""

    def __init__(self, queue: DeadLetterQueue, landing: Any, media_store: Any, tz: Any) -> None:
        self.queue, self.landing, self.media_store, self.tz = queue, landing, media_store, tz

    def replay(self, letters: Sequence[DeadLetter]) -> list[ReplayOutcome]:
        started = _now()
        outcomes: list[ReplayOutcome] = []
        by_stage: dict[str, list[DeadLetter]] = {}
        for letter in letters:
            by_stage.setdefault(letter.stage, []).append(letter)
        for stage, group in by_stage.items():
            if stage == IMPORT:
                outcomes += self._reimport(group)
            elif stage == WEBHOOK:
                outcomes += [self._reparse(letter) for letter in group]
            elif stage in (MEDIA, MEDIA_DOWNLOAD):
                outcomes += self._requeue(group)
            else:
                outcomes += [
                    ReplayOutcome(
                        letter.id,
                        stage,
                        letter.item_key,
                        "marked",
                        f"retried by the next run of {letter.partition or 'its partition'}",
                    )
                    for letter in group
                ]
        for number, outcome in enumerate(outcomes):
            if outcome.failed:
                continue
            # A letter the normal path put back during this replay failed again: it stays open with its new reason.
            closed = self.queue.mark_replayed(
                [outcome.letter_id], note=f"{outcome.action}: {outcome.detail}", unless_failed_since=started
            )
            if not closed and self.queue.is_open(outcome.letter_id):
                outcomes[number] = ReplayOutcome(
                    outcome.letter_id, outcome.stage, outcome.item_key, "failed", "failed again; see its new reason"
                )
        return outcomes

    def _reimport(self, letters: list[DeadLetter]) -> list[ReplayOutcome]:
        from wa_pipeline.whatsapp.importer import import_exports

        outcomes = []
        done: dict[str, tuple[str, str]] = {}
        for letter in letters:
            path = str(letter.payload.get("path") or letter.item_key)
            if path not in done:
                summary = import_exports(
                    [Path(path)], store=self.landing, media_store=self.media_store, dead_letters=self.queue, tz=self.tz
                )
                if summary.files:
                    done[path] = (
                        "reimported",
                        f"{path}: {summary.added} messages added, {summary.already_present} already present",
                    )
                else:
                    done[path] = ("failed", summary.errors[0] if summary.errors else f"{path} could not be imported")
            action, detail = done[path]
            outcomes.append(ReplayOutcome(letter.id, letter.stage, letter.item_key, action, detail))
        return outcomes

    def _reparse(self, letter: DeadLetter) -> ReplayOutcome:
        from wa_pipeline.whatsapp.cloud_api import parse_webhook

        parsed = parse_webhook(webhook_body(letter.payload))
        added = self.landing.add_messages(parsed.messages).added if parsed.messages else 0
        statuses = self.landing.add_statuses(parsed.statuses) if parsed.statuses else 0
        for reject in parsed.rejects:
            self.queue.add(
                WEBHOOK, reject.item_key, reject.reason, payload=reject.payload(), partition=letter.partition
            )
        if parsed.rejects and not (parsed.messages or parsed.statuses):
            return ReplayOutcome(letter.id, letter.stage, letter.item_key, "failed", parsed.rejects[0].reason)
        return ReplayOutcome(
            letter.id, letter.stage, letter.item_key, "reparsed", f"{added} messages and {statuses} statuses landed"
        )

    def _requeue(self, letters: list[DeadLetter]) -> list[ReplayOutcome]:
        from wa_pipeline.whatsapp.media_downloads import MediaDownloadLedger

        ledger = MediaDownloadLedger(self.landing)
        try:
            # Only a download that gave up can be requeued; media that is there but failed extraction ("media")
            # is extracted again by the next run of its day.
            failed = {
                letter.item_key for letter in letters if (ledger.row(letter.item_key) or {}).get("status") == "failed"
            }
            ledger.requeue(sorted(failed))
        finally:
            ledger.close()
        return [
            ReplayOutcome(letter.id, letter.stage, letter.item_key, "requeued", "pending download again")
            if letter.item_key in failed
            else ReplayOutcome(
                letter.id,
                letter.stage,
                letter.item_key,
                "marked",
                f"retried by the next run of {letter.partition or 'its partition'}",
            )
            for letter in letters
        ]


def webhook_body(payload: dict) -> Any:
    """A webhook body to re-parse from a stored reject: the body itself, or its element wrapped the way Meta sends it.

    A stored element may carry the change's `metadata` and `contacts` beside it ({"element", "metadata",
    "contacts"}); without them a message element cannot name its chat and is rejected again.
    """
    if not isinstance(payload, dict):
        return payload
    if "body_base64" in payload:
        # The element's exact bytes in their context, as the receiver kept them (see cloud_api.Reject).
        return base64.b64decode(payload["body_base64"])
    if "object" in payload:
        return payload
    value: dict[str, Any]
    if "changes" in payload:
        return {"object": "whatsapp_business_account", "entry": [payload]}
    if "field" in payload and "value" in payload:
        return {"object": "whatsapp_business_account", "entry": [{"id": "replay", "changes": [payload]}]}
    element = payload.get("element", payload.get("item", payload))
    kind = "statuses" if isinstance(element, dict) and "status" in element and "recipient_id" in element else "messages"
    value = {"messaging_product": "whatsapp", "metadata": payload.get("metadata") or {}, kind: [element]}
    if payload.get("contacts"):
        value["contacts"] = payload["contacts"]
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "replay", "changes": [{"field": "messages", "value": value}]}],
    }
