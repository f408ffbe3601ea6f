"""How messages are read, as a resource: currency and date conventions, the business's own patterns and
senders, the intent examples, and the conversation gap. Every field can be set in the launchpad."""

from datetime import timedelta
from pathlib import Path

import dagster as dg

from wa_pipeline.business_senders import BusinessSenders
from wa_pipeline.nlp.intent import DEFAULT_EXAMPLES, DEFAULT_THRESHOLD
from wa_pipeline.nlp.language import DEFAULT_LANGUAGES
from wa_pipeline.nlp.threads import DEFAULT_GAP
from wa_pipeline.settings import get_settings


class NlpSettings(dg.ConfigurableResource):
    """Enrichment settings: currency and date order, patterns file, intent examples and threshold, threads."""

    default_currency: str = ""  # ISO 4217 for "$", "/=", "Rs"...; empty: the currency of the locale's region
    date_order: str = "DMY"  # how "03/04" reads: DMY, MDY or YMD
    patterns_path: str = ""  # YAML file of the business's own entities (see wa_pipeline/nlp/patterns.example.yaml)
    intent_examples: list[str] = []  # extra labelled-example files, added to the shipped ones
    intent_threshold: float = DEFAULT_THRESHOLD  # below it a message's intent is "other"
    languages: list[str] = list(DEFAULT_LANGUAGES)  # ISO 639-1 codes language detection chooses from
    language_low_memory: bool = False  # lingua's small models: ~12 MB instead of ~120 MB, worse on short text
    thread_gap_hours: float = DEFAULT_GAP.total_seconds() / 3600  # silence that starts a new conversation
    business_senders: list[str] = []  # sender names or ids that speak for the business
    chat_name_is_business: bool = True  # in exports, the sender named like the chat is the business

    def example_files(self) -> list[Path]:
        return [DEFAULT_EXAMPLES, *(Path(p) for p in self.intent_examples)]

    def business(self) -> BusinessSenders:
        # Named senders are the business and nobody else: the chat-name rule would also take each customer a shop
        # owner's export is named after for the business (no customer in Customers, every thread "answered").
        named = any(sender.strip() for sender in self.business_senders)
        return BusinessSenders.of(self.business_senders, chat_name_is_business=self.chat_name_is_business and not named)

    def gap(self) -> timedelta:
        return timedelta(hours=self.thread_gap_hours)

    def patterns(self) -> str | None:
        return self.patterns_path or None

    def currency(self) -> str | None:
        return self.default_currency or None


@dg.definitions
def nlp_resources() -> dg.Definitions:
    # The WA_* variables give the defaults; the launchpad can still override any field for one run.
    settings = get_settings()
    return dg.Definitions(
        resources={
            "nlp": NlpSettings(
                default_currency=settings.default_currency,
                date_order=settings.date_order,
                patterns_path=settings.patterns_path,
                intent_examples=settings.intent_examples,
                intent_threshold=settings.intent_threshold,
                thread_gap_hours=settings.thread_gap_hours,
                business_senders=settings.business_senders,
            )
        }
    )
