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
    unknown_intent = ~enriched["intent"].isin(known)
    confidence = enriched["intent_confidence"].astype(float)
    bad_confidence = (confidence < 0) | (confidence > 1) | confidence.isna()
    unknown_language = (enriched["language"] != "") & ~enriched["language"].isin(languages)
    bad_intents = sorted(set(enriched.loc[unknown_intent, "intent"]))
    bad_languages = sorted(set(enriched.loc[unknown_language, "language"]))
    out_of_range = int(bad_confidence.sum())
    passed = not bad_intents and out_of_range == 0 and not bad_languages
    examples = [str(x) for x in enriched.loc[unknown_intent | bad_confidence | unknown_language, "message_id"][:SAMPLE]]
    return Outcome(
        passed,
        "intents, confidences and languages are well-formed"
        if passed
        else f"some intents or languages are invalid: {', '.join(examples)}",
        {
            "unknown_intents": bad_intents[:SAMPLE],
            "confidence_out_of_range": out_of_range,
            "unknown_languages": bad_languages[:SAMPLE],
            "examples": examples,
        },
    )


def threads_cover_messages(messages: pd.DataFrame, threads: pd.DataFrame) -> Outcome:
    """Every message of the day except WhatsApp's own notes is in exactly one thread."""
    per_chat = (
        messages.loc[messages["kind"] != "system"].groupby("chat_id").size() if len(messages) else pd.Series(dtype=int)
    )
    in_threads = threads.groupby("chat_id")["messages"].sum() if len(threads) else pd.Series(dtype=int)
    expected, counted = int(per_chat.sum()), int(in_threads.sum())
    both = per_chat.index.union(in_threads.index)
    chats_off = sorted(str(c) for c in both if per_chat.get(c, 0) != in_threads.get(c, 0))
    duplicated_ids = sorted({str(t) for t in threads.loc[threads["thread_id"].duplicated(), "thread_id"]})
    passed = not chats_off and not duplicated_ids
    named = [*(f"chat {c}" for c in chats_off), *(f"thread {t}" for t in duplicated_ids)][:SAMPLE]
    return Outcome(
        passed,
        "every message is in one thread" if passed else f"thread membership does not add up: {', '.join(named)}",
        {
            "messages": expected,
            "in_threads": counted,
            "duplicate_thread_ids": len(duplicated_ids),
            "examples": named,
        },
    )


def thread_times_consistent(threads: pd.DataFrame) -> Outcome:
    """A thread starts no later than it ends, and a first response is never negative."""
    if not len(threads):
        return Outcome(True, "thread times are consistent", {"ending_before_start": 0, "negative_first_response": 0})
    ends_first = threads["started_at"] > threads["last_message_at"]
    negative = threads["first_response_s"].map(lambda s: not math.isnan(s) and s < 0).astype(bool)
    passed = not ends_first.any() and not negative.any()
    examples = [str(t) for t in threads.loc[ends_first | negative, "thread_id"][:SAMPLE]]
    return Outcome(
        passed,
        "thread times are consistent" if passed else f"some threads have impossible times: {', '.join(examples)}",
        {
            "ending_before_start": int(ends_first.sum()),
            "negative_first_response": int(negative.sum()),
            "examples": examples,
        },
    )
