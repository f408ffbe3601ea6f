"""Calendars and layouts of export headers: eras, time-first, colon-separated, files that mix two layouts."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.whatsapp.chat_export import parse_chat_export

NAIROBI = ZoneInfo("Africa/Nairobi")
TODAY = date(2026, 12, 3)


def parse(text: str, today: date = TODAY):
    return parse_chat_export(text, chat_name="Mama Mboga Bakery", tz=NAIROBI, source_name="chat.txt", today=today)


def local(message) -> datetime:
    return message.sent_at.astimezone(NAIROBI).replace(tzinfo=None)


@pytest.mark.parametrize(
    "header, expected",
    [
        # Thai phones on the Buddhist era (Gregorian + 543), with and without the "BE" the iOS export writes.
        ("[3/18/2565 BE, 14:56:01] Dmitry S: Hello", datetime(2022, 3, 18, 14, 56, 1)),
        ("[1/13/2566 BE, 23:32:30] Dmitry S: Hello", datetime(2023, 1, 13, 23, 32, 30)),
        ("18/03/2565, 14:56 - Dmitry S: Hello", datetime(2022, 3, 18, 14, 56)),
        # Japanese phones on the imperial era: Reiwa 4 is 2022, Heisei 30 is 2018.
        ("[3/18/R4, 14:56:01] Dmitry S: Hello", datetime(2022, 3, 18, 14, 56, 1)),
        ("[12/24/H30, 09:00:00] Dmitry S: Hello", datetime(2018, 12, 24, 9, 0)),
        ("R4/03/18 14:56 - Dmitry S: Hello", datetime(2022, 3, 18, 14, 56)),
        # Vietnamese iOS writes the time before the date.
        ("[14:56:01, 3/18/22] Dmitry S: Xin chào", datetime(2022, 3, 18, 14, 56, 1)),
        ("[14:56:01, 18/3/2022] Dmitry S: Xin chào", datetime(2022, 3, 18, 14, 56, 1)),
        # Date, time and sender separated by colons.
        ("18/03/2022 14:56:01: Dmitry S: Hello", datetime(2022, 3, 18, 14, 56, 1)),
        ("18/03/2022 14:56: Dmitry S: Hello", datetime(2022, 3, 18, 14, 56)),
    ],
)
def test_calendars_and_layouts(header, expected):
    [message] = parse(header + "\n").messages
    assert local(message) == expected
    assert message.sender_name == "Dmitry S"
    assert message.text in {"Hello", "Xin chào"}


def test_a_file_that_mixes_two_layouts_reads_each_in_its_own_order():
    # Exported on an iPhone set to US English (m/d/y), continued on an Android phone set to d/m/y, merged.
    parsed = parse(
        "[3/18/22, 2:56:01 PM] Juma Hardware: from the iPhone\n"
        "[3/19/22, 9:00:00 AM] Juma Hardware: second line\nof the iPhone message\n"
        "[4/2/22, 10:00:00 AM] Juma Hardware: ambiguous on its own, m/d/y as its layout says\n"
        "20/04/2022, 08:15 - Juma Hardware: from the Android phone\n"
        "21/04/2022, 08:16 - Juma Hardware: again\n"
    )
    assert parsed.errors == []
    assert [local(m) for m in parsed.messages] == [
        datetime(2022, 3, 18, 14, 56, 1),
        datetime(2022, 3, 19, 9, 0),
        datetime(2022, 4, 2, 10, 0),
        datetime(2022, 4, 20, 8, 15),
        datetime(2022, 4, 21, 8, 16),
    ]
    assert parsed.messages[1].text == "second line\nof the iPhone message"


def test_a_layout_its_own_dates_cannot_settle_reads_as_the_files_main_one():
    # The Android part alone (03/04 and 05/06) reads either way; the file's main layout is m/d/y, so is it.
    parsed = parse(
        "[3/18/22, 14:56:01] A: one\n[3/19/22, 09:00:00] A: two\n[3/20/22, 09:00:00] A: three\n"
        "03/04/2022, 08:15 - A: four\n05/06/2022, 08:16 - A: five\n"
    )
    assert [local(m).date() for m in parsed.messages][-2:] == [date(2022, 3, 4), date(2022, 5, 6)]


def test_dates_before_whatsapp_or_after_tomorrow_are_line_errors_and_the_rest_lands():
    parsed = parse(
        "01/12/2026, 09:00 - A: fine\n"
        "01/12/2008, 09:00 - A: before WhatsApp\n"
        "04/12/2026, 23:59 - A: tomorrow is fine (phones east of us)\n"
        "05/12/2026, 00:01 - A: after tomorrow\n"
        "02/12/2026, 09:00 - A: fine again\n"
    )
    assert [m.text for m in parsed.messages] == ["fine", "tomorrow is fine (phones east of us)", "fine again"]
    assert [(e.line_number, e.reason) for e in parsed.errors] == [
        (2, "impossible date or time (year 2008 is before WhatsApp existed)"),
        (4, "impossible date or time (2026-12-05 is after tomorrow)"),
    ]


def test_a_line_in_the_colon_layout_inside_an_android_export_is_part_of_a_message():
    parsed = parse(
        "10/03/2026, 09:00 - A: Delivery plan\n18/03/2022 14:56: the old order, for reference\n"
        "10/03/2026, 09:01 - A: ok\n"
    )
    assert [m.text for m in parsed.messages] == ["Delivery plan\n18/03/2022 14:56: the old order, for reference", "ok"]
