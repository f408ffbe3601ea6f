"""Consent: the day's opt-outs and opt-ins as a frame (the Consent tab's source), and the check that flags a business
message to someone who asked to stop, for a person to review."""

from datetime import date, datetime, time, timedelta

import dagster as dg

from wa_pipeline.defs._shared.day_range import DayResult, check_days, materialize_days
from wa_pipeline.defs.nlp.resources import NlpSettings
from wa_pipeline.defs.partitions import Daily, daily_definitions
from wa_pipeline.defs.resources import Locale, PipelineStorage
from wa_pipeline.message import EARLIEST_SENT_AT, Event
from wa_pipeline.privacy.consent import consent_frame, consent_ledger, sent_after_opt_out
from wa_pipeline.store.events import EventStore
from wa_pipeline.store.landing_store import LandingStore

NO_MESSAGE_AFTER_OPT_OUT = "no_message_after_opt_out"
# Enough ids to find the messages; more would only lengthen the description.
SAMPLE = 5


def _consent_events(landing: LandingStore) -> list[Event]:
    # Where the webhook receiver keeps them: beside the messages, in the SQLite file or in PostgreSQL.
    events = EventStore(landing.database())
    try:
        return events.events("consent")
    finally:
        events.close()


def build(daily: Daily) -> dg.Definitions:
    """The day's consent ledger and the check on business messages after an opt-out."""

    @dg.asset_check(asset="raw_messages", name=NO_MESSAGE_AFTER_OPT_OUT, partitions_def=daily.partitions)
    def no_message_after_opt_out(context: dg.AssetCheckExecutionContext, storage: PipelineStorage, locale: Locale):
        """No business message of the day went to a customer whose latest word was an opt-out (WhatsApp or STOP)."""
        landing = storage.landing()
        events = _consent_events(landing)
        results = {}
        for day in context.partition_keys:
            start = datetime.combine(date.fromisoformat(day), time(), locale.tz())
            # The ledger needs every earlier opt-out and opt-in, not only the day's.
            history = landing.messages_between(EARLIEST_SENT_AT, start + timedelta(days=1))
            ledger = consent_ledger(events, history)
            flagged = sent_after_opt_out(ledger, [m for m in history if m.sent_at >= start])
            results[day] = dg.AssetCheckResult(
                passed=not flagged,
                severity=dg.AssetCheckSeverity.WARN,
                description=f"sent after an opt-out: {', '.join(flagged[:SAMPLE])}"
                if flagged
                else "no business message after an opt-out",
                metadata={"flagged": len(flagged), "opt_outs": sum(e.state == "opted_out" for e in ledger)},
            )
        yield from check_days(context, results)

    @dg.asset(
        name="consent_ledger",
        **daily.asset,
        deps=["raw_messages"],
        group_name="ingest",
        kinds={"pandas", "parquet"},
    )
    def consent_ledger_asset(context: dg.AssetExecutionContext, storage: PipelineStorage, nlp: NlpSettings):
        """The day's marketing opt-outs and opt-ins: WhatsApp's user_preferences and customers' own STOP messages."""
        landing = storage.landing()
        events = _consent_events(landing)
        days = {}
        for day in context.partition_keys:
            window = daily.partitions.time_window_for_partition_key(day)
            happened = [event for event in events if window.start <= event.occurred_at < window.end]
            ledger = consent_ledger(happened, landing.messages_between(window.start, window.end), nlp.business_senders)
            days[day] = DayResult(
                value=consent_frame(ledger),
                # Counts only: the entries name customers.
                metadata={
                    "dagster/row_count": dg.MetadataValue.int(len(ledger)),
                    "opt_outs": dg.MetadataValue.int(sum(entry.state == "opted_out" for entry in ledger)),
                    "opt_ins": dg.MetadataValue.int(sum(entry.state == "opted_in" for entry in ledger)),
                },
            )
        yield from materialize_days(context, days)

    return dg.Definitions(assets=[consent_ledger_asset], asset_checks=[no_message_after_opt_out])


defs = daily_definitions(build)
