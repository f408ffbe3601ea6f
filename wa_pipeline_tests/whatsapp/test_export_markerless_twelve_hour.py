"""12-hour clocks that write no marker (CLDR's es-AR "hh:mm:ss" on iOS, fr-CM "h:mm", bal-Latn "h:mm"): a header's half
of the day is read from the file's own order, only in a file no 24-hour clock or marker could have written."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.whatsapp.chat_export import parse_chat_export

DOUALA = ZoneInfo("Africa/Douala")
TODAY = date(2026, 12, 3)


def times(export: str, tz: ZoneInfo = DOUALA) -> list[datetime]:
    parsed = parse_chat_export(export, chat_name="Boutique", tz=tz, source_name="chat.txt", today=TODAY)
    assert parsed.errors == []
    assert [m.text for m in parsed.messages] == [line.split(": ", 1)[1] for line in export.splitlines()]
    return [m.sent_at.astimezone(tz).replace(tzinfo=None) for m in parsed.messages]


@pytest.mark.parametrize(
    "export",
    [
        # Argentine Spanish on iOS (CLDR's es-AR "d/M/yy" and "hh:mm:ss").
        "[18/3/26, 11:50:00] Lucía Gómez: hola\n[18/3/26, 12:05:00] Lucía Gómez: ya salgo\n"
        "[18/3/26, 01:10:00] Lucía Gómez: llegué\n[19/3/26, 09:00:00] Lucía Gómez: buen día\n",
        # Cameroonian French on Android (CLDR's fr-CM "dd/MM/y" and "h:mm", with its date-time space or a comma) and
        # iOS ("h:mm:ss").
        "18/03/2026 11:50 - Paul Mbarga: Bonjour\n18/03/2026 12:05 - Paul Mbarga: J'arrive\n"
        "18/03/2026 1:10 - Paul Mbarga: C'est livré\n19/03/2026 9:00 - Paul Mbarga: Bonne journée\n",
        "18/03/2026, 11:50 - Paul Mbarga: Bonjour\n18/03/2026, 12:05 - Paul Mbarga: J'arrive\n"
        "18/03/2026, 1:10 - Paul Mbarga: C'est livré\n19/03/2026, 9:00 - Paul Mbarga: Bonne journée\n",
        "[18/03/2026 11:50:00] Paul Mbarga: Bonjour\n[18/03/2026 12:05:00] Paul Mbarga: J'arrive\n"
        "[18/03/2026 1:10:00] Paul Mbarga: C'est livré\n[19/03/2026 9:00:00] Paul Mbarga: Bonne journée\n",
        # Balochi in Latin letters on Android (CLDR's bal-Latn "d/M/yy" and "h:mm").
        "18/3/26, 11:50 - Baloch Khan: Salam\n18/3/26, 12:05 - Baloch Khan: Kayan\n"
        "18/3/26, 1:10 - Baloch Khan: Rasetan\n19/3/26, 9:00 - Baloch Khan: Sohb\n",
    ],
)
def test_a_day_steps_back_once_at_noon(export):
    assert times(export) == [
        datetime(2026, 3, 18, 11, 50),
        datetime(2026, 3, 18, 12, 5),
        datetime(2026, 3, 18, 13, 10),
        datetime(2026, 3, 19, 9, 0),
    ]


def test_the_afternoon_holds_to_the_end_of_its_day():
    assert times(
        "18/03/2026 9:05 - Paul Mbarga: Bonjour\n18/03/2026 2:30 - Paul Mbarga: Le camion est là\n"
        "18/03/2026 2:30 - Paul Mbarga: Déchargé\n18/03/2026 11:05 - Paul Mbarga: Bonne nuit\n"
        "19/03/2026 7:15 - Paul Mbarga: Debout\n"
    ) == [
        datetime(2026, 3, 18, 9, 5),
        datetime(2026, 3, 18, 14, 30),
        datetime(2026, 3, 18, 14, 30),
        datetime(2026, 3, 18, 23, 5),
        datetime(2026, 3, 19, 7, 15),
    ]


def test_the_ambiguous_edges():
    # A day that never steps back is read as written, its 12 as noon: nothing in it tells 12:30 past midnight from
    # 12:30 past noon, and read so a 24-hour file with no hour past 12 keeps its times. From noon, 1:10 steps back.
    assert times(
        "18/03/2026 12:30 - Paul Mbarga: On mange?\n18/03/2026 12:45 - Paul Mbarga: Réponds\n"
        "18/03/2026 1:10 - Paul Mbarga: Bon\n18/03/2026 3:00 - Paul Mbarga: Enfin\n"
        "19/03/2026 2:00 - Paul Mbarga: Tu dors?\n19/03/2026 3:15 - Paul Mbarga: Réveille-toi\n"
    ) == [
        datetime(2026, 3, 18, 12, 30),
        datetime(2026, 3, 18, 12, 45),
        datetime(2026, 3, 18, 13, 10),
        datetime(2026, 3, 18, 15, 0),
        datetime(2026, 3, 19, 2, 0),
        datetime(2026, 3, 19, 3, 15),
    ]
    # An iOS file on a 24-hour clock whose messages all fall before one o'clock in the afternoon is read as written.
    assert times(
        "[18/03/2026, 12:10:00] Paul Mbarga: a\n[18/03/2026, 12:40:00] Paul Mbarga: b\n"
        "[19/03/2026, 09:00:00] Paul Mbarga: c\n[19/03/2026, 12:05:00] Paul Mbarga: d\n"
    ) == [
        datetime(2026, 3, 18, 12, 10),
        datetime(2026, 3, 18, 12, 40),
        datetime(2026, 3, 19, 9, 0),
        datetime(2026, 3, 19, 12, 5),
    ]
    # The same time twice is the same half; a second step back stays in the afternoon, read as written there; the
    # next day starts in the morning again.
    assert times(
        "18/03/2026 10:00 - Paul Mbarga: a\n18/03/2026 10:00 - Paul Mbarga: b\n18/03/2026 4:00 - Paul Mbarga: c\n"
        "18/03/2026 2:00 - Paul Mbarga: d\n19/03/2026 4:00 - Paul Mbarga: e\n"
    ) == [
        datetime(2026, 3, 18, 10, 0),
        datetime(2026, 3, 18, 10, 0),
        datetime(2026, 3, 18, 16, 0),
        datetime(2026, 3, 18, 14, 0),
        datetime(2026, 3, 19, 4, 0),
    ]
    # A step back of an hour or less is a message out of order (sent offline), not noon: 10:14 after 10:15 stays
    # in the morning. So an evening more than eleven hours after the day's morning (8:00, then 7:30 at night) is
    # read in the morning too: that is the price of the out-of-order messages real files hold.
    assert times(
        "18/03/2026 10:15 - Paul Mbarga: a\n18/03/2026 10:14 - Paul Mbarga: b\n18/03/2026 11:50 - Paul Mbarga: c\n"
        "18/03/2026 12:05 - Paul Mbarga: d\n19/03/2026 8:00 - Paul Mbarga: e\n19/03/2026 7:30 - Paul Mbarga: f\n"
    ) == [
        datetime(2026, 3, 18, 10, 15),
        datetime(2026, 3, 18, 10, 14),
        datetime(2026, 3, 18, 11, 50),
        datetime(2026, 3, 18, 12, 5),
        datetime(2026, 3, 19, 8, 0),
        datetime(2026, 3, 19, 7, 30),
    ]


def test_the_hour_the_clock_shows_twice_is_no_noon():
    # Paris goes from 03:00 back to 02:00 on 25 October 2026: 2:10 after 2:40 is that hour's second pass.
    paris = ZoneInfo("Europe/Paris")
    assert times(
        "25/10/2026 1:50 - Paul Mbarga: a\n25/10/2026 2:40 - Paul Mbarga: b\n25/10/2026 2:10 - Paul Mbarga: c\n"
        "25/10/2026 9:00 - Paul Mbarga: d\n",
        paris,
    ) == [
        datetime(2026, 10, 25, 1, 50),
        datetime(2026, 10, 25, 2, 40),
        datetime(2026, 10, 25, 2, 10),
        datetime(2026, 10, 25, 9, 0),
    ]


@pytest.mark.parametrize(
    "export, expected",
    [
        # A 24-hour hour anywhere in the file, even inside a day, says it is no 12-hour clock: read as written.
        (
            "18/03/2026 9:05 - Paul Mbarga: a\n18/03/2026 2:30 - Paul Mbarga: b\n"
            "19/03/2026 10:00 - Paul Mbarga: c\n19/03/2026 14:00 - Paul Mbarga: d\n",
            [(18, 9, 5), (18, 2, 30), (19, 10, 0), (19, 14, 0)],
        ),
        (
            "[18/3/26, 11:50:00] Lucía Gómez: a\n[18/3/26, 01:10:00] Lucía Gómez: b\n[18/3/26, 00:20:00] Lucía Gómez: c\n",
            [(18, 11, 50), (18, 1, 10), (18, 0, 20)],
        ),
        # A 24-hour hour later in a day (the first pass reads only each day's first header): in native digits (no
        # markerless clock writes them), and after the date's "à" (Corsican iOS).
        (
            "৫/৩/২৬, ৯:০৫ - Paul Mbarga: a\n৫/৩/২৬, ২৩:০৫ - Paul Mbarga: b\n",
            [(5, 9, 5), (5, 23, 5)],
        ),
        (
            "[05/03/2026 à 9:05:07] Paul Mbarga: a\n[05/03/2026 à 23:05:09] Paul Mbarga: b\n",
            [(5, 9, 5), (5, 23, 5)],
        ),
        # Android's 24-hour clock pads its hours ("HH:mm"); "h" never does.
        (
            "18/03/2026, 11:05 - Paul Mbarga: a\n18/03/2026, 09:05 - Paul Mbarga: b\n",
            [(18, 11, 5), (18, 9, 5)],
        ),
        # A marker says the half of the day itself.
        (
            "18/03/2026, 9:05 a. m. - Paul Mbarga: a\n18/03/2026, 2:30 a. m. - Paul Mbarga: b\n",
            [(18, 9, 5), (18, 2, 30)],
        ),
        # Month-first dates are no markerless clock's.
        (
            "3/18/26, 9:05 - Paul Mbarga: a\n3/18/26, 2:30 - Paul Mbarga: b\n",
            [(18, 9, 5), (18, 2, 30)],
        ),
        # Merged exports (a day left and come back to) are read as written.
        (
            "18/03/2026 9:05 - Paul Mbarga: a\n19/03/2026 9:00 - Paul Mbarga: b\n"
            "18/03/2026 10:05 - Paul Mbarga: c\n18/03/2026 2:30 - Paul Mbarga: d\n",
            [(18, 9, 5), (19, 9, 0), (18, 10, 5), (18, 2, 30)],
        ),
    ],
)
def test_read_as_written_where_no_markerless_clock_wrote_it(export, expected):
    assert [(moment.day, moment.hour, moment.minute) for moment in times(export)] == expected
