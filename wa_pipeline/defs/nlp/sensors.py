"""Retraining without anyone asking: the intent model is rebuilt as soon as its examples change."""

import dagster as dg

from wa_pipeline.defs.nlp.assets import intent_model

# Dagster's default automation sensor starts stopped; this one runs from the first `dagster dev`, so a new
# examples file (a new code version of `intent_model`) retrains the model at the next daemon tick.
intent_model_automation = dg.AutomationConditionSensorDefinition(
    "intent_model_automation",
    target=dg.AssetSelection.assets(intent_model),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Materializes intent_model when it is missing or its examples (its code version) changed.",
)
