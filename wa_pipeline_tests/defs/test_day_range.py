"""A step over a range of days reports every day on its own: metadata, Parquet files and check results, and a
blocking check that fails on one day still stops what is downstream."""

import dagster as dg
import pandas as pd

from wa_pipeline.defs._shared.day_range import DayFrames, DayResult, frames_by_day, materialize_days
from wa_pipeline.defs._shared.parquet_io_manager import ParquetFrameIOManager
from wa_pipeline_tests.daily_defs import daily

DAYS = ["2026-10-01", "2026-10-02", "2026-10-03"]
RANGE = {"dagster/asset_partition_range_start": DAYS[0], "dagster/asset_partition_range_end": DAYS[-1]}
BAD_DAY = DAYS[1]
DAILY = daily()


@dg.asset(
    **DAILY.asset,
    check_specs=[dg.AssetCheckSpec("positive", asset="counts", blocking=True, partitions_def=DAILY.partitions)],
)
def counts(context: dg.AssetExecutionContext):
    """A number per day; the bad day's is negative."""
    days = {}
    for day in context.partition_keys:
        value = -1 if day == BAD_DAY else int(day[-2:])
        days[day] = DayResult(
            value=pd.DataFrame({"day": [day], "value": [value]}),
            metadata={"dagster/row_count": 1, "value": value},
            checks=[dg.AssetCheckResult(check_name="positive", passed=value > 0)],
        )
    yield from materialize_days(context, days)


@dg.asset(**DAILY.asset)
def doubled(context: dg.AssetExecutionContext, counts: DayFrames):
    """Twice each day's number."""
    days = {
        day: DayResult(value=frame.assign(value=frame["value"] * 2))
        for day, frame in frames_by_day(counts, context.partition_keys).items()
    }
    yield from materialize_days(context, days)


def run_range(tmp_path, assets, **kwargs) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        assets,
        tags=RANGE,
        resources={"io_manager": ParquetFrameIOManager(data_dir=str(tmp_path))},
        raise_on_error=False,
        **kwargs,
    )


def test_each_day_of_a_range_gets_its_own_file_metadata_and_check_evaluation(tmp_path, monkeypatch):
    monkeypatch.setattr("wa_pipeline_tests.defs.test_day_range.BAD_DAY", "none")
    with dg.instance_for_test() as instance:
        result = run_range(tmp_path, [counts, doubled], instance=instance)
        assert result.success
        for day in DAYS:
            frame = pd.read_parquet(tmp_path / "frames" / "doubled" / f"{day}.parquet")
            assert frame.to_dict("records") == [{"day": day, "value": 2 * int(day[-2:])}]
        values = {m.partition: m.metadata["value"].value for m in result.asset_materializations_for_node("counts")}
        assert values == {day: int(day[-2:]) for day in DAYS}
        evaluations = result.get_asset_check_evaluations()
        assert sorted((e.partition, e.passed) for e in evaluations) == [(day, True) for day in DAYS]
        history = instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("counts"), "positive"), limit=10
        )
        assert sorted((record.partition, record.status.value) for record in history) == [
            (day, "SUCCEEDED") for day in DAYS
        ]


def test_a_blocking_check_failing_on_one_day_reports_that_day_and_stops_downstream(tmp_path):
    with dg.instance_for_test() as instance:
        result = run_range(tmp_path, [counts, doubled], instance=instance)
        assert not result.success
        evaluations = result.get_asset_check_evaluations()
        assert sorted((e.partition, e.passed) for e in evaluations) == [
            (DAYS[0], True),
            (DAYS[1], False),
            (DAYS[2], True),
        ]
        assert not (tmp_path / "doubled").exists()
        assert instance.get_materialized_partitions(dg.AssetKey("doubled")) == set()
