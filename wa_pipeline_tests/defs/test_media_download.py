import hashlib
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from wa_pipeline.defs.ingest.media_download import downloaded_media, media_download_sensor
from wa_pipeline.defs.resources import GraphApi, PipelineStorage
from wa_pipeline.message import MediaRef, Message
from wa_pipeline_tests.fakes.graph_api import DEFAULT_TOKEN, FakeGraphApi

T0 = datetime(2026, 11, 16, 9, tzinfo=UTC)
VOICE_NOTE = b"OggS" + bytes(range(256)) * 64


def voice_note(i: int, media_id: str, data: bytes) -> Message:
    return Message(
        message_id=f"wamid.voice{i}",
        chat_id="254700000001",
        sent_at=T0,
        kind="voice",
        source="cloud_api",
        media=MediaRef(
            remote_id=media_id,
            mime="audio/ogg; codecs=opus",
            sha256=hashlib.sha256(data).hexdigest(),
            filename=None,
            bytes=None,
        ),
    )


@pytest.fixture
def graph():
    with FakeGraphApi() as fake:
        yield fake


@pytest.fixture
def storage(tmp_path, landing_target) -> PipelineStorage:
    """The data directory under tmp, with the landing store in its SQLite file or on PostgreSQL."""
    url = None if isinstance(landing_target, Path) else landing_target
    return PipelineStorage(data_dir=str(tmp_path), landing_url=url)


def materialize(storage: PipelineStorage, graph_api: GraphApi) -> dg.ExecuteInProcessResult:
    with dg.instance_for_test() as instance:
        return dg.materialize(
            [downloaded_media],
            resources={"storage": storage, "graph_api": graph_api},
            instance=instance,
            raise_on_error=False,
        )


def evaluate_sensor(storage: PipelineStorage, cursor=None) -> dg.SensorResult:
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"storage": storage})
        return media_download_sensor(context)


def test_materializing_downloads_landed_media_and_reports_numbers(storage, graph):
    storage.landing().add_messages([voice_note(1, graph.add_media(VOICE_NOTE, "audio/ogg"), VOICE_NOTE)])

    result = materialize(storage, GraphApi(access_token=DEFAULT_TOKEN, base_url=graph.base_url))

    assert result.success
    assert storage.media().read(hashlib.sha256(VOICE_NOTE).hexdigest()) == VOICE_NOTE
    [event] = result.asset_materializations_for_node("downloaded_media")
    metadata = {key: value.value for key, value in event.metadata.items()}
    assert (metadata["downloaded"], metadata["failed"], metadata["dead_lettered"], metadata["still_pending"]) == (
        1,
        0,
        0,
        0,
    )
    assert isinstance(metadata["duration_s"], float) and metadata["bytes_per_s"] > 0
    assert all(DEFAULT_TOKEN not in str(value) for value in metadata.values())


def test_bad_items_do_not_fail_the_asset(storage, graph):
    corrupted = graph.add_media(VOICE_NOTE, "audio/ogg")
    graph.corrupt_download(corrupted)
    storage.landing().add_messages([voice_note(1, corrupted, VOICE_NOTE)])

    result = materialize(storage, GraphApi(access_token=DEFAULT_TOKEN, base_url=graph.base_url))

    assert result.success
    [event] = result.asset_materializations_for_node("downloaded_media")
    assert event.metadata["dead_lettered"].value == 1
    [letter] = storage.dead_letters().list()
    assert letter.stage == "media_download" and letter.item_key == "wamid.voice1"


def test_without_a_token_waiting_media_fails_the_asset_naming_the_variable(storage, graph):
    storage.landing().add_messages([voice_note(1, graph.add_media(VOICE_NOTE), VOICE_NOTE)])

    result = materialize(storage, GraphApi(access_token=None, base_url=graph.base_url))

    assert not result.success
    [failure] = result.get_step_failure_events()
    assert "WA_ACCESS_TOKEN is not set" in failure.step_failure_data.error.message
    assert graph.requests == []


def test_without_a_token_and_nothing_to_fetch_the_asset_succeeds(storage):
    storage.landing()
    result = materialize(storage, GraphApi(access_token=None))
    assert result.success


def test_a_refused_token_fails_the_asset_with_what_to_fix(storage, graph):
    storage.landing().add_messages([voice_note(1, graph.add_media(VOICE_NOTE), VOICE_NOTE)])

    result = materialize(storage, GraphApi(access_token="EAAG-expired", base_url=graph.base_url))

    assert not result.success
    message = result.get_step_failure_events()[0].step_failure_data.error.message
    assert "WA_ACCESS_TOKEN" in message and "EAAG-expired" not in message


def test_the_sensor_requests_a_run_only_while_media_is_pending(storage, graph):
    store = storage.landing()
    assert evaluate_sensor(storage).skip_reason

    store.add_messages(
        [Message(message_id="wamid.text", chat_id="c", sent_at=T0, kind="text", source="cloud_api", text="just text")]
    )
    assert not evaluate_sensor(storage).run_requests

    media_id = graph.add_media(VOICE_NOTE, "audio/ogg")
    store.add_messages([voice_note(1, media_id, VOICE_NOTE)])
    landed = evaluate_sensor(storage)
    [request] = landed.run_requests
    # Ticks over unchanged data repeat the key, so a queued run is not requested twice.
    assert evaluate_sensor(storage, landed.cursor).run_requests[0].run_key == request.run_key

    graph.fail_next("download", status=500)
    api = GraphApi(access_token=DEFAULT_TOKEN, base_url=graph.base_url)
    assert materialize(storage, api).success
    [retry] = evaluate_sensor(storage, landed.cursor).run_requests
    assert retry.run_key != request.run_key, "media left pending by a run gets a new run"

    assert materialize(storage, api).success
    done = evaluate_sensor(storage, landed.cursor)
    assert not done.run_requests and done.skip_reason


def test_definitions_load_with_and_without_the_token(data_dir, monkeypatch):
    from wa_pipeline.definitions import defs

    monkeypatch.delenv("WA_ACCESS_TOKEN", raising=False)
    unset = defs()
    dg.Definitions.validate_loadable(unset)
    assert unset.resources["graph_api"].access_token is None
    assert unset.resolve_sensor_def("media_download_sensor").default_status == dg.DefaultSensorStatus.RUNNING
    assert dg.AssetKey("downloaded_media") in unset.resolve_asset_graph().get_all_asset_keys()

    monkeypatch.setenv("WA_ACCESS_TOKEN", "EAAG-from-the-environment")
    loaded = defs()
    dg.Definitions.validate_loadable(loaded)
    # The token stays an environment reference in the config the UI shows, never the value.
    assert loaded.resources["graph_api"].access_token == dg.EnvVar("WA_ACCESS_TOKEN")
