"""Line shapes seen in real public exports (issue 11's audit of other projects' exports), rebuilt with invented people.

Each test writes a small export in the layout and with the system wording a real one used, and checks the kind, sender,
event and text every line must come back with; the shapes and where they were seen are in the locale files' sources.
"""

from __future__ import annotations

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
