"""Which sheet (by its sheetId) each of our tabs was last seen as, so a tab a person renamed is found again.

A sheetId never changes while the sheet lives, whatever its title becomes; it is kept in the sync's state file beside
the write ledger, and written only when a tab is first seen or was replaced.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wa_pipeline.sheets.google.state_db import open_state_db
from wa_pipeline.store.sqlite_db import write_transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS sheet_tab_ids (
    spreadsheet TEXT NOT NULL,
    tab         TEXT NOT NULL,
    sheet_id    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    PRIMARY KEY (spreadsheet, tab)
);
"""


@dataclass(frozen=True)
class Located:
    """Where a tab is now: its sheet's properties (None: no such sheet) and what a person should know about it."""

    properties: dict[str, Any] | None
    warning: str | None = None


class TabIds:
    def __init__(self, path: Path | None) -> None:
        self._lock = threading.Lock()
        self._conn = open_state_db(path)
        with self._lock:
            self._conn.executescript(SCHEMA)

    def locate(self, spreadsheet: str, tab: str, sheets: Iterable[Mapping[str, Any]]) -> Located:
        """The sheet titled `tab` (ignoring case, as Sheets does); else the sheet last seen as `tab`, renamed (said
        once per new title)."""
        sheets = [dict(properties) for properties in sheets]
        remembered = self._remembered(spreadsheet, tab)
        exact = [p for p in sheets if p.get("title") == tab] or [
            p for p in sheets if str(p.get("title", "")).lower() == tab.lower()
        ]
        if exact:
            self._see(spreadsheet, tab, exact[0], remembered)
            return Located(exact[0])
        if remembered is None:
            return Located(None)
        sheet_id, title = remembered
        renamed = [p for p in sheets if p.get("sheetId") == sheet_id]
        if renamed:
            self._see(spreadsheet, tab, renamed[0], remembered)
            if renamed[0]["title"] == title:
                return Located(renamed[0])
            return Located(
                renamed[0],
                f"tab {tab!r} was renamed to {renamed[0]['title']!r}: found it by its sheetId ({sheet_id}) and "
                "synced into it under its new name",
            )
        return Located(
            None,
            f"tab {tab!r} (sheetId {sheet_id}) is gone from the spreadsheet (deleted by hand?): created it anew with "
            "the rows of this sync; rows of days synced before come back when those days are synced again",
        )

    def remember(self, spreadsheet: str, tab: str, sheet_id: int, title: str) -> None:
        with self._lock, write_transaction(self._conn):
            self._conn.execute(
                "INSERT INTO sheet_tab_ids (spreadsheet, tab, sheet_id, title) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (spreadsheet, tab) DO UPDATE SET sheet_id = excluded.sheet_id, title = excluded.title",
                (spreadsheet, tab, sheet_id, title),
            )

    def _see(
        self, spreadsheet: str, tab: str, properties: Mapping[str, Any], remembered: tuple[int, str] | None
    ) -> None:
        seen = (int(properties["sheetId"]), str(properties["title"]))
        if seen != remembered:
            self.remember(spreadsheet, tab, *seen)

    def _remembered(self, spreadsheet: str, tab: str) -> tuple[int, str] | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT sheet_id, title FROM sheet_tab_ids WHERE spreadsheet = ? AND tab = ?", (spreadsheet, tab)
            ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))
