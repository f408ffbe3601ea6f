"""Exports obey the same landing window as webhooks: a message dated outside [2009-01-01, now + 1 day] is a line
error (dead-lettered by the importer with its line), and the rest of the export lands."""

from datetime import UTC, datetime

from wa_pipeline.whatsapp.chat_export import parse_chat_export

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EXPORT = (
    "01/03/26, 09:00 - Wanjiku: two loaves please\n"
    "02/03/26, 11:59 - Wanjiku: a day ahead of the clock, still fine\n"
    "02/03/26, 13:00 - Wanjiku: 25 hours ahead: a broken phone clock\n"
    "01/03/26, 09:05 - Wanjiku: and a cake\n"
)


def test_an_export_message_dated_more_than_a_day_ahead_is_a_line_error_and_its_neighbours_land():
    parsed = parse_chat_export(EXPORT, chat_name="Wanjiku", tz=UTC, now=NOW)
    assert [m.text for m in parsed.messages] == [
        "two loaves please",
        "a day ahead of the clock, still fine",
        "and a cake",
    ]
    [error] = parsed.errors
    assert error.line_number == 3 and "more than a day after the receiving clock" in error.reason


def test_without_the_clock_injected_the_real_clock_bounds_the_window():
    parsed = parse_chat_export("01/01/99, 09:00 - Wanjiku: from 2099\n", chat_name="Wanjiku", tz=UTC)
    assert parsed.messages == [] and "2099-01-01 is after tomorrow" in parsed.errors[0].reason
