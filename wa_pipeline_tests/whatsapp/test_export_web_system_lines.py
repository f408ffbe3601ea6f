"""WhatsApp Web's own words for a group's events in its plain-text export, rebuilt with invented people.

WhatsApp Web writes each event as "[<date>, <time>] - <event>" with no sender, in wordings of its own that phones do
not use ("Asha made Juma an admin", "Asha changed the group name to 'Duka'"); the wordings and where they were seen
are in `export_locales/en.json` (source `wa_web_export_system_lines`).
"""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.whatsapp.chat_export import parse_chat_export

NAIROBI = ZoneInfo("Africa/Nairobi")
TODAY = date(2026, 12, 7)


def _parse(text: str):
    parsed = parse_chat_export(text, chat_name="Duka la Mama Asha", tz=NAIROBI, today=TODAY)
    assert parsed.errors == []
    return parsed.messages


@pytest.mark.parametrize(
    ("event_line", "event", "subjects"),
    [
        ("Asha Wanjiru created the group", "group_created", {"actor": "Asha Wanjiru"}),
        (
            "Asha Wanjiru changed the group name to 'Duka: maagizo'",
            "subject_changed",
            {"actor": "Asha Wanjiru", "new": "Duka: maagizo"},
        ),
        ("Asha Wanjiru cleared the group description", "description_changed", {"actor": "Asha Wanjiru"}),
        (
            "Asha Wanjiru made Juma Otieno an admin",
            "admin_granted",
            {"actor": "Asha Wanjiru", "subject": "Juma Otieno"},
        ),
        # Before, a member called "Juma Otieno as admin" removed from the group.
        (
            "Asha Wanjiru removed Juma Otieno as admin",
            "admin_revoked",
            {"actor": "Asha Wanjiru", "subject": "Juma Otieno"},
        ),
        ("Asha Wanjiru changed the group icon", "icon_changed", {"actor": "Asha Wanjiru"}),
        ("Neema Achieng joined via invite link", "joined_by_link", {"actor": "Neema Achieng"}),
        (
            "Asha Wanjiru turned on disappearing messages (7 days)",
            "disappearing_on",
            {"actor": "Asha Wanjiru", "subject": "7 days"},
        ),
        ("Someone changed settings: only admins can send messages", "settings_changed", {"actor": "Someone"}),
        (
            "Asha Wanjiru changed settings: only admins can edit group info",
            "settings_changed",
            {"actor": "Asha Wanjiru"},
        ),
        ("Security code changed. Tap to learn more.", "security_code_changed", None),
    ],
)
def test_whatsapp_webs_own_words_for_a_group_event_carry_the_event(event_line, event, subjects):
    export = f"[3/18/26, 2:56:01 PM] - {event_line}\n[3/18/26, 2:57:10 PM] Juma Otieno: sawa, nimeona\n"
    system, reply = _parse(export)
    assert (system.kind, system.sender_name, system.text, system.event) == ("system", None, event_line, event)
    assert (json.loads(system.event_subjects) if system.event_subjects else None) == subjects
    assert (reply.kind, reply.sender_name, reply.text, reply.event) == ("text", "Juma Otieno", "sawa, nimeona", None)


@pytest.mark.parametrize(
    "words",
    [
        "I made Juma an admin",
        "Asha removed Juma as admin",
        "We changed the group icon",
        "Mama changed the group name to 'Duka'",
    ],
)
def test_the_same_words_from_a_member_stay_their_message(words):
    (message,) = _parse(f"[3/18/26, 2:56:01 PM] Neema Achieng: {words}\n")
    assert (message.kind, message.sender_name, message.text, message.event) == ("text", "Neema Achieng", words, None)


@pytest.mark.parametrize(
    ("body", "kind", "event"),
    [
        # A message whose content WhatsApp Web does not export: its internal type in angle brackets.
        ("<event_creation message>", "unsupported", "not_exported"),
        ("<order message>", "unsupported", "not_exported"),
        ("<AI message>", "unsupported", "not_exported"),
        # A contacts message of one card: the card is not in the export.
        ("1 contact shared", "media_omitted", "media_omitted:contacts"),
    ],
)
def test_whatsapp_webs_placeholder_for_content_it_left_out_is_not_the_senders_words(body, kind, event):
    (message,) = _parse(f"[3/18/26, 2:56:01 PM] Juma Otieno: {body}\n")
    assert (message.kind, message.sender_name, message.text, message.event) == (kind, "Juma Otieno", None, event)


def test_a_message_whatsapp_web_could_not_export_is_its_own_line():
    (message,) = _parse("[3/18/26, 2:56:01 PM] <This message could not be exported>\n")
    assert (message.kind, message.sender_name, message.event) == ("system", None, "not_exported")


@pytest.mark.parametrize("words", ["I love you <3 message>", "<big message> for you", "All contacts shared"])
def test_words_that_only_resemble_a_placeholder_stay_the_senders(words):
    (message,) = _parse(f"[3/18/26, 2:56:01 PM] Neema Achieng: {words}\n")
    assert (message.kind, message.text, message.event) == ("text", words, None)
