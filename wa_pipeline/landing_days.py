"""Which local days a batch of newly landed messages belongs to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def days_with_new_messages(sent_at: Iterable[datetime], timezone: str) -> list[str]:
    tz = ZoneInfo(timezone)
    return sorted({moment.astimezone(tz).date().isoformat() for moment in sent_at})


def runs_of_days(days: Sequence[str], per_run: int) -> list[list[str]]:
    """The days with messages grouped into runs: consecutive days share a run, at most `per_run` to a run.

    A run covers a range of partitions, so a day without messages never joins one: a ten-year history with a
    quiet month is two runs around the month, not a run that materializes thirty empty days.
    """
    runs: list[list[str]] = []
    previous: date | None = None
    for key in sorted(set(days)):
        day = date.fromisoformat(key)
        if runs and previous == day - timedelta(days=1) and len(runs[-1]) < max(per_run, 1):
            runs[-1].append(key)
        else:
            runs.append([key])
        previous = day
    return runs
