import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from wa_pipeline.message import MEDIA_PLACEHOLDER, MediaRef, Message, StatusUpdate
from wa_pipeline.store.landing_factory import open_landing_store
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


def _webhook(i: int, at: datetime) -> Message:
    return Message(
        message_id=f"wamid.{i}",
        chat_id="wa:1055:254712345678",
        sent_at=at,
        kind="text",
        source="cloud_api",
        sender_id="254712345678",
        sender_name="Amina Wanjiru",
        text=f"order {i} please",
    )


def _exported(i: int, at: datetime) -> Message:
    return Message(
        message_id=f"exp_{i}",
        chat_id="chat_x",
        sent_at=at.replace(second=0),
        kind="text",
        source="chat_export",
        sender_id="snd_x",
        sender_name="Amina Wanjiru",
        text=f"order {i} please",
    )


def test_a_batch_spread_over_years_finds_the_twin_of_each_message(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    times = [T0 - timedelta(days=900), T0 - timedelta(hours=5, minutes=7), T0 + timedelta(seconds=42)]
    store.add_messages([_exported(i, at) for i, at in enumerate(times)])
    result = store.add_messages([_webhook(i, at) for i, at in enumerate(times)])
    assert (result.added, result.cross_source_duplicates) == (0, 3)
    assert sorted(store.cross_source_duplicates()) == [("wamid.0", "exp_0"), ("wamid.1", "exp_1"), ("wamid.2", "exp_2")]


def test_seq_is_never_reused_after_the_newest_message_is_deleted(tmp_path):
    path = tmp_path / "landing.sqlite3"
    store = SqliteLandingStore(path)
    store.add_messages([msg(1), msg(2)])
    mark = store.changes_since(0).high_water_mark
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM messages WHERE message_id = 'm2'")
    store.add_messages([msg(3)])
    assert store.changes_since(mark).high_water_mark == mark + 1


def test_a_file_with_fingerprints_keyed_by_value_is_moved_to_seq_keys(tmp_path):
    path = tmp_path / "landing.sqlite3"
    store = SqliteLandingStore(path)
    store.add_messages([_webhook(1, T0), _webhook(2, T0 + timedelta(minutes=3)), msg(3)])
    with sqlite3.connect(path) as conn:
        before = sorted(conn.execute("SELECT fingerprint, message_id, source FROM fingerprints"))
        # The shape files had before fingerprints were keyed by seq.
        conn.executescript(
            """
            CREATE TABLE legacy (fingerprint TEXT NOT NULL, message_id TEXT NOT NULL, source TEXT NOT NULL,
                                 PRIMARY KEY (fingerprint, message_id)) WITHOUT ROWID;
            INSERT INTO legacy SELECT fingerprint, message_id, source FROM fingerprints;
            DROP TABLE fingerprints;
            ALTER TABLE legacy RENAME TO fingerprints;
            """
        )
    assert len(before) == 4
    moved = SqliteLandingStore(path)
    with sqlite3.connect(path) as conn:
        assert (
            "PRIMARY KEY" not in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'fingerprints'").fetchone()[0]
        )
        assert sorted(conn.execute("SELECT fingerprint, message_id, source FROM fingerprints")) == before
        seqs = dict(conn.execute("SELECT message_id, seq FROM messages"))
        slots = conn.execute("SELECT rowid, message_id FROM fingerprints ORDER BY rowid").fetchall()
    assert [rowid // 16 for rowid, message_id in slots] == [seqs[message_id] for rowid, message_id in slots]
    assert len({rowid for rowid, _ in slots}) == 4
    result = moved.add_messages([_exported(1, T0), _exported(2, T0 + timedelta(minutes=3)), _exported(4, T0)])
    assert (result.added, result.cross_source_duplicates) == (1, 2)
    assert sorted(moved.cross_source_duplicates()) == [("exp_1", "wamid.1"), ("exp_2", "wamid.2")]


def _history(kind: str, **fields) -> Message:
    return Message(
        message_id="wamid.h2", chat_id="wa:1:2", sent_at=T0, kind=kind, source="cloud_api", sender_id="2", **fields
    )


@pytest.mark.parametrize("apart", [True, False])
def test_a_history_placeholder_is_filled_by_its_copy_with_media(landing_target, apart):
    # History sync sends a media message first without its media, then again, same id, with it: apart (a later
    # webhook) or, when the lander is behind, in one batch. Either way the row becomes the copy with the media.
    store = open_landing_store(landing_target)
    placeholder = _history("unsupported", flags=f"{MEDIA_PLACEHOLDER}: the media was not shared by history sync")
    copy = _history("image", media=MediaRef(remote_id="1479537139650973", mime="image/jpeg"))
    batches = [[placeholder], [copy]] if apart else [[placeholder, copy]]
    results = [store.add_messages(batch) for batch in batches]
    assert sum(result.added for result in results) == 1 and store.count() == 1
    landed = store.get("wamid.h2")
    assert (landed.kind, landed.media.remote_id, landed.flags) == ("image", "1479537139650973", None)
    # A copy without media, or the placeholder again, changes nothing more.
    store.add_messages([placeholder])
    store.add_messages([_history("image", media=MediaRef(mime="image/jpeg"))])
    assert store.get("wamid.h2").media.remote_id == "1479537139650973" and store.count() == 1


def test_the_stored_send_time_text_is_isoformat_for_every_moment():
    from wa_pipeline.store.landing_sql import _HOUR_HEADS_KEPT, utc_isoformat

    start = datetime(2016, 2, 28, 22, 0, 0, tzinfo=UTC)
    # Every second of a few hours, then hours enough to overflow the kept heads (twice), both ways.
    moments = [start + timedelta(seconds=s) for s in range(0, 4 * 3600, 7)]
    moments += [start + timedelta(hours=h, minutes=h % 60, seconds=h % 59) for h in range(2 * _HOUR_HEADS_KEPT + 5)]
    moments += moments[::-1]
    moments += [
        datetime(2026, 11, 16, 9, 15, 42, 123456, tzinfo=UTC),
        datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 11, 16, 9, 15, 42, tzinfo=timezone(timedelta(hours=3))),
        datetime(2026, 3, 29, 1, 30, fold=1, tzinfo=UTC),
    ]
    for moment in moments:
        assert utc_isoformat(moment) == moment.isoformat(), moment
