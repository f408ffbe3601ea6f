"""The dead-letter queue as an asset people watch, and the job that replays it."""

import dagster as dg

from wa_pipeline.defs._shared.run_log import for_the_log
from wa_pipeline.defs.resources import Locale, PipelineStorage
from wa_pipeline.replay.replayer import DeadLetterReplayer
from wa_pipeline.store.dead_letters import DeadLetterQueue, Stage

# Always reported, even at zero, so each stage plots as one continuous series across runs.
KNOWN_STAGES = tuple(Stage)


def _open_letters_metadata(queue: DeadLetterQueue) -> dict[str, dg.MetadataValue]:
    counts = queue.counts_by_stage()
    stages = sorted(set(KNOWN_STAGES) | set(counts))
    return {
        "open_total": dg.MetadataValue.int(sum(counts.values())),
        **{f"open_{stage}": dg.MetadataValue.int(counts.get(stage, 0)) for stage in stages},
    }


@dg.asset(group_name="ops", kinds={"sqlite"})
def dead_letters(storage: PipelineStorage) -> dg.MaterializeResult:
    """Items no stage could process (unreadable exports, malformed webhooks, media that would not download), per stage."""
    queue = storage.dead_letters()
    letters = queue.list()
    oldest = min((letter.created_at for letter in letters), default=None)
    return dg.MaterializeResult(
        metadata={
            **_open_letters_metadata(queue),
            "oldest_open": dg.MetadataValue.text(oldest or "-"),
        }
    )


class ReplayConfig(dg.Config):
    """Which letters to replay: all open ones, or only a stage, a day, or the given ids (from `dlq list`)."""

    stage: str | None = None
    partition: str | None = None
    ids: list[int] = []


@dg.op(description="Re-submits open dead letters through their stage's normal path and marks them replayed.")
def replay_letters(
    context: dg.OpExecutionContext, config: ReplayConfig, storage: PipelineStorage, locale: Locale
) -> None:
    queue = storage.dead_letters()
    letters = queue.list(stage=config.stage, partition=config.partition, ids=config.ids or None)
    outcomes = DeadLetterReplayer(queue, storage.landing(), storage.media(), locale.tz()).replay(letters)
    for outcome in outcomes:
        log = context.log.warning if outcome.failed else context.log.info
        log(for_the_log(f"{outcome.stage} {outcome.item_key}: {outcome.action} ({outcome.detail})"))
    actions = {
        action: sum(1 for o in outcomes if o.action == action)
        for action in ("reimported", "reparsed", "requeued", "marked", "failed")
    }
    # The queue changed: report its new state as a materialization of the asset, so the UI plots it.
    context.log_event(
        dg.AssetMaterialization(
            asset_key=dead_letters.key,
            description="after a replay",
            metadata={
                **_open_letters_metadata(queue),
                **{f"replay_{action}": dg.MetadataValue.int(count) for action, count in actions.items()},
            },
        )
    )


@dg.job(
    description="Replay dead letters: re-import files, re-parse webhooks, requeue media, mark the rest for the next run."
)
def replay_dead_letters():
    replay_letters()
