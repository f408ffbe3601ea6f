"""Settings are read when definitions are built, not when their modules are imported."""

from wa_pipeline.defs.partitions import daily_backfill, daily_partitions
from wa_pipeline.settings import get_settings


def _build(monkeypatch, timezone: str):
    """The code location as the UI builds it, after WA_TIMEZONE changed in this process."""
    from wa_pipeline.definitions import defs

    monkeypatch.setenv("WA_TIMEZONE", timezone)
    get_settings.cache_clear()
    return defs()


def test_the_daily_partitions_follow_the_settings_they_are_built_from(fresh_settings):
    fresh_settings.setenv("WA_TIMEZONE", "Africa/Nairobi")
    fresh_settings.setenv("WA_PARTITION_START", "2024-02-01")
    fresh_settings.setenv("WA_BACKFILL_DAYS_PER_RUN", "7")
    get_settings.cache_clear()
    daily = daily_partitions(get_settings())
    assert (daily.timezone, daily.start.date().isoformat()) == ("Africa/Nairobi", "2024-02-01")
    assert daily_backfill(get_settings()).max_partitions_per_run == 7

    fresh_settings.setenv("WA_TIMEZONE", "America/Lima")
    get_settings.cache_clear()
    assert daily_partitions(get_settings()).timezone == "America/Lima"


def test_the_backends_follow_wa_timezone_between_two_builds(fresh_settings):
    # The resources and the executor are made in a @dg.definitions function (defs/backends.py): built, not imported.
    assert _build(fresh_settings, "Africa/Nairobi").resources["locale"].timezone == "Africa/Nairobi"
    assert _build(fresh_settings, "America/Lima").resources["locale"].timezone == "America/Lima"


def _daily_timezones(built) -> dict[str, str]:
    """The timezone of every partitioned asset and check, and of every schedule, in a build of the code location."""
    zones = {}
    for asset in built.assets:
        partitions = getattr(asset, "partitions_def", None)
        if partitions is not None:
            zones.update({key.to_user_string(): partitions.timezone for key in asset.keys})
    # Checks declared on an asset (check_specs) and checks of their own (@asset_check).
    specs = [spec for asset in built.assets for spec in getattr(asset, "check_specs", [])]
    specs += [spec for check in built.asset_checks for spec in check.check_specs]
    for spec in specs:
        if spec.partitions_def is not None:
            zones[f"{spec.asset_key.to_user_string()}:{spec.name}"] = spec.partitions_def.timezone
    zones.update({schedule.name: schedule.execution_timezone for schedule in built.schedules})
    # Assets materialized on a cron (the nightly report): the timezone their cron ticks in.
    for asset in built.assets:
        for key, condition in getattr(asset, "automation_conditions_by_key", {}).items():
            ticks = _cron_timezones(condition)
            if ticks:
                zones[f"{key.to_user_string()}:cron"] = ticks.pop() if len(ticks) == 1 else str(sorted(ticks))
    return zones


def _cron_timezones(condition) -> set[str]:
    """The timezones of every cron tick an automation condition waits for."""
    found = {condition.cron_timezone} if hasattr(condition, "cron_timezone") else set()
    for child in getattr(condition, "children", []):
        found |= _cron_timezones(child)
    return found


def test_every_daily_definition_follows_wa_timezone_between_two_builds(fresh_settings):
    nairobi = _daily_timezones(_build(fresh_settings, "Africa/Nairobi"))
    lima = _daily_timezones(_build(fresh_settings, "America/Lima"))
    # Every daily asset, its checks and both nightly schedules: not one left in the first build's timezone.
    assert {"raw_messages", "messages_sheet", "orders_sheet", "daily_schedule", "retention_schedule"} <= set(nairobi)
    # The report ticked at 02:30 UTC: 05:30 in Nairobi, 21:30 the day before in Lima, before that night's re-run.
    assert "daily_report:cron" in nairobi
    assert "raw_messages:schema_valid" in nairobi and "messages_sheet:sheet_reconciled" in nairobi
    assert len(nairobi) >= 40
    assert set(nairobi.values()) == {"Africa/Nairobi"}
    assert lima.keys() == nairobi.keys() and set(lima.values()) == {"America/Lima"}
