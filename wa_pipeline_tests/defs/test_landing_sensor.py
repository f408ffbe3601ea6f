import json
from datetime import datetime, timedelta, timezone

import dagster as dg

from wa_pipeline.defs.ingest.sensors import landing_sensor
from wa_pipeline.defs.resources import Locale, PipelineStorage
from wa_pipeline.message import Message
from wa_pipeline.store.sqlite_landing import SqliteLandingStore

NAIROBI = timezone(timedelta(hours=3))


def msg(i: int, at: datetime) -> Message:
    return Message(message_id=f"m{i}", chat_id="c", sent_at=at, kind="text", source="cloud_api", text="hi")


def evaluate(tmp_path, cursor):
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(
            instance=instance,
            cursor=cursor,
            resources={
                "storage": PipelineStorage(data_dir=str(tmp_path)),
                "locale": Locale(timezone="Africa/Nairobi", default_region="KE"),
            },
        )
        return landing_sensor(context)


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
    assert sorted(r.partition_key for r in result.run_requests) == ["2026-11-16", "2026-11-17"]
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
    assert [r.partition_key for r in late.run_requests] == ["2026-11-16"]
    assert late.run_requests[0].run_key != first.run_requests[0].run_key


def test_messages_outside_the_partitions_are_not_requested(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    store.add_messages([msg(1, datetime(2019, 1, 1, 9, tzinfo=NAIROBI))])
    result = evaluate(tmp_path, None)
    assert result.run_requests == []
    assert json.loads(result.cursor) == {"seq": 1}
