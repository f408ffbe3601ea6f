"""Rules the intent, language and thread outputs must satisfy: the asset checks of the NLP stage."""

from __future__ import annotations

import math

import pandas as pd

from wa_pipeline.nlp.intent import OTHER
from wa_pipeline.quality.outcome import Outcome

SAMPLE = 5


def intents_and_languages_valid(
    enriched: pd.DataFrame, intents: tuple[str, ...], languages: tuple[str, ...]
) -> Outcome:
    """Every intent is a trained one or `other`, every confidence in [0, 1], every language one asked for."""
    known = {*intents, OTHER}
    bad_intents = sorted({i for i in enriched["intent"] if i not in known})
    confidence = enriched["intent_confidence"].astype(float)
    out_of_range = int(((confidence < 0) | (confidence > 1) | confidence.isna()).sum())
    bad_languages = sorted({code for code in enriched["language"] if code and code not in languages})
    passed = not bad_intents and out_of_range == 0 and not bad_languages
    return Outcome(
        passed,
        "intents, confidences and languages are well-formed" if passed else "some intents or languages are invalid",
        {
            "unknown_intents": bad_intents[:SAMPLE],
            "confidence_out_of_range": out_of_range,
            "unknown_languages": bad_languages[:SAMPLE],
        },
    )


def threads_cover_messages(messages: pd.DataFrame, threads: pd.DataFrame) -> Outcome:
    """Every message of the day except WhatsApp's own notes is in exactly one thread."""
    expected = int((messages["kind"] != "system").sum()) if len(messages) else 0
    counted = int(threads["messages"].sum()) if len(threads) else 0
    duplicated = int(threads["thread_id"].duplicated().sum())
    passed = expected == counted and duplicated == 0
    return Outcome(
        passed,
        "every message is in one thread" if passed else "thread membership does not add up",
        {"messages": expected, "in_threads": counted, "duplicate_thread_ids": duplicated},
    )


def thread_times_consistent(threads: pd.DataFrame) -> Outcome:
    """A thread starts no later than it ends, and a first response is never negative."""
    backwards = int((threads["started_at"] > threads["last_message_at"]).sum()) if len(threads) else 0
    negative = sum(1 for s in threads["first_response_s"] if not math.isnan(s) and s < 0)
    passed = backwards == 0 and negative == 0
    return Outcome(
        passed,
        "thread times are consistent" if passed else "some threads have impossible times",
        {"ending_before_start": backwards, "negative_first_response": negative},
    )
