"""Columns `enrich_messages` adds to the canonical message frame: the contract of `enriched_messages`."""

ENRICHED_COLUMNS = (
    "entities",  # JSON list of {"label", "text", "start", "end", "value", "source": "model"|"rule"}
    "phones",  # E.164 numbers, "; "-joined
    "emails",  # "; "-joined
    "persons",  # PERSON entities, "; "-joined
    "orgs",  # ORG entities, "; "-joined
    "places",  # GPE/LOC/FAC entities, "; "-joined
    "sentiment_label",  # positive | neutral | negative
    "sentiment_score",  # VADER compound in [-1, 1] (float)
    "amounts",  # MONEY values, "; "-joined: "KES 3500.00; USD 20.00"
    "amount",  # the one amount the message is about: the total it states, else its first amount ("KES 9600.00"), or ""
    "quantities",  # QUANTITY values, "; "-joined: "20 loaf; 5 bag of maize"
    "references",  # REFERENCE values, "; "-joined: "order:4521; transaction:QK7XZ12AB3"
    "dates",  # DATE values (ISO date or datetime with offset), "; "-joined
    "intent",  # order | inquiry | complaint | payment | booking | cancellation | feedback | greeting | other
    "intent_confidence",  # probability of the best intent in [0, 1] (float); 0.0 for a message without words
    "language",  # ISO 639-1 code ("en", "sw"); "" when too short to tell
    "is_english",  # True / False; missing (NA) when the language is undetermined
    "mixed_languages",  # other languages the message switches into ("en" in "payment kal kar dunga"), "; "-joined
    "enrichment_flags",  # "" or why a message was read only in part or not at all, "; "-joined (`enrich.py`)
)
