"""The landing database a ledger kept beside `messages` writes to: a SQLite path, or any store's `database()`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from wa_pipeline.store.landing_database import LandingDatabase, Statements
from wa_pipeline.store.sqlite_landing import SqliteLandingDatabase


def landing_database(target: Path | str | LandingDatabase) -> LandingDatabase:
    """A path opens the SQLite file (what the tests and the default receiver pass); a database is taken as is."""
    if isinstance(target, (str, Path)):
        return SqliteLandingDatabase(Path(target))
    return target


class _Fetched:
    """The rows of one statement as a DB-API cursor hands them out (tuples), for code written against a cursor."""

    def __init__(self, rows: list[dict[str, Any]]):
        self._rows = [tuple(row.values()) for row in rows]

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple]:
        return list(self._rows)


def run_on(database: LandingDatabase | Statements) -> Callable[[str, Sequence[Any]], _Fetched]:
    """`run(statement, params) -> cursor` for reads through a `LandingDatabase` or inside one of its writes (e.g.
    `Tombstones.load`)."""
    return lambda statement, params=(): _Fetched(database.rows(statement, params))
