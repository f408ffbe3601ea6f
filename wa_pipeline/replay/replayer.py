"""The replay: letters grouped by stage, each group sent to its stage's handler, then closed unless they failed again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from wa_pipeline.replay.imports import reimport
from wa_pipeline.replay.media_downloads import requeue
from wa_pipeline.replay.outcome import ReplayOutcome, ReplayScope, marked
from wa_pipeline.replay.webhooks import reparse
from wa_pipeline.store.dead_letters import DeadLetter, DeadLetterQueue, Stage, now_text

Handler = Callable[[ReplayScope, list[DeadLetter]], list[ReplayOutcome]]

# A stage without a handler is left to the next run of its day.
HANDLERS: dict[str, Handler] = {
    Stage.IMPORT: reimport,
    Stage.WEBHOOK: reparse,
    Stage.MEDIA: requeue,
    Stage.MEDIA_DOWNLOAD: requeue,
}


def _mark_all(scope: ReplayScope, letters: list[DeadLetter]) -> list[ReplayOutcome]:
    return [marked(letter) for letter in letters]


class DeadLetterReplayer:
    """Re-submits dead letters through each stage's normal path (see the package docstring)."""

    def __init__(self, queue: DeadLetterQueue, landing: Any, media_store: Any, tz: Any) -> None:
        self.queue = queue
        self.scope = ReplayScope(queue=queue, landing=landing, media_store=media_store, tz=tz)

    def replay(self, letters: Sequence[DeadLetter]) -> list[ReplayOutcome]:
        started = now_text()
        outcomes: list[ReplayOutcome] = []
        by_stage: dict[str, list[DeadLetter]] = {}
        for letter in letters:
            by_stage.setdefault(letter.stage, []).append(letter)
        for stage, group in by_stage.items():
            outcomes += HANDLERS.get(stage, _mark_all)(self.scope, group)
        for number, outcome in enumerate(outcomes):
            if outcome.failed:
                continue
            # A letter the normal path put back during this replay failed again: it stays open with its new reason.
            closed = self.queue.mark_replayed(
                [outcome.letter_id], note=f"{outcome.action}: {outcome.detail}", unless_failed_since=started
            )
            if not closed and self.queue.is_open(outcome.letter_id):
                # The reason it failed this time, as the normal path recorded it, so the person replaying reads it.
                reopened = self.queue.list(ids=[outcome.letter_id])
                reason = reopened[0].reason if reopened else "see its new reason"
                outcomes[number] = ReplayOutcome(
                    outcome.letter_id, outcome.stage, outcome.item_key, "failed", f"failed again: {reason}"
                )
        return outcomes
