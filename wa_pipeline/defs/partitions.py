"""Messages are partitioned by their local calendar day; a backfill materializes a run of days at a time.

Every daily definition is declared in a factory that takes a `Daily`, and each module hands its factory to
`daily_definitions`: the settings (WA_TIMEZONE, WA_PARTITION_START, WA_BACKFILL_DAYS_PER_RUN) are read when the
definitions are built, never when a module is imported, so a second build in the same process follows them.
"""

from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg

from wa_pipeline.settings import Settings, get_settings


def daily_partitions(settings: Settings) -> dg.DailyPartitionsDefinition:
    """One partition per local day of the business, from the first day the settings name up to today."""
    return dg.DailyPartitionsDefinition(
        start_date=settings.partition_start.isoformat(),
        timezone=settings.timezone,
        # end_offset=1 includes today, so the messages of the day so far can be synced before midnight.
        end_offset=1,
    )


def daily_backfill(settings: Settings) -> dg.BackfillPolicy:
    """The policy of every daily asset: a backfill run takes as many days as the settings allow."""
    # A run pays process start-up, the spaCy, Whisper and tesseract loads and the sheet's read-back once, so a 90-day
    # backfill is 3 runs of 30 days instead of 90 runs. Memory stays one day's worth per step (days are processed one
    # after another), plus the range's output frames.
    return dg.BackfillPolicy.multi_run(max_partitions_per_run=settings.backfill_days_per_run)


@dataclass(frozen=True)
class Daily:
    """The daily partitions and backfill policy that every daily asset, check, sensor and schedule is declared with."""

    partitions: dg.DailyPartitionsDefinition
    backfill: dg.BackfillPolicy

    @classmethod
    def of(cls, settings: Settings) -> "Daily":
        return cls(daily_partitions(settings), daily_backfill(settings))

    @property
    def asset(self) -> dict:
        """The keyword arguments of a daily asset's decorator."""
        return {"partitions_def": self.partitions, "backfill_policy": self.backfill}

    def checks(self, asset: str, described: dict[str, str], *, blocking: bool = True) -> list[dg.AssetCheckSpec]:
        """The daily checks an asset reports itself, one per name with its description (blocking unless told)."""
        return [
            dg.AssetCheckSpec(name, asset=asset, blocking=blocking, partitions_def=self.partitions, description=text)
            for name, text in described.items()
        ]

    @property
    def timezone(self) -> str:
        return self.partitions.timezone

    @property
    def days_per_run(self) -> int | None:
        return self.backfill.max_partitions_per_run


def daily_definitions(build: Callable[[Daily], dg.Definitions]):
    """A module's definitions, made by `build` with the settings as they are when the definitions are built.

    The defs-folder loader takes a module's `@dg.definitions` function instead of its other objects, so the module
    assigns this to a name and declares nothing daily at module level.
    """

    @dg.definitions
    def defs() -> dg.Definitions:
        return build(Daily.of(get_settings()))

    return defs
