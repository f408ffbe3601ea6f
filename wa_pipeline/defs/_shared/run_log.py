"""Lines for a run's Dagster log, as the logs' PII policy lets them hold: Dagster's own loggers are not the
`wa_pipeline.*` loggers the policy's filter watches, so what a step says there passes here."""

from wa_pipeline.privacy.pii_policy import PiiPolicy
from wa_pipeline.settings import get_settings


def for_the_log(line: str) -> str:
    """`line` with the numbers, e-mail addresses and wamids in it as WA_PII_LOGS_* say."""
    settings = get_settings()
    return PiiPolicy.load(settings.pii, settings.data_dir).scrub_text("logs", line)
