"""A frame of canonical messages, enriched with entities and sentiment (`enriched_messages`)."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd

from wa_pipeline.nlp.enriched_schema import ENRICHED_COLUMNS
from wa_pipeline.nlp.entities import EMAIL, extract_entities
from wa_pipeline.nlp.entity import Entity
from wa_pipeline.nlp.phones import PHONE
from wa_pipeline.nlp.sentiment import NEUTRAL, score_sentiment

# Kinds whose text is WhatsApp's, not the sender's ("Messages are end-to-end encrypted",
# "This message was deleted"): reading meaning into it would invent facts.
SILENT_KINDS = frozenset({"system", "deleted"})

_LIST_COLUMNS = {
    "phones": frozenset({PHONE}),
    "emails": frozenset({EMAIL}),
    "persons": frozenset({"PERSON"}),
    "orgs": frozenset({"ORG"}),
    "places": frozenset({"GPE", "LOC"}),
}
_SEPARATOR = "; "


def enrich_messages(frame: pd.DataFrame, region: str | None) -> pd.DataFrame:
    """`frame` (canonical message columns) plus `ENRICHED_COLUMNS`, same rows, order and index.

    `region` is the default phone region (ISO 3166 alpha-2, e.g. "KE") for numbers written
    without a country code. The input frame is left untouched.
    """
    missing = [column for column in ("kind", "text", "caption") if column not in frame.columns]
    if missing:
        raise KeyError(f"enrich_messages needs the message columns {missing}; got {list(frame.columns)}")
    texts = [
        "" if kind in SILENT_KINDS else analysed_text(text, caption)
        for kind, text, caption in zip(frame["kind"], frame["text"], frame["caption"])
    ]
    entities = extract_entities(texts, region)
    sentiments = [score_sentiment(text) if text else NEUTRAL for text in texts]

    def column(values: Iterable[object], dtype: str) -> pd.Series:
        return pd.Series(list(values), index=frame.index, dtype=dtype)

    added = {
        "entities": column((_entities_json(found) for found in entities), "str"),
        **{
            name: column((_joined_values(found, labels) for found in entities), "str")
            for name, labels in _LIST_COLUMNS.items()
        },
        "sentiment_label": column((label for label, _ in sentiments), "str"),
        "sentiment_score": column((score for _, score in sentiments), "float64"),
    }
    # A re-enriched frame gets fresh columns in the contract's place, not stale ones kept.
    base = frame.drop(columns=[name for name in ENRICHED_COLUMNS if name in frame.columns])
    enriched = pd.concat([base, pd.DataFrame(added, index=frame.index)], axis=1)
    return enriched[[*base.columns, *ENRICHED_COLUMNS]]


def analysed_text(text: object, caption: object) -> str:
    """What a message says in words: its text, then its caption, one per line."""
    return "\n".join(part for part in (text, caption) if isinstance(part, str) and part)


def _entities_json(found: list[Entity]) -> str:
    return json.dumps([entity.to_dict() for entity in found], ensure_ascii=False)


def _joined_values(found: list[Entity], labels: frozenset[str]) -> str:
    # Each value once, in the order the message mentions it.
    return _SEPARATOR.join(dict.fromkeys(entity.value for entity in found if entity.label in labels))
