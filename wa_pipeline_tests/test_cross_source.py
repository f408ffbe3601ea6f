from datetime import UTC, datetime

from wa_pipeline.message import MediaRef, Message
from wa_pipeline.store.sqlite_landing import SqliteLandingStore

AT = datetime(2026, 11, 16, 9, 15, 42, tzinfo=UTC)


def webhook(text="Please send 20 loaves tomorrow", at=AT, wamid="wamid.HBgM1", media=None, name="Amina Wanjiru"):
    return Message(
        message_id=wamid,
        chat_id="wa:1055:254712345678",
        sent_at=at,
        kind="text" if not media else "image",
        source="cloud_api",
        sender_id="254712345678",
        sender_name=name,
        text=text,
        media=media,
    )


AT_MINUTE = AT.replace(second=0)


def export(text="Please send 20  loaves tomorrow", sender="Amina Wanjiru", at=AT_MINUTE, mid="exp_1", media=None):
    return Message(
        message_id=mid,
        chat_id="chat_x",
        sent_at=at,
        kind="text" if not media else "image",
        source="chat_export",
        sender_id="snd_x",
        sender_name=sender,
        text=text,
        media=media,
    )


def test_export_copy_of_a_webhook_message_lands_once_and_is_recorded(tmp_path):
    store = SqliteLandingStore(tmp_path / "l.db")
    store.add_messages([webhook()])
    result = store.add_messages([export()])
    assert (result.added, result.cross_source_duplicates) == (0, 1)
    assert store.count() == 1
    assert store.cross_source_duplicates() == [("exp_1", "wamid.HBgM1")]
    again = store.add_messages([export()])
    assert (again.added, again.already_present, again.cross_source_duplicates) == (0, 1, 0)


def test_webhook_arriving_after_the_export_is_not_a_second_row(tmp_path):
    store = SqliteLandingStore(tmp_path / "l.db")
    store.add_messages([export()])
    result = store.add_messages([webhook()])
    assert result.cross_source_duplicates == 1 and store.count() == 1


def test_unsaved_contact_matches_by_phone_number(tmp_path):
    store = SqliteLandingStore(tmp_path / "l.db")
    store.add_messages([webhook(name="Amina")])
    assert store.add_messages([export(sender="+254 712 345 678")]).cross_source_duplicates == 1


def test_media_matches_by_hash_even_without_text(tmp_path):
    store = SqliteLandingStore(tmp_path / "l.db")
    ref = MediaRef(sha256="ab" * 32, mime="image/jpeg")
    store.add_messages([webhook(text=None, media=ref)])
    assert store.add_messages([export(text=None, media=ref)]).cross_source_duplicates == 1


def test_different_minute_sender_or_text_are_different_messages(tmp_path):
    store = SqliteLandingStore(tmp_path / "l.db")
    store.add_messages([webhook()])
    result = store.add_messages(
        [
            export(mid="e1", at=AT.replace(minute=16, second=0)),
            export(mid="e2", sender="Juma"),
            export(mid="e3", text="Please send 21 loaves tomorrow"),
        ]
    )
    assert (result.added, result.cross_source_duplicates) == (3, 0)


def test_identical_messages_within_one_source_are_never_merged_by_fingerprint(tmp_path):
    store = SqliteLandingStore(tmp_path / "l.db")
    result = store.add_messages([export(mid="e1", text="ok"), export(mid="e2", text="ok")])
    assert result.added == 2
