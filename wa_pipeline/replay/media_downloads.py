"""Replaying "media_download" and "media" letters: a download that gave up gets a fresh set of attempts."""

from __future__ import annotations

from wa_pipeline.replay.outcome import ReplayOutcome, ReplayScope, marked
from wa_pipeline.store.dead_letters import DeadLetter
from wa_pipeline.store.media_download_ledger import MediaDownloadLedger


def requeue(scope: ReplayScope, letters: list[DeadLetter]) -> list[ReplayOutcome]:
    ledger = MediaDownloadLedger(scope.landing)
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
        else marked(letter)
        for letter in letters
    ]
