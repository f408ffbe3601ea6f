"""The intent classifier, each day's enriched messages, and each day's conversations."""

import math
from collections.abc import Mapping
from datetime import date, timedelta

import dagster as dg
import pandas as pd

from wa_pipeline.defs._shared.day_range import DayFrames, DayResult, frames_by_day, materialize_days
from wa_pipeline.defs._shared.run_metrics import Stopwatch, check_result
from wa_pipeline.defs.nlp.resources import NlpSettings
from wa_pipeline.defs.partitions import Daily, daily_definitions
from wa_pipeline.defs.resources import Locale, PipelineStorage
from wa_pipeline.media.media_frames import attach_media_text
from wa_pipeline.nlp.enrich import enrich_messages
from wa_pipeline.nlp.intent import (
    DEFAULT_EXAMPLES,
    FEATURES_VERSION,
    IntentModel,
    TrainingSettings,
    fingerprint,
    intent_model_in,
)
from wa_pipeline.nlp.sentiment import sentiment_model_in
from wa_pipeline.nlp.threads import conversation_threads as find_threads
from wa_pipeline.nlp.threads import threaded_messages
from wa_pipeline.quality import enrichment_rules, message_rules, nlp_rules
from wa_pipeline.store.frames import read_frame

# Check names, written once: the spec declares each, the asset body reports it.
INTENT_MODEL_ACCURATE = "intent_model_accurate"
ALL_MESSAGES_ENRICHED = "all_messages_enriched"
ENRICHMENT_VALUES_VALID = "enrichment_values_valid"
INTENTS_AND_LANGUAGES_VALID = "intents_and_languages_valid"
THREADS_COVER_MESSAGES = "threads_cover_messages"
THREAD_TIMES_CONSISTENT = "thread_times_consistent"

# Below this macro-F1 on its held-out split the classifier is worth a look before its labels are trusted.
MIN_INTENT_MACRO_F1 = 0.8


def _shipped_examples_version() -> str:
    # The code version follows the shipped examples, the German and Swahili files their routed models add, the
    # settings and the feature code (the model's own fingerprint): editing any of them marks the model stale in the
    # UI and, with the automation condition below, retrains it.
    return f"{FEATURES_VERSION}-{fingerprint((DEFAULT_EXAMPLES,), TrainingSettings())}"


def models_dir(storage: PipelineStorage):
    return storage.layout.intent_model_dir


def current_intent_model(storage: PipelineStorage, nlp: NlpSettings) -> IntentModel:
    """The classifier for the configured examples: loaded from the data directory, trained there if missing."""
    return intent_model_in(models_dir(storage), nlp.example_files())


@dg.asset(
    group_name="models",
    kinds={"spacy"},
    code_version=_shipped_examples_version(),
    # Trained once when first missing, then again whenever the shipped examples change; never twice at once.
    automation_condition=(dg.AutomationCondition.missing().newly_true() | dg.AutomationCondition.code_version_changed())
    & ~dg.AutomationCondition.in_progress(),
    check_specs=[
        dg.AssetCheckSpec(
            INTENT_MODEL_ACCURATE,
            asset="intent_model",
            description=f"Macro-F1 on the held-out examples is at least {MIN_INTENT_MACRO_F1}.",
        ),
    ],
)
def intent_model(storage: PipelineStorage, nlp: NlpSettings) -> dg.MaterializeResult:
    """The intent classifier (order, inquiry, complaint, payment, booking, cancellation, feedback, greeting), trained from the labelled examples."""
    watch = Stopwatch()
    model = current_intent_model(storage, nlp)
    report = model.evaluation
    # The intents a failed check names: the weakest first, where a person starts reading the examples.
    f1 = {label: scores["f1"] for label, scores in report.per_label.items()}
    weakest = ", ".join(f"{label} {f1[label]}" for label in sorted(f1, key=f1.get)[:3])
    return dg.MaterializeResult(
        metadata={
            **watch.metadata(model.trained_on, unit="examples"),
            "accuracy": dg.MetadataValue.float(report.accuracy),
            "macro_f1": dg.MetadataValue.float(report.macro_f1),
            "held_out_examples": dg.MetadataValue.int(report.examples),
            "confusion_matrix": dg.MetadataValue.md(report.confusion_markdown()),
            "per_intent": dg.MetadataValue.json(report.per_label),
            "labels": dg.MetadataValue.json(list(model.labels)),
            "example_files": dg.MetadataValue.json(model.example_files),
            "fingerprint": dg.MetadataValue.text(model.fingerprint),
            "path": dg.MetadataValue.path(str(models_dir(storage) / model.fingerprint)),
        },
        data_version=dg.DataVersion(model.fingerprint),
        check_results=[
            dg.AssetCheckResult(
                check_name=INTENT_MODEL_ACCURATE,
                passed=report.macro_f1 >= MIN_INTENT_MACRO_F1,
                severity=dg.AssetCheckSeverity.WARN,
                description=f"model {model.fingerprint}: macro-F1 {report.macro_f1} (threshold {MIN_INTENT_MACRO_F1});"
                f" weakest intents (F1): {weakest}",
                metadata={"macro_f1": report.macro_f1, "accuracy": report.accuracy, "threshold": MIN_INTENT_MACRO_F1},
            )
        ],
    )


def build(daily: Daily) -> dg.Definitions:
    """The intent model, and each day's enriched messages and conversations with their checks."""
    enriched_checks = daily.checks(
        "enriched_messages",
        {
            ALL_MESSAGES_ENRICHED: "Every raw message of the day is enriched, and no other.",
            ENRICHMENT_VALUES_VALID: "Sentiment scores lie in [-1, 1] and entity lists are well-formed.",
            INTENTS_AND_LANGUAGES_VALID: "Every intent is a trained one or 'other', confidences lie in [0, 1], languages are known.",
        },
    )

    @dg.asset(
        **daily.asset,
        group_name="nlp",
        kinds={"spacy", "pandas", "parquet"},
        deps=[intent_model],
        check_specs=enriched_checks,
    )
    def enriched_messages(
        context: dg.AssetExecutionContext,
        raw_messages: DayFrames,
        media_text: DayFrames,
        locale: Locale,
        storage: PipelineStorage,
        nlp: NlpSettings,
    ):
        """The day's messages, and the text read from their photos, voice notes and documents, with amounts, quantities,
        references, dates, people, places, intent, language and sentiment."""
        # Loaded once per step: a range run pays for the model (and spaCy, on the first batch) once, not once a day.
        model = current_intent_model(storage, nlp)
        feeling = sentiment_model_in(storage.layout.sentiment_model_dir)
        raw_by_day = frames_by_day(raw_messages, context.partition_keys)
        media_by_day = frames_by_day(media_text, context.partition_keys)
        days = {}
        for day in context.partition_keys:
            watch = Stopwatch()
            raw = raw_by_day[day]
            enriched = enrich_messages(
                attach_media_text(raw, media_by_day[day]),
                region=locale.default_region,
                timezone=locale.timezone,
                default_currency=nlp.currency(),
                date_order=nlp.date_order,
                patterns=nlp.patterns(),
                intent_model=model,
                sentiment_model=feeling,
                intent_threshold=nlp.intent_threshold,
                languages=nlp.languages,
                language_low_memory=nlp.language_low_memory,
            )
            labels = enriched["sentiment_label"].value_counts().to_dict() if len(enriched) else {}
            intents = enriched["intent"].value_counts().to_dict() if len(enriched) else {}
            languages = (
                enriched["language"].replace("", "undetermined").value_counts().to_dict() if len(enriched) else {}
            )
            days[day] = DayResult(
                value=enriched,
                metadata={
                    **watch.metadata(len(enriched), unit="messages"),
                    "messages_with_phones": dg.MetadataValue.int(int((enriched["phones"] != "").sum())),
                    "messages_with_amounts": dg.MetadataValue.int(int((enriched["amounts"] != "").sum())),
                    "sentiment": dg.MetadataValue.json({str(k): int(v) for k, v in labels.items()}),
                    "intents": dg.MetadataValue.json({str(k): int(v) for k, v in intents.items()}),
                    "languages": dg.MetadataValue.json({str(k): int(v) for k, v in languages.items()}),
                    "intent_model": dg.MetadataValue.text(model.fingerprint),
                },
                checks=[
                    check_result(message_rules.same_ids(raw, enriched, "enriched_messages"), ALL_MESSAGES_ENRICHED),
                    check_result(enrichment_rules.values_valid(enriched), ENRICHMENT_VALUES_VALID),
                    check_result(
                        nlp_rules.intents_and_languages_valid(enriched, model.labels, tuple(nlp.languages)),
                        INTENTS_AND_LANGUAGES_VALID,
                    ),
                ],
            )
        yield from materialize_days(context, days)

    thread_checks = daily.checks(
        "conversation_threads",
        {
            THREADS_COVER_MESSAGES: "Every message of the day except WhatsApp's notes is in exactly one thread.",
            THREAD_TIMES_CONSISTENT: "No thread ends before it starts and no first response is negative.",
        },
    )

    @dg.asset(
        **daily.asset,
        group_name="nlp",
        kinds={"pandas", "parquet"},
        check_specs=thread_checks,
    )
    def conversation_threads(
        context: dg.AssetExecutionContext, enriched_messages: DayFrames, nlp: NlpSettings, storage: PipelineStorage
    ):
        """The day's conversations per chat: participants, first and last message, the business's first-response time, who is still waiting."""
        enriched_by_day = frames_by_day(enriched_messages, context.partition_keys)
        days = {}
        for day in context.partition_keys:
            watch = Stopwatch()
            enriched = enriched_by_day[day]
            earlier = _day_before(day, enriched_by_day, storage)
            threads = find_threads(enriched, nlp.business(), nlp.gap(), earlier=earlier)
            answered = [s for s in threads["first_response_s"] if not math.isnan(s)]
            days[day] = DayResult(
                value=threads,
                metadata={
                    **watch.metadata(len(threads), unit="threads"),
                    "awaiting_reply": dg.MetadataValue.int(int(threads["awaiting_reply"].sum())),
                    "median_first_response_min": dg.MetadataValue.float(
                        round(float(pd.Series(answered).median()) / 60, 1) if answered else 0.0
                    ),
                    "unanswered_threads": dg.MetadataValue.int(len(threads) - len(answered)),
                },
                checks=[
                    check_result(
                        nlp_rules.threads_cover_messages(threaded_messages(enriched, earlier, nlp.gap()), threads),
                        THREADS_COVER_MESSAGES,
                    ),
                    check_result(nlp_rules.thread_times_consistent(threads), THREAD_TIMES_CONSISTENT),
                ],
            )
        yield from materialize_days(context, days)

    return dg.Definitions(assets=[intent_model, enriched_messages, conversation_threads])


defs = daily_definitions(build)


def _day_before(day: str, in_run: Mapping[str, pd.DataFrame], storage: PipelineStorage) -> pd.DataFrame | None:
    """The previous day's enriched messages, so a conversation begun before midnight goes on as one thread.

    Read from this run when it covers that day, else from the frame store; a day never materialized (no messages)
    has nothing to carry. Not a declared dependency: a day must not wait for, or fail on, a quiet day before it.
    """
    previous = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
    if previous in in_run:
        return in_run[previous]
    path = storage.layout.frame("enriched_messages", previous)
    return read_frame(path) if path.exists() else None
