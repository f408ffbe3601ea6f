import hashlib
import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg2
import pytest

from wa_pipeline.message import MediaRef, Message
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.landing_factory import open_landing_store
from wa_pipeline.store.media_download_ledger import MediaDownloadLedger, pending_downloads
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.whatsapp.graph_media import MIB, GraphAuthError, GraphMediaClient
from wa_pipeline.whatsapp.media_downloads import STAGE, DownloadSummary, download_pending_media
from wa_pipeline_tests.fakes.graph_api import DEFAULT_TOKEN, FakeGraphApi

T0 = datetime(2026, 11, 16, 9, tzinfo=UTC)


def photo(n: int) -> bytes:
    return b"\xff\xd8\xff\xe0" + f"photo {n}".encode() * 200 + b"\xff\xd9"


def media_message(
    i: int,
    media_id: str,
    data: bytes | None = None,
    mime: str = "image/jpeg",
    kind: str = "image",
    sha256: str | None = None,
) -> Message:
    if sha256 is None and data is not None:
        sha256 = hashlib.sha256(data).hexdigest()
    return Message(
        message_id=f"wamid.HBgM{i:04d}",
        chat_id="254700000001",
        sent_at=T0 + timedelta(minutes=i),
        kind=kind,
        source="cloud_api",
        sender_id="254700000001",
        media=MediaRef(remote_id=media_id, mime=mime, sha256=sha256, filename=None, bytes=None),
    )


class Pipeline:
    """The landing database (SQLite under tmp, or PostgreSQL), media store and dead letters under tmp, with a
    client pointed at the stand-in."""

    def __init__(self, tmp_path, graph: FakeGraphApi, landing_target):
        self.store = open_landing_store(landing_target)
        self.media = MediaStore(tmp_path / "media")
        self.dead_letters = DeadLetterQueue(tmp_path / "landing.sqlite3")
        self.graph = graph
        self.client = GraphMediaClient(DEFAULT_TOKEN, base_url=graph.base_url, timeout=10)

    def land(self, *messages: Message) -> None:
        self.store.add_messages(messages)

    def run(self, **kwargs) -> DownloadSummary:
        return download_pending_media(self.store, self.media, self.dead_letters, self.client, **kwargs)

    def ledger(self, message_id: str) -> dict:
        ledger = MediaDownloadLedger(self.store)
        try:
            return ledger.row(message_id)
        finally:
            ledger.close()

    def letters(self) -> dict[str, str]:
        return {d.item_key: d.reason for d in self.dead_letters.list() if d.stage == STAGE}


@pytest.fixture
def graph():
    with FakeGraphApi() as fake:
        yield fake


@pytest.fixture
def pipeline(tmp_path, graph, landing_target):
    p = Pipeline(tmp_path, graph, landing_target)
    yield p
    p.client.close()


def test_landed_media_is_fetched_and_stored_by_its_sha256(pipeline, graph):
    data = photo(1)
    message = media_message(1, graph.add_media(data), data)
    pipeline.land(
        message,
        Message(
            message_id="wamid.text", chat_id="c", sent_at=T0, kind="text", source="cloud_api", text="no media here"
        ),
    )

    summary = pipeline.run()

    sha = hashlib.sha256(data).hexdigest()
    assert summary == DownloadSummary(downloaded=1, bytes_downloaded=len(data))
    assert pipeline.media.read(sha) == data
    row = pipeline.ledger(message.message_id)
    assert (row["status"], row["sha256"], row["attempts"], row["last_error"]) == ("done", sha, 0, None)
    assert pipeline.ledger("wamid.text") is None

    again = pipeline.run()
    assert again == DownloadSummary()
    assert len(graph.log("download")) == 1


def test_media_without_a_payload_digest_is_still_verified_against_graph(pipeline, graph):
    data = photo(2)
    pipeline.land(media_message(1, graph.add_media(data), sha256=None))
    assert pipeline.run().downloaded == 1
    assert pipeline.media.has(hashlib.sha256(data).hexdigest())


def test_chat_exports_and_bytes_already_stored_are_not_fetched(pipeline, graph):
    data = photo(3)
    pipeline.media.put(data)
    exported = media_message(2, "123456", data)
    pipeline.land(
        media_message(1, graph.add_media(data), data),
        Message(**{**exported.__dict__, "message_id": "export-1", "source": "chat_export"}),
    )
    summary = pipeline.run()
    assert summary == DownloadSummary(already_present=1)
    assert graph.requests == []
    assert pending_downloads(pipeline.store).total == 0


def test_a_url_that_expired_between_attempts_is_replaced_by_a_fresh_one(pipeline, graph):
    data = photo(4)
    message = media_message(1, graph.add_media(data), data)
    pipeline.land(message)
    graph.fail_next("download", status=500)

    first = pipeline.run()
    assert first == DownloadSummary(failed=1)
    assert pipeline.ledger(message.message_id)["status"] == "pending"
    stale_url = pipeline.graph.base_url + graph.log("download")[0].path
    graph.advance(6 * 60)  # the first URL is now past its five minutes

    second = pipeline.run()
    assert second.downloaded == 1
    assert pipeline.media.read(hashlib.sha256(data).hexdigest()) == data
    metadata, downloads = graph.log("metadata"), graph.log("download")
    assert len(metadata) == 2, "each attempt asks Graph for a new URL"
    assert downloads[0].path != downloads[1].path and downloads[1].status == 200
    assert httpx.get(stale_url, headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"}).status_code == 404


def test_two_server_errors_then_success(pipeline, graph):
    data = photo(5)
    message = media_message(1, graph.add_media(data), data)
    pipeline.land(message)
    graph.fail_next("download", times=2, status=500)

    assert pipeline.run() == DownloadSummary(failed=1)
    assert pipeline.ledger(message.message_id)["attempts"] == 1
    assert pipeline.run() == DownloadSummary(failed=1)
    row = pipeline.ledger(message.message_id)
    assert (row["status"], row["attempts"]) == ("pending", 2)
    assert "500" in row["last_error"]

    assert pipeline.run().downloaded == 1
    assert pipeline.ledger(message.message_id)["status"] == "done"
    assert pipeline.letters() == {}


def test_transient_failures_go_to_the_dead_letter_queue_after_max_attempts(pipeline, graph):
    message = media_message(1, graph.add_media(photo(6)), photo(6))
    pipeline.land(message)
    graph.fail_next("metadata", times=3, status=503)

    results = [pipeline.run(max_attempts=3) for _ in range(3)]
    assert [r.failed for r in results] == [1, 1, 0] and results[-1].dead_lettered == 1
    assert pipeline.ledger(message.message_id)["status"] == "failed"
    reason = pipeline.letters()[message.message_id]
    assert "gave up after 3 attempts" in reason and "503" in reason
    assert pipeline.run(max_attempts=3) == DownloadSummary()


def test_media_over_the_size_cap_is_dead_lettered_at_once(pipeline, graph):
    huge = graph.add_huge_media(40 * MIB, "image/jpeg", advertised_size=2048)
    message = media_message(1, huge)
    pipeline.land(message)

    assert pipeline.run() == DownloadSummary(dead_lettered=1)
    assert "MediaTooLarge" in pipeline.letters()[message.message_id]
    assert "image limit" in pipeline.letters()[message.message_id]
    assert pipeline.ledger(message.message_id)["status"] == "failed"
    [download] = graph.log("download")
    assert download.bytes_sent < 40 * MIB
    [letter] = pipeline.dead_letters.list()
    assert letter.payload["media_id"] == huge and letter.payload["attempts"] == 1


def test_a_hash_mismatch_is_dead_lettered_at_once(pipeline, graph):
    corrupted, data = graph.add_media(photo(7)), photo(7)
    graph.corrupt_download(corrupted)
    substituted = graph.add_media(photo(8))
    pipeline.land(
        media_message(1, corrupted, data),
        media_message(2, substituted, sha256=hashlib.sha256(b"what the sender sent").hexdigest()),
    )
    assert pipeline.run() == DownloadSummary(dead_lettered=2)
    letters = pipeline.letters()
    assert "MediaHashMismatch" in letters["wamid.HBgM0001"] and "Graph says" in letters["wamid.HBgM0001"]
    assert "the message says" in letters["wamid.HBgM0002"]
    assert not pipeline.media.has(hashlib.sha256(data).hexdigest())


def test_an_expired_media_id_is_dead_lettered_at_once(pipeline, graph):
    media_id = graph.add_media(photo(9))
    graph.advance(8 * 24 * 3600)
    pipeline.land(media_message(1, media_id, photo(9)))
    assert pipeline.run() == DownloadSummary(dead_lettered=1)
    assert "MediaExpired" in pipeline.letters()["wamid.HBgM0001"]
    assert len(graph.log("metadata")) == 1


def test_the_same_media_forwarded_many_times_is_fetched_once(pipeline, graph):
    data = photo(10)
    shared = graph.add_media(data)
    forwarded_copy = graph.add_media(data)  # a forward can carry a new id for the same file
    pipeline.land(
        media_message(1, shared, data),
        media_message(2, shared, data),
        media_message(3, shared, sha256=None),
        media_message(4, forwarded_copy, data),
    )
    summary = pipeline.run()
    assert summary == DownloadSummary(downloaded=1, already_present=3, bytes_downloaded=len(data))
    assert len(graph.log("download")) == 1
    sha = hashlib.sha256(data).hexdigest()
    assert {pipeline.ledger(f"wamid.HBgM{i:04d}")["sha256"] for i in range(1, 5)} == {sha}

    # A later forward of an id already fetched needs no request either, even without a digest.
    pipeline.land(media_message(5, shared, sha256=None))
    assert pipeline.run() == DownloadSummary(already_present=1)
    assert len(graph.log("metadata")) == 1


def test_an_expired_id_falls_back_to_a_younger_forward_of_the_same_file(pipeline, graph):
    data = photo(11)
    old = graph.add_media(data)
    graph.advance(6 * 24 * 3600)
    young = graph.add_media(data)
    graph.advance(2 * 24 * 3600)  # `old` is now eight days old, `young` two
    pipeline.land(media_message(1, old, data), media_message(2, young, data))
    assert pipeline.run().downloaded == 1
    assert pipeline.letters() == {}


def test_independent_items_download_concurrently(pipeline, graph):
    files = [photo(20 + n) for n in range(4)]
    pipeline.land(*(media_message(n, graph.add_media(data), data) for n, data in enumerate(files)))
    # Each download is held until four are in flight at once; run one at a time, they would all time out.
    graph.rendezvous_downloads(4)

    summary = pipeline.run(workers=4)

    assert summary.downloaded == 4 and summary.failed == 0
    assert graph.peak_concurrent_downloads == 4
    assert all(pipeline.media.read(hashlib.sha256(d).hexdigest()) == d for d in files)


def test_limit_bounds_one_pass(pipeline, graph):
    pipeline.land(*(media_message(n, graph.add_media(photo(30 + n)), photo(30 + n)) for n in range(3)))
    assert pipeline.run(limit=2).downloaded == 2
    assert pending_downloads(pipeline.store).pending == 1
    assert pipeline.run(limit=2).downloaded == 1


def test_a_refused_token_stops_the_pass_and_blames_no_item(pipeline, graph):
    pipeline.client.close()
    pipeline.client = GraphMediaClient("EAAG-revoked-token", base_url=graph.base_url)
    message = media_message(1, graph.add_media(photo(40)), photo(40))
    pipeline.land(message)
    with pytest.raises(GraphAuthError) as raised:
        pipeline.run()
    assert "EAAG-revoked-token" not in str(raised.value)
    row = pipeline.ledger(message.message_id)
    assert (row["status"], row["attempts"]) == ("pending", 0)
    assert pipeline.letters() == {}


def test_pending_downloads_moves_its_high_water_mark_with_new_media_and_retries(pipeline, graph):
    assert pending_downloads(pipeline.store).total == 0
    pipeline.land(media_message(1, graph.add_media(photo(50)), photo(50)))
    landed = pending_downloads(pipeline.store)
    assert (landed.unscanned, landed.pending) == (1, 0)
    assert pending_downloads(pipeline.store) == landed  # reading changes nothing

    graph.fail_next("download")
    pipeline.run()
    retry = pending_downloads(pipeline.store)
    assert (retry.unscanned, retry.pending) == (0, 1)
    assert retry.high_water_mark != landed.high_water_mark

    pipeline.run()
    assert pending_downloads(pipeline.store).total == 0


def test_a_dead_letter_replay_requeues_the_item(pipeline, graph):
    media_id = graph.add_media(photo(60))
    message = media_message(1, media_id, photo(60))
    pipeline.land(message)
    graph.fail_next("download", times=1)
    assert pipeline.run(max_attempts=1).dead_lettered == 1

    ledger = MediaDownloadLedger(pipeline.store)
    ledger.requeue([message.message_id])
    ledger.close()
    assert pipeline.run().downloaded == 1
    assert pipeline.letters() == {}, "a success resolves the item's dead letter"


def test_no_reason_or_error_ever_carries_the_token(pipeline, graph):
    huge = graph.add_huge_media(8 * MIB, "image/png", advertised_size=8 * MIB)
    flaky = graph.add_media(photo(70))
    graph.fail_next("metadata", times=1)
    pipeline.land(media_message(1, huge), media_message(2, flaky, photo(70)))
    pipeline.run(max_attempts=1)
    texts = [d.reason for d in pipeline.dead_letters.list()] + [
        str(pipeline.ledger(f"wamid.HBgM{i:04d}")) for i in (1, 2)
    ]
    assert texts and all(DEFAULT_TOKEN not in t for t in texts)


class HeldClient:
    """Fetches through `client`, but every fetch first waits for `release`: a pass caught mid-download."""

    def __init__(self, client: GraphMediaClient) -> None:
        self.client, self.fetching, self.release = client, threading.Event(), threading.Event()

    def fetch(self, media_id: str, expected_sha256: str | None = None, kind: str | None = None) -> bytes:
        self.fetching.set()
        assert self.release.wait(120)
        return self.client.fetch(media_id, expected_sha256=expected_sha256, kind=kind)


def test_a_second_pass_waits_for_the_first_and_nothing_is_fetched_twice(pipeline, graph):
    files = [photo(80 + n) for n in range(3)]
    messages = [media_message(n, graph.add_media(data), data) for n, data in enumerate(files)]
    pipeline.land(*messages)
    held = HeldClient(pipeline.client)
    summaries: dict[str, DownloadSummary] = {}
    errors: list[Exception] = []

    def run_pass(name: str, client) -> None:
        try:
            summaries[name] = download_pending_media(pipeline.store, pipeline.media, pipeline.dead_letters, client)
        except Exception as exc:  # surfaced below; a thread cannot fail the test by itself
            errors.append(exc)

    first = threading.Thread(target=run_pass, args=("first", held))
    second = threading.Thread(target=run_pass, args=("second", pipeline.client))
    first.start()
    try:
        assert held.fetching.wait(120), "the first pass never started fetching"
        second.start()
        second.join(1)
        # Without the pass lock the second pass would fetch the three files itself (the first is held) and be done.
        assert second.is_alive() and graph.log("download") == []
    finally:
        held.release.set()
        first.join(120)
        if second.ident is not None:
            second.join(120)
    assert errors == []
    assert summaries["first"] == DownloadSummary(downloaded=3, bytes_downloaded=sum(map(len, files)))
    assert summaries["second"] == DownloadSummary()
    assert len(graph.log("download")) == len(graph.log("metadata")) == 3
    assert all(pipeline.media.read(hashlib.sha256(data).hexdigest()) == data for data in files)
    rows = [pipeline.ledger(m.message_id) for m in messages]
    assert [(r["status"], r["attempts"]) for r in rows] == [("done", 0)] * 3


def test_ledgers_opened_at_once_on_a_fresh_database_create_its_tables_once(landing_target):
    store = open_landing_store(landing_target)
    results: list = []

    def look() -> None:
        try:
            results.append(pending_downloads(store))
        except Exception as exc:  # surfaced below
            results.append(exc)

    threads = [threading.Thread(target=look) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert results == [results[0]] * 8 and results[0].total == 0


def test_the_ledger_lives_beside_the_landed_messages(tmp_path, pipeline, graph, landing_target):
    message = media_message(1, graph.add_media(photo(90)), photo(90))
    pipeline.land(message)
    assert pipeline.run().downloaded == 1

    joined = "SELECT m.message_id, d.status FROM media_downloads d JOIN messages m ON m.message_id = d.message_id"
    if isinstance(landing_target, Path):
        with closing(sqlite3.connect(landing_target)) as conn:
            assert conn.execute(joined).fetchall() == [(message.message_id, "done")]
    else:
        with closing(psycopg2.connect(landing_target)) as conn, conn.cursor() as cur:
            cur.execute(joined)
            assert cur.fetchall() == [(message.message_id, "done")]
        # The data directory's SQLite file keeps the dead letters only.
        with closing(sqlite3.connect(tmp_path / "landing.sqlite3")) as conn:
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "dead_letters" in tables and not tables & {"messages", "media_downloads", "media_download_state"}
