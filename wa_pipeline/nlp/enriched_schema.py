"""Columns `enrich_messages` adds to the canonical message frame: the contract of `enriched_messages`."""

ENRICHED_COLUMNS = (
    "entities",         # JSON list of {"label", "text", "start", "end", "value", "source": "model"|"rule"}
    "phones",           # E.164 numbers, "; "-joined
    "emails",           # "; "-joined
    "persons",          # PERSON entities, "; "-joined
    "orgs",             # ORG entities, "; "-joined
    "places",           # GPE/LOC entities, "; "-joined
    "sentiment_label",  # positive | neutral | negative
    "sentiment_score",  # VADER compound in [-1, 1] (float)
)
