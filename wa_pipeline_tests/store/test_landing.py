import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest

from wa_pipeline.message import Message, StatusUpdate
from wa_pipeline.store.sqlite_landing import SqliteLandingStore

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def msg(i: int, at: datetime = T0, chat: str = "c1") -> Message:
    return Message(message_id=f"m{i}", chat_id=chat, sent_at=at, kind="text", source="chat_export", text=f"hello {i}")


def test_duplicate_delivery_is_a_no_op(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    first = store.add_messages([msg(1), msg(2)])
    assert (first.added, first.already_present) == (2, 0)
    again = store.add_messages([msg(1), msg(2), msg(3)])
    assert (again.added, again.already_present) == (1, 2)
    assert store.count() == 3


def test_duplicates_inside_one_batch_land_once(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    result = store.add_messages([msg(1), msg(1), msg(1)])
    assert (result.added, result.already_present) == (1, 2)
    assert store.count() == 1


def test_store_uses_wal_and_survives_reopen(tmp_path):
    path = tmp_path / "landing.sqlite3"
    SqliteLandingStore(path).add_messages([msg(1)])
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert SqliteLandingStore(path).get("m1").text == "hello 1"


def test_concurrent_writers_each_message_once(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    errors: list[Exception] = []

    def writer(offset: int) -> None:
        try:
            for i in range(50):
                store.add_messages([msg((offset + i) % 120)])
        except Exception as exc:  # surfaced below; a thread cannot fail the test by itself
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k * 30,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.count() == len({(k * 30 + i) % 120 for k in range(4) for i in range(50)})


def test_messages_between_orders_by_send_time_then_arrival(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    store.add_messages([msg(3, T0 + timedelta(minutes=5)), msg(1, T0), msg(2, T0)])
    window = store.messages_between(T0, T0 + timedelta(days=1))
    assert [m.message_id for m in window] == ["m1", "m2", "m3"]
    assert store.messages_between(T0 + timedelta(minutes=1), T0 + timedelta(minutes=5)) == []


def test_unloadable_record_goes_to_on_error_not_the_whole_day(tmp_path):
    path = tmp_path / "landing.sqlite3"
    store = SqliteLandingStore(path)
    store.add_messages([msg(1), msg(2)])
    conn = sqlite3.connect(path)
    conn.execute("UPDATE messages SET record = '{\"broken\": true}' WHERE message_id = 'm2'")
    conn.commit()
    failed = []
    good = store.messages_between(T0, T0 + timedelta(days=1), on_error=lambda mid, rec, exc: failed.append(mid))
    assert [m.message_id for m in good] == ["m1"]
    assert failed == ["m2"]
    with pytest.raises(KeyError):
        store.messages_between(T0, T0 + timedelta(days=1))


def test_changes_since_reports_new_rows_only(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    store.add_messages([msg(1), msg(2)])
    first = store.changes_since(0)
    assert len(first.sent_at) == 2
    assert store.changes_since(first.high_water_mark).sent_at == []
    store.add_messages([msg(1), msg(9, T0 + timedelta(days=2))])
    late = store.changes_since(first.high_water_mark)
    assert late.sent_at == [T0 + timedelta(days=2)]
    assert late.high_water_mark > first.high_water_mark


def test_status_only_moves_forward(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    store.add_statuses([StatusUpdate("w1", "read", T0)])
    store.add_statuses([StatusUpdate("w1", "delivered", T0 + timedelta(seconds=1))])
    assert store.status_of("w1") == "read"
    store.add_statuses([StatusUpdate("w1", "played", T0 + timedelta(seconds=2))])
    assert store.status_of("w1") == "played"
