"""Line shapes seen in real public exports (issue 11's audit of other projects' exports), rebuilt with invented people.

Each test writes a small export in the layout and with the system wording a real one used, and checks the kind, sender,
event and text every line must come back with; the shapes and where they were seen are in the locale files' sources.
"""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.whatsapp.chat_export import parse_chat_export

NAIROBI = ZoneInfo("Africa/Nairobi")
TODAY = date(2026, 12, 3)
LRM = "\u200e"


def _parse(text: str):
    parsed = parse_chat_export(text, chat_name="Mama Mboga Bakery", tz=NAIROBI, today=TODAY)
    assert parsed.errors == []
    return parsed.messages


@pytest.mark.parametrize(
    ("line", "event"),
    [
        # Russian Android quotes the new subject in «…», German in „…“: a colon inside is no sender's.
        ("01.03.2026, 10:00 - Baraka изменил тему с «Хлеб: заказы» на «Хлеб»", None),
        ("01.03.2026, 10:00 - Baraka hat den Betreff von „Brot: Bestellungen“ zu „Brot“ geändert.", "subject_changed"),
    ],
)
def test_a_group_subject_quoted_the_languages_way_with_a_colon_inside_is_no_sender_talking(line, event):
    (message,) = _parse(line + "\n")
    assert (message.kind, message.sender_name, message.event) == ("system", None, event)
    assert message.text == line.split(" - ", 1)[1]


@pytest.mark.parametrize(
    ("body", "event"),
    [
        (f"{LRM}Voice call, {LRM}4 min", "voice_call"),
        (f"{LRM}Video call, {LRM}1 hr 5 min", "video_call"),
        (f"{LRM}Voice call, {LRM}No answer", "voice_call"),
        (f"{LRM}Missed voice call, {LRM}Tap to call back", "missed_voice_call"),
        (f"{LRM}Missed video call, {LRM}Tap to call back", "missed_video_call"),
        (f"{LRM}Missed voice call, {LRM}Click to call back", "missed_voice_call"),
        (f"{LRM}Silenced voice call", "missed_voice_call"),
        (f"{LRM}Sprachanruf. {LRM}6 Sek.", "voice_call"),
        (f"{LRM}Videoanruf. {LRM}5 Min.", "video_call"),
        (f"{LRM}Sprachanruf. {LRM}Keine Antwort", "voice_call"),
        (f"{LRM}Verpasster Sprachanruf. {LRM}Zum Zurückrufen tippen", "missed_voice_call"),
        (f"{LRM}Verpasster Videoanruf, {LRM}Zum Zurückrufen tippen", "missed_video_call"),
        (f"{LRM}Llamada de voz, {LRM}3 min", "voice_call"),
    ],
)
def test_an_ios_call_line_is_the_call_not_the_callers_words(body, event):
    # iOS writes every call, answered or not, as the caller's line marked with U+200E, its length or outcome after
    # the call's words.
    customer, call = _parse(
        f"[03/03/2026, 09:00:00] Wanjiru Mwangi: Nipigie\n[03/03/2026, 09:01:00] Wanjiru Mwangi: {body}\n"
    )
    assert (customer.kind, customer.text) == ("text", "Nipigie")
    assert (call.kind, call.event, call.sender_name) == ("system", event, None)
    assert call.text == body.replace(LRM, "")


@pytest.mark.parametrize(
    "body",
    [
        "Voice call, tomorrow at 5?",
        "Video call",
        "Sprachanruf. Morgen um 10",
        "Missed voice call, sorry I was driving",
    ],
)
def test_a_person_writing_about_a_call_keeps_their_words(body):
    # No U+200E mark, a sender: the words are the customer's, whatever they open with.
    messages = _parse(f"[03/03/2026, 09:00:00] Wanjiru Mwangi: {body}\n03/03/2026, 09:01 - Wanjiru Mwangi: {body}\n")
    assert [(m.kind, m.event, m.sender_name, m.text) for m in messages] == [("text", None, "Wanjiru Mwangi", body)] * 2


@pytest.mark.parametrize(
    ("line", "event"),
    [
        # Android gives a missed call its caller as sender, group calls included.
        ("9/10/22, 10:31 PM - Otieno Ouma: Missed group voice call", "missed_voice_call"),
        ("9/10/22, 10:31 PM - Otieno Ouma: Missed group video call", "missed_video_call"),
        ("9/10/22, 10:31 PM - Otieno Ouma: Пропущенный голосовой вызов", "missed_voice_call"),
        ("9/10/22, 10:31 PM - Otieno Ouma: Cevapsız sesli grup araması", "missed_voice_call"),
        ("9/10/22, 10:31 PM - Otieno Ouma: Verpasster Gruppen-Sprachanruf", "missed_voice_call"),
        # iOS lines whose U+200E marks a tool removed.
        ("[9/10/22, 10:31:05 PM] Otieno Ouma: Missed voice call, Tap to call back", "missed_voice_call"),
        ("[9/10/22, 10:31:05 PM] Otieno Ouma: Verpasster Sprachanruf, Zum Zurückrufen tippen", "missed_voice_call"),
    ],
)
def test_a_missed_call_under_its_callers_name_is_the_call(line, event):
    (message,) = _parse(line + "\n")
    assert (message.kind, message.event, message.sender_name) == ("system", event, None)


def test_an_omitted_video_note_is_omitted_media():
    (message,) = _parse(f"[03/03/2026, 09:00:00] Wanjiru Mwangi: {LRM}video note omitted\n")
    assert (message.kind, message.event, message.sender_name, message.text) == (
        "media_omitted",
        "media_omitted:video_note",
        "Wanjiru Mwangi",
        None,
    )


def test_an_ios_export_of_2016_keeps_its_omitted_media_and_group_events():
    # iOS of 2016 wrote "date, time: " with no brackets, "<image omitted>" in angle brackets, "created this group".
    messages = _parse(
        "7/1/16, 4:56:55 PM: Achieng Odhiambo created this group\n"
        "7/1/16, 5:13:36 PM: Achieng Odhiambo: Karibuni wote\n"
        "9/10/16, 8:37:21 PM: Kamau Njoroge: <image omitted>\n"
        "9/10/16, 8:38:00 PM: Kamau Njoroge: <Video omitted>\n"
    )
    assert [(m.kind, m.event, m.sender_name, m.text) for m in messages] == [
        ("system", "group_created", None, "Achieng Odhiambo created this group"),
        ("text", None, "Achieng Odhiambo", "Karibuni wote"),
        ("media_omitted", "media_omitted:image", "Kamau Njoroge", None),
        ("media_omitted", "media_omitted:video", "Kamau Njoroge", None),
    ]


def test_a_customers_words_in_angle_brackets_stay_their_words():
    (message,) = _parse("[03/03/2026, 09:00:00] Wanjiru Mwangi: <image of the cake attached tomorrow>\n")
    assert (message.kind, message.text) == ("text", "<image of the cake attached tomorrow>")


@pytest.mark.parametrize("quote", ['"', "\u05f4"])
def test_a_hebrew_twelve_hour_header_starts_its_own_message(quote):
    # Hebrew phones on a 12-hour clock write "לפנה"צ" (a.m.) and "אחה"צ" (p.m.) after the time; an unread marker
    # made every such line part of the message above it.
    messages = _parse(
        "[15.9.2026, 20:45:12] דנה: בוקר טוב\n"
        f"[15.9.2026, 8:46:00 אחה{quote}צ] דנה: תביא את המסמכים מחר\n"
        f"[16.9.2026, 9:05:00 לפנה{quote}צ] יוסי: בסדר\n"
    )
    assert [(m.sender_name, m.text, m.sent_at.astimezone(NAIROBI).strftime("%d %H:%M")) for m in messages] == [
        ("דנה", "בוקר טוב", "15 20:45"),
        ("דנה", "תביא את המסמכים מחר", "15 20:46"),
        ("יוסי", "בסדר", "16 09:05"),
    ]


def test_chinese_media_lines_are_media():
    messages = _parse(
        "2026/3/3 09:00 - 王小明: <省略影音内容>\n"
        "2026/3/3 09:01 - 王小明: <已省略多媒體檔案>\n"
        "[2026/3/3 09:02:00] 陳大文: <已附加: 00000012-PHOTO-2026-03-03-09-02-00.jpg>\n"
    )
    assert [(m.kind, m.event, m.sender_name) for m in messages] == [
        ("media_omitted", "media_omitted", "王小明"),
        ("media_omitted", "media_omitted", "王小明"),
        ("image", None, "陳大文"),
    ]
    assert messages[2].media.filename == "00000012-PHOTO-2026-03-03-09-02-00.jpg"


def test_a_shared_place_is_a_location_with_its_name_and_address():
    # iOS puts the place on one line before the link; Android gives name, address and link a line each.
    messages = _parse(
        "[27/03/2026, 21:46:03] Wanjiru Mwangi: Java House (Kimathi Street, Nairobi): "
        "https://foursquare.com/v/4b0588a1f964a520e5c722e3\n"
        "27/03/2026, 21:47 - Kamau Njoroge: Java House\nKimathi Street, Nairobi\n"
        "https://foursquare.com/v/4b0588a1f964a520e5c722e3\n"
        "27/03/2026, 21:48 - Kamau Njoroge: Tuonane hapa: https://example.com/menu\n"
    )
    assert [(m.kind, m.sender_name, m.text) for m in messages] == [
        (
            "location",
            "Wanjiru Mwangi",
            "Java House (Kimathi Street, Nairobi)\nhttps://foursquare.com/v/4b0588a1f964a520e5c722e3",
        ),
        (
            "location",
            "Kamau Njoroge",
            "Java House\nKimathi Street, Nairobi\nhttps://foursquare.com/v/4b0588a1f964a520e5c722e3",
        ),
        ("text", "Kamau Njoroge", "Tuonane hapa: https://example.com/menu"),
    ]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        # A short US export whose days never pass 12: day after day read m/d, months apart read d/m.
        (
            "3/4/24, 9:15 AM - Juma Hardware: Tuma bei\n3/5/24, 10:00 AM - Amina Njeri: Sawa\n"
            "3/7/24, 8:00 PM - Juma Hardware: Asante\n",
            ["2024-03-04", "2024-03-05", "2024-03-07"],
        ),
        # The same days written d/m by a British phone.
        (
            "04/03/2024, 09:15 - Juma Hardware: Tuma bei\n05/03/2024, 10:00 - Amina Njeri: Sawa\n"
            "07/03/2024, 20:00 - Juma Hardware: Asante\n",
            ["2024-03-04", "2024-03-05", "2024-03-07"],
        ),
    ],
)
def test_a_short_export_with_no_day_past_12_reads_its_days_as_consecutive(text, days):
    messages = _parse(text)
    assert [m.sent_at.astimezone(NAIROBI).date().isoformat() for m in messages] == days


def test_notices_of_newer_and_older_android_exports_are_whatsapps():
    messages = _parse(
        "9/25/26, 11:44\u202fPM - Messages and calls are now end-to-end encrypted. Only people in this chat can read,"
        " listen to, or share them. Learn more.\n"
        f"[9/25/26, 11:45:00\u202fPM] Amina Njeri: {LRM}Messages and calls are now end-to-end encrypted. Only people"
        " in this chat can read, listen to, or share them.\n"
        "2/14/21, 7:10 PM - Otieno Ouma's security code changed. Tap for more info.\n"
        "2/14/21, 7:11 PM - Otieno Ouma changed to +254 700 000000\n"
    )
    assert [(m.kind, m.event, m.sender_name) for m in messages] == [
        ("system", "encryption_notice", None),
        ("system", "encryption_notice", None),
        ("system", "security_code_changed", None),
        ("system", "number_changed", None),
    ]


@pytest.mark.parametrize(
    "placeholder",
    [
        "<Media har utelämnats>",
        "<conținut media omis>",
        "<Εξαίρεση πολυμέσων>",
        "<Mediefil udeladt>",
        "<Bez multivides>",
    ],
)
def test_an_android_export_without_media_in_another_language_says_so(placeholder):
    # Swedish, Romanian, Greek, Danish and Latvian phones write "<Media omitted>" in their language.
    customer, media = _parse(f"18/03/2022, 14:56 - Anna: Hej\n18/03/2022, 14:57 - Anna: {placeholder}\n")
    assert (customer.kind, customer.text) == ("text", "Hej")
    assert (media.kind, media.event, media.sender_name, media.text) == ("media_omitted", "media_omitted", "Anna", None)


@pytest.mark.parametrize(
    ("body", "event"),
    [
        ("bild utesluten", "media_omitted:image"),
        ("εικόνα παραλείφθηκε", "media_omitted:image"),
        ("Videó kihagyva", "media_omitted:video"),
        ("lyd udeladt", "media_omitted:audio"),
        ("Kontaktkort sløyfet", "media_omitted:contacts"),
        ("Faktura.pdf • 2 sidor dokument uteslutet", "media_omitted:document"),
    ],
)
def test_an_ios_export_without_media_in_another_language_says_what_was_left_out(body, event):
    (message,) = _parse(f"[18.03.2022, 14:56:01] Anna: {LRM}{body}\n")
    assert (message.kind, message.event, message.sender_name, message.text) == ("media_omitted", event, "Anna", None)
    if event == "media_omitted:document":
        assert message.media.filename == "Faktura.pdf"


@pytest.mark.parametrize(
    ("body", "kind", "event"),
    [
        ("Detta meddelande raderades", "deleted", "deleted"),
        ("Du raderade detta meddelande", "deleted", "deleted:by_me"),
        ("Ez az üzenet törlésre került", "deleted", "deleted"),
        ("Αναπάντητη φωνητική κλήση", "system", "missed_voice_call"),
        ("Stemoproep gemis", "system", "missed_voice_call"),
        ("Vastaamaton videopuhelu", "system", "missed_video_call"),
    ],
)
def test_deleted_messages_and_missed_calls_in_another_language_are_whatsapps(body, kind, event):
    (message,) = _parse(f"18/03/2022, 14:57 - Anna: {body}\n")
    assert (message.kind, message.event) == (kind, event)


@pytest.mark.parametrize(
    "body",
    [
        "Din sikkerhedskode for Juma har ændret sig. Tryk for at læse mere.",
        "Turvanumerosi muuttui henkilön Juma kanssa. Napauta saadaksesi lisätietoja.",
        "Juma biztonsági kódja megváltozott. További információért koppints.",
    ],
)
def test_an_ios_security_code_notice_in_another_language_is_whatsapps(body):
    (message,) = _parse(f"[18.03.2022, 14:56:01] Juma: {LRM}{body}\n")
    assert (message.kind, message.event, message.sender_name) == ("system", "security_code_changed", None)


@pytest.mark.parametrize(
    "notice",
    [
        "Meddelanden och samtal är komplett krypterade. Ingen utanför denna chatt, inte ens WhatsApp, kan läsa dem"
        " eller lyssna på dem.",
        "Beskeder og opkald er end-to-end-krypterede. Ingen uden for denne chat, selv ikke WhatsApp, kan læse eller"
        " høre dem.",
        "Jou boodskappe en oproepe word beveilig met end-tot-end enkripsie wat beteken dat WhatsApp en derde partye"
        " dit nie kan lees of daarna luister nie.",
    ],
)
def test_the_encryption_notice_under_a_contacts_name_in_another_language_is_whatsapps(notice):
    # iOS opens a chat with the notice under the contact's name; an Android phone without a sender.
    ios, android = _parse(f"[18.03.2022, 14:56:01] Anna: {LRM}{notice}\n18.03.2022, 14:57 - {notice}\n")
    assert (ios.kind, ios.event, ios.sender_name) == ("system", "encryption_notice", None)
    assert (android.kind, android.event) == ("system", "encryption_notice")


def test_attachments_named_in_another_language_are_the_files():
    messages = _parse(
        "18/03/2022, 14:56 - Anna: IMG-20220318-WA0002.jpg (bifogad fil)\nFrån bröllopet\n"
        "18/03/2022, 14:57 - Anna: PTT-20220318-WA0003.opus (fil vedhæftet)\n"
        "[18/03/2022, 14:58:00] Anna: <vedhæftet: 00000012-PHOTO-2022-03-18-14-58-00.jpg>\n"
    )
    assert [(m.kind, m.sender_name, m.media.filename, m.caption) for m in messages] == [
        ("image", "Anna", "IMG-20220318-WA0002.jpg", "Från bröllopet"),
        ("voice", "Anna", "PTT-20220318-WA0003.opus", None),
        ("image", "Anna", "00000012-PHOTO-2022-03-18-14-58-00.jpg", None),
    ]


def test_a_pin_shared_in_another_language_is_its_link():
    (message,) = _parse("18/03/2022, 14:56 - Anna: plats: https://maps.google.com/?q=59.3293,18.0686\n")
    assert (message.kind, message.text) == ("location", "https://maps.google.com/?q=59.3293,18.0686")


def test_group_settings_opened_to_all_and_being_added_are_group_events():
    messages = _parse(
        "11/01/2023, 16:13 - Amina Njeri changed this group's settings to allow all participants to edit this"
        " group's info\n"
        "11/01/2023, 16:14 - You were added\n"
    )
    assert [(m.kind, m.event) for m in messages] == [("system", "settings_changed"), ("system", "member_added")]


# The shape WhatsApp Web's own plain-text export writes (its WAWebExportChatPlainTextFormatter): untimed notices
# first, "[M/D/YY, h:mm:ss AM] Name: body" for messages, "[…] - text" for its own lines.
WEB_EXPORT = """\
Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.
Some earlier messages may not be available.
[3/4/26, 9:15:02 AM] - Amina Njeri added Juma Hardware
[3/4/26, 9:16:10 AM] Amina Njeri: Habari, mikate 20 tafadhali
[3/4/26, 9:18:30 AM] Amina Njeri: <image omitted> Hii ndiyo oda
[3/4/26, 9:19:00 AM] You: IMG-20260304-WA0001.jpg (file attached) Picha ya duka
[3/4/26, 9:19:30 AM] Amina Njeri: <voice message omitted>
[3/4/26, 9:20:00 AM] Amina Njeri: [Forwarded] Bei mpya kuanzia Jumatatu
[3/4/26, 9:21:30 AM] Amina Njeri: Duka letu: Location: -1.2921, 36.8219 - https://maps.google.com/?q=-1.2921,36.8219
[3/4/26, 9:24:00 AM] Amina Njeri: Poll: Siku gani?
    - Ijumaa
    - Jumamosi
[3/4/26, 9:25:30 AM] Amina Njeri: Waiting for this message. This may take a while.
[3/4/26, 9:28:00 AM] - Juma Hardware left
"""


def test_a_whatsapp_web_export_lands_as_whatsapp_wrote_it():
    messages = _parse(WEB_EXPORT)
    assert [(m.kind, m.sender_name, m.text, m.caption, m.event, m.forwarded) for m in messages] == [
        ("system", None, "Amina Njeri added Juma Hardware", None, "member_added", False),
        ("text", "Amina Njeri", "Habari, mikate 20 tafadhali", None, None, False),
        ("media_omitted", "Amina Njeri", None, "Hii ndiyo oda", "media_omitted:image", False),
        ("image", "You", None, "Picha ya duka", None, False),
        ("media_omitted", "Amina Njeri", None, None, "media_omitted:voice", False),
        ("text", "Amina Njeri", "Bei mpya kuanzia Jumatatu", None, None, True),
        ("location", "Amina Njeri", "Duka letu\nhttps://maps.google.com/?q=-1.2921,36.8219", None, None, False),
        ("poll", "Amina Njeri", "Siku gani?\nIjumaa\nJumamosi", None, None, False),
        ("unsupported", "Amina Njeri", None, None, "not_decrypted", False),
        ("system", None, "Juma Hardware left", None, "member_left", False),
    ]
    assert messages[3].media.filename == "IMG-20260304-WA0001.jpg"
    # Web writes m/d/y whatever the phone's locale: 3/4/26 is the 4th of March, though nothing else here tells.
    assert {m.sent_at.astimezone(NAIROBI).date().isoformat() for m in messages} == {"2026-03-04"}


def test_lines_a_person_writes_in_the_web_exports_shapes_stay_theirs():
    messages = _parse(
        "[3/4/26, 9:16:10 AM] Amina Njeri: Poll: siku gani?\n- Ijumaa\n- Jumamosi\n"
        "[3/4/26, 9:17:10 AM] Amina Njeri: Bei (mpya) kuanzia Jumatatu\n"
        "[3/4/26, 9:18:10 AM] Amina Njeri: <kesho> tutaleta\n"
    )
    assert [(m.kind, m.text) for m in messages] == [
        ("text", "Poll: siku gani?\n- Ijumaa\n- Jumamosi"),
        ("text", "Bei (mpya) kuanzia Jumatatu"),
        ("text", "<kesho> tutaleta"),
    ]


@pytest.mark.parametrize(
    ("line", "text"),
    [
        # German, French, Hebrew, Brazilian and Italian phones close an edited message with the marker in their
        # language, as English ones write "<This message was edited>".
        (f"[27.09.23, 18:10:00] Anna Müller: Hast du am Samstag Zeit? {LRM}<Diese Nachricht wurde bearbeitet.>", None),
        ("27.09.23, 18:10 - Anna Müller: Hast du am Samstag Zeit? <Diese Nachricht wurde bearbeitet.>", None),
        ("20/08/2026, 08:05 - Anna Müller: Hast du am Samstag Zeit? <Ce message a été modifié>", None),
        (f"[23.10.2023, 10:17:04] Anna Müller: Hast du am Samstag Zeit? {LRM}<ההודעה נערכה>", None),
        ("20/08/2026, 08:05 - Anna Müller: Hast du am Samstag Zeit? <Mensagem editada>", None),
        ("20/08/2026, 08:05 - Anna Müller: Hast du am Samstag Zeit? <Questo messaggio è stato modificato>", None),
        # A person's own words in angle brackets at the end stay theirs.
        ("20/08/2026, 08:05 - Anna Müller: Hast du am Samstag Zeit? <bearbeitet>", "<bearbeitet>"),
    ],
)
def test_an_edited_message_in_another_language_is_its_words_marked_edited(line, text):
    (message,) = _parse(line + "\n")
    if text is None:
        assert (message.kind, message.event, message.sender_name, message.text) == (
            "text",
            "edited",
            "Anna Müller",
            "Hast du am Samstag Zeit?",
        )
    else:
        assert (message.kind, message.event, message.text) == ("text", None, f"Hast du am Samstag Zeit? {text}")


@pytest.mark.parametrize(
    ("body", "event"),
    [
        # iOS of 2024 writes these under the actor's name, marked with U+200E; Android with no sender.
        ("Amina Njeri changed this group's settings to allow all members to send messages to this group", None),
        ("Amina Njeri changed the settings so only admins can edit the group settings", None),
        ("Amina Njeri changed the settings so all members can edit the group settings", None),
        ("Amina Njeri criou este grupo", "group_created"),
        (
            "Amina Njeri mudou as configurações deste grupo para permitir que somente admins enviem mensagens ao grupo",
            None,
        ),
        ("Amina Njeri mudou as configurações do grupo para permitir que todos os membros enviem mensagens", None),
        ("Amina Njeri desativou a autorização de admins para entrar neste grupo", None),
        ("Amina Njeri ativou a autorização de admins para entrar neste grupo", None),
        ("Amina Njeri foi adicionado(a)", "member_added"),
        (
            "Amina Njeri cambió su número de teléfono. Pulsa para enviar un mensaje o añadir el nuevo número.",
            "number_changed",
        ),
        ("Amina Njeri hat die Gruppe erstellt.", "group_created"),
    ],
)
def test_group_events_of_newer_phones_are_whatsapps(body, event):
    event = event or "settings_changed"
    ios, android = _parse(f"[22/03/2024, 19:34:19] Amina Njeri: {LRM}{body}\n22/03/2024, 19:35 - {body}\n")
    assert [(m.kind, m.event, m.sender_name, m.text) for m in (ios, android)] == [("system", event, None, body)] * 2


@pytest.mark.parametrize(
    ("body", "event"),
    [
        (
            "As mensagens temporárias foram ativadas. Todas as novas mensagens desaparecerão desta conversa 90 dias"
            " após o envio, exceto se salvas na conversa. Toque para mudar.",
            "disappearing_on",
        ),
        ("Du bist jetzt ein*e Admin.", "admin_granted"),
    ],
)
def test_notices_under_the_chats_name_of_newer_phones_are_whatsapps(body, event):
    (message,) = _parse(f"[22/03/2024, 13:08:08] Clube da Leitura: {LRM}{body}\n")
    assert (message.kind, message.event, message.sender_name) == ("system", event, None)


def test_group_settings_opened_to_all_to_send_messages_on_android_is_a_group_event():
    (message,) = _parse(
        "10/21/20, 17:26 - +234 800 000 0000 changed this group's settings to allow all participants to send"
        " messages to this group\n"
    )
    assert (message.kind, message.event) == ("system", "settings_changed")


def test_messages_copied_into_a_message_stay_in_it():
    # WhatsApp copies several messages as "[time, date] Name: text", time first; pasted into a message, those
    # lines are that message's words, not messages of the chat (nor dated by the pasted text).
    messages = _parse(
        "04/06/2019, 11:55 - Baraka Otieno: [11:45, 6/4/2019] +254 700 000001: Menyu ya leo:\n"
        "Wali na maharage\n"
        "[11:46, 6/4/2019] +254 700 000002: Chapati\n"
        "04/06/2019, 14:41 - Wanjiru Mwangi: Asante\n"
        "[04/06/2019, 14:42:00] Wanjiru Mwangi: Sawa\n"
    )
    assert [(m.sender_name, m.text, m.sent_at.astimezone(NAIROBI).strftime("%d/%m %H:%M")) for m in messages] == [
        (
            "Baraka Otieno",
            "[11:45, 6/4/2019] +254 700 000001: Menyu ya leo:\nWali na maharage\n"
            "[11:46, 6/4/2019] +254 700 000002: Chapati",
            "04/06 11:55",
        ),
        ("Wanjiru Mwangi", "Asante", "04/06 14:41"),
        ("Wanjiru Mwangi", "Sawa", "04/06 14:42"),
    ]


@pytest.mark.parametrize("name", ['עו"ד כהן', 'כו"ח - שאלות ותשובות 🎼', 'צה"ל'])
def test_a_hebrew_name_with_an_acronyms_quote_is_the_sender(name):
    # Hebrew writes acronyms with a quote between letters (עו"ד, צה"ל): such a name is a person, not a system line,
    # while a quote that opens a group's subject still keeps its colon from making a sender.
    said, notice, subject = _parse(
        f"[11.7.2023, 6:56:50] {name}: בוקר טוב\n"
        f"[11.7.2023, 6:56:49] {name}: {LRM}ההודעות והשיחות מוצפנות מקצה לקצה. לאף אחד מחוץ לצ'אט הזה, גם לא"
        " ל-WhatsApp, אין אפשרות לקרוא אותן ולהאזין להן.\n"
        '11.7.2023, 6:57 - Baraka changed the subject to "Mikate: oda"\n'
    )
    assert (said.kind, said.sender_name, said.text) == ("text", name, "בוקר טוב")
    assert (notice.kind, notice.event, notice.sender_name) == ("system", "encryption_notice", None)
    assert (subject.kind, subject.sender_name, subject.event) == ("system", None, "subject_changed")


def test_a_name_opening_with_a_colon_is_the_sender():
    # Contact names are free text: ":Juma:" writes "…- :Juma:: Habari" no more than "Juma" writes "Juma: Habari".
    messages = _parse("8/1/20, 20:21 - :juma: Habari\n8/1/20, 20:22 - :juma: <Media omitted>\n")
    assert [(m.kind, m.sender_name, m.text) for m in messages] == [
        ("text", ":juma", "Habari"),
        ("media_omitted", ":juma", None),
    ]


def test_a_caption_written_before_the_attached_file_is_its_caption():
    # iOS of 2025 writes a photo's caption first and "<attached: …>" after it, on the caption's last line.
    messages = _parse(
        f"{LRM}[16/2/2026, 12:33:47 pm] Wanjiru Mwangi: Hii ndiyo keki {LRM}<attached: 00000034-PHOTO-2026-02-16.jpg>\n"
        f"{LRM}[16/2/2026, 12:40:27 pm] Wanjiru Mwangi: Keki ya harusi 💕\n\nTuma bei {LRM}<attached: 00000043-PHOTO.jpg>\n"
        f"{LRM}[16/2/2026, 12:41:00 pm] Wanjiru Mwangi: {LRM}Bei.pdf • {LRM}3 pages {LRM}<attached: 00000044-Bei.pdf>\n"
        f"{LRM}[16/2/2026, 12:42:00 pm] Wanjiru Mwangi: {LRM}notes.txt {LRM}<attached: 00000045-notes.txt>\n"
    )
    assert [(m.kind, m.sender_name, m.caption, m.media.filename) for m in messages] == [
        ("image", "Wanjiru Mwangi", "Hii ndiyo keki", "00000034-PHOTO-2026-02-16.jpg"),
        ("image", "Wanjiru Mwangi", "Keki ya harusi 💕\n\nTuma bei", "00000043-PHOTO.jpg"),
        # A document's title and page count before the file are no caption.
        ("document", "Wanjiru Mwangi", None, "00000044-Bei.pdf"),
        ("document", "Wanjiru Mwangi", None, "00000045-notes.txt"),
    ]


@pytest.mark.parametrize(
    ("line", "event"),
    [
        (f"{LRM}[27/06/25, 8:24:52 p. m.] Wanjiru Mwangi: Keki iko tayari! {LRM}imagen omitida", "media_omitted:image"),
        (
            f"{LRM}[22-09-2025, 21:56:48] Wanjiru Mwangi: Keki iko tayari! {LRM}afbeelding weggelaten",
            "media_omitted:image",
        ),
        (f"{LRM}[22/09/2025, 21:56:48] Wanjiru Mwangi: Keki iko tayari! {LRM}video omitted", "media_omitted:video"),
    ],
)
def test_a_caption_before_the_media_the_export_left_out_is_its_caption(line, event):
    # iOS of 2025 writes a captioned photo the export left out as the caption, then "‎image omitted" at its end.
    (message,) = _parse(line + "\n")
    assert (message.kind, message.event, message.sender_name, message.text, message.caption) == (
        "media_omitted",
        event,
        "Wanjiru Mwangi",
        None,
        "Keki iko tayari!",
    )


def test_words_ending_like_a_left_out_photo_with_no_mark_stay_the_persons():
    (message,) = _parse("[22/09/2025, 21:56:48] Wanjiru Mwangi: Nilijaribu kutuma lakini image omitted\n")
    assert (message.kind, message.text) == ("text", "Nilijaribu kutuma lakini image omitted")


@pytest.mark.parametrize(
    ("body", "event"),
    [
        ("Amina Njeri was added", "member_added"),
        ("Amina Njeri pinned a message", "message_pinned"),
        ("Amina Njeri fixou uma mensagem", "message_pinned"),
        ("Amina Njeri desativou as mensagens temporárias Mudar duração", "disappearing_off"),
        (
            "Amina Njeri usa uma duração padrão para mensagens temporárias em novas conversas. Todas as novas mensagens"
            " desaparecerão desta conversa 24 horas após o envio, exceto se salvas na conversa. Definir sua duração"
            " padrão",
            "disappearing_on",
        ),
        ("Amina Njeri heeft de groep Familiedag gemaakt", "group_created"),
        ("Amina Njeri heeft de groepsafbeelding gewijzigd", "icon_changed"),
    ],
)
def test_group_events_of_2025_and_2026_phones_are_whatsapps(body, event):
    ios, android = _parse(f"[18-09-2025, 15:26:15] Amina Njeri: {LRM}{body}\n18-09-2025, 15:27 - {body}\n")
    assert [(m.kind, m.event, m.sender_name, m.text) for m in (ios, android)] == [("system", event, None, body)] * 2


def test_a_person_saying_someone_pinned_a_message_keeps_their_words():
    # No U+200E mark, and the sender is not the one who pinned: the words are Amina's.
    (message,) = _parse("18-09-2025, 15:27 - Amina Njeri: Juma pinned a message\n")
    assert (message.kind, message.sender_name) == ("text", "Amina Njeri")


@pytest.mark.parametrize(
    "notice",
    [
        "As mensagens e ligações são protegidas com a criptografia de ponta a ponta. Somente as pessoas que fazem parte"
        " da conversa podem ler, ouvir e compartilhar esse conteúdo.",
        "Berichten en oproepen worden end-to-end versleuteld. Alleen mensen in deze chat kunnen ze lezen, beluisteren"
        " of delen.",
    ],
)
def test_encryption_notices_of_2025_and_2026_phones_are_whatsapps(notice):
    (message,) = _parse(f"[18-09-2025, 15:26:15] Familiedag: {LRM}{notice}\n")
    assert (message.kind, message.event, message.sender_name) == ("system", "encryption_notice", None)


def test_a_dutch_edited_message_and_a_spanish_unanswered_call_are_whatsapps():
    edited, call = _parse(
        f"[18-09-2025, 15:30:46] Amina Njeri: Tot zondag! {LRM}<Dit bericht is bewerkt>\n"
        f"[18-09-2025, 15:31:00] Amina Njeri: {LRM}Llamada, {LRM}Sin respuesta\n"
    )
    assert (edited.kind, edited.event, edited.text) == ("text", "edited", "Tot zondag!")
    assert (call.kind, call.event, call.sender_name) == ("system", "voice_call", None)


@pytest.mark.parametrize(
    ("body", "kind", "event"),
    [
        ("Amina creó el grupo “Mikate 🍞”.", "system", "group_created"),
        ('Creaste el grupo "Mikate".', "system", "group_created"),
        ("Amina te añadió.", "system", "member_added"),
        ("Añadiste a Juma.", "system", "member_added"),
        ('Amina cambió el nombre del grupo a "Mikate (soma maelezo) 🍞".', "system", "subject_changed"),
        ("Cambiaste la descripción del grupo.", "system", "description_changed"),
        ("Ahora eres admin. del grupo.", "system", "admin_granted"),
        ("Un admin., Amina, eliminó este mensaje.", "deleted", "deleted:by_admin"),
        ("Amina cambió la imagen de este grupo.", "system", "icon_changed"),
    ],
)
def test_spanish_ios_group_events_of_2024_are_whatsapps(body, kind, event):
    (message,) = _parse(f"[28/2/24, 9:59:02] Juma: {LRM}{body}\n")
    assert (message.kind, message.event) == (kind, event)
    assert message.sender_name == (None if kind == "system" else "Juma")


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (
            f"{LRM}PEILING:\nSiku gani?\n{LRM}OPTIE: Ijumaa (12 stemmen)\n{LRM}OPTIE: Jumamosi (0 stemmen)",
            "Siku gani?\nIjumaa (12 stemmen)\nJumamosi (0 stemmen)",
        ),
        (
            "סקר:\nמתי נפגשים?\nאפשרות: שישי (0 הצבעות)\nאפשרות: שבת (הצבעה אחת)",
            "מתי נפגשים?\nשישי (0 הצבעות)\nשבת (הצבעה אחת)",
        ),
    ],
)
def test_a_poll_in_another_language_is_the_poll(body, text):
    # Dutch and Hebrew iOS open a poll with their own word and put their own word before each option; the word
    # with no option after it is the person's.
    poll, typed = _parse(
        f"[01-11-2025, 12:50:25] Amina Njeri: {body}\n[01-11-2025, 12:51:00] Amina Njeri: PEILING:\nwie komt er?\n"
    )
    assert (poll.kind, poll.sender_name, poll.text) == ("poll", "Amina Njeri", text)
    assert (typed.kind, typed.text) == ("text", "PEILING:\nwie komt er?")


@pytest.mark.parametrize(
    "line",
    [
        # Russian, Turkish and Indonesian phones close an edited message with the marker in their language.
        "28.10.2025, 23:42 - Neema Atieno: Tuonane Jumamosi? <Сообщение изменено>",
        "12.10.2026 9:05 - Neema Atieno: Tuonane Jumamosi? <Bu mesaj düzenlendi>",
        f"[1.07.2026 10:00:00] Neema Atieno: Tuonane Jumamosi? {LRM}<Bu mesaj düzenlendi>",
        "04/09/24 19.55 - Neema Atieno: Tuonane Jumamosi? <Pesan ini diedit>",
    ],
)
def test_an_edited_message_in_russian_turkish_or_indonesian_is_its_words_marked_edited(line):
    (message,) = _parse(line + "\n")
    assert (message.kind, message.event, message.sender_name, message.text) == (
        "text",
        "edited",
        "Neema Atieno",
        "Tuonane Jumamosi?",
    )


@pytest.mark.parametrize(
    ("body", "event"),
    [
        (f"{LRM}Видеозвонок, {LRM}1 ч 5 мин", "video_call"),
        (f"{LRM}Аудиозвонок, {LRM}Нет ответа", "voice_call"),
    ],
)
def test_a_russian_ios_call_line_is_the_call_not_the_callers_words(body, event):
    # The U+200E mark makes it iOS's line; the same words with no mark, or on Android, are the customer's.
    call, typed, android = _parse(
        f"[01.01.21, 00:02:00] Juma Otieno: {body}\n"
        "[01.01.21, 00:03:00] Juma Otieno: Видеозвонок, завтра в 5?\n"
        "01.01.21, 00:04 - Juma Otieno: Аудиозвонок\n"
    )
    assert (call.kind, call.event, call.sender_name, call.text) == ("system", event, None, body.replace(LRM, ""))
    assert [(m.kind, m.event, m.sender_name) for m in (typed, android)] == [("text", None, "Juma Otieno")] * 2


@pytest.mark.parametrize(
    ("line", "event"),
    [
        (
            "24/07/24 09.43 - Pesan dan telepon terenkripsi secara end-to-end. Hanya orang di obrolan ini yang bisa "
            "membaca, mendengarkan, atau membagikannya.",
            "encryption_notice",
        ),
        (
            "19/07/26 16.26 - Bisnis Anda menggunakan layanan yang aman dari Meta untuk mengelola obrolan ini.",
            "business_notice",
        ),
    ],
)
def test_notices_opening_newer_indonesian_exports_are_whatsapps(line, event):
    notice, customer = _parse(line + "\n24/07/24 09.44 - Baraka: Habari\n")
    assert (notice.kind, notice.event, notice.sender_name) == ("system", event, None)
    assert (customer.kind, customer.sender_name, customer.text) == ("text", "Baraka", "Habari")


def test_a_portuguese_android_export_without_media_says_so():
    (media,) = _parse("15/09/26, 10:10 - Wanjiru: <Multimédia omitido>\n")
    assert (media.kind, media.event, media.sender_name, media.text) == (
        "media_omitted",
        "media_omitted",
        "Wanjiru",
        None,
    )


def test_older_ios_writing_attached_after_the_file_is_the_file():
    # iOS of 2013-16: the file's name, then "<attached>" with no colon; the words of a line that is no file name stay.
    photo, clip, words = _parse(
        "06.08.13, 19:55:38: Kamau Njoroge: 2013-08-06-PHOTO-00000006.jpg <attached>\n"
        "06.08.13, 19:56:02: Kamau Njoroge: 2013-08-06-VIDEO-00000007.mp4 <attached>\n"
        "06.08.13, 19:57:24: Kamau Njoroge: the invoice <attached>\n"
    )
    assert (photo.kind, photo.sender_name, photo.media.filename) == (
        "image",
        "Kamau Njoroge",
        "2013-08-06-PHOTO-00000006.jpg",
    )
    assert (clip.kind, clip.media.filename) == ("video", "2013-08-06-VIDEO-00000007.mp4")
    assert (words.kind, words.text, words.media) == ("text", "the invoice <attached>", None)


@pytest.mark.parametrize(
    "text",
    [
        # Bulgarian phones write "г." after the year and "ч." after a 24-hour time (CLDR's bg short date and time),
        # the space before each sometimes a narrow no-break one.
        "12.05.20 г., 14:05 ч. - Amina Yusuf: Habari\nza asubuhi\n13.05.20 г., 9:15 ч. - Baraka: Nzuri\n",
        "12.05.20\u202fг., 14:05\u202fч. - Amina Yusuf: Habari\nza asubuhi\n13.05.20\u202fг., 9:15\u202fч. - Baraka: Nzuri\n",
        "[12.05.20 г., 14:05:33 ч.] Amina Yusuf: Habari\nza asubuhi\n[13.05.20 г., 9:15:02 ч.] Baraka: Nzuri\n",
    ],
)
def test_a_bulgarian_export_with_year_and_hour_abbreviations_lands_as_written(text):
    first, second = _parse(text)
    assert (first.sender_name, first.text) == ("Amina Yusuf", "Habari\nza asubuhi")
    assert (second.sender_name, second.text) == ("Baraka", "Nzuri")
    assert first.sent_at.astimezone(NAIROBI).strftime("%Y-%m-%d %H:%M") == "2020-05-12 14:05"
    assert second.sent_at.astimezone(NAIROBI).strftime("%Y-%m-%d %H:%M") == "2020-05-13 09:15"


def test_the_encryption_notice_opening_a_portuguese_export_of_2026_is_whatsapps():
    notice, customer = _parse(
        "27/04/26, 11:31 - As mensagens e as chamadas são encriptadas ponto a ponto. Só as pessoas nesta conversa as "
        "podem ler, ouvir ou partilhar.\n27/04/26, 11:32 - Wanjiru: Bom dia\n"
    )
    assert (notice.kind, notice.event, notice.sender_name) == ("system", "encryption_notice", None)
    assert (customer.kind, customer.sender_name, customer.text) == ("text", "Wanjiru", "Bom dia")


def test_a_message_the_exporter_deleted_in_a_polish_export_is_deleted():
    # Polish phones write "Usunięto tę wiadomość" where English ones write "You deleted this message".
    (message,) = _parse("12.03.24, 10:15 - Amani Odhiambo: Usunięto tę wiadomość\n")
    assert (message.kind, message.event, message.sender_name, message.text) == (
        "deleted",
        "deleted:by_me",
        "Amani Odhiambo",
        None,
    )


def test_a_chinese_android_export_with_the_finer_periods_of_the_day_reads_each_header():
    # Chinese Android phones write CLDR's periods of the day before a 12-hour time: 凌晨, 早上, 上午, 中午, 下午, 晚上.
    messages = _parse(
        "2026/4/6 下午1:54 - +254 712 000 111: 还有货吗？\n"
        "2026/4/6 晚上9:12 - 王芳: 有的\n"
        "2026/4/7 凌晨12:05 - +254 712 000 111: 好\n"
        "2026/4/7 早上7:40 - 王芳: 收到\n"
        "2026/4/7 中午12:30 - 王芳: 已发货\n"
        "2026/4/7 中午1:05 - +254 712 000 111: 👍\n"
    )
    assert [(m.sender_name, m.text) for m in messages] == [
        ("+254 712 000 111", "还有货吗？"),
        ("王芳", "有的"),
        ("+254 712 000 111", "好"),
        ("王芳", "收到"),
        ("王芳", "已发货"),
        ("+254 712 000 111", "👍"),
    ]
    assert [m.sent_at.astimezone(NAIROBI).strftime("%d %H:%M") for m in messages] == [
        "06 13:54",
        "06 21:12",
        "07 00:05",
        "07 07:40",
        "07 12:30",
        "07 13:05",
    ]


@pytest.mark.parametrize(
    ("body", "event"),
    [
        # Japanese iOS of 2022 puts a space after the ideographic full stop before its closing sentence.
        ("Wanjiruとのセキュリティコードが変更されました。 タップして詳細を表示。", "security_code_changed"),
        # A newer notice keeps the first sentence and rewords what follows it, with no space after "。".
        (
            "メッセージと通話はエンドツーエンド暗号化されています。このチャットの参加者以外は読んだり聞いたりできません。",
            "encryption_notice",
        ),
    ],
)
def test_a_japanese_line_is_whatsapps_whatever_follows_its_first_sentence(body, event):
    (message,) = _parse(f"{LRM}[3/18/22 14:56:00] Wanjiru: {LRM}{body}\n")
    assert (message.kind, message.event) == ("system", event)


def test_the_encryption_notice_opening_a_chinese_android_export_of_2026_is_whatsapps():
    notice, customer = _parse(
        "2026/4/6 下午1:54 - 消息和通话已进行端到端加密。只有此聊天中的成员可以读取、收听或分享。\n"
        "2026/4/6 下午1:55 - 王芳: 你好\n"
    )
    assert (notice.kind, notice.event, notice.sender_name) == ("system", "encryption_notice", None)
    assert (customer.kind, customer.text) == ("text", "你好")


def test_a_customer_becoming_a_contact_in_an_indonesian_business_export_is_an_event():
    contact, words = _parse(
        "19/07/26 16.26 - Wanjiru Kamau kini menjadi kontak\n19/07/26 16.29 - Baraka: Budi kini menjadi kontak\n"
    )
    assert (contact.kind, contact.event, contact.sender_name) == ("system", "contact_added", None)
    # The same words typed by a person are theirs.
    assert (words.kind, words.event, words.text) == ("text", None, "Budi kini menjadi kontak")


@pytest.mark.parametrize(
    ("body", "kind", "event"),
    [
        (
            "Pesan sementara dinyalakan. Pesan baru akan hilang dari chat ini 90 hari setelah dikirim. Ubah timer",
            "system",
            "disappearing_on",
        ),
        ("Anda mematikan pesan sementara. Ubah timer", "system", "disappearing_off"),
        ("Pesan dan panggilan kini terenkripsi secara end-to-end.", "system", "encryption_notice"),
        (
            "AI Anda sedang mempelajari obrolan bisnis ini agar bisa mengirim tanggapan yang lebih baik.",
            "system",
            "business_notice",
        ),
    ],
)
def test_indonesian_ios_lines_of_a_business_chat_are_whatsapps(body, kind, event):
    # iOS writes them under the customer's name, marked with U+200E.
    (message,) = _parse(f"[14/07/26, 11.12.08] Wanjiru: {LRM}{body}\n")
    assert (message.kind, message.event) == (kind, event)


@pytest.mark.parametrize(
    ("line", "event"),
    [
        ("2/6/2026, 8:06 a. m. - Creaste este grupo", "group_created"),
        ('3.10.2026, 08:02 - ברקה יצר/ה את הקבוצה "מאפייה"', "group_created"),
    ],
)
def test_a_group_created_in_a_salvadoran_or_hebrew_android_export_is_the_event(line, event):
    (message,) = _parse(line + "\n")
    assert (message.kind, message.event, message.sender_name) == ("system", event, None)


def test_a_ukrainian_ios_location_is_the_place_not_a_venue_named_location():
    (message,) = _parse(f"[3/27/22, 21:56:45] Wanjiru: {LRM}Розташування: https://maps.google.com/?q=-1.28,36.82\n")
    assert (message.kind, message.text) == ("location", "https://maps.google.com/?q=-1.28,36.82")


@pytest.mark.parametrize(
    ("body", "kind", "event"),
    [
        (
            "Mesej dan panggilan ini disulitkan secara menyeluruh. Tiada sesiapa di luar sembang ini.",
            "system",
            "encryption_notice",
        ),
        ("Aisyah telah mencipta kumpulan ini", "system", "group_created"),
        ("Aisyah telah menambah anda", "system", "member_added"),
        ("Aisyah telah menambah Farid", "system", "member_added"),
        ('Aisyah telah menukar subjek kepada "Kelab Badminton"', "system", "subject_changed"),
        ("Aisyah telah menukar ikon kumpulan", "system", "icon_changed"),
        ("Farid telah meninggalkan kumpulan", "system", "member_left"),
        (
            "Farid telah menukar nombor telefon mereka kepada nombor baharu. Ketik untuk menghantar mesej.",
            "system",
            "number_changed",
        ),
        ("Imej tidak disertakan", "media_omitted", "media_omitted:image"),
        ("Anda telah memadam mesej ini", "deleted", "deleted:by_me"),
        ("Panggilan suara tidak dijawab", "system", "missed_voice_call"),
        ("Panggilan video tidak dijawab", "system", "missed_video_call"),
    ],
)
def test_malay_ios_lines_are_whatsapps(body, kind, event):
    # iOS writes them under the group's (or the person's) name, marked with U+200E.
    (message,) = _parse(f"{LRM}[12/03/2025, 09:00:01] Kelab Badminton: {LRM}{body}\n")
    assert (message.kind, message.event) == (kind, event)


def test_a_korean_android_export_with_the_year_first_and_its_events_lands_as_written():
    # Korean Android phones write "yy/M/d", the 12-hour marker before the time, the notice and the group's creation.
    notice, created, words = _parse(
        "24/8/21 PM 1:28 - 메시지와 통화는 종단간 암호화되어 안전하게 보호됩니다. 이 대화에 참여한 사람만 이러한 메시지와 "
        "통화를 읽거나 듣거나 공유할 수 있습니다. 더 알아보기.\n"
        '24/8/21 PM 1:29 - +254 700 111 222님이 "Bandari"그룹을 만들었습니다\n'
        "24/8/22 AM 9:28 - 김민수: 오늘 점검 있습니다\n"
    )
    assert (notice.kind, notice.event) == ("system", "encryption_notice")
    assert (created.kind, created.event, created.sender_name) == ("system", "group_created", None)
    assert (words.sender_name, words.text) == ("김민수", "오늘 점검 있습니다")
    assert words.sent_at.astimezone(NAIROBI).strftime("%Y-%m-%d %H:%M") == "2024-08-22 09:28"


def test_a_spanish_android_group_of_2026_adds_people_and_polls():
    added, poll = _parse(
        "4/4/26, 20:34 - Carlos Ruiz añadió a Diana López.\n"
        "5/4/26, 10:31 - Eva: ENCUESTA:\nCuál es tu película favorita?\nOPCIÓN: Comedia (8 votos)\nOPCIÓN: Drama (1 voto)\n"
    )
    assert (added.kind, added.event, added.sender_name) == ("system", "member_added", None)
    assert (poll.kind, poll.sender_name, poll.text) == (
        "poll",
        "Eva",
        "Cuál es tu película favorita?\nComedia (8 votos)\nDrama (1 voto)",
    )


def test_the_encryption_notice_of_a_german_ios_export_of_2016_is_whatsapps():
    notice, words = _parse(
        f"20.10.16, 09:17:46: {LRM}Nachrichten in diesem Chat sowie Anrufe sind jetzt mit Ende-zu-Ende-Verschlüsselung "
        "geschützt.\n24.12.16, 13:08:16: Baraka: Frohe Weihnachten!\n"
    )
    assert (notice.kind, notice.event, notice.sender_name) == ("system", "encryption_notice", None)
    assert (words.sender_name, words.text) == ("Baraka", "Frohe Weihnachten!")


@pytest.mark.parametrize(
    ("line", "event"),
    [
        ("You blocked this contact. Tap to unblock.", "contact_blocked"),
        ("You unblocked this contact.", "contact_unblocked"),
        ("You're currently chatting with their new number. Tap to add it to your contacts.", "number_changed"),
    ],
)
def test_an_english_android_line_about_the_contact_of_a_chat_is_an_event(line, event):
    (message,) = _parse(f"3/4/19, 10:05 - {line}\n")
    assert (message.kind, message.event, message.sender_name) == ("system", event, None)


def test_a_person_typing_you_blocked_this_contact_is_talking():
    (message,) = _parse("3/4/19, 10:05 - Baraka: You blocked this contact. Tap to unblock.\n")
    assert (message.kind, message.event, message.text) == ("text", None, "You blocked this contact. Tap to unblock.")


def test_a_czech_ios_group_export_lands_its_events():
    # Czech iOS writes a four-digit year with no comma before the time, and the actor as the sender of an event.
    notice, created, words, icon = _parse(
        f"{LRM}[01.11.2023 12:44:10] Taylor: {LRM}Zprávy a hovory jsou opatřené koncovým šifrováním. Jen lidé v tomto "
        "chatu je můžou číst.\n"
        "[01.11.2023 12:44:21] Taylor: Taylor vytvořil/a skupinu\n"
        "[01.11.2023 12:44:54] Alex: Ahoj\nPokračování\n"
        f"{LRM}[02.11.2023 08:10:00] Taylor: {LRM}Taylor změnil/a ikonu této skupiny\n"
    )
    assert [(m.kind, m.event) for m in (notice, created, icon)] == [
        ("system", "encryption_notice"),
        ("system", "group_created"),
        ("system", "icon_changed"),
    ]
    assert (words.sender_name, words.text) == ("Alex", "Ahoj\nPokračování")


def test_the_omitted_media_of_a_hong_kong_android_export_is_omitted_media():
    (message,) = _parse("3/9/2025 07:16 - 阿明: <媒體已略去>\n")
    assert (message.kind, message.event, message.sender_name) == ("media_omitted", "media_omitted", "阿明")


@pytest.mark.parametrize(
    ("body", "event"),
    [
        (
            "Nuru changed this group\u2019s settings to allow only admins to add others to this group.",
            "settings_changed",
        ),
        ("This group has over 256 members so now only admins can edit the group settings", "settings_changed"),
        ("New members need admin approval to join this group.", "settings_changed"),
        ("Nuru reset this group's invite link", "invite_link_reset"),
        ("Pendo requested to join", "join_requested"),
        ("Zawadi requested to add Baraka", "add_requested"),
        ("Zawadi joined using your invite", "joined_by_link"),
        # A group joining a community is no member added, though its line opens like one.
        ("Nuru added this group to the community: Mtaa Gardens", "community_linked"),
    ],
)
def test_english_ios_group_admin_lines_are_whatsapps(body, event):
    # Marked with U+200E under the group's name, as iOS writes its own lines (an iOS group filter's list of them).
    (message,) = _parse(f"[3/12/24, 10:00:05] Huerta Norte: {LRM}{body}\n")
    assert (message.kind, message.event, message.text) == ("system", event, body)


@pytest.mark.parametrize(
    ("line", "event"),
    [
        ("05/03/2024, 18:03 - Wanjiru reset this group's invite link", "invite_link_reset"),
        ("05/03/2024, 18:04 - Otieno requested to join", "join_requested"),
        ("14/2/25, 09:05 - Mateo se unió desde la comunidad.", "joined_from_community"),
        ("14/2/25, 09:12 - Sofía salió.", "member_left"),
        ("14/2/25, 09:15 - Lucía cambió el ícono de este grupo", "icon_changed"),
    ],
)
def test_android_group_admin_and_community_lines_are_events(line, event):
    (message,) = _parse(line + "\n")
    assert (message.kind, message.sender_name, message.event) == ("system", None, event)


def test_a_person_typing_a_group_admin_line_is_talking():
    # Unmarked, under a person's name, the same words are theirs: these events need the line's context.
    messages = _parse(
        "[3/12/24, 10:00:05] Nuru: Pendo requested to join\n"
        "[3/12/24, 10:00:06] Nuru: Nuru reset this group's invite link, use the new one\n"
    )
    assert [(m.kind, m.event) for m in messages] == [("text", None), ("text", None)]


@pytest.mark.parametrize(
    ("export", "pasted"),
    [
        # An Android export, and messages copied out of another chat pasted under one header.
        (
            "12/01/2026, 09:10 - Juma: Morning\n"
            "12/01/2026, 09:12 - Asha: Look what the supplier sent:\n"
            "{pasted}"
            "12/01/2026, 09:13 - Juma: That's the old price\n",
            "[12/03/23, 10:15] Kiprono: price is 1,800 per bag\n[12/03/23, 10:16] Kiprono: delivery Thursday\n",
        ),
        (
            "1/12/26, 9:10 AM - Juma: Morning\n"
            "1/12/26, 9:12 AM - Asha: Look what the supplier sent:\n"
            "{pasted}"
            "1/13/26, 9:13 AM - Juma: That's the old price\n",
            "[3/12/23, 10:15 AM] Kiprono: price is 1,800 per bag\n[3/12/23, 10:16 AM] Neema: ok noted\n",
        ),
        # An iOS export, whose every header carries seconds: the copies carry none.
        (
            "[12/01/2026, 09:10:05] Juma: Morning\n"
            "[12/01/2026, 09:12:40] Asha: Look what the supplier sent:\n"
            "{pasted}"
            "[12/01/2026, 09:13:02] Juma: That's the old price\n",
            "[12/03/2023, 10:15] Kiprono: price is 1,800 per bag\n[12/03/2023, 10:16] Kiprono: delivery Thursday\n",
        ),
        (
            "[10/1/26, 4:13:38\u202fp.\u00a0m.] Juma: Morning\n"
            "[10/1/26, 4:14:00\u202fp.\u00a0m.] Asha: Look what the supplier sent:\n"
            "{pasted}"
            "[10/1/26, 4:14:30\u202fp.\u00a0m.] Juma: That's the old price\n",
            "[9/6/24, 2:41\u202fp.\u00a0m.] Kiprono: price is 1,800 per bag\n",
        ),
    ],
)
def test_messages_copied_from_another_chat_and_pasted_are_the_text_of_the_message_holding_them(export, pasted):
    messages = _parse(export.format(pasted=pasted))
    assert [(m.sender_name, m.text.split("\n")[0]) for m in messages] == [
        ("Juma", "Morning"),
        ("Asha", "Look what the supplier sent:"),
        ("Juma", "That's the old price"),
    ]
    assert messages[1].text == "Look what the supplier sent:\n" + pasted.rstrip("\n").replace("\u202f", " ").replace(
        "\u00a0", " "
    )
    assert all(m.sent_at.year == 2026 for m in messages)


def test_a_chat_continued_on_an_iphone_after_an_android_phone_keeps_both_phones_messages():
    # Two phones' exports joined into one file: the iOS headers carry seconds, so they are no pasted copies.
    messages = _parse(
        "03/02/2025, 08:00 - Juma: From my old Android phone\n"
        "04/02/2025, 10:00 - Asha: last message on Android\n"
        "[05/02/2025, 09:00:01] Juma: First from the iPhone\n"
        "[06/02/2025, 12:00:00] Asha: welcome to iOS\n"
    )
    assert [(m.sender_name, m.sent_at.astimezone(NAIROBI).day) for m in messages] == [
        ("Juma", 3),
        ("Asha", 4),
        ("Juma", 5),
        ("Asha", 6),
    ]


def test_an_export_written_in_brackets_without_seconds_reads_every_header():
    messages = _parse("[16.11.26, 09:15] Juma: hello\n[16.11.26, 09:16] Asha: hi\n[17.11.26, 10:00] Juma: bye\n")
    assert [(m.sender_name, m.text) for m in messages] == [("Juma", "hello"), ("Asha", "hi"), ("Juma", "bye")]


@pytest.mark.parametrize(
    ("body", "kind", "event"),
    [
        ("U hebt deze groep aangemaakt", "system", "group_created"),
        ("Nieuwe deelnemers aan deze groep moeten door beheerders worden goedgekeurd.", "system", "settings_changed"),
        ("Sanne is deelnemer geworden via de uitnodigingslink van deze groep", "system", "joined_by_link"),
        ("Daan heeft beheerdersgoedkeuring voor deelname aan deze groep uitgeschakeld", "system", "settings_changed"),
        ("Daan heeft berichten met vervaldatum uitgeschakeld.", "system", "disappearing_off"),
    ],
)
def test_dutch_ios_group_lines_are_whatsapps(body, kind, event):
    (message,) = _parse(f"[02-03-2024 19:00:02] Fietsclub Oost: {LRM}{body}\n")
    assert (message.kind, message.event, message.text) == (kind, event, body)


@pytest.mark.parametrize(
    ("body", "kind", "event"),
    [
        ("Je hebt dit bericht verwijderd", "deleted", "deleted:by_me"),
        ("Wachten op dit bericht", "unsupported", "not_decrypted"),
    ],
)
def test_a_dutch_message_deleted_or_not_yet_decrypted_is_no_words_of_the_sender(body, kind, event):
    (message,) = _parse(f"12-04-2024 20:12 - Daan: {body}\n")
    assert (message.kind, message.sender_name, message.event, message.text) == (kind, "Daan", event, None)


def test_a_finnish_android_export_marks_omitted_media_and_edited_messages():
    messages = _parse(
        "3.2.2025 klo 18.02 - Eeva: <Mediaa ei sisällytetty>\n"
        "3.2.2025 klo 18.03 - Eeva: Tuon mukanani pallot <Tätä viestiä on muokattu>\n"
        "3.2.2025 klo 18.05 - Sari: Hyvä <Muokattu>\n"
    )
    assert [(m.kind, m.event, m.text) for m in messages] == [
        ("media_omitted", "media_omitted", None),
        ("text", "edited", "Tuon mukanani pallot"),
        ("text", "edited", "Hyvä"),
    ]


NNBSP = "\u202f"


@pytest.mark.parametrize(
    "lines",
    [
        # iOS, as two real Brazilian group exports write members the exporting phone has not saved
        # (github.com/AdailtonMRO/app-apoio-rnest and github.com/GabrielGabes/PegaPlantao, _chat.txt).
        (
            f"[20/06/2024 05:21:26] ~{NNBSP}Neema Atieno: Mensagem apagada\n"
            f"[20/06/2024 05:22:00] ~{NNBSP}Neema Atieno: Mikate 20 kesho\n"
        ),
        # Android, as a public export reader's fixture writes the same ("~ Пётр: я не из контактов").
        f"20/06/2024, 05:21 - ~{NNBSP}Neema Atieno: Mensagem apagada\n20/06/2024, 05:22 - ~ Neema Atieno: Mikate 20 kesho\n",
    ],
)
def test_the_tilde_before_a_sender_not_in_the_phones_contacts_is_whatsapps_not_the_name(lines):
    # "~" marks the name its owner gave themselves (their profile name, what a webhook names them by): it is
    # WhatsApp's mark, so the same person is one sender whichever source or phone shows them.
    deleted, text = _parse(lines)
    assert (deleted.kind, deleted.event, deleted.sender_name) == ("deleted", "deleted", "Neema Atieno")
    assert (text.kind, text.sender_name, text.text) == ("text", "Neema Atieno", "Mikate 20 kesho")
    assert deleted.sender_id == text.sender_id


def test_a_name_that_merely_holds_a_tilde_is_the_name():
    (message,) = _parse("20/06/2024, 05:21 - ~Kiki~: Habari\n")
    assert (message.sender_name, message.text) == ("~Kiki~", "Habari")


def test_an_ios_group_export_without_the_marks_still_tells_whatsapps_lines_by_the_groups_name():
    # iOS writes its own lines under the group's name and marks them with U+200E; a real Dutch-English group export
    # (github.com/Alexandra-scheerman/carolex-thailand-2026) and a real Brazilian one (github.com/AdailtonMRO/
    # app-apoio-rnest) come without the marks: the name of the encryption notice's line is the group's all the same.
    messages = _parse(
        "[29/10/2025, 10:32:40] Mama Mboga Bakery: You created this group\n"
        "[29/10/2025, 10:32:40] Mama Mboga Bakery: Messages and calls are end-to-end encrypted. Only people in this "
        "chat can read, listen to, or share them.\n"
        "[29/10/2025, 10:33:00] Mama Mboga Bakery: Você foi adicionado(a)\n"
        "[29/10/2025, 10:34:00] Mama Mboga Bakery: Juma added Asha\n"
        "[29/10/2025, 10:35:00] Wanjiru: Juma added Asha\n"
    )
    assert [(m.kind, m.event, m.sender_name) for m in messages] == [
        ("system", "group_created", None),
        ("system", "encryption_notice", None),
        ("system", "member_added", None),
        ("system", "member_added", None),
        ("text", None, "Wanjiru"),
    ]


def test_where_the_notice_carries_its_mark_the_groups_name_without_one_is_a_persons():
    notice, typed = _parse(
        f"[29/10/2025, 10:32:40] Mama Mboga Bakery: {LRM}Messages and calls are end-to-end encrypted. Only people in "
        "this chat can read, listen to, or share them.\n"
        "[29/10/2025, 10:34:00] Mama Mboga Bakery: Juma added Asha\n"
    )
    assert (notice.kind, notice.event) == ("system", "encryption_notice")
    assert (typed.kind, typed.sender_name, typed.text) == ("text", "Mama Mboga Bakery", "Juma added Asha")


def test_a_one_to_one_export_without_the_marks_keeps_the_customers_words_and_media_theirs():
    # In a one-to-one iOS export the notice is under the customer's name (github.com/Pepu06/Din_funca, _chat.txt).
    notice, omitted, typed = _parse(
        "[1/6/22, 12:12:19] Wanjiru: Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera de "
        "este chat, ni siquiera WhatsApp, puede leerlos ni escucharlos.\n"
        "[1/6/22, 12:12:19] Wanjiru: audio omitido\n"
        "[1/6/22, 12:12:55] Wanjiru: Mikate 20 kesho asubuhi\n"
    )
    assert (notice.kind, notice.sender_name) == ("system", None)
    assert (omitted.kind, omitted.event, omitted.sender_name) == ("media_omitted", "media_omitted:audio", "Wanjiru")
    assert (typed.kind, typed.sender_name, typed.text) == ("text", "Wanjiru", "Mikate 20 kesho asubuhi")


UNMARKED_NOTICE = (
    "[12/06/2021, 14:25:47] Mama Mboga Bakery: As mensagens e ligações são protegidas com a criptografia de ponta a "
    "ponta. Somente as pessoas que fazem parte da conversa podem ler, ouvir e compartilhar esse conteúdo.\n"
)


def test_a_caption_before_its_omitted_media_is_the_media_in_an_export_without_the_marks():
    # iOS of 2025 writes the caption first and the omitted media's words after it, marked; a real Brazilian group
    # export without the marks (github.com/AdailtonMRO/app-apoio-rnest) ends such a line "… 15/06. imagem ocultada".
    _, photo, video, typed = _parse(
        UNMARKED_NOTICE + "[07/06/2024, 16:15:01] Baraka: Mikate ya leo 15/06. imagem ocultada\n"
        "[07/06/2024, 16:16:01] Baraka: Keki ya harusi\n\nTuma bei video omitted\n"
        "[07/06/2024, 16:17:01] Baraka: sem imagem ocultada aqui\n"
    )
    assert (photo.kind, photo.event, photo.caption, photo.text) == (
        "media_omitted",
        "media_omitted:image",
        "Mikate ya leo 15/06.",
        None,
    )
    assert (video.kind, video.event, video.caption) == (
        "media_omitted",
        "media_omitted:video",
        "Keki ya harusi\n\nTuma bei",
    )
    assert (typed.kind, typed.text) == ("text", "sem imagem ocultada aqui")


def test_where_the_export_keeps_its_marks_an_unmarked_caption_ending_so_is_the_persons():
    notice, message = _parse(
        UNMARKED_NOTICE.replace(": As mensagens", f": {LRM}As mensagens")
        + "[07/06/2024, 16:15:01] Baraka: Mikate ya leo 15/06. imagem ocultada\n"
    )
    assert (notice.kind, notice.event) == ("system", "encryption_notice")
    assert (message.kind, message.text) == ("text", "Mikate ya leo 15/06. imagem ocultada")


def test_a_member_added_under_their_own_name_is_whatsapps_event():
    # iOS puts "X added Y" under the added member's name (marked; a real English group export without the marks,
    # github.com/IamGittingHub/WRAPPED-OBRUTS-2025-, holds "Koko: Hedra added Koko").
    added, typed, more = _parse(
        "[10/8/24, 6:42:28 PM] Wanjiru: Baraka added Wanjiru\n"
        "[10/8/24, 6:43:00 PM] Wanjiru: Baraka added Asha\n"
        "[10/8/24, 6:44:00 PM] Wanjiru: Baraka added Wanjiru to the list\n"
    )
    assert (added.kind, added.event, added.sender_name, added.text) == (
        "system",
        "member_added",
        None,
        "Baraka added Wanjiru",
    )
    assert json.loads(added.event_subjects) == {"actor": "Baraka", "subject": "Wanjiru"}
    assert [(m.kind, m.sender_name) for m in (typed, more)] == [("text", "Wanjiru")] * 2


def test_an_italian_ios_groups_own_lines_are_whatsapps_and_a_view_once_photo_is_media_left_out():
    # A real Italian iOS group export of 2026 without the marks (github.com/umbertomuscillo-blip/Fanta-Ai): "X ti ha
    # aggiunto." under the group's name, "X ha fissato un messaggio." under the pinner's own, a "SONDAGGIO:" poll,
    # and the view-once line, which stands for a photo or video the sender sent and the export does not carry.
    notice, added, poll, pinned, once, typed = _parse(
        "[17/08/26, 18:16:55] Mama Mboga Bakery: I messaggi e le chiamate sono crittografati end-to-end. Solo le "
        "persone in questa chat possono leggerne, ascoltarne o condividerne il contenuto.\n"
        "[17/08/26, 18:16:55] Mama Mboga Bakery: Baraka Otieno ti ha aggiunto.\n"
        "[18/08/26, 13:00:25] Wanjiru: SONDAGGIO:\nMikate ngapi?\nOPZIONE: 20 (2 voti)\nOPZIONE: 30 (1 voto)\n"
        "[18/08/26, 13:09:14] Wanjiru: Wanjiru ha fissato un messaggio.\n"
        "[18/08/26, 13:12:15] Baraka Otieno: Hai ricevuto un messaggio visualizzabile una volta. Per garantire una "
        "maggiore privacy, potrai aprirlo soltanto sul telefono.\n"
        "[18/08/26, 13:13:00] Wanjiru: SONDAGGIO:\nchi viene?\n"
    )
    assert (notice.kind, notice.event) == ("system", "encryption_notice")
    assert (added.kind, added.event, added.sender_name) == ("system", "member_added", None)
    assert (poll.kind, poll.sender_name, poll.text) == ("poll", "Wanjiru", "Mikate ngapi?\n20 (2 voti)\n30 (1 voto)")
    assert (pinned.kind, pinned.event, pinned.sender_name) == ("system", "message_pinned", None)
    assert (once.kind, once.event, once.sender_name, once.text) == (
        "media_omitted",
        "media_omitted:view_once",
        "Baraka Otieno",
        None,
    )
    assert (typed.kind, typed.text) == ("text", "SONDAGGIO:\nchi viene?")


def test_a_portuguese_android_pin_and_the_exporters_own_description_change_are_whatsapps():
    # A real Portuguese (Portugal) Android group export of 2024 (github.com/tiagomosantos/BeerDashboardWpp).
    pinned, described, typed = _parse(
        "13/07/24, 07:50 - Baraka Otieno afixou uma mensagem\n"
        "14/07/24, 04:39 - Alterou a descrição do grupo\n"
        "14/07/24, 04:40 - Wanjiru: Alterou a descrição do grupo\n"
    )
    assert [(m.kind, m.event, m.sender_name) for m in (pinned, described)] == [
        ("system", "message_pinned", None),
        ("system", "description_changed", None),
    ]
    assert json.loads(pinned.event_subjects) == {"actor": "Baraka Otieno"}
    assert (typed.kind, typed.sender_name) == ("text", "Wanjiru")


def test_a_spanish_ios_chat_opening_on_its_contact_being_a_contact_is_an_event():
    # A real Peruvian iOS one-to-one export of 2025 without the marks (github.com/Marcelloprime/from_me_to_you_23)
    # opens with the notice, then "X es un contacto." under X's own name; another person saying it keeps the words.
    _, contact, typed = _parse(
        "[25/01/25, 12:01:53 p. m.] Wanjiru: Los mensajes y las llamadas están cifrados de extremo a extremo. Solo "
        "las personas en este chat pueden leerlos, escucharlos o compartirlos.\n"
        "[25/01/25, 12:01:53 p. m.] Wanjiru: Wanjiru es un contacto.\n"
        "[25/01/25, 12:03:07 p. m.] Baraka: Asha es un contacto.\n"
    )
    assert (contact.kind, contact.event, contact.sender_name) == ("system", "contact_added", None)
    assert json.loads(contact.event_subjects) == {"actor": "Wanjiru"}
    assert (typed.kind, typed.sender_name, typed.text) == ("text", "Baraka", "Asha es un contacto.")


def test_a_hebrew_ios_groups_left_out_audio_and_calendar_event_are_whatsapps():
    # A real Hebrew iOS group export of 2024 without the marks (github.com/yuvalklein2/WhatStatsUpdated): the audio
    # left out is "השמע הושמט", and an event of the group's calendar updated by a member sits under the group's name.
    _, audio, event, typed = _parse(
        "[3.8.2024, 14:19:32] Mama Mboga Bakery: ההודעות והשיחות מוצפנות מקצה לקצה. לאף אחד מחוץ לצ'אט הזה, גם לא"
        " ל-WhatsApp, אין אפשרות לקרוא אותן ולהאזין להן.\n"
        "[5.8.2024, 17:21:01] Wanjiru: השמע הושמט\n"
        '[9.11.2024, 18:50:20] Mama Mboga Bakery:  האירוע "Sherehe ya Desemba" עודכן על ידי Baraka\n'
        '[9.11.2024, 18:51:00] Wanjiru: האירוע "Sherehe" עודכן על ידי Baraka\n'
    )
    assert (audio.kind, audio.event, audio.sender_name) == ("media_omitted", "media_omitted:audio", "Wanjiru")
    assert (event.kind, event.event, event.sender_name) == ("system", "event_updated", None)
    assert json.loads(event.event_subjects) == {"actor": "Baraka", "subject": "Sherehe ya Desemba"}
    # Not marked and not under the group's name: a member's words.
    assert (typed.kind, typed.sender_name) == ("text", "Wanjiru")


def test_blocking_and_unblocking_a_business_in_an_english_ios_chat_is_whatsapps():
    # A real English iOS chat with a business (github.com/AltusRossouw/chat-analyser), its marks put back.
    blocked, unblocked, typed = _parse(
        f"[2021/10/10, 15:55:47] Mama Mboga Bakery: {LRM}You blocked this business\n"
        f"[2022/10/12, 23:51:36] Mama Mboga Bakery: {LRM}You unblocked this business\n"
        "[2022/10/12, 23:52:00] Wanjiru: You blocked this business\n"
    )
    assert [(m.kind, m.event, m.sender_name) for m in (blocked, unblocked)] == [
        ("system", "contact_blocked", None),
        ("system", "contact_unblocked", None),
    ]
    assert (typed.kind, typed.sender_name) == ("text", "Wanjiru")


def test_an_unsaved_members_own_event_under_their_name_is_whatsapps_with_the_tilde_in_both_places():
    # iOS puts "~ " before a member the phone has not saved, in the sender's place and where the event names them
    # (a real English iOS group export without the marks, github.com/abda-torey/kenya_group_analysis):
    # "~ Cliff: ~ Cliff created this group", "~ ~Achi: ~ ~Achi joined using this group's invite link".
    created, joined, number, typed = _parse(
        "[09/06/2020, 19:03:25] ~ Baraka Otieno: ~ Baraka Otieno created this group\n"
        "[07/02/2023, 13:15:53] ~ ~Wanjiru 😊: ~ ~Wanjiru 😊 joined using this group's invite link\n"
        "[09/02/2023, 21:12:56] ~ Asha: ~ Asha changed their phone number to a new number. Tap to message or add the"
        " new number.\n"
        "[09/02/2023, 21:13:00] ~ Asha: ~ Asha left the keys at the shop\n"
    )
    assert [(m.kind, m.event, m.sender_name) for m in (created, joined, number)] == [
        ("system", "group_created", None),
        ("system", "joined_by_link", None),
        ("system", "number_changed", None),
    ]
    assert json.loads(created.event_subjects) == {"actor": "Baraka Otieno"}
    assert json.loads(joined.event_subjects) == {"actor": "~Wanjiru 😊"}
    assert (typed.kind, typed.sender_name, typed.text) == ("text", "Asha", "~ Asha left the keys at the shop")


def test_a_brazilian_ios_group_created_with_its_name_in_curly_quotes_is_whatsapps():
    # A real Brazilian iOS group export of 2025 (github.com/Malnati/wa-fin-ctrl) opens with this line, before the
    # notice, under the group's name.
    created, _ = _parse(
        "[18/04/2025, 12:45:03] Mama Mboga Bakery: Você criou o grupo “Mama Mboga Bakery”\n"
        "[18/04/2025, 12:45:03] Mama Mboga Bakery: As mensagens e ligações são protegidas com a criptografia de ponta"
        " a ponta. Somente as pessoas que fazem parte da conversa podem ler, ouvir e compartilhar esse conteúdo.\n"
    )
    assert (created.kind, created.event, created.sender_name) == ("system", "group_created", None)


def test_an_unsaved_member_an_event_names_is_the_member_the_sender_names():
    # With its mark, iOS puts the event under the group's name and names the unsaved member "~ Asha", whom the
    # header of their own messages names "Asha": the event names the same person, without the mark.
    joined, added, said = _parse(
        f"[07/02/2023, 13:15:53] Mama Mboga Bakery: {LRM}~ Asha joined using this group's invite link\n"
        f"[07/02/2023, 13:16:00] Mama Mboga Bakery: {LRM}~ Asha added ~ Baraka Otieno\n"
        "[07/02/2023, 13:17:00] ~ Asha: Habari\n"
    )
    assert json.loads(joined.event_subjects) == {"actor": "Asha"}
    assert json.loads(added.event_subjects) == {"actor": "Asha", "subject": "Baraka Otieno"}
    assert said.sender_name == "Asha"


def test_a_turkish_android_groups_own_add_and_call_lines_are_its_events():
    # A real Turkish Android group export writes a member adding another as "<name>, <number> kişisini ekledi" and a
    # group video call as "<name> görüntülü arama başlattı", both under no sender, Turkish's date with no comma.
    messages = _parse(
        "9.02.2023 20:11 - Zeynep Kaya görüntülü arama başlattı\n"
        "10.02.2023 10:51 - Zeynep Kaya, +90 555 010 20 30 kişisini ekledi\n"
        "10.02.2023 10:56 - +90 555 010 20 30: Merhaba, ekmek siparişi verebilir miyim?\n"
    )
    assert [(m.kind, m.event, m.sender_name) for m in messages] == [
        ("system", "video_call", None),
        ("system", "member_added", None),
        ("text", None, "+90 555 010 20 30"),
    ]
    assert json.loads(messages[1].event_subjects) == {"actor": "Zeynep Kaya", "subject": "+90 555 010 20 30"}
    assert json.loads(messages[0].event_subjects) == {"actor": "Zeynep Kaya"}


def test_an_android_group_name_change_in_newer_wording_is_the_subject_change():
    # Android of 2023 says "changed the group name from … to …" where it said "changed the subject from … to …".
    messages = _parse(
        '06/06/23, 1:27 pm - You changed the group name from "Mkate" to "Mkate Bora"\n'
        '08/06/23, 1:41 pm - Juma Otieno changed the group name from "Mkate Bora" to "Mkate na Chai 🍞"\n'
        "08/06/23, 1:42 pm - Juma Otieno: Karibuni\n"
    )
    assert [(m.kind, m.event, m.sender_name) for m in messages] == [
        ("system", "subject_changed", None),
        ("system", "subject_changed", None),
        ("text", None, "Juma Otieno"),
    ]
    assert json.loads(messages[1].event_subjects) == {
        "actor": "Juma Otieno",
        "old": "Mkate Bora",
        "new": "Mkate na Chai 🍞",
    }


def test_an_indonesian_android_group_opening_with_its_creation_is_whatsapps():
    # A real Indonesian Android group export opens "Anda membuat grup" under no sender, without the group's name.
    messages = _parse(
        "13/10/2022 16.25 - Pesan dan panggilan terenkripsi secara end-to-end.\n"
        "13/10/2022 16.25 - Anda membuat grup\n"
        "13/10/2022 16.31 - Wanjiru Kamau: Anda membuat grup\n"
    )
    assert [(m.kind, m.event, m.sender_name) for m in messages] == [
        ("system", "encryption_notice", None),
        ("system", "group_created", None),
        ("text", None, "Wanjiru Kamau"),
    ]


@pytest.mark.parametrize(
    ("body", "event"),
    [
        # Turkish Android group lines, as readers of real Turkish group exports drop them.
        ("Zeynep Kaya, +90 555 010 20 30 kişisini çıkardı", "member_removed"),
        ("Zeynep Kaya ayrıldı", "member_left"),
        ("Zeynep Kaya gruptan ayrıldı", "member_left"),
        ('Zeynep Kaya "Fırın Siparişleri" grubunu oluşturdu', "group_created"),
        ("Zeynep Kaya grup açıklamasını değiştirdi", "description_changed"),
        ("Zeynep Kaya bir mesajı sabitledi", "message_pinned"),
        ("Bir mesajı sabitlediniz", "message_pinned"),
        ("Artık yöneticisiniz", "admin_granted"),
    ],
)
def test_a_turkish_android_group_line_is_its_event_and_a_person_typing_it_keeps_their_words(body, event):
    system, typed = _parse(f"10.02.2023 10:51 - {body}\n10.02.2023 10:52 - Emre Demir: {body}\n")
    assert (system.kind, system.event, system.sender_name, system.text) == ("system", event, None, body)
    assert (typed.kind, typed.event, typed.sender_name, typed.text) == ("text", None, "Emre Demir", body)


def test_an_ios_line_marked_as_whatsapps_in_words_no_language_file_knows_is_never_the_senders_text():
    # iOS opens WhatsApp's own lines with U+200E after the sender's colon: the group's notice and events under the
    # group's name, omitted media under the member's. In a language (or a wording) the locale files lack, each is still
    # WhatsApp's; the member's own words, and a mark after a colon inside them, stay theirs.
    messages = _parse(
        f"[01/03/2026, 09:00:00] Mkate Group: {LRM}Ujumbe na simu zimelindwa kwa usimbaji.\n"
        f"[01/03/2026, 10:00:00] Mkate Group: {LRM}Juma alimwongeza Asha\n"
        f"{LRM}[01/03/2026, 10:03:00] Juma Otieno: {LRM}picha imeachwa\n"
        "[01/03/2026, 10:04:00] Juma Otieno: Habari, mkate upo?\n"
        f"[01/03/2026, 10:05:00] Juma Otieno: Bei: {LRM}200\n"
    )
    assert [(m.kind, m.event, m.sender_name, m.text) for m in messages] == [
        ("unsupported", None, "Mkate Group", "Ujumbe na simu zimelindwa kwa usimbaji."),
        ("unsupported", None, "Mkate Group", "Juma alimwongeza Asha"),
        ("unsupported", None, "Juma Otieno", "picha imeachwa"),
        ("text", None, "Juma Otieno", "Habari, mkate upo?"),
        ("text", None, "Juma Otieno", "Bei: 200"),
    ]


def test_android_attachments_and_places_as_a_study_of_real_exports_documents_them():
    # Android writes an uploaded audio with no extension, repeats a document's name less its extension on the next
    # line, and puts a place's name and address above its location word and link.
    messages = _parse(
        "2019-01-01 12:00 - Wanjiru Mwangi: AUD-20190101-WA0000. (file attached)\n"
        "2019-01-01 12:01 - Wanjiru Mwangi: Bei ya mikate.pdf (file attached)\n"
        "Bei ya mikate\n"
        "Tafadhali lipa kesho\n"
        "2019-01-01 12:02 - Wanjiru Mwangi: Mama Mboga Bakery\n"
        "Moi Avenue, Nairobi\n"
        "location: https://maps.google.com/?q=-1.283,36.823\n"
    )
    audio, document, place = messages
    assert (audio.kind, audio.media.filename, audio.caption) == ("audio", "AUD-20190101-WA0000.", None)
    assert (document.kind, document.media.filename, document.caption) == (
        "document",
        "Bei ya mikate.pdf",
        "Tafadhali lipa kesho",
    )
    assert (place.kind, place.text) == (
        "location",
        "Mama Mboga Bakery\nMoi Avenue, Nairobi\nhttps://maps.google.com/?q=-1.283,36.823",
    )


@pytest.mark.parametrize(
    ("body", "event"),
    [
        # Spanish and Portuguese group lines as readers of real exports sort them, the exporting member's in first person.
        ('Juma Otieno cambió el nombre del grupo de "Pan" a "Pan y Café".', "subject_changed"),
        ('Cambiaste el nombre del grupo de "Pan" a "Pan y Café".', "subject_changed"),
        ("Juma Otieno eliminó a Asha Wanjiku", "member_removed"),
        ("Eliminaste a Asha Wanjiku", "member_removed"),
        ("Juma Otieno te eliminó.", "member_removed"),
        ("Saliste del grupo", "member_left"),
        ("Se te añadió al grupo.", "member_added"),
        ("Juma Otieno fijó un mensaje.", "message_pinned"),
        ("Fijaste un mensaje.", "message_pinned"),
        ("Juma Otieno mudou a imagem deste grupo.", "icon_changed"),
        ("Juma Otieno mudou a descrição do grupo", "description_changed"),
        ("Você entrou usando o link de convite do grupo", "joined_by_link"),
        ("Juma Otieno mudou o ícone deste grupo", "icon_changed"),
        ("Juma Otieno entrou neste grupo através da comunidade", "joined_from_community"),
    ],
)
def test_a_spanish_or_portuguese_android_group_line_is_its_event_and_a_person_typing_it_keeps_their_words(body, event):
    system, typed = _parse(f"18/1/24, 20:37 - {body}\n18/1/24, 20:38 - Wanjiru Mwangi: {body}\n")
    assert (system.kind, system.event, system.sender_name) == ("system", event, None)
    assert (typed.kind, typed.event, typed.text) == ("text", None, body)


@pytest.mark.parametrize(
    "body",
    [
        # Android writes a view-once photo or video as "null", and Spanish phones the line that says one came.
        "null",
        "Recibiste un mensaje de visualización única. Para mayor privacidad, solo puedes abrirlo en tu teléfono.",
    ],
)
def test_a_view_once_media_an_android_export_never_carries_is_omitted_media(body):
    media, words = _parse(
        f"18/1/24, 20:37 - Wanjiru Mwangi: {body}\n18/1/24, 20:38 - Wanjiru Mwangi: null y nada más\n"
    )
    assert (media.kind, media.event, media.sender_name, media.text) == (
        "media_omitted",
        "media_omitted:view_once",
        "Wanjiru Mwangi",
        None,
    )
    assert (words.kind, words.text) == ("text", "null y nada más")


@pytest.mark.parametrize(
    ("body", "event"),
    [
        # Dutch group lines as readers of real Dutch exports sort them ("heeft" for a member, "U hebt" for the exporter).
        ("Juma Otieno heeft Asha Wanjiku verwijderd", "member_removed"),
        ("U hebt Asha Wanjiku verwijderd", "member_removed"),
        ("Juma Otieno heeft de groep verlaten", "member_left"),
        ("U hebt de groep verlaten", "member_left"),
        ("Juma Otieno heeft het onderwerp gewijzigd naar “Brood & Koffie”", "subject_changed"),
        ('U hebt het onderwerp gewijzigd van "Brood" naar "Brood & Koffie"', "subject_changed"),
        ("Juma Otieno heeft de groepsomschrijving gewijzigd", "description_changed"),
        ("U hebt de groepsafbeelding gewijzigd", "icon_changed"),
        (
            "Juma Otieno heeft een nieuw telefoonnummer. Tik om een bericht te sturen of om het nieuwe nummer toe te "
            "voegen.",
            "number_changed",
        ),
        ("U bent nu beheerder", "admin_granted"),
        ("U bent toegevoegd", "member_added"),
    ],
)
def test_a_dutch_group_line_is_its_event_and_a_person_typing_it_keeps_their_words(body, event):
    system, typed = _parse(f"18-01-2024 20:37 - {body}\n18-01-2024 20:38 - Wanjiru Mwangi: {body}\n")
    assert (system.kind, system.event, system.sender_name) == ("system", event, None)
    assert (typed.kind, typed.event, typed.text) == ("text", None, body)


def test_a_turkish_group_creation_worded_with_a_comma_after_its_actor_names_the_actor_without_it():
    # The actor then a comma, as the real Turkish export words "<name>, <number> kişisini ekledi".
    (created,) = _parse('10.02.2023 10:51 - Zeynep Kaya, "Fırın Siparişleri" grubunu oluşturdu\n')
    assert (created.kind, created.event) == ("system", "group_created")
    assert json.loads(created.event_subjects) == {"actor": "Zeynep Kaya", "subject": "Fırın Siparişleri"}


@pytest.mark.parametrize(
    ("body", "event"),
    [
        # A Polish group's real exports, as their reader drops them: a photo the exporting member deleted, and one
        # the sender deleted.
        ("Usunąłeś to zdjęcie", "deleted:by_me"),
        ("Usunęła to zdjęcie", "deleted"),
    ],
)
def test_a_polish_deleted_photo_is_deleted_not_the_senders_words(body, event):
    (message,) = _parse(f"07.10.2026, 18:07 - Wanjiru Mwangi: {body}\n")
    assert (message.kind, message.event, message.sender_name, message.text) == (
        "deleted",
        event,
        "Wanjiru Mwangi",
        None,
    )


def test_a_dutch_message_deleted_in_the_third_person_is_a_deletion_not_a_member_removed():
    # "Je hebt dit bericht verwijderd" is real (four readers of Dutch exports); its third-person counterpart names
    # who deleted the message, and "dit bericht" (this message) is no member the group removed.
    alone, under_sender, removed = _parse(
        "18-01-2024 20:37 - Juma Otieno heeft dit bericht verwijderd\n"
        "18-01-2024 20:38 - Wanjiru Mwangi: Juma Otieno heeft dit bericht verwijderd\n"
        "18-01-2024 20:39 - Juma Otieno heeft Wanjiru Mwangi verwijderd\n"
    )
    assert (alone.kind, alone.event) == ("system", "deleted")
    assert (under_sender.kind, under_sender.event, under_sender.text) == ("deleted", "deleted", None)
    assert (removed.kind, removed.event) == ("system", "member_removed")
    assert json.loads(removed.event_subjects)["subject"] == "Wanjiru Mwangi"


def test_an_android_omitted_document_followed_by_its_file_name_names_the_file_and_has_no_caption():
    # A Polish group's real Android exports, as their reader describes them: "<Pominięto multimedia>" then the
    # document's name alone on the next line. A caption after the omitted media stays a caption.
    document, captioned = _parse(
        "07.10.2026, 18:07 - Wanjiru Mwangi: <Pominięto multimedia>\nCennik chleba 2026.pdf\n"
        "07.10.2026, 18:08 - Wanjiru Mwangi: <Pominięto multimedia>\nŚwieże bułki, zamówcie do piątku.\n"
    )
    assert (document.kind, document.event, document.caption) == ("media_omitted", "media_omitted:document", None)
    assert document.media.filename == "Cennik chleba 2026.pdf"
    assert (captioned.kind, captioned.event, captioned.media) == ("media_omitted", "media_omitted", None)
    assert captioned.caption == "Świeże bułki, zamówcie do piątku."


@pytest.mark.parametrize(
    ("body", "event", "named"),
    [
        # Two readers of Italian groups' real Android exports (2017 and a 12-hour one): the group's creation with
        # its name in curly quotes, a subject change from one name to another, a description changed.
        ("Giulia Conti ha creato il gruppo “Forno Mama”", "group_created", {"subject": "Forno Mama"}),
        ("Giulia Conti ha cambiato l'oggetto da “Forno” a “Forno Mama”", "subject_changed", {"new": "Forno Mama"}),
        ("Giulia Conti ha cambiato la descrizione del gruppo", "description_changed", {}),
    ],
)
def test_an_italian_group_line_is_its_event_and_a_person_typing_it_keeps_their_words(body, event, named):
    system, typed = _parse(f"18/06/17, 21:16 - {body}\n18/06/17, 21:17 - Wanjiru Mwangi: {body}\n")
    assert (system.kind, system.event, system.sender_name) == ("system", event, None)
    subjects = json.loads(system.event_subjects)
    assert subjects["actor"] == "Giulia Conti"
    assert {role: subjects[role] for role in named} == named
    assert (typed.kind, typed.event, typed.text) == ("text", None, body)


@pytest.mark.parametrize(
    ("header", "body", "event"),
    [
        # Readers of a community's real Android exports count joins and leaves by these lines (Hebrew and English).
        ("12.3.24, 10:16 - ", "\u200fההצטרפות של יוסי לוי בוצעה", "joined_by_link"),
        ("12.3.24, 10:16 - ", "יוסי לוי יצא/ה", "member_left"),
        ("3/12/24, 10:16 - ", "Juma Otieno joined using this community's invite link", "joined_by_link"),
    ],
)
def test_a_community_join_or_leave_is_its_event_and_names_the_member(header, body, event):
    (message,) = _parse(f"{header}{body}\n")
    assert (message.kind, message.event, message.sender_name) == ("system", event, None)
    assert json.loads(message.event_subjects)["actor"] in {"יוסי לוי", "Juma Otieno"}


@pytest.mark.parametrize(
    ("body", "event", "subject"),
    [
        # WhatsApp Web's own strings for a group joining or leaving a community, and a community created: the group
        # here is no member, and "this group from the community …" no member removed.
        ("Nuru Achieng removed this group from the community “Mtaa Gardens”", "community_unlinked", "Mtaa Gardens"),
        ('You removed this group from the community "Mtaa Gardens"', "community_unlinked", "Mtaa Gardens"),
        ("Nuru Achieng removed this group from a community", "community_unlinked", None),
        ("This group was removed from the community “Mtaa Gardens”", "community_unlinked", "Mtaa Gardens"),
        (
            "Nuru Achieng added this group and its participants to the community “Mtaa Gardens”",
            "community_linked",
            "Mtaa Gardens",
        ),
        ("You added this group and its participants to a community", "community_linked", None),
        ('Nuru Achieng created the community "Mtaa Gardens"', "community_created", "Mtaa Gardens"),
        ("Nuru Achieng created the community", "community_created", None),
    ],
)
def test_a_group_linked_to_or_unlinked_from_a_community_is_that_event_not_a_member_added_or_removed(
    body, event, subject
):
    system, typed = _parse(f"1/5/24, 10:00 - {body}\n1/5/24, 10:01 - Wanjiru Mwangi: {body}\n")
    assert (system.kind, system.event, system.sender_name) == ("system", event, None)
    assert json.loads(system.event_subjects or "{}").get("subject") == subject
    assert (typed.kind, typed.event, typed.text) == ("text", None, body)


@pytest.mark.parametrize(
    ("body", "event", "subject"),
    [
        # A community's announcement group names the groups linked to it or unlinked from it (WhatsApp Web's own
        # "{author} added the group {groups}", a Baileys client's stub texts with the group's name in quotes).
        ('Nuru Achieng added the group "Bakers"', "community_linked", "Bakers"),
        ("Nuru Achieng added the groups “Bakers” and “Cooks”", "community_linked", "“Bakers” and “Cooks”"),
        ('Nuru Achieng removed the group "Bakers"', "community_unlinked", "Bakers"),
        ('This group was added to the community "Mtaa Gardens"', "community_linked", "Mtaa Gardens"),
    ],
)
def test_a_group_a_community_links_or_unlinks_is_no_member_added_or_removed(body, event, subject):
    system, typed = _parse(f"1/5/24, 10:00 - {body}\n1/5/24, 10:01 - Wanjiru Mwangi: {body}\n")
    assert (system.kind, system.event, system.sender_name) == ("system", event, None)
    assert json.loads(system.event_subjects)["subject"] == subject
    assert (typed.kind, typed.event, typed.text) == ("text", None, body)


def test_a_community_join_names_who_joined_and_the_exporter_added_to_a_community_names_no_member():
    # WhatsApp Web's own strings for a community's members joining by a group's invite ('{user_name} joined') and
    # the exporting member added to the community ('You were added to this community'): "to this community" is no
    # member, and a person saying they joined keeps their words.
    joined, added, typed = _parse(
        "1/5/24, 10:00 - Nuru Achieng joined\n"
        "1/5/24, 10:01 - You were added to this community\n"
        "1/5/24, 10:02 - Wanjiru Mwangi: Nuru Achieng joined\n"
    )
    assert (joined.kind, joined.event, json.loads(joined.event_subjects)) == (
        "system",
        "joined_by_link",
        {"actor": "Nuru Achieng"},
    )
    assert (added.kind, added.event, added.event_subjects) == ("system", "member_added", None)
    assert (typed.kind, typed.event, typed.text) == ("text", None, "Nuru Achieng joined")
