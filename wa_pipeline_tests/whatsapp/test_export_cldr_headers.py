"""Headers as phones write them from CLDR's short date and time formats: calendars, native digits and time shapes
found missing by a sweep of every CLDR locale (round 28), each written out here as the phone writes it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.whatsapp.chat_export import parse_chat_export

TEHRAN = ZoneInfo("Asia/Tehran")
TODAY = date(2026, 12, 3)


def parse(text: str):
    return parse_chat_export(text, chat_name="Duka", tz=TEHRAN, source_name="chat.txt", today=TODAY)


def local(message) -> datetime:
    return message.sent_at.astimezone(TEHRAN).replace(tzinfo=None)


@pytest.mark.parametrize(
    "export, expected",
    [
        # Persian phones on the Solar Hijri calendar (CLDR's fa "y/M/d"), in Persian digits, with Android's comma or
        # CLDR's Arabic comma and its right-to-left mark: 27 Esfand 1404 is 18 March 2026.
        (
            "۱۴۰۴/۱۲/۲۷, ۲۳:۰۵ - Shirin Ahmadi: سلام\n۱۴۰۵/۱/۲, ۹:۰۵ - Shirin Ahmadi: نوروز مبارک\n",
            [datetime(2026, 3, 18, 23, 5), datetime(2026, 3, 22, 9, 5)],
        ),
        (
            "[۱۴۰۴/۱۲/۲۷،\u200f ۱۱:۰۵:۰۹ ب.ظ.] Shirin Ahmadi: سلام\n[۱۴۰۴/۱۲/۲۹،\u200f ۹:۰۵:۳۰ ق.ظ.] Shirin Ahmadi: فردا\n",
            [datetime(2026, 3, 18, 23, 5, 9), datetime(2026, 3, 20, 9, 5, 30)],
        ),
        # The same calendar in ASCII digits; 1403 is a leap year, so its Esfand has a 30th (20 March 2025).
        (
            "1403/12/30, 14:56 - Shirin Ahmadi: salam\n1404/1/1, 08:00 - Shirin Ahmadi: nowruz\n",
            [datetime(2025, 3, 20, 14, 56), datetime(2025, 3, 21, 8, 0)],
        ),
        # Thai phones on the Buddhist calendar write its year in two digits (CLDR's th buddhist "d/M/yy"): 69 is
        # 2569, that is 2026; Thai Android closes a 24-hour time with "น." (CLDR's th "HH:mm น.").
        (
            "[5/3/69 09:05:07] Somchai Wongsa: สวัสดี\n[18/3/69 23:05:09] Somchai Wongsa: ครับ\n",
            [datetime(2026, 3, 5, 9, 5, 7), datetime(2026, 3, 18, 23, 5, 9)],
        ),
        (
            "5/3/69, 09:05 น. - Somchai Wongsa: สวัสดี\n18/3/69, 23:05 น. - Somchai Wongsa: ครับ\n",
            [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)],
        ),
        (
            "5/3/26 09:05 น. - Somchai Wongsa: สวัสดี\n18/3/26 23:05 น. - Somchai Wongsa: ครับ\n",
            [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)],
        ),
        # Canadian French writes the hour's and the minute's units (CLDR's fr-CA "HH 'h' mm 'min' ss 's'").
        (
            "2026-03-05 09 h 05 - Gilles Tremblay: Bonjour\n2026-03-18 23 h 05 - Gilles Tremblay: Bonsoir\n",
            [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)],
        ),
        (
            "[2026-03-05 09 h 05 min 07 s] Gilles Tremblay: Bonjour\n"
            "[2026-03-18 23 h 05 min 09 s] Gilles Tremblay: Bonsoir\n",
            [datetime(2026, 3, 5, 9, 5, 7), datetime(2026, 3, 18, 23, 5, 9)],
        ),
        (
            "2026-03-05, 9 h 05\u202fa.m. - Gilles Tremblay: Bonjour\n2026-03-18, 11 h 05\u202fp.m. - Gilles Tremblay: Bonsoir\n",
            [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)],
        ),
        # Bulgarian on a 12-hour clock: the hour's "ч." comes before the marker (CLDR's bg "h:mm 'ч'. a").
        (
            "5.03.26\u202fг., 9:05 ч. am - Dimitar Petrov: Здравей\n18.03.26\u202fг., 11:05 ч. pm - Dimitar Petrov: Чао\n",
            [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)],
        ),
        # Yoruba writes its minutes and seconds unpadded (CLDR's yo "d/M/y" with "H:m" and "H:m:s"), round 30.
        (
            "5/3/2026, 9:5 - Adé Bàbátúndé: Ẹ káàárọ̀\n18/3/2026 23:5 - Adé Bàbátúndé: Ó dàbọ̀\n",
            [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)],
        ),
        (
            "[5/3/2026, 9:5:7] Adé Bàbátúndé: Ẹ káàárọ̀\n[18/3/2026, 23:5:9] Adé Bàbátúndé: Ó dàbọ̀\n",
            [datetime(2026, 3, 5, 9, 5, 7), datetime(2026, 3, 18, 23, 5, 9)],
        ),
        # Wolof parts the date from the time with a dash (CLDR's wo "dd-MM-y" and "{1} - {0}"), round 30.
        (
            "05-03-2026 - 09:05 - Moussa Diop: Salaam aleekum\n18-03-2026 - 23:05 - Moussa Diop: Ba beneen yoon\n",
            [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)],
        ),
        (
            "[05-03-2026 - 09:05:07] Moussa Diop: Salaam aleekum\n[18-03-2026 - 23:05:09] Moussa Diop: Ba beneen yoon\n",
            [datetime(2026, 3, 5, 9, 5, 7), datetime(2026, 3, 18, 23, 5, 9)],
        ),
        (
            "05-03-2026 - 9:05 Sub - Moussa Diop: Salaam aleekum\n18-03-2026 - 11:05 Ngo - Moussa Diop: Ba beneen yoon\n",
            [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)],
        ),
        # Basque writes the time after the date in parentheses (CLDR's eu "yy/M/d" and "{1} ({0})"), round 30.
        (
            "26/3/5 (09:05) - Miren Etxeberria: Egun on\n26/3/18 (23:05) - Miren Etxeberria: Gabon\n",
            [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)],
        ),
        (
            "[26/3/5 (09:05:07)] Miren Etxeberria: Egun on\n[26/3/18 (23:05:09)] Miren Etxeberria: Gabon\n",
            [datetime(2026, 3, 5, 9, 5, 7), datetime(2026, 3, 18, 23, 5, 9)],
        ),
        (
            "26/3/5 (9:05 AM) - Miren Etxeberria: Egun on\n26/3/18 (11:05 PM) - Miren Etxeberria: Gabon\n",
            [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)],
        ),
        # Azerbaijani and Uzbek phones in Cyrillic, Serbian in Latin letters: CLDR's markers of those scripts.
        (
            "05.03.26, 9:05 АМ - Elnur Mammadov: Salam\n18.03.26, 11:05 ПМ - Elnur Mammadov: Sağ ol\n",
            [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)],
        ),
        (
            "[05/03/26, 9:05:07\u202fТО] Dilnoza Karimova: Salom\n[18/03/26, 11:05:09\u202fТК] Dilnoza Karimova: Rahmat\n",
            [datetime(2026, 3, 5, 9, 5, 7), datetime(2026, 3, 18, 23, 5, 9)],
        ),
        (
            "5. 3. 2026., 9:05\u202fpre\u202fpodne - Milica Jovanović: Zdravo\n"
            "18. 3. 2026., 11:05\u202fpo\u202fpodne - Milica Jovanović: Hvala\n",
            [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)],
        ),
    ],
)
def test_cldr_header_shapes_read_as_the_phone_meant(export, expected):
    parsed = parse(export)
    assert parsed.errors == []
    assert [local(m) for m in parsed.messages] == expected
    assert all(m.sender_name and m.kind == "text" for m in parsed.messages)
    assert [m.text for m in parsed.messages] == [line.split(": ", 1)[1] for line in export.splitlines()]


@pytest.mark.parametrize(
    "export",
    [
        # Languages whose WhatsApp strings we do not ship: the phone still writes its own markers (CLDR's, by
        # dateparser's data): Hausa, Amharic, Sinhala before the time, Burmese in its own digits.
        "5/3/26, 9:05\u202fSF - Musa Bello: Ina kwana\n18/3/26, 11:05\u202fYM - Musa Bello: Sai anjima\n",
        "05/03/2026, 9:05 ጥዋት - Abebe Kebede: ሰላም\n18/03/2026, 11:05 ከሰዓት - Abebe Kebede: ቻው\n",
        "2026-03-05, පෙ.ව. 9:05 - Nimal Perera: ආයුබෝවන්\n2026-03-18, ප.ව. 11:05 - Nimal Perera: ගිහින් එන්නම්\n",
        "၅/၃/၂၆, နံနက် ၉:၀၅ - Aung Aung: မင်္ဂလာပါ\n၁၈/၃/၂၆, ညနေ ၁၁:၀၅ - Aung Aung: တာ့တာ\n",
    ],
)
def test_the_markers_of_languages_we_ship_no_strings_for(export):
    parsed = parse(export)
    assert parsed.errors == []
    assert [local(m) for m in parsed.messages] == [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)]
    assert [m.text for m in parsed.messages] == [line.split(": ", 1)[1] for line in export.splitlines()]


def test_a_marker_after_seconds_is_no_unit_of_them():
    # Canadian French writes "09 s" for the seconds; Hausa's morning "SF" after iOS's seconds is still its marker.
    [message] = parse("[5/3/26, 12:05:07\u202fSF] Musa Bello: Barka da dare\n").messages
    assert local(message) == datetime(2026, 3, 5, 0, 5, 7)


def test_a_marker_of_another_language_never_overrides_ours():
    # Finnish "ip." is the afternoon, whatever Inari Sami's morning "ip." is.
    [message] = parse("18.3.2026 klo 11.05 ip. - Aino Virtanen: Moi\n").messages
    assert local(message) == datetime(2026, 3, 18, 23, 5)


@pytest.mark.parametrize(
    "export",
    [
        # Vietnamese Android writes the time first, as CLDR's vi date-time pattern "{0} {1}" does, on either clock.
        "09:05 5/3/26 - Nguyễn Văn An: Chào buổi sáng\n23:05 18/3/26 - Nguyễn Văn An: Chúc ngủ ngon\n",
        "9:05\u202fSA 5/3/26 - Nguyễn Văn An: Chào buổi sáng\n11:05\u202fCH 18/3/26 - Nguyễn Văn An: Chúc ngủ ngon\n",
    ],
)
def test_a_time_first_android_export_reads_in_its_own_layout(export):
    parsed = parse(export)
    assert parsed.errors == []
    assert [(local(m), m.sender_name) for m in parsed.messages] == [
        (datetime(2026, 3, 5, 9, 5), "Nguyễn Văn An"),
        (datetime(2026, 3, 18, 23, 5), "Nguyễn Văn An"),
    ]
    assert [m.text for m in parsed.messages] == ["Chào buổi sáng", "Chúc ngủ ngon"]


def test_a_time_first_line_inside_an_ordinary_export_stays_in_its_message():
    # Believed only where most of a file's headers are written so, like the other rare layouts.
    parsed = parse(
        "05/03/2026, 09:05 - Amina: nimetuma ratiba:\n"
        "10:00 6/3/26 - mkutano wa kwanza\n"
        "05/03/2026, 09:06 - Juma: sawa\n"
    )
    assert [(m.sender_name, m.text) for m in parsed.messages] == [
        ("Amina", "nimetuma ratiba:\n10:00 6/3/26 - mkutano wa kwanza"),
        ("Juma", "sawa"),
    ]


def test_a_dashed_line_inside_an_ordinary_export_stays_in_its_message():
    # Wolof Android's "date - time - " is believed only where most of a file's headers are written so.
    parsed = parse(
        "05-03-2026, 09:05 - Amina: nimetuma ratiba:\n"
        "06-03-2026 - 10:00 - mkutano wa kwanza\n"
        "05-03-2026, 09:06 - Juma: sawa\n"
    )
    assert [(m.sender_name, m.text) for m in parsed.messages] == [
        ("Amina", "nimetuma ratiba:\n06-03-2026 - 10:00 - mkutano wa kwanza"),
        ("Juma", "sawa"),
    ]


def test_a_parenthesis_opened_is_closed():
    # Basque's "(09:05)" is a header only with both its parentheses; one alone is no header, as before.
    parsed = parse("26/3/5 (09:05) - Miren: a\n26/3/5 (09:06 - Miren: b\n26/3/5 09:07) - Miren: c\n")
    assert [(m.sender_name, m.text) for m in parsed.messages] == [
        ("Miren", "a\n26/3/5 (09:06 - Miren: b\n26/3/5 09:07) - Miren: c"),
    ]


def test_a_persian_date_the_calendar_does_not_have_is_reported_not_landed():
    # 1404 is no leap year: its Esfand ends on the 29th.
    parsed = parse("۱۴۰۴/۱۲/۲۹, ۲۳:۰۵ - Shirin Ahmadi: سلام\n۱۴۰۴/۱۲/۳۰, ۲۳:۰۶ - Shirin Ahmadi: فردا\n")
    assert [local(m) for m in parsed.messages] == [datetime(2026, 3, 20, 23, 5)]
    assert [(e.line_number, "Solar Hijri" in e.reason) for e in parsed.errors] == [(2, True)]


def test_common_headers_read_as_before():
    # The Gregorian years beside the new readings: a two-digit year stays 20xx, a four-digit one stays itself.
    parsed = parse(
        "16/11/26, 09:15 - Amina: habari\n17/11/2026, 9:15 pm - Amina: jioni\n[18/11/26, 10:00:01] Amina: asubuhi\n"
    )
    assert [local(m).date() for m in parsed.messages] == [date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18)]


@pytest.mark.parametrize(
    "export",
    [
        # Markers CLDR has and dateparser's older copy of it lacks (scripts/cldr_day_periods.tsv, round 29).
        # Cantonese in Hong Kong writes its own periods before the time (CLDR's yue "ah:mm"), in Guangzhou simplified.
        "2026/3/5, 上晝9:05 - 陳大文: 早晨\n2026/3/18, 下晝11:05 - 陳大文: 早抖\n",
        "[2026/3/5, 上昼9:05:00] 陈大文: 早晨\n[2026/3/18, 下昼11:05:00] 陈大文: 早抖\n",
        # Sindhi in Pakistan, in its Arabic-Indic digits (CLDR's sd "y-MM-dd" and "h:mm a").
        "٢٠٢٦-٠٣-٠٥, ٩:٠٥ صبح - Sassui Memon: سلام\n٢٠٢٦-٠٣-١٨, ١١:٠٥ شام - Sassui Memon: خدا حافظ\n",
        # Nigerian Pidgin and Akan (Ghana): CLDR's later markers.
        "05/03/2026, 9:05\u202fFM - Chidi Okafor: Good morning o\n18/03/2026, 11:05\u202fFI - Chidi Okafor: Na so\n",
        "[5/3/26, 9:05:00\u202fAN] Kwame Mensah: Maakye\n[18/3/26, 11:05:00\u202fANW] Kwame Mensah: Da yie\n",
        # Serbian in Latin letters as Bosnia and Montenegro write it (CLDR's sr_Latn_BA).
        "5. 3. 2026., 9:05\u202fprije\u202fpodne - Emir Hodžić: Zdravo\n"
        "18. 3. 2026., 11:05\u202fpo\u202fpodne - Emir Hodžić: Laku noć\n",
        # Maithili in India, and Fula in its Adlam letters and digits (Guinea, Senegal).
        "5/3/26, 9:05 भोर - Sita Jha: प्रणाम\n18/3/26, 11:05 सांझ - Sita Jha: शुभ राति\n",
        "𞥕-𞥓-𞥒𞥐𞥒𞥖, 𞥙:𞥐𞥕 𞤀𞤎 - Mariama Diallo: 𞤶𞤢𞤢𞤪𞤢𞤥\n𞥑𞥘-𞥓-𞥒𞥐𞥒𞥖, 𞥑𞥑:𞥐𞥕 𞤇𞤎 - Mariama Diallo: 𞤴𞤢𞤤𞤤𞤢\n",
    ],
)
def test_the_markers_cldr_has_beyond_dateparsers_copy(export):
    parsed = parse(export)
    assert parsed.errors == []
    assert [local(m) for m in parsed.messages] == [datetime(2026, 3, 5, 9, 5), datetime(2026, 3, 18, 23, 5)]
    assert [m.text for m in parsed.messages] == [line.split(": ", 1)[1] for line in export.splitlines()]


def test_a_cldr_marker_of_the_other_half_in_a_language_we_ship_stays_ours():
    # Mara Chin's morning "MD" is Albanian's afternoon ("md", pasdite): a header with it reads one way, Albanian's.
    [message] = parse("2026-03-18, 9:05\u202fMD - Arben Hoxha: Mirëmbrëma\n").messages
    assert local(message) == datetime(2026, 3, 18, 21, 5)


def test_taiwans_flexible_periods_of_the_day():
    # Traditional Chinese writes CLDR's flexible periods ("Bh:mm"): 清晨 is 05:00-08:00 and 午夜 midnight itself,
    # both mornings; 中午 is noon's hour and 晚上 the evening.
    parsed = parse(
        "2026/3/5 清晨6:05 - 王小明: 早安\n"
        "2026/3/5 中午12:30 - 王小明: 吃飯了嗎\n"
        "2026/3/5 晚上11:05 - 王小明: 晚安\n"
        "2026/3/6 午夜12:00 - 王小明: 生日快樂\n"
        "[2026/3/6 清晨7:05:09] 王小明: 早\n"
    )
    assert parsed.errors == []
    assert [local(m) for m in parsed.messages] == [
        datetime(2026, 3, 5, 6, 5),
        datetime(2026, 3, 5, 12, 30),
        datetime(2026, 3, 5, 23, 5),
        datetime(2026, 3, 6, 0, 0),
        datetime(2026, 3, 6, 7, 5, 9),
    ]
    assert [m.text for m in parsed.messages] == ["早安", "吃飯了嗎", "晚安", "生日快樂", "早"]
