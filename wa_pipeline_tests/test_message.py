import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from wa_pipeline.message import MediaRef, Message, StatusUpdate, stable_id
from wa_pipeline.message_frame import frame_to_messages, messages_to_frame

EAT = timezone(timedelta(hours=3))


def test_sent_at_normalised_to_utc_and_round_trips_through_json_and_frames():
    m = Message(
        message_id="exp_1",
        chat_id="chat_1",
        sent_at=datetime(2026, 11, 16, 9, 0, tzinfo=EAT),
        kind="image",
        source="chat_export",
        text=None,
        caption="receipt",
        media=MediaRef(sha256="a" * 64, bytes=10, filename="r.png"),
    )
    assert m.sent_at == datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
    assert m.sent_at.utcoffset() == timedelta(0)
    assert Message.from_json(m.to_json()) == m
    assert frame_to_messages(messages_to_frame([m])) == [m]


@pytest.mark.parametrize(
    "change, error",
    [
        ({"sent_at": datetime(2026, 1, 1)}, "timezone-aware"),
        ({"kind": "hologram"}, "unknown kind"),
        ({"source": "telegram"}, "unknown source"),
        ({"message_id": ""}, "message_id is empty"),
    ],
)
def test_invalid_messages_are_rejected_with_a_reason(change, error):
    fields = dict(
        message_id="x", chat_id="c", sent_at=datetime(2026, 1, 1, tzinfo=UTC), kind="text", source="cloud_api"
    )
    fields.update(change)
    with pytest.raises(ValueError, match=error):
        Message(**fields)


def test_stable_id_is_deterministic_and_separates_parts():
    assert stable_id("a", "b", prefix="x_") == stable_id("a", "b", prefix="x_")
    assert stable_id("ab", "c", prefix="x_") != stable_id("a", "bc", prefix="x_")


def test_status_rejects_unknown_status():
    with pytest.raises(ValueError):
        StatusUpdate("w", "teleported", datetime(2026, 1, 1, tzinfo=UTC))


def test_empty_frame_has_the_contract_dtypes():
    frame = messages_to_frame([])
    assert len(frame) == 0
    assert str(frame["sent_at"].dtype) == "datetime64[us, UTC]"


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"text": 'She said "20 loaves"\\ at 5\tpm\nand left', "caption": "caf\u00e9 \U0001f35e \u200e"},
        {"media": MediaRef(sha256="ab" * 32, mime="image/jpeg", filename="IMG-1.jpg", bytes=2048), "forwarded": True},
        {
            "event": "media_omitted:image",
            "text": "\u0628\u062f\u0648\u0646 \u0648\u0633\u0627\u0626\u0637",
            "flags": "x\x00y",
        },
        {"event": "member_added", "event_subjects": '{"actor": "Juma", "subject": "Wanjiku \u00f1"}'},
        {"event": "member_left", "event_subjects": '{"actor": null}'},
    ],
)
def test_the_stored_record_is_the_json_modules_own_text(fields):
    m = Message(
        message_id="m1",
        chat_id="c1",
        sent_at=datetime(2026, 11, 16, 9, 15, tzinfo=UTC),
        kind="text",
        source="chat_export",
        sender_name="Amina",
        **fields,
    )
    optional = {"event": m.event, "event_subjects": m.event_subjects}
    record = m.to_record() | {"sent_at": m.sent_at.isoformat()} | {k: v for k, v in optional.items() if v}
    assert m.to_json() == json.dumps(record, ensure_ascii=False, sort_keys=True)
    assert Message.from_json(m.to_json()) == m


def _dumps(m: Message) -> str:
    # `event` is kept where either is set, `event_subjects` where it is set.
    optional = {"event": m.event} if m.event is not None or m.event_subjects is not None else {}
    optional |= {"event_subjects": m.event_subjects} if m.event_subjects is not None else {}
    record = m.to_record() | {"sent_at": m.sent_at.isoformat()} | optional
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def test_records_sharing_a_chat_sender_or_kind_are_each_the_json_modules_own_text():
    base = {"chat_id": "c1", "sent_at": datetime(2026, 11, 16, 9, 15, tzinfo=UTC), "source": "chat_export"}
    variants = [
        {"kind": "text", "sender_name": "Amina", "text": "one"},
        # Equal to the one before as values (True == 1, False == 0), written otherwise by the encoder.
        {"kind": "text", "sender_name": "Amina", "text": "two", "forwarded": 1},
        {"kind": "text", "sender_name": "Amina", "text": "three", "forwarded": True},
        {"kind": "text", "sender_name": "Amina", "text": "four", "forwarded": 0},
        {"kind": "image", "sender_name": "Amina", "media": MediaRef(bytes=True, filename="a.jpg")},
        {"kind": "image", "sender_name": "Amina", "media": MediaRef(bytes=1, remote_id="r1", mime="image/png")},
        {"kind": "image", "sender_name": "Amina", "media": MediaRef(bytes=2.5, sha256="ab" * 32)},
        {"kind": "text", "sender_id": "254700000001", "sender_name": None, "reply_to": "m1", "referral": "{}"},
        {"kind": "text", "chat_name": "Amina", "sender_name": "Amina", "event": "edited", "text": "five"},
        {"kind": "text", "chat_name": "Amina", "sender_name": "Amina", "event": None, "event_subjects": "{}"},
        {"kind": "system", "chat_name": "Amina", "event": "member_left", "event_subjects": '{"actor": null}'},
        # A value no cache can hold as a key (not hashable) is written as the encoder writes it, all the same.
        {"kind": "text", "chat_name": "Amina", "sender_name": "Amina", "forwarded": ["a", {"b": 1.5}], "text": "six"},
    ]
    for place, fields in enumerate(variants):
        m = Message(message_id=f"m{place}", **base | fields)
        assert m.to_json() == _dumps(m), fields
        assert json.loads(m.to_json())["message_id"] == f"m{place}"


@pytest.mark.parametrize(
    "fields",
    [
        {"text": "hello", "sender_name": "Amina"},
        {"text": "a\x00b", "raw": "x\x07", "sender_name": "\ud800", "media": MediaRef(filename="a\x01.jpg")},
        {"sent_at": datetime(2026, 11, 16, 12, 15, tzinfo=EAT), "event": "edited", "forwarded": True},
    ],
)
def test_build_gives_the_message_the_constructor_gives(fields):
    base = {"message_id": "m1", "chat_id": "c1", "sent_at": datetime(2026, 11, 16, 9, 15, tzinfo=UTC)}
    base |= {"kind": "text", "source": "chat_export"}
    built, constructed = Message.build(**base | fields), Message(**base | fields)
    assert built == constructed and built.to_json() == constructed.to_json()
    assert built.sent_at.tzinfo is UTC and hash(built.sent_at) == hash(constructed.sent_at)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"kind": "nonsense"}, ValueError),
        ({"message_id": ""}, ValueError),
        ({"sent_at": datetime(2026, 11, 16, 9, 15)}, ValueError),
        ({"colour": "red"}, TypeError),
        ({"kind": None, "source": None}, ValueError),
    ],
)
def test_build_refuses_what_the_constructor_refuses(fields, error):
    base = {"message_id": "m1", "chat_id": "c1", "sent_at": datetime(2026, 11, 16, 9, 15, tzinfo=UTC)}
    base |= {"kind": "text", "source": "chat_export"}
    with pytest.raises(error):
        Message.build(**base | fields)
    with pytest.raises(error):
        Message(**base | fields)


def test_build_names_a_missing_field():
    with pytest.raises(TypeError, match="chat_id"):
        Message.build(message_id="m1", sent_at=datetime(2026, 11, 16, tzinfo=UTC), kind="text", source="chat_export")


def test_the_schemas_columns_are_message_columns_and_landing_imports_no_pyarrow():
    import subprocess
    import sys

    from wa_pipeline.message import MESSAGE_COLUMNS, MESSAGE_SCHEMA, MESSAGE_TABLE_SCHEMA

    assert tuple(MESSAGE_SCHEMA.names) == MESSAGE_COLUMNS
    assert tuple(MESSAGE_TABLE_SCHEMA.names) == (*MESSAGE_COLUMNS, "event", "event_subjects")
    # An import's worker processes land messages: pyarrow (most of a second to import) is not theirs to pay for.
    code = "import sys, wa_pipeline.whatsapp.importer as i; print(i.__file__, 'pyarrow' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=root)
    assert out.stdout.split() == [str(root / "wa_pipeline" / "whatsapp" / "importer.py"), "False"]


def test_every_sample_webhooks_messages_record_is_the_json_modules_own_text():
    from wa_pipeline.store.landing_sql import prepare
    from wa_pipeline.whatsapp.cloud_api import parse_webhook

    payloads = sorted((Path(__file__).parent / "whatsapp" / "payloads").glob("*.json"))
    messages = [
        message
        for payload in payloads
        for message in parse_webhook(payload.read_bytes(), now=datetime(2030, 1, 1, tzinfo=UTC)).messages
    ]
    assert (
        len({m.kind for m in messages}) >= 10 and any(m.media for m in messages) and any(m.reply_to for m in messages)
    )
    # Twice, the second time backwards: each record's runs of keys come from the cache as often as not.
    for batch in (messages, messages[::-1]):
        assert [entry[4] for entry in prepare(batch)] == [_dumps(m) for m in batch]


def test_a_record_with_a_referral_or_a_reply_alone_is_the_json_modules_own_text():
    base = {"chat_id": "c1", "sent_at": datetime(2026, 11, 16, 9, 15, tzinfo=UTC), "source": "cloud_api"}
    variants = [
        {"referral": '{"source_url": "https://fb.me/x"}'},
        {"reply_to": "wamid.1"},
        {"referral": "", "reply_to": None},
        {"referral": None, "reply_to": "", "caption": "", "text": ""},
    ]
    for place, fields in enumerate(variants):
        m = Message(message_id=f"m{place}", kind="text", **base | fields)
        assert m.to_json() == _dumps(m), fields
