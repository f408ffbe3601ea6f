"""The landing database opened for tables kept beside `messages` (the media download ledger), on either engine.

A ledger writes its SQL once, with `?` placeholders, against this interface; `SqliteLandingStore.database()` (the SQLite
file) and `PostgresLandingStore.database()` (PostgreSQL) each open one with a connection of its own. On both,
writers take turns (SQLite's BEGIN IMMEDIATE; a transaction-scoped advisory lock on PostgreSQL), and `exclusive`
holds a named lock across transactions that is released however its holder ends (a crash or a lost connection too).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol


class Statements:
    """Runs `?`-placeholder statements through `execute(statement, params) -> cursor` (a DB-API cursor)."""

    def __init__(self, execute: Callable[[str, Sequence[Any]], Any]) -> None:
        self._execute = execute

    def rows(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self._execute(statement, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def execute(self, statement: str, params: Sequence[Any] = ()) -> int:
        """Runs one statement; returns how many rows it changed."""
        return self._execute(statement, params).rowcount


class LandingDatabase(Protocol):
    def json_text(self, column: str, key: str) -> str:
        """An SQL expression: the top-level `key` of the JSON text in `column`, as text (NULL when absent or null)."""
        ...

    def create(self, schema: str, last_table: str) -> None:
        """Runs `CREATE ... IF NOT EXISTS` statements; `last_table` is the one the schema creates last."""
        ...

    def rows(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """A read outside any transaction."""
        ...

    def tables(self) -> set[str]:
        """The names of the tables this database holds."""
        ...

    def write(self, *, landing: bool = False) -> AbstractContextManager[Statements]:
        """One transaction, committed when the block ends, rolled back if it raises; writers take turns.

        `landing`: the message writers wait for it too, so what they read inside their own transactions (the
        tombstones) cannot change while one of them is deciding.
        """
        ...

    def exclusive(self, name: str) -> AbstractContextManager[None]:
        """Waits until no other holder of lock `name` on this database is left, and holds it for the block."""
        ...

    def close(self) -> None: ...
