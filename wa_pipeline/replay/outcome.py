"""What a replay handler is given, and what it reports for each letter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wa_pipeline.store.dead_letters import DeadLetter, DeadLetterQueue


@dataclass(frozen=True)
class ReplayScope:
    """The stores a handler sends letters back into."""

    queue: DeadLetterQueue
    landing: Any
    media_store: Any
    tz: Any


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


def marked(letter: DeadLetter) -> ReplayOutcome:
    """A letter left to the next run of its day, which retries it anyway."""
    return ReplayOutcome(
        letter.id,
        letter.stage,
        letter.item_key,
        "marked",
        f"retried by the next run of {letter.partition or 'its partition'}",
    )
