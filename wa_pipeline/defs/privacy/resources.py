"""The retention policy as a resource: how many days to keep (WA_RETENTION_DAYS) and the clock it is measured by."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import dagster as dg

from wa_pipeline.privacy.pii_policy import PiiPolicy, install_log_policy
from wa_pipeline.privacy.retention import retention_cut
from wa_pipeline.settings import get_settings


class RetentionPolicy(dg.ConfigurableResource):
    """Keep `days` days (None: keep everything). `now` fixes the clock (ISO time, for tests); unset: the wall clock."""

    days: int | None = None
    now: str | None = None

    def cut(self, tz: ZoneInfo) -> datetime | None:
        """What was sent before this time is past retention; None when retention is off."""
        if self.days is None:
            return None
        moment = datetime.fromisoformat(self.now) if self.now else datetime.now(UTC)
        return retention_cut(moment, self.days, tz)


@dg.definitions
def privacy_resources() -> dg.Definitions:
    settings = get_settings()
    # Wherever the code location runs (webserver, daemon, run workers), the package's log lines pass the logs' policy.
    install_log_policy(PiiPolicy.load(settings.pii, settings.data_dir))
    return dg.Definitions(resources={"retention": RetentionPolicy(days=settings.retention_days)})
