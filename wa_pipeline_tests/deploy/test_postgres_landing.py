"""The landing store's contract, held by the SQLite file and by PostgreSQL alike, and the choice between them."""

import dataclasses
import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2
import psycopg2.extras
import pytest

from wa_pipeline.defs.resources import PipelineStorage
from wa_pipeline.message import Message, StatusUpdate
from wa_pipeline.settings import Settings
from wa_pipeline.store.landing_factory import open_landing_store
from wa_pipeline.store.landing_sql import prepare
from wa_pipeline.store.postgres_landing import PostgresLandingStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def msg(i: int, at: datetime = T0, source: str = "chat_export", **fields) -> Message:
    return Message(
        message_id=f"m{i}", chat_id="c1", sent_at=at, kind="text", source=source, **{"text": f"hello {i}", **fields}
    )


def webhook(**fields) -> Message:
    return Message(
        message_id="wamid.1",
        chat_id="wa:1:254712345678",
        sent_at=T0.replace(second=42),
        kind="text",
        source="cloud_api",
        sender_id="254712345678",
        sender_name="Amina Wanjiru",
        text="Please send 20 loaves",
        **fields,
    )


def export(message_id: str = "exp_1", **fields) -> Message:
    return Message(
        message_id=message_id,
        chat_id="chat_x",
        sent_at=T0,
        kind="text",
        source="chat_export",
        sender_id="snd_x",
        **{"sender_name": "Amina Wanjiru", "text": "Please send 20  loaves", **fields},
    )


class Backend:
    """Opens the store under test, and reaches under it to damage a stored record."""

    def __init__(self, target):
        self.target = target

    def open(self):
        return open_landing_store(self.target)

    def corrupt(self, message_id: str) -> None:
        statement = "UPDATE messages SET record = '{\"broken\": true}' WHERE message_id = "
        if isinstance(self.target, Path):
            with sqlite3.connect(self.target) as conn:
                conn.execute(statement + "?", (message_id,))
        else:
            with closing(psycopg2.connect(self.target)) as conn, conn, conn.cursor() as cur:
                cur.execute(statement + "%s", (message_id,))


@pytest.fixture
def backend(landing_target) -> Backend:
    return Backend(landing_target)


def test_a_duplicate_delivery_is_a_no_op_and_survives_reopening(backend):
    store = backend.open()
    assert store.add_messages([]).added == 0
    first = store.add_messages([msg(1), msg(2), msg(2)])
    assert (first.added, first.already_present) == (2, 1)
    again = store.add_messages([msg(1), msg(2), msg(3)])
    assert (again.added, again.already_present, again.cross_source_duplicates) == (1, 2, 0)
    reopened = backend.open()
    assert reopened.count() == 3
    assert reopened.get("m3").text == "hello 3" and reopened.get("nope") is None


def test_days_are_read_in_send_order_and_a_broken_record_goes_to_on_error(backend):
    store = backend.open()
    store.add_messages([msg(3, T0 + timedelta(minutes=5)), msg(1), msg(2), msg(4, T0 + timedelta(days=1))])
    assert [m.message_id for m in store.messages_between(T0, T0 + timedelta(days=1))] == ["m1", "m2", "m3"]
    assert store.messages_between(T0 + timedelta(minutes=1), T0 + timedelta(minutes=5)) == []
    assert [m.message_id for m in store.iter_messages()] == ["m1", "m2", "m3", "m4"]
    backend.corrupt("m2")
    failed = []
    good = store.messages_between(T0, T0 + timedelta(days=1), on_error=lambda mid, rec, exc: failed.append(mid))
    assert [m.message_id for m in good] == ["m1", "m3"] and failed == ["m2"]
    with pytest.raises(KeyError):
        store.messages_between(T0, T0 + timedelta(days=1))


def test_changes_since_reports_only_what_landed_after_the_cursor(backend):
    store = backend.open()
    assert store.last_landed_at() is None and store.high_water_mark() == 0
    store.add_messages([msg(1), msg(2)])
    first = store.changes_since(0)
    assert store.high_water_mark() == first.high_water_mark > 0
    assert first.sent_at == [T0, T0]
    assert store.changes_since(first.high_water_mark).sent_at == []
    assert store.changes_since(first.high_water_mark).high_water_mark == first.high_water_mark
    store.add_messages([msg(1), msg(9, T0 + timedelta(days=2))])
    late = store.changes_since(first.high_water_mark)
    assert late.sent_at == [T0 + timedelta(days=2)] and late.high_water_mark > first.high_water_mark
    assert store.high_water_mark() == late.high_water_mark
    assert store.last_landed_at() <= datetime.now(UTC)


def test_a_status_only_moves_forward(backend):
    store = backend.open()
    assert store.add_statuses([StatusUpdate("w1", "read", T0)]) == 1
    assert store.add_statuses([StatusUpdate("w1", "delivered", T0 + timedelta(seconds=1))]) == 0
    assert store.status_of("w1") == "read"
    assert store.add_statuses([StatusUpdate("w1", "played", T0 + timedelta(seconds=2))]) == 1
    assert store.status_of("w1") == "played" and store.status_of("w2") is None


def test_one_message_seen_through_two_sources_lands_once(backend):
    store = backend.open()
    store.add_messages([webhook()])
    result = store.add_messages([export()])
    assert (result.added, result.cross_source_duplicates) == (0, 1)
    again = store.add_messages([export()])
    assert (again.added, again.already_present, again.cross_source_duplicates) == (0, 1, 0)
    assert store.count() == 1 and store.cross_source_duplicates() == [("exp_1", "wamid.1")]
    # Identical messages of one source are never merged by fingerprint.
    assert store.add_messages([export("e2", text="ok"), export("e3", text="ok")]).added == 2


@pytest.mark.parametrize("landed_at", [T0, T0.replace(second=59, microsecond=999_999)])
def test_an_export_batch_finds_its_twin_at_either_edge_of_the_minute(backend, landed_at):
    """An export batch skips its look-ups only when nothing landed in its minutes; a twin anywhere in them counts."""
    store = backend.open()
    store.add_messages([dataclasses.replace(webhook(), sent_at=landed_at)])
    # The export's copy says 09:00 (no seconds); the batch spans the minutes 08:58-09:00.
    result = store.add_messages([msg(1, at=T0 - timedelta(minutes=2)), export()])
    assert (result.added, result.cross_source_duplicates) == (1, 1)
    assert store.cross_source_duplicates() == [("exp_1", "wamid.1")]
    # In minutes where nothing landed, a batch lands whole; the second time, all of it is present.
    later = [msg(i, at=T0 + timedelta(hours=1, minutes=i)) for i in range(2, 6)]
    assert (store.add_messages(later).added, store.count()) == (4, 6)
    assert (store.add_messages(later).already_present, store.count()) == (4, 6)


def _second_target(landing_target, tmp_path, request):
    if isinstance(landing_target, Path):
        return tmp_path / "second.sqlite3"
    return request.getfixturevalue("postgres").create_database(f"second_{tmp_path.name}".lower())


def _landed(store) -> tuple[list[str], list[tuple[str, str]]]:
    return [m.message_id for m in store.iter_messages()], store.cross_source_duplicates()


def test_one_batch_lands_exactly_as_one_message_at_a_time(landing_target, tmp_path, request):
    """A batch is decided in memory: within it, earlier messages count as landed for the later ones."""
    minute = T0 + timedelta(minutes=1)
    history = [webhook(), msg(1)]
    batch = [
        msg(2),
        export("exp_1"),  # the webhook's copy: recorded, not landed
        export("exp_1"),  # the same copy again: neither landed nor recorded twice
        msg(2),  # a re-delivery inside the batch
        dataclasses.replace(webhook(), message_id="wamid.2", text="Deliver on Friday", sent_at=minute),
        # The copy of the one just above, in the same batch.
        dataclasses.replace(export("exp_2", text="Deliver on Friday"), sent_at=minute.replace(second=0)),
        msg(1),  # landed by an earlier batch
        export("e3", text="ok"),
        export("e4", text="ok"),  # one source's identical messages both land
    ]
    one_by_one = open_landing_store(landing_target)
    together = open_landing_store(_second_target(landing_target, tmp_path, request))
    for store in (one_by_one, together):
        store.add_messages(history)
    results = [one_by_one.add_messages([message]) for message in batch]
    result = together.add_messages(batch)
    assert (result.added, result.already_present, result.cross_source_duplicates) == (
        sum(r.added for r in results),
        sum(r.already_present for r in results),
        sum(r.cross_source_duplicates for r in results),
    )
    assert (result.added, result.already_present, result.cross_source_duplicates) == (4, 3, 2)
    assert _landed(together) == _landed(one_by_one)
    assert _landed(together)[1] == [("exp_1", "wamid.1"), ("exp_2", "wamid.2")]


def test_concurrent_writers_land_each_message_once(backend):
    store = backend.open()
    errors: list[Exception] = []

    def writer(offset: int) -> None:
        try:
            for i in range(40):
                store.add_messages([msg((offset + i) % 100)])
        except Exception as exc:  # surfaced below; a thread cannot fail the test by itself
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k * 25,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count() == len({(k * 25 + i) % 100 for k in range(4) for i in range(40)})
    assert len(store.changes_since(0).sent_at) == store.count()


def test_a_cursor_never_skips_a_row_committed_after_a_later_sequence_number(landing_url, monkeypatch):
    """Writer A holds seqs 1-2 in an open transaction while writer B wants to land a message: B must wait for A."""
    store = PostgresLandingStore(landing_url)
    in_transaction, release = threading.Event(), threading.Event()
    real_execute_batch = psycopg2.extras.execute_batch

    def slow_execute_batch(cur, statement, rows, **kwargs):
        real_execute_batch(cur, statement, rows, **kwargs)
        # A's batch: A has inserted m1 and m2 (seq 1, 2) and keeps its transaction open until released.
        if any(row[0] == "m2" for row in rows) and statement.startswith("INSERT INTO messages"):
            in_transaction.set()
            assert release.wait(120)

    monkeypatch.setattr(psycopg2.extras, "execute_batch", slow_execute_batch)
    writer_a = threading.Thread(target=store.add_messages, args=([msg(1), msg(2)],))
    writer_b = threading.Thread(target=store.add_messages, args=([msg(3)],))
    writer_a.start()
    try:
        assert in_transaction.wait(120)
        writer_b.start()
        _wait_for_b_to_land_or_queue(landing_url, writer_b)
        # The sensor's view while A is still open.
        changes = store.changes_since(0)
        seen, cursor = list(changes.sent_at), changes.high_water_mark
    finally:
        release.set()
    writer_a.join(120)
    writer_b.join(120)
    seen += store.changes_since(cursor).sent_at
    assert len(seen) == store.count() == 3


def _wait_for_b_to_land_or_queue(url: str, writer_b: threading.Thread) -> None:
    # Serialised, B queues on the writers' lock; were it not, B would commit seq 3 while A is still open.
    with closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        for _ in range(1200):
            cur.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            if cur.fetchone()[0] or not writer_b.is_alive():
                return
            conn.rollback()
            writer_b.join(0.1)
    raise AssertionError("writer B neither landed nor queued")


def test_the_settings_choose_sqlite_by_default_and_postgresql_by_url(tmp_path, landing_url):
    sqlite_store = open_landing_store(Settings(data_dir=tmp_path))
    assert isinstance(sqlite_store, SqliteLandingStore) and sqlite_store.path == tmp_path / "landing.sqlite3"
    pg_store = open_landing_store(Settings(data_dir=tmp_path, landing_url=landing_url))
    assert isinstance(pg_store, PostgresLandingStore)
    pg_store.add_messages([msg(1)])
    storage = PipelineStorage(data_dir=str(tmp_path), landing_url=landing_url)
    assert storage.landing().count() == 1
    assert PipelineStorage(data_dir=str(tmp_path)).landing().count() == 0
    with pytest.raises(ValueError, match="postgresql://"):
        open_landing_store("mysql://wa@127.0.0.1/landing")


def test_the_password_never_shows_in_the_store_repr(landing_url, postgres):
    assert postgres.password in landing_url
    assert postgres.password not in repr(PostgresLandingStore(landing_url))


def test_batches_land_in_one_transaction_as_they_would_one_after_another(landing_target, tmp_path, request):
    """An import's writer lands the batches waiting for it together: the outcome is theirs, one after another."""
    batches = [[msg(1), msg(2), export("exp_1")], [msg(2), msg(3)], [], [export("exp_1"), msg(4)]]
    one_by_one = open_landing_store(landing_target)
    together = open_landing_store(_second_target(landing_target, tmp_path, request))
    for store in (one_by_one, together):
        store.add_messages([webhook()])
    results = [one_by_one.add_messages(batch) for batch in batches]
    result = together.add_prepared_batches(prepare(batch) for batch in batches)
    assert (result.added, result.already_present, result.cross_source_duplicates) == (
        sum(r.added for r in results),
        sum(r.already_present for r in results),
        sum(r.cross_source_duplicates for r in results),
    )
    assert (result.added, result.already_present, result.cross_source_duplicates) == (4, 2, 1)
    assert _landed(together) == _landed(one_by_one)

    def failing():
        yield prepare([msg(5)])
        raise RuntimeError("a worker went away")

    # One transaction: when the batches stop coming with an error, none of them has landed.
    with pytest.raises(RuntimeError, match="went away"):
        together.add_prepared_batches(failing())
    assert together.get("m5") is None and together.count() == 5
