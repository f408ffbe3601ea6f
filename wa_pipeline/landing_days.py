"""Which local days a batch of newly landed messages belongs to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo


def days_with_new_messages(sent_at: Iterable[datetime], timezone: str) -> list[str]:
    tz = ZoneInfo(timezone)
    return sorted({moment.astimezone(tz).date().isoformat() for moment in sent_at})
