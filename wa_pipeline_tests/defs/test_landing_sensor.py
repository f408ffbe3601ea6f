import json
from datetime import datetime, timedelta, timezone

import dagster as dg

from wa_pipeline.defs.resources import Locale, PipelineStorage
from wa_pipeline.message import Message
from wa_pipeline.settings import get_settings
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline_tests.daily_defs import daily_def

landing_sensor = daily_def("landing_sensor")

NAIROBI = timezone(timedelta(hours=3))


def msg(i: int, at: datetime) -> Message:
    return Message(message_id=f"m{i}", chat_id="c", sent_at=at, kind="text", source="cloud_api", text="hi")


def days_of(request: dg.RunRequest) -> list[str]:
    """The days a run request covers: one partition, or a range of them."""
    if request.partition_key is not None:
        return [request.partition_key]
    span = request.partition_key_range
    first, last = datetime.fromisoformat(span.start), datetime.fromisoformat(span.end)
    return [(first + timedelta(days=n)).date().isoformat() for n in range((last - first).days + 1)]


def evaluate(tmp_path, cursor, sensor=landing_sensor):
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(
            instance=instance,
            cursor=cursor,
            resources={
                "storage": PipelineStorage(data_dir=str(tmp_path)),
                "locale": Locale(timezone="Africa/Nairobi", default_region="KE"),
            },
        )
        return sensor(context)


def test_sensor_requests_each_local_day_once_and_advances_its_cursor(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    store.add_messages(
        [
            msg(1, datetime(2026, 11, 16, 9, tzinfo=NAIROBI)),
            msg(2, datetime(2026, 11, 16, 23, 30, tzinfo=NAIROBI)),  # 20:30 UTC, still the 16th in Nairobi
            msg(3, datetime(2026, 11, 17, 0, 30, tzinfo=NAIROBI)),  # the 16th in UTC, the 17th in Nairobi
        ]
    )
    result = evaluate(tmp_path, None)
    [run] = result.run_requests  # two consecutive days share one run
    assert days_of(run) == ["2026-11-16", "2026-11-17"]
    assert json.loads(result.cursor) == {"seq": 3}
    assert result.asset_events[0].asset_key == dg.AssetKey("landing_messages")

    quiet = evaluate(tmp_path, result.cursor)
    assert not quiet.run_requests
    assert quiet.skip_reason is not None


def test_late_message_re_requests_its_own_day_with_a_new_run_key(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    store.add_messages([msg(1, datetime(2026, 11, 16, 9, tzinfo=NAIROBI))])
    first = evaluate(tmp_path, None)
    store.add_messages([msg(1, datetime(2026, 11, 16, 9, tzinfo=NAIROBI))])  # a duplicate delivery: nothing new
    assert not evaluate(tmp_path, first.cursor).run_requests
    store.add_messages([msg(7, datetime(2026, 11, 16, 10, tzinfo=NAIROBI))])  # late, for a day already run
    late = evaluate(tmp_path, first.cursor)
    assert [days_of(r) for r in late.run_requests] == [["2026-11-16"]]
    assert late.run_requests[0].run_key != first.run_requests[0].run_key


def test_a_history_import_is_requested_in_backfill_sized_runs_not_one_run_per_day(tmp_path):
    # 90 days of history in one import, the days before 2024 included (partitions start in WhatsApp's first year).
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    first = datetime(2016, 3, 1, 9, tzinfo=NAIROBI)
    store.add_messages([msg(i, first + timedelta(days=i)) for i in range(90)])
    result = evaluate(tmp_path, None)
    assert len(result.run_requests) <= 3  # ceil(90 / WA_BACKFILL_DAYS_PER_RUN=30)
    covered = [day for run in result.run_requests for day in days_of(run)]
    assert covered == [(first + timedelta(days=i)).date().isoformat() for i in range(90)]
    assert len({r.run_key for r in result.run_requests}) == len(result.run_requests)


def test_quiet_days_of_a_history_are_not_runs_of_empty_days(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    days = [datetime(2016, 3, d, 9, tzinfo=NAIROBI) for d in (1, 2, 3, 20, 21)]
    store.add_messages([msg(i, at) for i, at in enumerate(days)])
    result = evaluate(tmp_path, None)
    assert [days_of(r) for r in result.run_requests] == [
        ["2016-03-01", "2016-03-02", "2016-03-03"],
        ["2016-03-20", "2016-03-21"],
    ]


def test_a_range_request_is_one_the_sensor_definition_accepts(tmp_path):
    # Resolved as Dagster resolves a tick (not only the function's return value), against the real definitions.
    from wa_pipeline.definitions import defs

    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    store.add_messages([msg(i, datetime(2016, 3, 1 + i, 9, tzinfo=NAIROBI)) for i in range(3)])
    definitions = defs()
    with dg.instance_for_test() as instance:
        with dg.build_sensor_context(
            instance=instance,
            repository_def=definitions.get_repository_def(),
            resources={
                "storage": PipelineStorage(data_dir=str(tmp_path)),
                "locale": Locale(timezone="Africa/Nairobi", default_region="KE"),
            },
        ) as context:
            [request] = definitions.resolve_sensor_def("landing_sensor").evaluate_tick(context).run_requests
    assert request.partition_key_range == dg.PartitionKeyRange("2016-03-01", "2016-03-03")


def test_the_sensor_built_with_another_backfill_setting_requests_runs_of_that_many_days(fresh_settings, tmp_path):
    fresh_settings.setenv("WA_BACKFILL_DAYS_PER_RUN", "5")
    get_settings.cache_clear()
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    first = datetime(2026, 3, 1, 9, tzinfo=NAIROBI)
    store.add_messages([msg(i, first + timedelta(days=i)) for i in range(12)])
    # Read when the definitions are built, not when the module was imported (then 30 days per run, one run here).
    result = evaluate(tmp_path, None, sensor=daily_def("landing_sensor"))
    assert [len(days_of(run)) for run in result.run_requests] == [5, 5, 2]


def run_as_the_cli_does(instance: dg.DagsterInstance, days: list[str], landing_mark: int) -> None:
    """A successful `daily_pipeline` run over `days`, tagged as `wa-pipeline run` tags its runs (a stand-in asset:
    the sensor reads the run's record, not its assets)."""
    from wa_pipeline.defs._shared.day_range import run_scope, tagged
    from wa_pipeline.defs._shared.landing_coverage import landing_tag

    partitions = dg.DailyPartitionsDefinition(start_date="2026-11-01", end_offset=1)

    @dg.asset(partitions_def=partitions, backfill_policy=dg.BackfillPolicy.single_run())
    def raw_messages(context: dg.AssetExecutionContext) -> None:
        """A stand-in for the day's messages."""

    job = dg.Definitions(
        assets=[raw_messages], jobs=[dg.define_asset_job("daily_pipeline", selection=[raw_messages])]
    ).resolve_job_def("daily_pipeline")
    assert job.execute_in_process(instance=instance, **tagged(run_scope(days), landing_tag(landing_mark))).success


def test_days_that_wa_pipeline_run_already_ran_are_not_queued_again_unless_new_messages_land(tmp_path):
    """A user ran `wa-pipeline run`, then opened `make dev`: the sensor's first tick (no cursor) queued every day
    again, the same rows synced a second time."""
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    store.add_messages(
        [msg(1, datetime(2026, 11, 16, 9, tzinfo=NAIROBI)), msg(2, datetime(2026, 11, 17, 9, tzinfo=NAIROBI))]
    )
    resources = {
        "storage": PipelineStorage(data_dir=str(tmp_path)),
        "locale": Locale(timezone="Africa/Nairobi", default_region="KE"),
    }
    with dg.instance_for_test() as instance:

        def tick(cursor):
            return landing_sensor(dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources))

        run_as_the_cli_does(instance, ["2026-11-16", "2026-11-17"], landing_mark=2)
        first = tick(None)
        assert first.run_requests == [] and json.loads(first.cursor) == {"seq": 2}
        assert "already run" in first.skip_reason.skip_message

        # New messages: the day they belong to is queued, the day without any is not; so is a day never run.
        store.add_messages(
            [msg(3, datetime(2026, 11, 17, 10, tzinfo=NAIROBI)), msg(4, datetime(2026, 11, 18, 9, tzinfo=NAIROBI))]
        )
        for cursor in (None, first.cursor):  # a new instance's sensor, or the one that ticked before
            assert [days_of(r) for r in tick(cursor).run_requests] == [["2026-11-17", "2026-11-18"]]
        # A run that read the store before message 3 landed does not cover the 17th either.
        run_as_the_cli_does(instance, ["2026-11-17"], landing_mark=2)
        assert [days_of(r) for r in tick(None).run_requests] == [["2026-11-17", "2026-11-18"]]
        run_as_the_cli_does(instance, ["2026-11-17", "2026-11-18"], landing_mark=4)
        assert tick(None).run_requests == []


def test_a_run_launched_without_a_landing_mark_records_the_one_it_read_the_store_at(tmp_path):
    """The nightly schedule and a UI backfill launch `daily_pipeline` with no landing mark: the sensor, turned on
    (or started afresh) afterwards, queued the days they had already run."""
    from wa_pipeline.defs._shared.day_range import run_scope
    from wa_pipeline.defs._shared.landing_coverage import LANDING_SEQ_TAG
    from wa_pipeline.defs._shared.parquet_io_manager import ParquetFrameIOManager

    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    store.add_messages(
        [msg(1, datetime(2026, 11, 16, 9, tzinfo=NAIROBI)), msg(2, datetime(2026, 11, 17, 9, tzinfo=NAIROBI))]
    )
    storage = PipelineStorage(data_dir=str(tmp_path))
    resources = {"storage": storage, "locale": Locale(timezone="Africa/Nairobi", default_region="KE")}
    job = dg.Definitions(
        assets=[daily_def("raw_messages")],
        jobs=[dg.define_asset_job("daily_pipeline", selection=["raw_messages"])],
        resources={"storage": storage, "io_manager": ParquetFrameIOManager(data_dir=str(tmp_path))},
    ).resolve_job_def("daily_pipeline")
    with dg.instance_for_test() as instance:

        def tick():
            return landing_sensor(dg.build_sensor_context(instance=instance, cursor=None, resources=resources))

        assert tick().run_requests  # never run: queued
        result = job.execute_in_process(instance=instance, **run_scope(["2026-11-16", "2026-11-17"]))
        assert result.success
        assert instance.get_run_by_id(result.run_id).tags[LANDING_SEQ_TAG] == "2"
        assert tick().run_requests == []

        store.add_messages([msg(3, datetime(2026, 11, 17, 10, tzinfo=NAIROBI))])
        assert [days_of(r) for r in tick().run_requests] == [["2026-11-17"]]
        # A mark given at launch (`wa-pipeline run` reads it before its first run) is the one kept.
        tagged = job.execute_in_process(instance=instance, partition_key="2026-11-17", tags={LANDING_SEQ_TAG: "2"})
        assert instance.get_run_by_id(tagged.run_id).tags[LANDING_SEQ_TAG] == "2"
        assert [days_of(r) for r in tick().run_requests] == [["2026-11-17"]]
