"""English lines of WhatsApp iOS's own Localizable.strings (v22.24.81), read whole, rebuilt with invented people.

The English file had been read only for a few keys; read whole, it holds about 120 more wordings an export can carry
(source `ios_strings_en_whole` of `en.json`, the key named per line): community lines, "Tap/Click to view" tails,
disappearing-message timers, security-code changes with their reason, business and Meta notices, calls started in a
group. Each must land as its event in Android's layout (no sender) and iOS's (the chat's name, U+200E), naming whom it
names; a customer writing words like them keeps their message.
"""

from __future__ import annotations

import json

import pytest

from wa_pipeline.whatsapp.chat_export import parse_chat_export
from wa_pipeline.whatsapp.export_phrases import LOCALES_DIR
from wa_pipeline_tests.whatsapp.test_export_android_new_strings import NAIROBI, PEOPLE, TODAY, _lands_as
from wa_pipeline_tests.whatsapp.test_export_android_strings import _event_in

SOURCE = "ios_strings_en_whole"
# What a disappearing-message line's {subject} holds: its timer, not a person.
TIMER = "7 days"


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        ("Disappearing messages were turned off.", "disappearing_off", {}),
        ("Disappearing messages were turned off. Tap to change", "disappearing_off", {}),
        ("Disappearing messages were turned on.", "disappearing_on", {}),
        (
            "Disappearing messages were turned on. New messages will disappear from this chat after 7 days. Tap to change",
            "disappearing_on",
            {"subject": "7 days"},
        ),
        (
            "Juma uses a default timer for disappearing messages in new chats. All new messages will disappear from"
            " this chat 24 hours after they’re sent. Tap to set your own default timer.",
            "disappearing_on",
            {"actor": "Juma", "subject": "24 hours"},
        ),
        ("The message timer was updated.", "disappearing_changed", {}),
        ("Juma requested to join. Tap to review.", "join_requested", {"actor": "Juma"}),
        ("Juma turned off admin approval to join this group. Tap to change.", "settings_changed", {"actor": "Juma"}),
        ("New participants need admin approval to join this group. Tap to change.", "settings_changed", {}),
        ("Juma changed the group description. Tap to view.", "description_changed", {"actor": "Juma"}),
        ("Juma deleted the group description", "description_changed", {"actor": "Juma"}),
        (
            "Juma reset this group's invite link. Tap to view the new invite link.",
            "invite_link_reset",
            {"actor": "Juma"},
        ),
        ("Juma reset this community's invite link", "invite_link_reset", {"actor": "Juma"}),
        # Before, "Juma added {subject}": a member called "this group to a community" added.
        ("Juma added this group to a community. Tap to view.", "community_linked", {"actor": "Juma"}),
        ("Juma added a group", "community_linked", {"actor": "Juma"}),
        ("Juma removed a group", "community_unlinked", {"actor": "Juma"}),
        (
            "Juma added this group to the community “Mtaa.” Tap to view.",
            "community_linked",
            {"actor": "Juma", "subject": "Mtaa"},
        ),
        ("This group is no longer part of the community “Mtaa”", "community_unlinked", {"subject": "Mtaa"}),
        ("Juma created the community “Mtaa.” Tap to view.", "community_created", {"actor": "Juma", "subject": "Mtaa"}),
        ("Juma changed the community’s name to “Soko”", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Juma deleted this community's icon", "icon_changed", {"actor": "Juma"}),
        ("Group created by Juma", "group_created", {"actor": "Juma"}),
        ("You were removed", "member_removed", {}),
        ("You're no longer an admin", "admin_revoked", {}),
        ("Juma started a video call", "video_call", {"actor": "Juma"}),
        (
            "Your security code with Duka Bora changed because there was a login on a new device of theirs.",
            "security_code_changed",
            {},
        ),
        (
            "Duka Bora is now using a secure service from Meta to manage this chat. Tap to learn more.",
            "business_notice",
            {},
        ),
        (
            "Messages to yourself are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read"
            " or listen to them.",
            "encryption_notice",
            {},
        ),
        ("product image omitted", "media_omitted:image", {}),
        # The member added is the exporter; before, "{actor} added {subject}" named a member "to this group and …".
        ("You were added to this group and the community “Mtaa”", "member_added", {}),
        ("This group was added to the community “Mtaa.” Tap to view.", "community_linked", {"subject": "Mtaa"}),
    ],
)
def test_an_english_ios_line_read_from_the_whole_file_is_that_event(layout, body, event, subjects):
    _lands_as(layout, body, event, subjects)


def _read_lines() -> list[tuple[str, str, str]]:
    document = json.loads((LOCALES_DIR / "en.json").read_text(encoding="utf-8"))
    return [
        (line["source"].split(":", 1)[1], line["meaning"], line["text"])
        for line in document["lines"]
        if line["source"].startswith(f"{SOURCE}:")
    ]


def test_the_whole_file_gave_english_its_wordings():
    assert len(_read_lines()) >= 100


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(("key", "meaning", "text"), _read_lines())
def test_every_english_wording_read_lands_as_its_meaning(layout, key, meaning, text):
    timed = meaning.startswith("disappearing")
    body = text.replace("{subject}", TIMER) if timed else text
    for role, person in PEOPLE.items():
        body = body.replace("{" + role + "}", person)
    named = {
        role: PEOPLE[role]
        for role in ("actor", "subject", "new", "old")
        if "{" + role + "}" in text and not (role == "subject" and timed)
    }
    kind, found, subjects = _event_in(layout, body)
    assert kind != "text", key
    assert found == meaning, key
    assert {role: subjects.get(role) for role in named} == named, key
    # A line naming no actor or member names none ("You were added to this group and the community …" was read as
    # "{actor} added {subject}", a member called "to this group and the community …").
    assert all(subjects.get(role) is None for role in ("actor", "subject") if "{" + role + "}" not in text), key


@pytest.mark.parametrize(
    "words",
    [
        # Business notices a customer may write are left out of the file; the rest need WhatsApp's own words.
        "Our shop is now registered as a business account.",
        "Duka Bora is registered as a business account.",
        "This business works with other companies to deliver orders.",
        "This may be a business expense.",
        "This chat may be with a business account?",
        "Duka Bora now uses Facebook to sell shoes",
        "Your security code with the bank changed because they sent a new card.",
        # Group lines a person could type stay theirs under their own name.
        "Disappearing messages were turned off?",
        "Juma started a call",
        "You were removed from the list",
        "Group created by Juma",
        "Juma added a group",
        "Juma requested to join. Tap to review.",
        "The message timer was updated.",
        "product photo omitted",
    ],
)
def test_a_customer_writing_such_words_keeps_them(words):
    parsed = parse_chat_export(f"18/03/2025, 14:56 - Neema: {words}\n", chat_name="Duka", tz=NAIROBI, today=TODAY)
    (message,) = parsed.messages
    assert (message.kind, message.sender_name, message.text, message.event) == ("text", "Neema", words, None)
