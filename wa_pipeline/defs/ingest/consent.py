"""The consent check: a business message to someone who asked to stop is flagged for a person to review."""

from datetime import date, datetime, time, timedelta

import dagster as dg

from wa_pipeline.defs._shared.day_range import check_days
from wa_pipeline.defs.partitions import DAILY
from wa_pipeline.defs.resources import Locale, PipelineStorage
from wa_pipeline.message import EARLIEST_SENT_AT
from wa_pipeline.privacy.consent import consent_ledger, sent_after_opt_out
from wa_pipeline.store.events import EventStore

NO_MESSAGE_AFTER_OPT_OUT = "no_message_after_opt_out"
# Enough ids to find the messages; more would only lengthen the description.
SAMPLE = 5


@dg.asset_check(asset="raw_messages", name=NO_MESSAGE_AFTER_OPT_OUT, partitions_def=DAILY)
def no_message_after_opt_out(context: dg.AssetCheckExecutionContext, storage: PipelineStorage, locale: Locale):
    """No business message of the day went to a customer whose latest word was an opt-out (WhatsApp or STOP)."""
    landing = storage.landing()
    events = EventStore(landing.database()).events("consent")
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
