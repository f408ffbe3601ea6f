"""The landing store (observed, external) and each day's raw messages read from it."""

from datetime import timedelta

import dagster as dg

from wa_pipeline.defs._shared.day_range import DayResult, materialize_days
from wa_pipeline.defs._shared.landing_coverage import LANDING_SEQ_TAG, landing_tag
from wa_pipeline.defs._shared.run_metrics import Stopwatch, check_result
from wa_pipeline.defs.partitions import Daily, daily_definitions
from wa_pipeline.defs.resources import PipelineStorage
from wa_pipeline.message import MESSAGE_SCHEMA
from wa_pipeline.message_frame import messages_to_frame
from wa_pipeline.quality import message_rules
from wa_pipeline.store.dead_letters import Stage

landing_messages = dg.AssetSpec(
    "landing_messages",
    description="Every WhatsApp message received (webhooks and imported exports), stored once by message_id.",
    group_name="ingest",
    kinds={"sqlite"},
    # WhatsApp silence for a day is worth a warning, for two a failure: the source may have stopped delivering.
    freshness_policy=dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=48), warn_window=timedelta(hours=24)),
)

# Check names, written once: the spec declares each, the asset body reports it.
SCHEMA_VALID = "schema_valid"
IDS_UNIQUE = "ids_unique"
TIMESTAMPS_IN_PARTITION = "timestamps_in_partition"


def build(daily: Daily) -> dg.Definitions:
    """The landing store and, for each day, its raw messages with their blocking checks."""
    raw_checks = daily.checks(
        "raw_messages",
        {
            SCHEMA_VALID: "Every row follows the canonical message schema.",
            IDS_UNIQUE: "Each message_id appears once in the day.",
            TIMESTAMPS_IN_PARTITION: "Every message was sent inside the partition's local day.",
        },
    )

    @dg.asset(
        **daily.asset,
        deps=[landing_messages],
        group_name="ingest",
        kinds={"pandas", "parquet"},
        check_specs=raw_checks,
    )
    def raw_messages(context: dg.AssetExecutionContext, storage: PipelineStorage):
        """The day's messages from the landing store, in the canonical schema, in send order."""
        landing, dead_letters = storage.landing(), storage.dead_letters()
        if LANDING_SEQ_TAG not in context.run.tags:
            # A run the schedule or a UI backfill launched records the landing mark it read the days at, as the
            # sensor's and `wa-pipeline run`'s runs do, so the landing sensor does not queue its days again.
            context.instance.add_run_tags(context.run.run_id, landing_tag(landing.high_water_mark()))
        days = {}
        for day in context.partition_keys:
            watch = Stopwatch()
            window = daily.partitions.time_window_for_partition_key(day)

            def unreadable(message_id: str, record: str, exc: Exception, day: str = day) -> None:
                dead_letters.add(
                    Stage.RAW_MESSAGES,
                    message_id,
                    f"stored record does not load: {exc}",
                    {"record": record[:10_000]},
                    partition=day,
                )

            frame = messages_to_frame(landing.messages_between(window.start, window.end, on_error=unreadable))
            days[day] = DayResult(
                value=frame,
                metadata={
                    **watch.metadata(len(frame), unit="messages"),
                    "chats": dg.MetadataValue.int(int(frame["chat_id"].nunique())),
                    "media_messages": dg.MetadataValue.int(int(frame["media_filename"].notna().sum())),
                    "schema": dg.MetadataValue.json(MESSAGE_SCHEMA.names),
                    # Counts only: chat names are customers' names and numbers, and the event log cannot forget them.
                },
                checks=[
                    check_result(message_rules.schema_valid(frame), SCHEMA_VALID),
                    check_result(message_rules.ids_unique(frame), IDS_UNIQUE),
                    check_result(
                        message_rules.timestamps_inside(frame, window.start, window.end), TIMESTAMPS_IN_PARTITION
                    ),
                ],
            )
        yield from materialize_days(context, days)

    return dg.Definitions(assets=[landing_messages, raw_messages])


defs = daily_definitions(build)
