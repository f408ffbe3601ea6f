from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from wa_pipeline.message import MediaRef, Message
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.chat_export import parse_chat_export
from wa_pipeline.whatsapp.cloud_api import parse_webhook

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


# A shop's reply sent from the WhatsApp Business app reaches the pipeline twice: as Meta's smb_message_echoes
# webhook (from the business's number id, to the customer) and as the owner's line in an export of that chat.
ECHO_BODY = {
    "object": "whatsapp_business_account",
    "entry": [
        {
            "id": "WABA1",
            "changes": [
                {
                    "field": "smb_message_echoes",
                    "value": {
                        "messaging_product": "whatsapp",
                        "metadata": {"display_phone_number": "254711000999", "phone_number_id": "109876543210001"},
                        "message_echoes": [
                            {
                                "from": "254711000999",
                                "to": "254733222002",
                                "id": "wamid.ECHO1",
                                "timestamp": str(int(datetime(2026, 12, 5, 6, 16, 30, tzinfo=UTC).timestamp())),
                                "type": "text",
                                "text": {"body": "Bonjour! 3500 KES chacun."},
                            }
                        ],
                    },
                }
            ],
        }
    ],
}


def _export_of(chat_name, lines):
    return parse_chat_export("\n".join(lines) + "\n", chat_name=chat_name, tz=ZoneInfo("Africa/Nairobi")).messages


def test_the_owners_reply_from_the_app_is_one_message_across_echo_and_export(tmp_path):
    store = SqliteLandingStore(tmp_path / "l.db")
    echo = parse_webhook(ECHO_BODY, now=datetime(2026, 12, 6, tzinfo=UTC)).messages
    assert store.add_messages(echo).added == 1
    exported = _export_of(
        "+254 733 222 002",
        [
            "05/12/2026, 09:15 - +254 733 222 002: je voudrais 2 sacs",
            "05/12/2026, 09:16 - Duka Bora: Bonjour! 3500 KES chacun.",
        ],
    )
    result = store.add_messages(exported)
    assert (result.added, result.cross_source_duplicates) == (1, 1)
    assert store.cross_source_duplicates() == [(exported[1].message_id, "wamid.ECHO1")]
    # The same words to another customer in the same minute are another message.
    other = _export_of("+254 744 333 003", ["05/12/2026, 09:16 - Duka Bora: Bonjour! 3500 KES chacun."])
    assert store.add_messages(other).added == 1


def _reference_fingerprints(message):
    """The fingerprints as their definition reads: sha256 of minute, sender key and content, for each sender key."""
    import hashlib
    import re
    import unicodedata

    def normal(text):
        text = unicodedata.normalize("NFC", text).translate(
            dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff"))
        )
        return " ".join(text.split()).casefold()

    if message.kind in ("system", "deleted", "reaction"):
        return []
    if message.media is not None and message.media.sha256:
        content = "media:" + message.media.sha256
    else:
        text = normal(" ".join(part for part in (message.text, message.caption) if part))
        if not text:
            return []
        content = "text:" + text

    def keys(name, number):
        found = {"name:" + normal(name)} if name else set()
        for candidate in (number, name):
            digits = re.sub(r"\D", "", candidate or "")
            if len(digits) >= 9:
                found.add("phone:" + digits[-9:])
        return found

    senders = keys(message.sender_name, message.sender_id)
    if message.source == "chat_export" and message.sender_name and message.chat_name:
        if normal(message.sender_name) != normal(message.chat_name):
            senders |= {"to:" + key for key in keys(message.chat_name, None)}
    minute = message.sent_at.strftime("%Y-%m-%dT%H:%M")
    return sorted(hashlib.sha256(f"{minute}\x1f{key}\x1f{content}".encode()).hexdigest() for key in senders)


def test_fingerprints_are_their_definition_for_every_shape_of_content_and_sender():
    from wa_pipeline.cross_source import fingerprints

    contents = [
        {"text": "Please  send 20 Loaves"},
        {"text": "Caf\u00e9 \u200eLOAVES\t tomorrow", "caption": None},
        {"text": "", "caption": "receipt attached"},
        {"text": "the order", "caption": "and the receipt"},
        {"text": None, "caption": ""},
        {"text": None, "caption": "Receipt"},
        {"text": "   ", "caption": None},
        {"text": "ignored", "media": MediaRef(sha256="ab" * 32, filename="r.jpg")},
        {"text": "a file not here", "media": MediaRef(filename="r.jpg")},
        {"text": "\u0395\u039b\u039b\u0397\u039d\u0399\u039a\u0391 \u0391\u0301"},
    ]
    senders = [("Wanjiku Kamau", "snd_1"), ("+254 712 345 678", "snd_2"), ("Juma", "Juma"), (None, "254712345678")]
    for kind in ("text", "image", "system", "deleted", "reaction"):
        for place, content in enumerate(contents):
            for name, number in senders:
                message = Message(
                    message_id=f"m{place}",
                    chat_id="chat_x",
                    chat_name="Juma",
                    sent_at=datetime(2026, 11, 16, 9, 15, 42, tzinfo=UTC),
                    kind=kind,
                    source="chat_export",
                    sender_name=name,
                    sender_id=number,
                    **content,
                )
                expected = _reference_fingerprints(message)
                assert fingerprints(message) == expected, (kind, content, name)
                assert fingerprints(message, message.sent_at.isoformat()) == expected
    assert fingerprints(export()) == _reference_fingerprints(export()) != []
