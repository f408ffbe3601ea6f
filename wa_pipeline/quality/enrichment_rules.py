"""Rules an enriched partition must satisfy."""

from __future__ import annotations

import json

import pandas as pd

from wa_pipeline.message import MESSAGE_COLUMNS
from wa_pipeline.nlp.enriched_schema import ENRICHED_COLUMNS
from wa_pipeline.quality.outcome import Outcome


def values_valid(frame: pd.DataFrame) -> Outcome:
    missing = [c for c in (*MESSAGE_COLUMNS, *ENRICHED_COLUMNS) if c not in frame.columns]
    if missing:
        return Outcome(False, "enriched columns are missing", {"missing_columns": missing})
    scores = frame["sentiment_score"].astype(float)
    out_of_range = int(((scores < -1) | (scores > 1) | scores.isna()).sum())
    bad_entities = 0
    for value in frame["entities"]:
        try:
            if not isinstance(json.loads(value), list):
                bad_entities += 1
        except (TypeError, ValueError):
            bad_entities += 1
    ok = out_of_range == 0 and bad_entities == 0
    return Outcome(
        ok,
        "sentiment and entities are well-formed" if ok else "some enrichment values are invalid",
        {"sentiment_out_of_range": out_of_range, "malformed_entity_lists": bad_entities},
    )
