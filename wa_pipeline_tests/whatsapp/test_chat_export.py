from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.message import stable_id
from wa_pipeline.whatsapp.chat_export import (
    ChatExportError,
    chat_name_from_filename,
    kind_for_filename,
    parse_chat_export,
)

NAIROBI = ZoneInfo("Africa/Nairobi")


def parse(text: str, **kwargs):
    kwargs.setdefault("chat_name", "Mama Mboga Bakery")
    kwargs.setdefault("tz", NAIROBI)
    return parse_chat_export(text, **kwargs)


def only(text: str, **kwargs):
    parsed = parse(text, **kwargs)
    assert parsed.errors == []
    assert len(parsed.messages) == 1
    return parsed.messages[0]


def test_android_message_fields_and_ids():
    line = "16/11/26, 09:15 - Wanjiku Kamau: Please send 20 loaves and 3 cakes tomorrow 5pm"
    message = only(line + "\n")
    chat_id = stable_id("Mama Mboga Bakery", prefix="chat_")
    assert message.chat_id == chat_id
    assert message.chat_name == "Mama Mboga Bakery"
    assert message.sender_name == "Wanjiku Kamau"
    assert message.sender_id == stable_id(chat_id, "Wanjiku Kamau", prefix="snd_")
    assert message.text == "Please send 20 loaves and 3 cakes tomorrow 5pm"
    assert message.kind == "text"
    assert message.source == "chat_export"
    assert message.raw == line
    # Local 09:15 in Nairobi (UTC+3) is 06:15 UTC.
    assert message.sent_at == datetime(2026, 11, 16, 6, 15, tzinfo=timezone.utc)
    assert message.sent_at.tzinfo is not None
    assert message.message_id == stable_id(
        chat_id, "2026-11-16T06:15:00+00:00", "Wanjiku Kamau", message.text, 0, prefix="exp_"
    )


def test_ios_message_with_seconds():
    message = only("[16/11/26, 09:15:42] Juma Hardware: Yes, KES 1,800 each.")
    assert message.sender_name == "Juma Hardware"
    assert message.text == "Yes, KES 1,800 each."
    assert message.sent_at == datetime(2026, 11, 16, 9, 15, 42, tzinfo=NAIROBI)


@pytest.mark.parametrize(
    "header, expected",
    [
        ("16/11/2026, 9:15 am - ", datetime(2026, 11, 16, 9, 15)),
        ("16/11/2026, 9:15\u202fpm - ", datetime(2026, 11, 16, 21, 15)),
        ("16/11/2026, 12:05 a.m. - ", datetime(2026, 11, 16, 0, 5)),
        ("16/11/2026, 12:30 PM - ", datetime(2026, 11, 16, 12, 30)),
        ("16/11/26, 21:07 - ", datetime(2026, 11, 16, 21, 7)),
        ("16.11.26, 21:07 - ", datetime(2026, 11, 16, 21, 7)),
        ("16-11-2026 21:07 - ", datetime(2026, 11, 16, 21, 7)),
        ("[16/11/26, 9:15:42 PM] ", datetime(2026, 11, 16, 21, 15, 42)),
        ("[16/11/2026, 09:15:42] ", datetime(2026, 11, 16, 9, 15, 42)),
        ("[16.11.26, 09:15] ", datetime(2026, 11, 16, 9, 15)),
        ("[2026-11-16, 07:01:02] ", datetime(2026, 11, 16, 7, 1, 2)),
    ],
)
def test_header_formats_12h_24h_separators_years(header, expected):
    message = only(header + "Brian Otieno: hello")
    assert message.sent_at == expected.replace(tzinfo=NAIROBI)
    assert message.sender_name == "Brian Otieno"


def test_date_order_is_decided_per_file_from_any_field_above_12():
    day_first = parse("03/04/26, 10:00 - A: one\n13/04/26, 10:00 - A: two\n")
    assert day_first.date_order == "dmy"
    assert [m.sent_at.astimezone(NAIROBI).date().isoformat() for m in day_first.messages] == ["2026-04-03", "2026-04-13"]

    month_first = parse("03/04/26, 10:00 - A: one\n04/13/26, 10:00 - A: two\n")
    assert month_first.date_order == "mdy"
    assert [m.sent_at.astimezone(NAIROBI).date().isoformat() for m in month_first.messages] == ["2026-03-04", "2026-04-13"]

    ambiguous = parse("03/04/26, 10:00 - A: one\n05/04/26, 10:00 - A: two\n")
    assert ambiguous.date_order == "dmy"
    assert ambiguous.messages[0].sent_at.astimezone(NAIROBI).date().isoformat() == "2026-04-03"

    year_first = parse("2026/04/03, 10:00 - A: one\n")
    assert year_first.date_order == "ymd"
    assert year_first.messages[0].sent_at.astimezone(NAIROBI).date().isoformat() == "2026-04-03"


def test_multi_line_messages_keep_newlines_across_line_ending_styles():
    text = (
        "16/11/26, 09:20 - Wanjiku Kamau: Yes, same place as last time.\r\n"
        "Gate B, Ngong Road Apartments\n"
        "\r\n"
        "Call me on 0722 123456 when you arrive\r"
        "16/11/26, 09:21 - Mama Mboga Bakery: Noted\r\n"
    )
    parsed = parse(text)
    assert parsed.errors == []
    first, second = parsed.messages
    assert first.text == "Yes, same place as last time.\nGate B, Ngong Road Apartments\n\nCall me on 0722 123456 when you arrive"
    assert first.raw.count("\n") == 3
    assert second.text == "Noted"


def test_system_messages_have_no_sender():
    parsed = parse(
        "16/11/26, 08:02 - Messages and calls are end-to-end encrypted. No one outside of this chat can read them.\n"
        "16/11/26, 08:03 - Mama Mboga Bakery added Wanjiku Kamau\n"
        "\u200e[16/11/26, 08:04:00] Juma Hardware: \u200eMessages and calls are end-to-end encrypted.\n"
        "\u200e[16/11/26, 08:05:00] Juma Hardware: \u200eBrian Otieno left\n"
        "[16/11/26, 08:06:00] Juma Hardware: I left the keys at the shop\n"
    )
    kinds = [(m.kind, m.sender_name, m.sender_id) for m in parsed.messages]
    assert kinds[:4] == [("system", None, None)] * 4
    assert parsed.messages[1].text == "Mama Mboga Bakery added Wanjiku Kamau"
    # Without iOS's mark, the same words from a person are an ordinary message.
    assert kinds[4][0] == "text" and kinds[4][1] == "Juma Hardware"


@pytest.mark.parametrize(
    "body, kind, filename",
    [
        ("\u200e<attached: 00000012-PHOTO-2026-11-16-09-15-42.jpg>", "image", "00000012-PHOTO-2026-11-16-09-15-42.jpg"),
        ("<attached: 00000013-AUDIO-2026-11-16-09-16-00.opus>", "voice", "00000013-AUDIO-2026-11-16-09-16-00.opus"),
        ("<attached: 00000014-STICKER-2026-11-16-09-17-00.webp>", "sticker", "00000014-STICKER-2026-11-16-09-17-00.webp"),
        ("\u200eINV-7.pdf \u2022 \u200e1 page \u200e<attached: 00000015-INV-7.pdf>", "document", "00000015-INV-7.pdf"),
        ("IMG-20261116-WA0001.jpg (file attached)", "image", "IMG-20261116-WA0001.jpg"),
        ("IMG-20261116-WA0002.png (file attached)", "image", "IMG-20261116-WA0002.png"),
        ("IMG-20261116-WA0003.webp (file attached)", "image", "IMG-20261116-WA0003.webp"),
        ("STK-20261116-WA0004.webp (file attached)", "sticker", "STK-20261116-WA0004.webp"),
        ("PTT-20261116-WA0005.opus (file attached)", "voice", "PTT-20261116-WA0005.opus"),
        ("AUD-20261116-WA0006.ogg (file attached)", "voice", "AUD-20261116-WA0006.ogg"),
        ("AUD-20261116-WA0007.m4a (file attached)", "audio", "AUD-20261116-WA0007.m4a"),
        ("AUD-20261116-WA0008.mp3 (file attached)", "audio", "AUD-20261116-WA0008.mp3"),
        ("VID-20261116-WA0009.mp4 (file attached)", "video", "VID-20261116-WA0009.mp4"),
        ("Price list 2026.docx (file attached)", "document", "Price list 2026.docx"),
        ("Invoice 42.pdf \u2022 3 pages (file attached)", "document", "Invoice 42.pdf"),
    ],
)
def test_attachments_get_kind_and_filename(body, kind, filename):
    message = only(f"16/11/26, 09:15 - Mama Mboga Bakery: {body}")
    assert message.kind == kind
    assert message.media is not None and message.media.filename == filename
    assert message.text is None
    assert message.caption is None


def test_text_after_an_android_attachment_line_is_the_caption():
    message = only(
        "16/11/26, 12:05 - Mama Mboga Bakery: INV-2026-0042.pdf (file attached)\n"
        "Invoice for the wedding cake,\n50% deposit to confirm\n"
    )
    assert message.kind == "document"
    assert message.media.filename == "INV-2026-0042.pdf"
    assert message.caption == "Invoice for the wedding cake,\n50% deposit to confirm"


@pytest.mark.parametrize(
    "body, kind",
    [
        ("<Media omitted>", "unsupported"),
        ("\u200eimage omitted", "image"),
        ("audio omitted", "audio"),
        ("video omitted", "video"),
        ("document omitted", "document"),
        ("sticker omitted", "sticker"),
    ],
)
def test_omitted_media_keeps_its_kind_without_a_file(body, kind):
    message = only(f"[16/11/26, 09:15:42] Juma Hardware: {body}")
    assert message.kind == kind
    assert message.media is None
    assert message.text is None


@pytest.mark.parametrize("body", ["This message was deleted", "\u200eThis message was deleted.", "You deleted this message"])
def test_deleted_messages(body):
    message = only(f"[17/11/26, 13:40:12] Juma Hardware: {body}")
    assert message.kind == "deleted"
    assert message.text is None
    assert message.sender_name == "Juma Hardware"


def test_invisible_characters_do_not_change_the_message():
    plain = only("16/11/2026, 9:15 pm - +254 712 345 678: Paid KES 3,500 via M-Pesa")
    noisy = only(
        "\ufeff\u200e16/11/2026, 9:15\u202fpm - \u2068+254\u00a0712\u00a0345\u00a0678\u2069: \u200fPaid KES 3,500 via\u00a0M-Pesa"
    )
    assert noisy.sender_name == plain.sender_name == "+254 712 345 678"
    assert noisy.text == plain.text == "Paid KES 3,500 via M-Pesa"
    assert noisy.message_id == plain.message_id
    assert noisy.sender_id == plain.sender_id


EXPORT = (
    "17/11/26, 10:20 - Wanjiku Kamau: Paid KES 3,500 via M-Pesa, ref QK7XZ12AB3\n"
    "17/11/26, 10:25 - Mama Mboga Bakery: Asante sana\n"
    "17/11/26, 10:25 - Mama Mboga Bakery: Asante sana\n"
    "17/11/26, 10:26 - Wanjiku Kamau: Karibu\n"
    "17/11/26, 10:27 - Mama Mboga Bakery: Asante sana\n"
)


def test_ids_are_stable_across_imports_and_overlapping_exports():
    first = [m.message_id for m in parse(EXPORT).messages]
    again = [m.message_id for m in parse(EXPORT, source_name="other name.txt").messages]
    assert first == again
    # A later export that starts mid-conversation (and adds one message) agrees on the shared messages.
    overlap = parse("\n".join(EXPORT.splitlines()[1:]) + "\n17/11/26, 10:30 - Wanjiku Kamau: Bye\n").messages
    assert [m.message_id for m in overlap[:4]] == first[1:]


def test_identical_messages_in_the_same_minute_stay_distinct():
    messages = parse(EXPORT).messages
    ids = [m.message_id for m in messages]
    assert len(set(ids)) == 5
    twin_a, twin_b = messages[1], messages[2]
    assert (twin_a.sent_at, twin_a.sender_name, twin_a.text) == (twin_b.sent_at, twin_b.sender_name, twin_b.text)
    utc = twin_a.sent_at.isoformat()
    assert twin_a.message_id == stable_id(twin_a.chat_id, utc, "Mama Mboga Bakery", "Asante sana", 0, prefix="exp_")
    assert twin_b.message_id == stable_id(twin_a.chat_id, utc, "Mama Mboga Bakery", "Asante sana", 1, prefix="exp_")
    # Same words a minute later are a different tuple, so they start again at ordinal 0.
    assert messages[4].message_id == stable_id(
        twin_a.chat_id, messages[4].sent_at.isoformat(), "Mama Mboga Bakery", "Asante sana", 0, prefix="exp_"
    )


def test_chat_name_and_timezone_are_part_of_the_ids():
    base = parse(EXPORT).messages[0]
    assert parse(EXPORT, chat_name="Juma Hardware").messages[0].message_id != base.message_id
    in_utc = parse(EXPORT, tz=ZoneInfo("UTC")).messages[0]
    assert in_utc.sent_at == datetime(2026, 11, 17, 10, 20, tzinfo=timezone.utc)
    assert in_utc.message_id != base.message_id


def test_not_a_chat_export_names_the_file_and_line():
    with pytest.raises(ChatExportError) as caught:
        parse("\n\nDear customer,\nthis is a letter\n", source_name="letter.txt")
    assert "letter.txt:3" in str(caught.value)
    assert "Dear customer" in str(caught.value)
    with pytest.raises(ChatExportError, match="empty.txt:1"):
        parse("", source_name="empty.txt")


def test_lines_before_the_first_header_and_impossible_dates_are_line_errors():
    parsed = parse(
        "exported by WhatsApp\n"
        "16/11/26, 09:15 - A: fine\n"
        "16/11/26, 25:15 - A: no such hour\n"
        "  its continuation\n"
        "17/11/26, 09:15 - A: also fine\n",
        source_name="chat.txt",
    )
    assert [m.text for m in parsed.messages] == ["fine", "also fine"]
    assert [(e.source_name, e.line_number) for e in parsed.errors] == [("chat.txt", 1), ("chat.txt", 3)]
    assert parsed.errors[0].line == "exported by WhatsApp"
    assert "before the first message header" in parsed.errors[0].reason
    assert str(parsed.errors[1]).startswith("chat.txt:3: impossible date or time")


@pytest.mark.parametrize(
    "filename, name",
    [
        ("WhatsApp Chat with Mama Mboga Bakery.txt", "Mama Mboga Bakery"),
        ("WhatsApp Chat with Mama Mboga Bakery.zip", "Mama Mboga Bakery"),
        ("WhatsApp Chat - Juma Hardware.zip", "Juma Hardware"),
        ("/downloads/WhatsApp Chat - Juma Hardware (1).zip", "Juma Hardware"),
        ("WhatsApp Chat with +254 712 345 678.txt", "+254 712 345 678"),
        ("orders.txt", "orders"),
        ("_chat.txt", "_chat"),
    ],
)
def test_chat_name_from_filename(filename, name):
    assert chat_name_from_filename(filename) == name


def test_kind_for_filename_defaults_to_document():
    assert kind_for_filename("notes.xyz") == "document"
    assert kind_for_filename("noextension") == "document"


def test_an_ios_attachment_whose_name_reads_like_an_event_is_still_an_attachment():
    message = only("\u200e[16/11/26, 09:15:42] Juma Hardware: \u200eStock added.pdf \u2022 \u200e1 page \u200e<attached: 00000031-Stock added.pdf>")
    assert (message.kind, message.sender_name, message.media.filename) == ("document", "Juma Hardware", "00000031-Stock added.pdf")
