"""The landing store's one interface, met by `SqliteLandingStore` (the default file) and `PostgresLandingStore`.

Every message is persisted once, keyed by message_id, before it is acknowledged; a duplicate delivery is a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from wa_pipeline.message import Message, StatusUpdate
from wa_pipeline.store.landing_database import LandingDatabase
from wa_pipeline.store.landing_sql import Prepared
from wa_pipeline.store.tombstones import Tombstones


@dataclass(frozen=True)
class AddResult:
    added: int
    already_present: int
    # Messages already landed through the other source (webhook vs export): recorded, not inserted again.
    cross_source_duplicates: int = 0


@dataclass(frozen=True)
class Changes:
    """What landed after a cursor: the new high-water mark and the send times of the new rows."""

    high_water_mark: int
    sent_at: list[datetime]


class LandingStore(Protocol):
    def database(self) -> LandingDatabase:
        """The same database on a connection of its own, for the tables kept beside `messages`."""
        ...

    def add_messages(self, messages: Iterable[Message]) -> AddResult: ...

    def add_prepared(self, prepared: Sequence[Prepared]) -> AddResult: ...

    def add_prepared_batches(self, batches: Iterable[Sequence[Prepared]]) -> AddResult:
        """`add_prepared` of each batch as it comes, all in one transaction (a reader sees all of them or none)."""
        ...

    def cross_source_duplicates(self) -> list[tuple[str, str]]: ...

    def tombstones(self) -> Tombstones:
        """What `wa-pipeline forget` removed (salted hashes), for a source to skip before it stores anything."""
        ...

    def add_statuses(self, statuses: Iterable[StatusUpdate]) -> int:
        """Statuses only move forward; returns how many changed."""
        ...

    def status_of(self, message_id: str) -> str | None: ...

    def messages_between(
        self, start: datetime, end: datetime, on_error: Callable[[str, str, Exception], None] | None = None
    ) -> list[Message]:
        """Messages with start <= sent_at < end, in send order; a record that no longer loads goes to `on_error`."""
        ...

    def iter_messages(self) -> Iterator[Message]: ...

    def get(self, message_id: str) -> Message | None: ...

    def changes_since(self, cursor: int) -> Changes: ...

    def high_water_mark(self) -> int:
        """The newest landed row's sequence number (0 when empty): `changes_since(0).high_water_mark` without its rows."""
        ...

    def count(self) -> int: ...

    def last_landed_at(self) -> datetime | None: ...
