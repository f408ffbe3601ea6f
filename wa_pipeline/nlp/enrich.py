"""A frame of canonical messages, enriched with entities, intent, language and sentiment (`enriched_messages`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import tzinfo
from pathlib import Path

import pandas as pd

from wa_pipeline.nlp.code_switching import mixed_languages
from wa_pipeline.nlp.dates import DATE, DateOrder
from wa_pipeline.nlp.enriched_schema import ENRICHED_COLUMNS
from wa_pipeline.nlp.entities import EMAIL, extract_entities
from wa_pipeline.nlp.entity import Entity
from wa_pipeline.nlp.intent import DEFAULT_THRESHOLD, OTHER, IntentModel, Tokens, shipped_intent_model
from wa_pipeline.nlp.language import DEFAULT_LANGUAGES, ENGLISH, UNDETERMINED, detect_languages, with_chat_languages
from wa_pipeline.nlp.money import MONEY, stated_total
from wa_pipeline.nlp.patterns import PatternSet
from wa_pipeline.nlp.phones import PHONE
from wa_pipeline.nlp.quantities import QUANTITY
from wa_pipeline.nlp.references import REFERENCE
from wa_pipeline.nlp.sentiment import NEUTRAL, sentiments, shipped_sentiment_model

# Kinds whose text is WhatsApp's, not the sender's ("Messages are end-to-end encrypted",
# "This message was deleted"): reading meaning into it would invent facts.
SILENT_KINDS = frozenset({"system", "deleted"})
# Text another stage read out of the media (OCR, transcription, documents), analysed when present.
MEDIA_TEXT = "media_text"

_LIST_COLUMNS = {
    "phones": frozenset({PHONE}),
    "emails": frozenset({EMAIL}),
    "persons": frozenset({"PERSON"}),
    "orgs": frozenset({"ORG"}),
    "places": frozenset({"GPE", "LOC", "FAC"}),
    "amounts": frozenset({MONEY}),
    "quantities": frozenset({QUANTITY}),
    "references": frozenset({REFERENCE}),
    "dates": frozenset({DATE}),
}
_COLUMN_OF = {label: name for name, labels in _LIST_COLUMNS.items() for label in labels}
_SEPARATOR = "; "


# The most of one message the engines read. Reading grows with length, and not all of it linearly: on this
# project's machine, entity-dense text costs the rules and spaCy about 0.5 s per 1,000 characters and VADER 0.6 s
# for 10,000 but 23 s for 100,000; spaCy refuses over 1,000,000 (E088). 20,000 characters hold any typed message a
# person writes (a chat line is rarely over 1,000) and some ten pages of a document's text, and keep the worst
# message to seconds. A longer message is read on its first `MAX_ANALYSED_CHARS` characters and flagged, so one
# message never blocks its day.
MAX_ANALYSED_CHARS = 20_000
# How far back from the bound a cut looks for a space, so the last word is not halved.
_CUT_LOOKBACK = 200
TRUNCATED_FLAG = "truncated"
FAILED_FLAG = "enrichment_failed"

# Messages enriched together: every intermediate (docs, entity objects, per-message lists) lives for one chunk, so
# a 100,000-message day peaks like a 2,000-message one; the result is the same as enriching the day at once.
CHUNK_SIZE = 2_000


def enrich_messages(
    frame: pd.DataFrame,
    region: str | None,
    *,
    timezone: str | tzinfo = "UTC",
    default_currency: str | None = None,
    date_order: DateOrder = "DMY",
    patterns: str | Path | PatternSet | None = None,
    intent_model: IntentModel | None = None,
    intent_threshold: float = DEFAULT_THRESHOLD,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    language_low_memory: bool = False,
    chunk_size: int = CHUNK_SIZE,
    sentiment_model: IntentModel | None = None,
) -> pd.DataFrame:
    """`frame` (canonical message columns) plus `ENRICHED_COLUMNS`, same rows, order and index.

    `region` is the default phone region (ISO 3166 alpha-2, e.g. "KE") for numbers written without a
    country code, and the currency of "$", "/=", "Rs" unless `default_currency` says otherwise; relative
    dates are read from each message's `sent_at` in `timezone`. `patterns` is a YAML file of the
    business's own entities. Without `intent_model` (or `sentiment_model`), one is trained from the shipped
    examples (once per process). A `media_text` column, when present, is analysed after the text and caption. Messages are
    analysed `chunk_size` at a time. The input frame is left untouched.
    """
    missing = [column for column in ("kind", "text", "caption", "sent_at") if column not in frame.columns]
    if missing:
        raise KeyError(f"enrich_messages needs the message columns {missing}; got {list(frame.columns)}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    model = intent_model if intent_model is not None else shipped_intent_model()
    feeling = sentiment_model if sentiment_model is not None else shipped_sentiment_model()

    def enrich_together(part: pd.DataFrame) -> dict[str, pd.Series]:
        return _enriched_columns(
            part,
            region,
            timezone=timezone,
            default_currency=default_currency,
            date_order=date_order,
            patterns=patterns,
            model=model,
            intent_threshold=intent_threshold,
            languages=languages,
            language_low_memory=language_low_memory,
            sentiment_model=feeling,
        )

    def enrich(part: pd.DataFrame) -> dict[str, pd.Series]:
        # An engine error is one message's problem, never its chunk's or its day's: the chunk is read again
        # message by message, and a message that fails alone is flagged with the error and left unread.
        try:
            return enrich_together(part)
        except Exception:
            pass
        alone = [_enriched_alone(enrich_together, part.iloc[i : i + 1]) for i in range(len(part))]
        return {name: pd.concat([columns[name] for columns in alone]) for name in ENRICHED_COLUMNS}

    starts = range(0, len(frame), chunk_size)
    if len(starts) <= 1:
        added = enrich(frame)
    else:
        parts: dict[str, list[pd.Series]] = {name: [] for name in ENRICHED_COLUMNS}
        for start in starts:
            for name, values in enrich(frame.iloc[start : start + chunk_size]).items():
                parts[name].append(values)
        added = {name: pd.concat(parts.pop(name)) for name in ENRICHED_COLUMNS}
    if "chat_id" in frame.columns:
        # After the chunks, so a short line takes the language of its whole chat however the day was cut.
        media_text = frame[MEDIA_TEXT] if MEDIA_TEXT in frame.columns else [None] * len(frame)
        texts = [
            "" if kind in SILENT_KINDS else bounded(analysed_text(text, caption, extra))
            for kind, text, caption, extra in zip(frame["kind"], frame["text"], frame["caption"], media_text)
        ]
        languages_found = with_chat_languages(texts, list(added["language"]), list(frame["chat_id"]), languages)
        added["language"] = pd.Series(languages_found, index=frame.index, dtype="str")
        added["is_english"] = pd.Series(
            [pd.NA if code == UNDETERMINED else code == ENGLISH for code in languages_found],
            index=frame.index,
            dtype="boolean",
        )
    # A re-enriched frame gets fresh columns in the contract's place, not stale ones kept.
    stale = [name for name in ENRICHED_COLUMNS if name in frame.columns]
    base = frame.drop(columns=stale) if stale else frame
    # The new columns in the contract's order, taken as they are (each was built for this frame alone): building
    # and reordering copies cost milliseconds per call, as much as enriching a dozen messages.
    columns = pd.DataFrame({name: added[name] for name in ENRICHED_COLUMNS}, index=frame.index, copy=False)
    return pd.concat([base, columns], axis=1)


def _enriched_columns(
    frame: pd.DataFrame,
    region: str | None,
    *,
    timezone: str | tzinfo,
    default_currency: str | None,
    date_order: DateOrder,
    patterns: str | Path | PatternSet | None,
    model: IntentModel,
    intent_threshold: float,
    languages: Sequence[str],
    language_low_memory: bool,
    sentiment_model: IntentModel,
) -> dict[str, pd.Series]:
    media_text = frame[MEDIA_TEXT] if MEDIA_TEXT in frame.columns else [None] * len(frame)
    whole = [
        "" if kind in SILENT_KINDS else analysed_text(text, caption, extra)
        for kind, text, caption, extra in zip(frame["kind"], frame["text"], frame["caption"], media_text)
    ]
    texts = [bounded(text) for text in whole]
    sent_at = [moment.to_pydatetime() if isinstance(moment, pd.Timestamp) else None for moment in frame["sent_at"]]
    # The language first: names read a capitalised German noun as a noun, not a name.
    found_languages = detect_languages(texts, languages, low_memory=language_low_memory)
    entities = extract_entities(
        texts,
        region,
        sent_at=sent_at,
        timezone=timezone,
        default_currency=default_currency,
        date_order=date_order,
        patterns=patterns,
        languages=found_languages,
    )
    tokens = Tokens.of(model)
    # German and Swahili lines are read by models of their own; a line too short to tell is read as its chat speaks.
    readers = (
        with_chat_languages(texts, found_languages, list(frame["chat_id"]), languages)
        if "chat_id" in frame
        else found_languages
    )
    intents = model.predict(texts, threshold=intent_threshold, tokens=tokens, languages=readers)
    read = sentiments(
        texts,
        found_languages,
        [p.intent if text else OTHER for p, text in zip(intents, texts)],
        sentiment_model,
        tokens,
    )

    def column(values: Iterable[object], dtype: str) -> pd.Series:
        return pd.Series(list(values), index=frame.index, dtype=dtype)

    listed = _list_columns(entities)
    # The total is read in the message's own words (text and caption), as the sender stated it: a receipt's total in
    # a photo is the shop's figure, not what the message says it paid.
    own_words = (
        "" if kind in SILENT_KINDS else analysed_text(text, caption)
        for kind, text, caption in zip(frame["kind"], frame["text"], frame["caption"])
    )
    return {
        "entities": column((_entities_json(found) for found in entities), "str"),
        **{name: column(values, "str") for name, values in listed.items()},
        "amount": column(map(message_amount, own_words, listed["amounts"]), "str"),
        "sentiment_label": column((label for label, _ in read), "str"),
        "sentiment_score": column((score for _, score in read), "float64"),
        "intent": column((p.intent if text else OTHER for p, text in zip(intents, texts)), "str"),
        "intent_confidence": column((p.confidence for p in intents), "float64"),
        "language": column(found_languages, "str"),
        "is_english": column(
            (pd.NA if language == UNDETERMINED else language == ENGLISH for language in found_languages), "boolean"
        ),
        "mixed_languages": column(mixed_languages(texts, found_languages), "str"),
        "enrichment_flags": column((truncation_flag(full, read) for full, read in zip(whole, texts)), "str"),
    }


def _enriched_alone(enrich_together, row: pd.DataFrame) -> dict[str, pd.Series]:
    try:
        return enrich_together(row)
    except Exception as error:
        reason = " ".join(f"{type(error).__name__}: {error}".split())[:300]
        return _unread(row, f"{FAILED_FLAG}: {reason}")


def _unread(row: pd.DataFrame, flag: str) -> dict[str, pd.Series]:
    """Enrichment of a message no engine could read: no entities, neutral, `other`, undetermined, and why."""

    def column(value: object, dtype: str) -> pd.Series:
        return pd.Series([value] * len(row), index=row.index, dtype=dtype)

    return {
        "entities": column("[]", "str"),
        **{name: column("", "str") for name in _LIST_COLUMNS},
        "amount": column("", "str"),
        "sentiment_label": column(NEUTRAL[0], "str"),
        "sentiment_score": column(float(NEUTRAL[1]), "float64"),
        "intent": column(OTHER, "str"),
        "intent_confidence": column(0.0, "float64"),
        "language": column(UNDETERMINED, "str"),
        "is_english": column(pd.NA, "boolean"),
        "mixed_languages": column("", "str"),
        "enrichment_flags": column(flag, "str"),
    }


def bounded(text: str) -> str:
    """`text`, or its first `MAX_ANALYSED_CHARS` characters cut at a space where one is near the bound."""
    if len(text) <= MAX_ANALYSED_CHARS:
        return text
    space = text.rfind(" ", MAX_ANALYSED_CHARS - _CUT_LOOKBACK, MAX_ANALYSED_CHARS)
    return text[: space if space > 0 else MAX_ANALYSED_CHARS]


def truncation_flag(whole: str, read: str) -> str:
    """'' when `read` is all of `whole`, else how much of it the engines read and why."""
    if len(read) == len(whole):
        return ""
    return f"{TRUNCATED_FLAG}: read the first {len(read):,} of {len(whole):,} characters (bound {MAX_ANALYSED_CHARS:,})"


def analysed_text(text: object, caption: object, media_text: object = None) -> str:
    """What a message says in words: its text, its caption, then the text read from its media, one per line."""
    return "\n".join(part for part in (text, caption, media_text) if isinstance(part, str) and part)


def message_amount(words: str, amounts: str) -> str:
    """The amount a message is about, as the amounts column writes one: the total its words state ("KES 3,200
    each, total KES 9,600" is "KES 9600.00"), else the first of its `amounts`; "" without any."""
    if not amounts:
        return ""
    first = amounts.split(_SEPARATOR, 1)[0]
    return stated_total(bounded(words), first.split(" ", 1)[0]) or first


def _entities_json(found: list[Entity]) -> str:
    return json.dumps([entity.to_dict() for entity in found], ensure_ascii=False)


def _list_columns(entities: list[list[Entity]]) -> dict[str, list[str]]:
    """Each list column's value for each message, its entities read once rather than once per column."""
    columns: dict[str, list[str]] = {name: [] for name in _LIST_COLUMNS}
    for found in entities:
        # Each value once, in the order the message mentions it.
        values: dict[str, dict[str, None]] = {name: {} for name in _LIST_COLUMNS}
        for entity in found:
            name = _COLUMN_OF.get(entity.label)
            if name is not None:
                values[name].setdefault(entity.value)
        for name, seen in values.items():
            columns[name].append(_SEPARATOR.join(seen))
    return columns
