import itertools
import subprocess
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.message import Message, stable_id
from wa_pipeline.whatsapp import chat_export
from wa_pipeline.whatsapp.chat_export import (
    _HEADER_START,
    ChatExportError,
    _day_runs,
    _lines_not_opening_with,
    chat_name_from_filename,
    export_text_reader,
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
    assert message.sent_at == datetime(2026, 11, 16, 6, 15, tzinfo=UTC)
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
    assert [m.sent_at.astimezone(NAIROBI).date().isoformat() for m in day_first.messages] == [
        "2026-04-03",
        "2026-04-13",
    ]

    month_first = parse("03/04/26, 10:00 - A: one\n04/13/26, 10:00 - A: two\n")
    assert month_first.date_order == "mdy"
    assert [m.sent_at.astimezone(NAIROBI).date().isoformat() for m in month_first.messages] == [
        "2026-03-04",
        "2026-04-13",
    ]

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
    assert (
        first.text
        == "Yes, same place as last time.\nGate B, Ngong Road Apartments\n\nCall me on 0722 123456 when you arrive"
    )
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
        (
            "<attached: 00000014-STICKER-2026-11-16-09-17-00.webp>",
            "sticker",
            "00000014-STICKER-2026-11-16-09-17-00.webp",
        ),
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
    "body, event",
    [
        ("<Media omitted>", "media_omitted"),
        ("\u200eimage omitted", "media_omitted:image"),
        ("audio omitted", "media_omitted:audio"),
        ("video omitted", "media_omitted:video"),
        ("document omitted", "media_omitted:document"),
        ("sticker omitted", "media_omitted:sticker"),
    ],
)
def test_omitted_media_is_media_omitted_with_its_media_kind(body, event):
    message = only(f"[16/11/26, 09:15:42] Juma Hardware: {body}")
    assert (message.kind, message.event) == ("media_omitted", event)
    assert message.media is None
    assert message.text is None
    assert message.sender_name == "Juma Hardware"


@pytest.mark.parametrize(
    "body", ["This message was deleted", "\u200eThis message was deleted.", "You deleted this message"]
)
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
    assert in_utc.sent_at == datetime(2026, 11, 17, 10, 20, tzinfo=UTC)
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
    message = only(
        "\u200e[16/11/26, 09:15:42] Juma Hardware: \u200eStock added.pdf \u2022 \u200e1 page \u200e<attached: 00000031-Stock added.pdf>"
    )
    assert (message.kind, message.sender_name, message.media.filename) == (
        "document",
        "Juma Hardware",
        "00000031-Stock added.pdf",
    )


@pytest.mark.parametrize(
    "header, expected",
    [
        # Spanish: "a. m."/"p. m.", with plain or no-break spaces inside.
        ("16/11/26, 9:15 a. m. - ", datetime(2026, 11, 16, 9, 15)),
        ("16/11/26, 9:15\u202fp.\u00a0m. - ", datetime(2026, 11, 16, 21, 15)),
        ("[16/11/26, 12:05:09 a. m.] ", datetime(2026, 11, 16, 0, 5, 9)),
        # German (older Android).
        ("16.11.26, 9:15 vorm. - ", datetime(2026, 11, 16, 9, 15)),
        ("16.11.26, 12:30 nachm. - ", datetime(2026, 11, 16, 12, 30)),
        # Greek, with and without dots, either case.
        ("16/11/26, 9:15 π.μ. - ", datetime(2026, 11, 16, 9, 15)),
        ("16/11/26, 9:15 μ.μ. - ", datetime(2026, 11, 16, 21, 15)),
        ("[16/11/2026, 9:15:42 ΜΜ] ", datetime(2026, 11, 16, 21, 15, 42)),
        ("16/11/26, 9:15 πμ - ", datetime(2026, 11, 16, 9, 15)),
        # Japanese, Chinese and Korean put the marker before the time; Japanese counts 0-11.
        ("2026/11/16 午前9:15 - ", datetime(2026, 11, 16, 9, 15)),
        ("[2026/11/16 午後0:30:05] ", datetime(2026, 11, 16, 12, 30, 5)),
        ("2026/11/16 午前0:05 - ", datetime(2026, 11, 16, 0, 5)),
        ("2026/11/16 下午9:15 - ", datetime(2026, 11, 16, 21, 15)),
        ("[2026. 11. 16. 오후 9:15:42] ", datetime(2026, 11, 16, 21, 15, 42)),
        # Arabic: RLM after day and month, the Arabic comma, "م" after the time, Arabic-Indic digits.
        ("16\u200f/11\u200f/2026\u060c 9:15 م - ", datetime(2026, 11, 16, 21, 15)),
        ("١٦\u200f/١١\u200f/٢٠٢٦\u060c ٩:١٥ ص - ", datetime(2026, 11, 16, 9, 15)),
        # Android 13+ narrow no-break space before "pm", and the same written out by a JSON tool.
        ("11/16/26, 9:15\u202fPM - ", datetime(2026, 11, 16, 21, 15)),
        ("11/16/26, 9:15\\u202fPM - ", datetime(2026, 11, 16, 21, 15)),
        # Dates ending in a dot, four-digit m/d/y, spaced y. m. d., French "à", Finnish "klo", Thai years.
        ("16.11.26. 21:07 - ", datetime(2026, 11, 16, 21, 7)),
        ("[16.11.26., 21:07:00] ", datetime(2026, 11, 16, 21, 7)),
        ("11/16/2026, 9:15 PM - ", datetime(2026, 11, 16, 21, 15)),
        ("[11/16/2026, 9:15:42 AM] ", datetime(2026, 11, 16, 9, 15, 42)),
        ("2026. 11. 16. 21:15 - ", datetime(2026, 11, 16, 21, 15)),
        ("16/11/2026 à 21:15 - ", datetime(2026, 11, 16, 21, 15)),
        ("[16.11.2026 klo 21.15.42] ", datetime(2026, 11, 16, 21, 15, 42)),
        ("16/11/2569 21:15 - ", datetime(2026, 11, 16, 21, 15)),
    ],
)
def test_localized_headers(header, expected):
    message = only(header + "Brian Otieno: hello")
    assert message.sent_at == expected.replace(tzinfo=NAIROBI)
    assert (message.sender_name, message.text) == ("Brian Otieno", "hello")


@pytest.mark.parametrize(
    "body, kind, filename",
    [
        ("\u200e<anexado: 00000012-PHOTO-2026-11-16-09-15-42.jpg>", "image", "00000012-PHOTO-2026-11-16-09-15-42.jpg"),
        (
            "\u200e<angehängt: 00000013-AUDIO-2026-11-16-09-16-00.opus>",
            "voice",
            "00000013-AUDIO-2026-11-16-09-16-00.opus",
        ),
        ("<adjunto: 00000015-Factura 7.pdf>", "document", "00000015-Factura 7.pdf"),
        ("IMG-20261116-WA0001.jpg (Datei angehängt)", "image", "IMG-20261116-WA0001.jpg"),
        ("VID-20261116-WA0002.mp4 (archivo adjunto)", "video", "VID-20261116-WA0002.mp4"),
        ("Facture 42.pdf \u2022 3 pages (fichier joint)", "document", "Facture 42.pdf"),
        ("PTT-20261116-WA0003.opus (arquivo anexado)", "voice", "PTT-20261116-WA0003.opus"),
    ],
)
def test_localized_attachments_get_kind_and_filename(body, kind, filename):
    message = only(f"16/11/26, 09:15 - Mama Mboga Bakery: {body}")
    assert (message.kind, message.media.filename, message.text) == (kind, filename, None)


@pytest.mark.parametrize(
    "body, event",
    [
        ("<Medien ausgeschlossen>", "media_omitted"),
        ("<Multimedia omitido>", "media_omitted"),
        ("<Médias omis>", "media_omitted"),
        ("<Mídia oculta>", "media_omitted"),
        ("\u200eimagen omitida", "media_omitted:image"),
        ("\u200eBild weggelassen", "media_omitted:image"),
        ("\u200eimagem ocultada", "media_omitted:image"),
        ("\u200eaudio omis", "media_omitted:audio"),
        ("\u200eSticker weggelassen", "media_omitted:sticker"),
        ("\u200edocumento omitido", "media_omitted:document"),
    ],
)
def test_localized_omitted_media_is_media_omitted_with_its_media_kind(body, event):
    message = only(f"[16/11/26, 09:15:42] Juma Hardware: {body}")
    assert (message.kind, message.event, message.media, message.text) == ("media_omitted", event, None, None)


@pytest.mark.parametrize(
    "body",
    [
        "Se eliminó este mensaje",
        "Eliminaste este mensaje.",
        "Diese Nachricht wurde gelöscht",
        "\u200eCe message a été supprimé.",
        "Esta mensagem foi apagada",
        "Você apagou esta mensagem",
    ],
)
def test_localized_deleted_messages(body):
    message = only(f"[17/11/26, 13:40:12] Juma Hardware: {body}")
    assert (message.kind, message.text, message.sender_name) == ("deleted", None, "Juma Hardware")


def test_polls_from_android_and_ios():
    android = only(
        "16/11/26, 09:15 - Mama Mboga Bakery: POLL:\n"
        "Which day for delivery?\n"
        "OPTION: Friday (2 votes)\n"
        "OPTION: Saturday (1 vote)\n"
        "OPTION: Sunday (0 votes)\n"
    )
    ios = only(
        "\u200e[16/11/26, 09:15:00] Mama Mboga Bakery: \u200ePOLL:\r\n"
        "\u200eWhich day for delivery?\r\n"
        "\u200eOPTION: Friday (2 votes)\r\n"
        "\u200eOPTION: Saturday (1 vote)\r\n"
        "\u200eOPTION: Sunday (0 votes)\r\n"
    )
    for poll in (android, ios):
        assert (poll.kind, poll.sender_name) == ("poll", "Mama Mboga Bakery")
        assert poll.text == "Which day for delivery?\nFriday (2 votes)\nSaturday (1 vote)\nSunday (0 votes)"
    # The id hashes the body as written, so the same poll from either phone is the same message.
    assert (
        android.message_id
        == ios.message_id
        == stable_id(
            android.chat_id,
            android.sent_at.isoformat(),
            "Mama Mboga Bakery",
            "POLL:\nWhich day for delivery?\nOPTION: Friday (2 votes)\nOPTION: Saturday (1 vote)\nOPTION: Sunday (0 votes)",
            0,
            prefix="exp_",
        )
    )


def test_a_poll_question_over_several_lines_keeps_its_newlines():
    poll = only(
        "16/11/26, 09:15 - Wanjiku Kamau: POLL:\nCake flavour for Saturday?\n(tiers 2 and 3)\n"
        "OPTION: Lemon (3 votes)\nOPTION: Vanilla (1 vote)\n"
    )
    assert poll.text == "Cake flavour for Saturday?\n(tiers 2 and 3)\nLemon (3 votes)\nVanilla (1 vote)"


@pytest.mark.parametrize("body", ["POLL:\nwho is coming?", "POLL: yes or no", "OPTION: Lemon (3 votes)"])
def test_poll_words_without_a_poll_are_ordinary_text(body):
    message = only(f"16/11/26, 09:15 - Wanjiku Kamau: {body}")
    assert (message.kind, message.text) == ("text", body)


def test_localized_encryption_notices_are_system_messages_even_under_a_name():
    parsed = parse(
        "[16/11/26, 08:00:00] Juma Hardware: \u200eLos mensajes y las llamadas están cifrados de extremo a extremo.\n"
        "[16/11/26, 08:00:01] Juma Hardware: \u200eNachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt.\n"
    )
    assert [(m.kind, m.sender_name) for m in parsed.messages] == [("system", None), ("system", None)]


def test_two_digit_year_first_dates_are_told_from_day_first_by_the_whole_file():
    # 26/03/10 alone could be 26 March 2010; with 26/03/11 and 26/03/13 beside it only y/m/d keeps one year.
    parsed = parse("26/03/10, 09:00 - A: one\n26/03/11, 09:00 - A: two\n26/03/13, 09:00 - A: three\n")
    assert parsed.date_order == "ymd"
    assert [m.sent_at.astimezone(NAIROBI).date().isoformat() for m in parsed.messages] == [
        "2026-03-10",
        "2026-03-11",
        "2026-03-13",
    ]


def test_when_no_number_is_above_12_the_order_that_keeps_time_moving_forward_wins():
    # Read day first these would be 3 December then 4 January of the same year: back in time.
    parsed = parse("3/12/26, 10:00 - A: one\n4/1/26, 10:00 - A: two\n")
    assert parsed.date_order == "mdy"
    assert [m.sent_at.astimezone(NAIROBI).date().isoformat() for m in parsed.messages] == ["2026-03-12", "2026-04-01"]


def test_a_year_before_whatsapp_existed_is_a_line_error():
    parsed = parse("16/11/26, 09:15 - A: fine\n16/11/2004, 09:16 - A: from 2004\n", source_name="chat.txt")
    assert [m.text for m in parsed.messages] == ["fine"]
    assert [(e.line_number, e.reason) for e in parsed.errors] == [
        (2, "impossible date or time (year 2004 is before WhatsApp existed)")
    ]


def test_ids_of_lines_the_parser_always_read_never_change():
    # Pinned from the first release of this parser: imports already in the landing store and the sheet rely on them.
    android = parse(
        "16/11/2026, 9:15\u202fpm - \u2068+254\u00a0712\u00a0345\u00a0678\u2069: Paid KES 3,500 via M-Pesa\n"
        "16/11/2026, 9:16 pm - Mama Mboga Bakery: INV-2026-0042.pdf (file attached)\n"
        "Invoice for the wedding cake\n"
        "16/11/2026, 9:17 pm - Mama Mboga Bakery added Wanjiku Kamau\n"
        "17/11/2026, 8:00 a.m. - Wanjiku Kamau: <Media omitted>\n"
    )
    ios = parse(
        "\u200e[16.11.26, 09:15:42] Juma Hardware: \u200e<attached: 00000012-PHOTO-2026-11-16-09-15-42.jpg>\r\n"
        "[16.11.26, 09:16:00] Amina Njeri: Yes\r\nsecond line\r\n"
        "\u200e[17.11.26, 13:40:12] Juma Hardware: \u200eThis message was deleted.\r\n"
    )
    year_first = parse("[2026-11-16, 07:01:02] Juma Hardware: Asante\n[2026-11-17, 19:01:02] Juma Hardware: Karibu\n")
    assert [m.message_id for m in android.messages] == [
        "exp_95c77b5e81fd784e2db37cbcabd37ec6",
        "exp_20b4e7664c3ab09b9dbed1ab3dcb532f",
        "exp_5160a6a15c2e990d0855e75bb5102e57",
        "exp_60d95fba058f2e198037ece941c37b2a",
    ]
    assert [m.message_id for m in ios.messages] == [
        "exp_f8ef796f1c0eb15ab71a4e3ad4dee944",
        "exp_57bfbed811c4d5e79252a7413b8353ac",
        "exp_c58140f6488730297f4fd7d4fdd49237",
    ]
    assert [m.message_id for m in year_first.messages] == [
        "exp_f954e8d44b3cce54ccb9cb4fdf9268a0",
        "exp_6daab8ed1f56ea4ef19918e6d0790c39",
    ]


def test_messages_built_unchecked_are_the_ones_the_checked_constructor_builds():
    # The parser builds its messages without `Message`'s checks (see `Message.from_trusted_fields`): each must be
    # exactly what the checked constructor makes of the same fields, its send time in UTC itself.
    text = (
        "13/03/2025, 09:15 - Messages and calls are end-to-end encrypted. No one outside of this chat can read them.\n"
        "13/03/2025, 09:15 - Wanjiku Kamau: Please send 20 loaves\n"
        "and 3 cakes\n"
        "13/03/2025, 09:15 - Wanjiku Kamau: Please send 20 loaves\n"
        "and 3 cakes\n"
        "13/03/2025, 09:16 - Juma: IMG-20250313-WA0001.jpg (file attached)\n"
        "Gate B\n"
        "13/03/2025, 09:17 - Juma: <Media omitted>\n"
        "13/03/2025, 09:18 - Juma: This message was deleted\n"
        "13/03/2025, 09:19 - Juma: Done <This message was edited>\n"
        "13/03/2025, 09:20 - Juma: POLL:\nWhen?\nOPTION: Monday (2 votes)\n"
        "13/03/2025, 09:21 - Mama Mboga Bakery added Juma\n"
        "30/03/2025, 02:30 - Juma: the clock skipped this\n"
        "26/10/2025, 02:30 - Juma: the clock showed this twice\n"
        "26/10/2025, 02:30 - Juma: the clock showed this twice\n"
        "26/10/2025, 03:10 - Juma: bell \x07 rang\n"
    )
    parsed = parse(text, tz=ZoneInfo("Europe/Berlin"), today=datetime(2025, 11, 1).date())
    assert parsed.errors == []
    kinds = [message.kind for message in parsed.messages]
    assert (
        kinds
        == ["system", "text", "text", "image", "media_omitted", "deleted", "text", "poll", "system"] + ["text"] * 4
    )
    for message in parsed.messages:
        assert message.sent_at.tzinfo is UTC
        assert Message.build(**vars(message)) == message
    assert parsed.messages[-1].text == "bell \u2407 rang"


def test_a_header_opens_with_a_digit_a_bracket_an_era_or_an_invisible_mark():
    """Which lines may open a header, character by character, and the scan's per-day search finds just those."""
    marks = {"\u200e", "\u200f", "\ufeff", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}
    lines = []
    for point in range(0x10000):
        character = chr(point)
        opens = character == "[" or character.isdecimal() or character in marks
        assert bool(_HEADER_START.match(character + "x")) == opens, hex(point)
        assert bool(_HEADER_START.match(character + "1")) == (opens or character in "MTSHR"), hex(point)
        if character != "\n":
            lines += [character + "x", character + "1"]
    lines += ["16/11/2026, 09:15 - Wanjiku: hi", "16/11/2026, 09:16 - Brian: ok", "17/11/2026, 08:00 - Brian: yes"]
    text = "\n" + "\n".join(lines)
    found = [match.start() for match in _lines_not_opening_with("16/11/2026, ", header_starts=True).finditer(text)]
    at = list(itertools.accumulate(len(line) + 1 for line in lines[:-1]))
    expected = [
        start
        for start, line in zip([0, *at], lines, strict=True)
        if _HEADER_START.match(line) and not line.startswith("16/11/2026, ")
    ]
    assert found == expected


def _days_export() -> tuple[str, int, list[tuple[str, str, str]], list[int]]:
    """An Android export over 40 days: (its text, its headers, the dates, the line each date opens on)."""
    lines = ["hello before any header", "16/11/26, 09:00 - Wanjiku: a note pasted above the chat"]
    dates, starts = [], []
    for day in range(40):
        stamp = f"{1 + day % 28:02d}/{1 + day // 28:02d}/2026"
        dates.append((stamp[:2], stamp[3:5], stamp[6:]))
        starts.append(len(lines) + 1)
        for minute in range(day % 4 + 1):
            lines.append(f"{stamp}, 10:{minute:02d} - Brian: loaves {minute}")
            # Lines a header may open with (a digit, a bracket, an era, a mark) that are no header.
            lines += ["2 cakes too", "[not a header]", "R2 road", "\u200eok", "and the gate"][: day % 6]
    return "\n".join(lines) + "\n", sum(day % 4 + 1 for day in range(40)), dates, starts


@pytest.mark.parametrize("block_chars", [64, 1000, 1 << 18])
def test_the_scan_counts_each_day_however_the_blocks_cut_it(monkeypatch, block_chars):
    """Days that run over a block's end, and lines that could open a header among them, are counted as written."""
    monkeypatch.setattr(chat_export, "_BLOCK_CHARS", block_chars)
    text, headers, dates, starts = _days_export()
    scan = export_text_reader(text, chat_name="Bakery", tz=NAIROBI).scan
    key = ("android", "/")
    assert scan.layout_counts == {key: headers + 1}
    assert scan.runs[key] == [("16", "11", "26"), *dates]
    assert scan.date_starts[key] == [2, *starts]
    assert scan.line_count == text.count("\n")


def test_the_scan_compiles_no_pattern_for_each_day(monkeypatch):
    """A day's headers are skipped by patterns compiled once, not one compiled for each date (~0.3 ms each)."""
    compiled = []
    original = chat_export._lines_not_opening_with

    def counted(opening: str, header_starts: bool = False):
        compiled.append(opening)
        return original(opening, header_starts)

    monkeypatch.setattr(chat_export, "_lines_not_opening_with", counted)
    text = "".join(f"{1 + day % 28:02d}/{1 + day // 28:02d}/2026, 10:00 - Brian: loaves\n" for day in range(40))
    assert export_text_reader(text, chat_name="Bakery", tz=NAIROBI).scan.line_count == 40
    assert len(compiled) <= 2


def test_a_day_run_ends_where_the_per_day_search_stops():
    """`_day_runs` matched at a day's header ends at the newline `_lines_not_opening_with` finds after it."""
    text = "\n" + _days_export()[0].removesuffix("\n")
    for header_starts in (False, True):
        for start in (index + 1 for index, character in enumerate(text) if character == "\n"):
            opening = text[start : start + 12]
            end = text.find("\n", start)
            if len(opening) < 12 or "\n" in opening:
                continue
            found = _lines_not_opening_with(opening, header_starts).search(text, len(text) if end < 0 else end)
            ran = _day_runs(len(opening), header_starts).match(text, start)
            assert ran is not None and ran.end() == (len(text) if found is None else found.start()), (start, opening)


def test_the_pattern_of_every_layout_is_compiled_on_first_use_only():
    """Importing the reader compiles no pattern for bracketed headers without seconds (a third of a second of every
    import worker's start); asked for, it holds what `_header_lines` makes of every layout."""
    code = "import wa_pipeline.whatsapp.chat_export as c; print(c._all_header_lines.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
    pattern, fields = chat_export._header_lines(frozenset(layout for layout, _ in chat_export._ALL_LAYOUTS))
    every_line, every_field = chat_export._all_header_lines()
    assert every_line.pattern == pattern.pattern
    assert every_field == fields
