"""Lines of WhatsApp iOS's own Localizable.strings (v22.24.81), read whole, rebuilt with invented people.

English had been read only for a few keys; read whole, its file holds about 120 more wordings an export can carry
(source `ios_strings_en_whole` of `en.json`, the key named per line): community lines, "Tap/Click to view" tails,
disappearing-message timers, security-code changes with their reason, business and Meta notices, calls started in a
group. Bengali's file (`ios_strings_bn_whole` of `bn.json`, the same keys) gave about 200 more: its group lines had
come only from Android's strings of 2017. Gujarati's (`ios_strings_gu_whole` of `gu.json`) gave about 230: it had no group
or community line at all. Each must land as its event in Android's layout (no sender) and iOS's (the
chat's name, U+200E), naming whom it names; a customer writing words like them keeps their message.
"""

from __future__ import annotations

import json

import pytest

from wa_pipeline.whatsapp.chat_export import parse_chat_export
from wa_pipeline.whatsapp.export_phrases import LOCALES_DIR
from wa_pipeline_tests.whatsapp.test_export_android_new_strings import NAIROBI, PEOPLE, TODAY, _lands_as
from wa_pipeline_tests.whatsapp.test_export_android_strings import _event_in

# Each language read whole: its source, and what a disappearing-message line's {subject} holds (its timer, not a
# person).
READ = {
    "en": ("ios_strings_en_whole", "7 days"),
    "bn": ("ios_strings_bn_whole", "7 দিন"),
    "gu": ("ios_strings_gu_whole", "7 દિવસ"),
}


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
        # Bengali, whose group lines came only from Android's strings of 2017 ("গোষ্ঠী"; iOS writes "গ্রুপ").
        ("সাময়িক মেসেজ বন্ধ করা হয়েছে।", "disappearing_off", {}),
        (
            "Juma সাময়িক মেসেজ চালু করেছেন। এই চ্যাট থেকে সব নতুন মেসেজ পাঠানোর 7 দিন পর চলে যাবে। পরিবর্তন করতে ট্যাপ করুন",
            "disappearing_on",
            {"actor": "Juma", "subject": "7 দিন"},
        ),
        ("Juma বেরিয়ে এসেছেন", "member_left", {"actor": "Juma"}),
        ("Juma “Mtaa” গ্রুপটি তৈরি করেছেন", "group_created", {"actor": "Juma", "subject": "Mtaa"}),
        ("Juma গ্রুপের নাম পরিবর্তন করে “Soko” করেছেন", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Juma এই গ্রুপের আমন্ত্রণের লিঙ্ক ব্যবহার করে যোগ দিয়েছেন", "joined_by_link", {"actor": "Juma"}),
        ("Juma যোগ দেওয়ার জন্য অনুরোধ করেছেন। পর্যালোচনা করতে ট্যাপ করুন।", "join_requested", {"actor": "Juma"}),
        ("Juma এই গ্রুপটিকে কোনও কমিউনিটিতে যোগ করেছেন। দেখতে ট্যাপ করুন।", "community_linked", {"actor": "Juma"}),
        ("এই মেসেজের জন্য অপেক্ষা করা হচ্ছে। এর জন্য কিছুক্ষণ সময় লাগতে পারে।", "not_decrypted", {}),
        ("অ্যাডমিন এই মেসেজটি বাদ দিয়েছেন।", "deleted:by_admin", {}),
        ("মিস হওয়া গ্রুপ ভিডিও কল", "missed_video_call", {}),
        # Gujarati, which had no group line at all; its "%1$@એ %2$@ને ઉમેર્યા" names both people, suffixes apart.
        ("ગાયબ થતા મેસેજની સુવિધા બંધ કરી.", "disappearing_off", {}),
        (
            "Jumaએ ગાયબ થતા મેસેજની સુવિધા ચાલુ કરી છે. આ ચેટમાં મોકલવામાં આવેલા બધા નવા મેસેજ 7 દિવસ પછી દેખાશે નહિ."
            " ફેરફાર કરવા માટે અહીં દબાવો",
            "disappearing_on",
            {"actor": "Juma", "subject": "7 દિવસ"},
        ),
        ("Juma છોડીને ગયા", "member_left", {"actor": "Juma"}),
        ("Jumaએ Neemaને ઉમેર્યા", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ("Jumaએ Neemaને હટાવી દીધા", "member_removed", {"actor": "Juma", "subject": "Neema"}),
        ("Jumaએ આ ગ્રૂપ બનાવ્યું", "group_created", {"actor": "Juma"}),
        ("Jumaએ વિષયને “Soko”માં બદલ્યું", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("આ ગ્રૂપની આમંત્રણ લિંક વાપરીને Juma જોડાયા", "joined_by_link", {"actor": "Juma"}),
        ("Jumaએ ગ્રૂપમાં જોડાવાની વિનંતી કરી. રિવ્યૂ કરવા માટે અહીં દબાવો.", "join_requested", {"actor": "Juma"}),
        (
            "Jumaએ આ ગ્રૂપને “Mtaa” કોમ્યુનિટીમાં ઉમેર્યું. જોવા માટે અહીં દબાવો.",
            "community_linked",
            {"actor": "Juma", "subject": "Mtaa"},
        ),
        ("આ મેસેજની રાહ જોવાય છે. એમાં થોડી વાર લાગી શકે છે.", "not_decrypted", {}),
        ("આ મેસેજ એડમિને ડિલીટ કર્યો હતો.", "deleted:by_admin", {}),
        ("છૂટી ગયેલો ગ્રૂપ વીડિયો કૉલ", "missed_video_call", {}),
    ],
)
def test_a_line_read_from_a_whole_ios_file_is_that_event(layout, body, event, subjects):
    _lands_as(layout, body, event, subjects)


def _read_lines(language: str) -> list[tuple[str, str, str, str]]:
    source = READ[language][0]
    document = json.loads((LOCALES_DIR / f"{language}.json").read_text(encoding="utf-8"))
    return [
        (language, line["source"].split(":", 1)[1], line["meaning"], line["text"])
        for line in document["lines"]
        if line["source"].startswith(f"{source}:")
    ]


@pytest.mark.parametrize("language", sorted(READ))
def test_the_whole_file_gave_the_language_its_wordings(language):
    assert len(_read_lines(language)) >= 100


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("language", "key", "meaning", "text"), [row for language in sorted(READ) for row in _read_lines(language)]
)
def test_every_wording_read_whole_lands_as_its_meaning(layout, language, key, meaning, text):
    _, timer = READ[language]
    timed = meaning.startswith("disappearing")
    body = text.replace("{subject}", timer) if timed else text
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
    absent = [subjects.get(role) for role in ("actor", "subject") if "{" + role + "}" not in text]
    assert all(named is None for named in absent), key


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
        # Bengali: a member asking or telling, in words like WhatsApp's.
        "Juma বেরিয়ে এসেছেন?",
        "সাময়িক মেসেজ বন্ধ করা হয়েছে?",
        "আমি এই গ্রুপে যোগ দেওয়ার অনুরোধ করেছি",
        # Gujarati, likewise.
        "Juma છોડીને ગયા?",
        "ગાયબ થતા મેસેજની સુવિધા બંધ કરી?",
        "મેં ગ્રૂપમાં જોડાવાની વિનંતી કરી",
    ],
)
def test_a_customer_writing_such_words_keeps_them(words):
    parsed = parse_chat_export(f"18/03/2025, 14:56 - Neema: {words}\n", chat_name="Duka", tz=NAIROBI, today=TODAY)
    (message,) = parsed.messages
    assert (message.kind, message.sender_name, message.text, message.event) == ("text", "Neema", words, None)
