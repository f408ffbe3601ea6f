"""Retention: what is older than `WA_RETENTION_DAYS` goes from every store, and nothing older stays.

The removal is `forget` for everyone before a cut-off (one deletion path: messages, statuses, events, dead letters,
webhook bodies waiting in the inbox, media files no newer message shares, extraction cache, frame and sheet rows,
tombstones so a re-import does not bring them back). The cut-off is a local midnight, so whole days go: with 30
days on 2026-12-31, everything sent before 2026-12-01 00:00 local time. `leftovers` counts what is still older than
a cut-off, per store: the check.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.message import EARLIEST_SENT_AT
from wa_pipeline.privacy.forget import ForgetReport, ForgetRequest, forget, landing_in_file, media_in_use
from wa_pipeline.sheets.sink import SheetSink
from wa_pipeline.sheets.tabs.deliveries import DELIVERIES_TAB
from wa_pipeline.sheets.tabs.entities import ENTITIES
from wa_pipeline.sheets.tabs.media import MEDIA
from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline.store import webhook_inbox
from wa_pipeline.store.landing_database import LandingDatabase
from wa_pipeline.store.landing_store import LandingStore
from wa_pipeline.store.sqlite_landing import SqliteLandingDatabase

# The tabs whose rows carry the time their message was sent: the ones an old row can hide in.
DATED_TABS = (
    *((spec.name, spec.header("sent_at")) for spec in (MESSAGES, MEDIA, ENTITIES)),
    (DELIVERIES_TAB, "sent_at"),
)
# The tables beside the messages, each with the time its record is dated by.
DATED_TABLES = (("status_history", "at"), ("events", "occurred_at"), ("dead_letters", "created_at"))


def retention_cut(now: datetime, days: int, tz: ZoneInfo) -> datetime:
    """The local midnight `days` days before `now`'s local day: what was sent before it is past retention."""
    if days < 1:
        raise ValueError(f"retention of {days} days: keep at least one day (or leave WA_RETENTION_DAYS unset)")
    return datetime.combine(now.astimezone(tz).date() - timedelta(days=days), time(), tz)


def apply_retention(
    cut: datetime, *, landing: LandingStore, layout: DataLayout, sink: SheetSink | None
) -> ForgetReport:
    """Remove everything sent (or recorded) before `cut` from every store; the counts per store."""
    return forget(ForgetRequest(everyone=True, before=cut), landing=landing, layout=layout, sink=sink)


def leftovers(cut: datetime, *, landing: LandingStore, layout: DataLayout, sink: SheetSink | None) -> dict[str, int]:
    """What is still older than `cut`, per store (all zeros after `apply_retention`)."""
    found = {"messages": len(landing.messages_between(EARLIEST_SENT_AT, cut))}
    db = landing.database()
    try:
        found.update(_old_records(db, cut))
        found["statuses"] = sum(_before(row["at"], cut) for row in db.rows("SELECT at FROM statuses"))
    finally:
        db.close()
    if not landing_in_file(landing, layout) and layout.landing_db.exists():
        # Beside a PostgreSQL store the SQLite file still keeps the dead letters (and what was landed before it).
        beside = SqliteLandingDatabase(layout.landing_db)
        try:
            for table, count in _old_records(beside, cut).items():
                found[table] += count
        finally:
            beside.close()
    found["inbox"] = webhook_inbox.holding_before(layout.webhook_inbox, cut)
    found["media_files"] = len(_unshared_media(layout.media_dir, landing))
    found["frame_rows"] = _old_frame_rows(layout.frames_dir, cut)
    if sink is not None:
        local_cut = cut.replace(tzinfo=None)
        for tab, column in DATED_TABS:
            contents = sink.read_tab(tab)
            if column not in contents.header:
                continue
            found[f"sheet:{tab}"] = sum(
                _local_before(record[column], local_cut) for record in contents.records() if record[column]
            )
    return found


def _before(stored: str | None, cut: datetime) -> bool:
    if not stored:
        return False
    moment = datetime.fromisoformat(stored)
    return (moment if moment.tzinfo else moment.replace(tzinfo=cut.tzinfo)) < cut


def _local_before(cell: str, local_cut: datetime) -> bool:
    try:
        return datetime.fromisoformat(str(cell)).replace(tzinfo=None) < local_cut
    except ValueError:
        return False


def _old_records(db: LandingDatabase, cut: datetime) -> dict[str, int]:
    tables = db.tables()
    return {
        table: sum(_before(row[column], cut) for row in db.rows(f"SELECT {column} FROM {table}"))
        if table in tables
        else 0
        for table, column in DATED_TABLES
    }


def _unshared_media(media_dir: Path, landing: LandingStore) -> list[Path]:
    """Media files no landed message points at: what removed messages would have left behind."""
    if not media_dir.exists():
        return []
    used = media_in_use(landing)
    # A name starting with "." is a file being written (`MediaStore.put`), not a stored one.
    return [p for p in media_dir.rglob("*") if p.is_file() and not p.name.startswith(".") and p.name not in used]


def _old_frame_rows(frames_dir: Path, cut: datetime) -> int:
    if not frames_dir.exists():
        return 0
    import pandas as pd
    import pyarrow.parquet as pq

    old = 0
    for path in sorted(frames_dir.rglob("*.parquet")):
        if "sent_at" not in pq.read_schema(path).names:
            continue
        sent = pd.to_datetime(pq.read_table(path, columns=["sent_at"]).column("sent_at").to_pandas(), utc=True)
        old += int((sent < cut).sum())
    return old


def describe(found: dict[str, int]) -> str:
    """One line a person reads: which stores still hold something too old, and how much."""
    late = {store: count for store, count in found.items() if count}
    return json.dumps(late) if late else "nothing older than the retention limit remains"
