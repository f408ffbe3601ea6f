"""Each day's messages with entities and sentiment."""

import dagster as dg
import pandas as pd

from wa_pipeline.defs.partitions import DAILY
from wa_pipeline.defs.resources import Locale
from wa_pipeline.defs.run_metrics import Stopwatch, check_result
from wa_pipeline.nlp.enrich import enrich_messages
from wa_pipeline.quality import enrichment_rules, message_rules

ENRICHED_CHECKS = [
    dg.AssetCheckSpec("all_messages_enriched", asset="enriched_messages", blocking=True,
                      description="Every raw message of the day is enriched, and no other."),
    dg.AssetCheckSpec("enrichment_values_valid", asset="enriched_messages", blocking=True,
                      description="Sentiment scores lie in [-1, 1] and entity lists are well-formed."),
]


@dg.asset(
    partitions_def=DAILY,
    group_name="nlp",
    kinds={"spacy", "pandas", "parquet"},
    check_specs=ENRICHED_CHECKS,
)
def enriched_messages(raw_messages: pd.DataFrame, locale: Locale):
    """The day's messages with people, places, organisations, phone numbers, emails and sentiment."""
    watch = Stopwatch()
    enriched = enrich_messages(raw_messages, region=locale.default_region)
    labels = enriched["sentiment_label"].value_counts().to_dict() if len(enriched) else {}
    return dg.MaterializeResult(
        value=enriched,
        metadata={
            **watch.metadata(len(enriched), unit="messages"),
            "messages_with_phones": dg.MetadataValue.int(int((enriched["phones"] != "").sum())),
            "sentiment": dg.MetadataValue.json({str(k): int(v) for k, v in labels.items()}),
        },
        check_results=[
            check_result(message_rules.same_ids(raw_messages, enriched, "enriched_messages"), "all_messages_enriched"),
            check_result(enrichment_rules.values_valid(enriched), "enrichment_values_valid"),
        ],
    )
