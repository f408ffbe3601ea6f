"""Replaying "import" letters: the export file is imported again (once, however many letters name it)."""

from __future__ import annotations

from pathlib import Path

from wa_pipeline.replay.outcome import ReplayOutcome, ReplayScope
from wa_pipeline.store.dead_letters import DeadLetter
from wa_pipeline.whatsapp.importer import import_exports


def reimport(scope: ReplayScope, letters: list[DeadLetter]) -> list[ReplayOutcome]:
    outcomes = []
    done: dict[str, tuple[str, str]] = {}
    for letter in letters:
        path = str(letter.payload.get("path") or letter.item_key)
        if path not in done:
            summary = import_exports(
                [Path(path)], store=scope.landing, media_store=scope.media_store, dead_letters=scope.queue, tz=scope.tz
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
