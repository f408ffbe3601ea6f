"""Rules an enriched partition must satisfy."""

from __future__ import annotations

import json

import pandas as pd

from wa_pipeline.message import MESSAGE_COLUMNS
from wa_pipeline.nlp.enriched_schema import ENRICHED_COLUMNS
from wa_pipeline.quality.outcome import Outcome

SAMPLE = 5


def values_valid(frame: pd.DataFrame) -> Outcome:
    missing = [c for c in (*MESSAGE_COLUMNS, *ENRICHED_COLUMNS) if c not in frame.columns]
    if missing:
        return Outcome(False, "enriched columns are missing", {"missing_columns": missing})
    scores = frame["sentiment_score"].astype(float)
    bad_scores = (scores < -1) | (scores > 1) | scores.isna()
    bad_lists = frame["entities"].map(lambda value: not _is_list(value)).astype(bool)
    out_of_range, bad_entities = int(bad_scores.sum()), int(bad_lists.sum())
    ok = out_of_range == 0 and bad_entities == 0
    examples = [str(x) for x in frame.loc[bad_scores | bad_lists, "message_id"].head(SAMPLE)]
    return Outcome(
        ok,
        "sentiment and entities are well-formed"
        if ok
        else f"some enrichment values are invalid: {', '.join(examples)}",
        {"sentiment_out_of_range": out_of_range, "malformed_entity_lists": bad_entities, "examples": examples},
    )


def _is_list(value) -> bool:
    try:
        return isinstance(json.loads(value), list)
    except (TypeError, ValueError):
        return False
