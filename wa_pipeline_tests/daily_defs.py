"""The daily definitions as the code location builds them, for tests that materialize or evaluate a few of them.

Each daily module declares its definitions in `build(daily)`; this builds them all with the settings of now, once
per set of daily settings, and finds one by name.
"""

from functools import lru_cache

import dagster as dg

from wa_pipeline.defs.ingest import assets as ingest_assets
from wa_pipeline.defs.ingest import consent, sensors
from wa_pipeline.defs.media import assets as media_assets
from wa_pipeline.defs.media import checks as media_checks
from wa_pipeline.defs.nlp import assets as nlp_assets
from wa_pipeline.defs.ops import schedules
from wa_pipeline.defs.partitions import Daily
from wa_pipeline.defs.privacy import schedules as privacy_schedules
from wa_pipeline.defs.sync import assets as sync_assets
from wa_pipeline.defs.sync import business_records, tabs
from wa_pipeline.defs.sync import checks as sync_checks
from wa_pipeline.settings import get_settings

DAILY_MODULES = (
    ingest_assets,
    consent,
    sensors,
    media_assets,
    media_checks,
    nlp_assets,
    sync_assets,
    business_records,
    sync_checks,
    tabs,
    schedules,
    privacy_schedules,
)


def daily() -> Daily:
    """The daily partitions and backfill policy of the settings of now."""
    return Daily.of(get_settings())


@lru_cache(maxsize=8)
def _by_name(timezone: str, start: str, days_per_run: int) -> dict:
    built = dg.Definitions.merge(*(module.build(daily()) for module in DAILY_MODULES))
    found = {}
    for asset in built.assets or []:
        keys = asset.keys if isinstance(asset, dg.AssetsDefinition) else [asset.key]
        found.update({key.to_user_string(): asset for key in keys})
    for check in built.asset_checks or []:
        found.update({key.name: check for key in check.check_keys})
    found.update({sensor.name: sensor for sensor in built.sensors or []})
    found.update({schedule.name: schedule for schedule in built.schedules or []})
    return found


def daily_def(name: str):
    """The daily asset (by key), check, sensor or schedule (by name) called `name`, built with the settings of now."""
    settings = get_settings()
    return _by_name(settings.timezone, settings.partition_start.isoformat(), settings.backfill_days_per_run)[name]
