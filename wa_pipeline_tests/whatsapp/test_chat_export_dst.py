"""Export times across daylight-saving changes: a skipped time stays between its neighbours, a repeated one follows
the file, and every message keeps its local day."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.whatsapp.chat_export import parse_chat_export

BERLIN_2026 = """29/03/2026, 01:59 - Anna: vor dem Sprung
29/03/2026, 02:30 - Anna: halb drei, die es nicht gibt
29/03/2026, 03:10 - Ben: danach
25/10/2026, 02:10 - Anna: erste 02:10
25/10/2026, 02:50 - Ben: erste 02:50
25/10/2026, 02:10 - Anna: zweite 02:10
25/10/2026, 02:30 - Ben: zweite 02:30
25/10/2026, 03:05 - Anna: danach
"""
# Brazil kept daylight saving until 2019: the clock went back at midnight on 2018-02-18 (23:00-23:59 of the 17th
# twice) and jumped from midnight to 01:00 on 2018-11-04.
SAO_PAULO_2018 = """17/02/2018, 22:50 - Ana: antes
17/02/2018, 23:20 - Ana: primeira 23:20
17/02/2018, 23:40 - Bia: primeira 23:40
17/02/2018, 23:10 - Ana: segunda 23:10
17/02/2018, 23:30 - Bia: segunda 23:30
18/02/2018, 00:10 - Ana: depois
03/11/2018, 23:50 - Ana: antes do salto
04/11/2018, 00:30 - Bia: meia-noite e meia que não existe
04/11/2018, 01:05 - Ana: depois do salto
"""


@pytest.mark.parametrize(
    ("zone", "text", "expected"),
    [
        (
            "Europe/Berlin",
            BERLIN_2026,
            [
                "2026-03-29T01:59:00+01:00",
                "2026-03-29T03:00:00+02:00",  # 02:30 was skipped: the instant of the jump
                "2026-03-29T03:10:00+02:00",
                "2026-10-25T02:10:00+02:00",
                "2026-10-25T02:50:00+02:00",
                "2026-10-25T02:10:00+01:00",  # the second pass, as the file goes back
                "2026-10-25T02:30:00+01:00",
                "2026-10-25T03:05:00+01:00",
            ],
        ),
        (
            "America/Sao_Paulo",
            SAO_PAULO_2018,
            [
                "2018-02-17T22:50:00-02:00",
                "2018-02-17T23:20:00-02:00",
                "2018-02-17T23:40:00-02:00",
                "2018-02-17T23:10:00-03:00",
                "2018-02-17T23:30:00-03:00",
                "2018-02-18T00:10:00-03:00",
                "2018-11-03T23:50:00-03:00",
                "2018-11-04T01:00:00-02:00",
                "2018-11-04T01:05:00-02:00",
            ],
        ),
    ],
)
def test_times_across_a_clock_change_follow_the_file_and_keep_their_local_day(zone, text, expected):
    tz = ZoneInfo(zone)
    parsed = parse_chat_export(text, chat_name="c", tz=tz, today=date(2026, 12, 1))

    assert parsed.errors == []
    local = [m.sent_at.astimezone(tz).isoformat() for m in parsed.messages]
    assert local == expected
    instants = [m.sent_at for m in parsed.messages]
    assert instants == sorted(instants)
    assert len({m.message_id for m in parsed.messages}) == len(expected)
    # Each message in the partition of the local day its header names.
    headers = [date(int(line[6:10]), int(line[3:5]), int(line[:2])) for line in text.splitlines()]
    assert [m.sent_at.astimezone(tz).date() for m in parsed.messages] == headers


def test_a_repeated_time_read_again_in_a_second_parse_reads_the_same():
    tz = ZoneInfo("Europe/Berlin")
    first = parse_chat_export(BERLIN_2026, chat_name="c", tz=tz, today=date(2026, 12, 1))
    again = parse_chat_export(BERLIN_2026, chat_name="c", tz=tz, today=date(2026, 12, 1))
    assert [m.message_id for m in first.messages] == [m.message_id for m in again.messages]
    assert [m.sent_at for m in first.messages] == [m.sent_at for m in again.messages]
