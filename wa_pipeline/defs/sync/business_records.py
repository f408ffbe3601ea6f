"""What the Customers and Deliveries tabs are made of: each day's customer and delivery records, read from the
landing database (messages, the status history, the consent events and the customers table)."""

from collections.abc import Callable
from contextlib import closing
from datetime import datetime

import dagster as dg

from wa_pipeline.defs._shared.day_range import DayResult, materialize_days
from wa_pipeline.defs._shared.run_metrics import Stopwatch
from wa_pipeline.defs.nlp.resources import NlpSettings
from wa_pipeline.defs.partitions import Daily, daily_definitions
from wa_pipeline.defs.resources import Locale, PipelineStorage
from wa_pipeline.defs.sync.resources import DeliveryPricing
from wa_pipeline.message import EARLIEST_SENT_AT, Message
from wa_pipeline.privacy.consent import consent_ledger
from wa_pipeline.sheets.tabs import customers, deliveries
from wa_pipeline.store.contacts import ContactStore
from wa_pipeline.store.events import EventStore
from wa_pipeline.whatsapp.identities import export_sightings, message_customer_keys
from wa_pipeline.whatsapp.lander import known_name


def _business_test(nlp: NlpSettings) -> Callable[[Message], bool]:
    business = nlp.business()
    return lambda m: business.is_business(m.source, m.chat_id, m.chat_name, m.sender_id, m.sender_name)


def _status_span(history: list[dict], start: datetime, end: datetime) -> set[str]:
    """Ids of the messages whose statuses reach into [start, ...) and began before `end`."""
    first: dict[str, datetime] = {}
    last: dict[str, datetime] = {}
    for status in history:
        at, message_id = datetime.fromisoformat(status["at"]), status["message_id"]
        first[message_id] = min(first.get(message_id, at), at)
        last[message_id] = max(last.get(message_id, at), at)
    return {message_id for message_id in first if first[message_id] < end and last[message_id] >= start}


def build(daily: Daily) -> dg.Definitions:
    """The day's delivery and customer records."""

    def day_window(day: str) -> tuple[datetime, datetime]:
        window = daily.partitions.time_window_for_partition_key(day)
        return window.start, window.end

    @dg.asset(
        **daily.asset,
        deps=["raw_messages"],
        group_name="sync",
        kinds={"pandas", "parquet"},
    )
    def delivery_records(
        context: dg.AssetExecutionContext, storage: PipelineStorage, nlp: NlpSettings, pricing: DeliveryPricing
    ):
        """Every message the business sent on the day, with its statuses, Meta's pricing and failure, one per message."""
        landing = storage.landing()
        with closing(EventStore(landing.database())) as events:
            is_business = _business_test(nlp)
            history = events.status_history()
            days = {}
            for day in context.partition_keys:
                watch = Stopwatch()
                start, end = day_window(day)
                sent = [m for m in landing.messages_between(start, end) if m.source == "cloud_api" and is_business(m)]
                known = {m.message_id: m for m in sent}
                # A message sent on the day has its statuses from the day on, and one never landed is placed at its first.
                for message_id in _status_span(history, start, end) - set(known):
                    if (message := landing.get(message_id)) is not None:
                        known[message_id] = message
                records = deliveries.delivery_records(
                    history,
                    known,
                    sent,
                    pricing.rates,
                    pricing.currency,
                    # A customer written to only from another tool that day goes by the name they are known by.
                    name_of=lambda customer: known_name(landing, customer),
                )
                on_day = records[(records["sent_at"] >= start) & (records["sent_at"] < end)].reset_index(drop=True)
                days[day] = DayResult(
                    value=on_day,
                    metadata={
                        **watch.metadata(len(on_day), unit="messages"),
                        "failed": dg.MetadataValue.int(int((on_day["status"] == "failed").sum())),
                        "billable": dg.MetadataValue.int(int((on_day["billable"] == True).sum())),  # noqa: E712
                    },
                )
        yield from materialize_days(context, days)

    @dg.asset(
        **daily.asset,
        deps=["raw_messages"],
        group_name="sync",
        kinds={"pandas", "parquet"},
    )
    def customer_records(context: dg.AssetExecutionContext, storage: PipelineStorage, locale: Locale, nlp: NlpSettings):
        """Every customer who wrote on the day, one per person however identified, with their whole history."""
        landing = storage.landing()
        with closing(ContactStore(landing.database())) as contacts, closing(EventStore(landing.database())) as events:
            is_business = _business_test(nlp)
            last_day = max(day_window(day)[1] for day in context.partition_keys)
            everything = landing.messages_between(EARLIEST_SENT_AT, last_day)
            customers_messages = [m for m in everything if not is_business(m) and m.kind != "system"]
            # Export senders become customers here (webhooks record theirs on arrival); observing twice changes nothing.
            contacts.observe(export_sightings(customers_messages, region=locale.default_region))
            owners = contacts.key_owners()

            def owner(key: str | None) -> str | None:
                return owners.get(key) if key else None

            def of_message(message: Message) -> str | None:
                return owner(customers.customer_key(**message_customer_keys(message, locale.default_region)))

            business_names = sorted({m.sender_name for m in everything if is_business(m) and m.sender_name})
            consent = customers.consent_by_customer(
                consent_ledger(events.events("consent"), everything, business_names), owner
            )
            people = contacts.customers()
            days = {}
            for day in context.partition_keys:
                watch = Stopwatch()
                start, end = day_window(day)
                records = customers.customer_records(people, customers_messages, of_message, consent, start, end)
                days[day] = DayResult(
                    value=records,
                    metadata={
                        **watch.metadata(len(records), unit="customers"),
                        "opted_out": dg.MetadataValue.int(int((records["consent"] == "opted out").sum())),
                    },
                )
        yield from materialize_days(context, days)

    return dg.Definitions(assets=[delivery_records, customer_records])


defs = daily_definitions(build)
