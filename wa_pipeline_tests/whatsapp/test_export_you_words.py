"""Bengali and Gujarati lines that name the exporting member ("you") name nobody, as English "You left" does.

Bengali "আপনি" (you) takes the verb a named member takes ("আপনি বেরিয়ে এসেছেন", "Juma বেরিয়ে এসেছেন"), so the
exporter's own line reads as a member's line with "আপনি" in the member's place; the language files' "you" words turn
that into nobody named. Those words end in vowel signs (U+09BF, U+0AC7), which `\\w` does not hold, so the words are
read with their combining marks. Lines are WhatsApp iOS's own (BN.strings and GU.strings v22.24.81, the key named),
or its template with the exporter's word in a member's place where named so; people are invented.
"""

from __future__ import annotations

import pytest

from wa_pipeline.whatsapp.export_phrases import Found, Phrase, PhraseBook
from wa_pipeline_tests.whatsapp.test_export_android_new_strings import _lands_as


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # (~W=J, 'You added this group to a community': before, a member called "আপনি" added it.
        ("আপনি এই গ্রুপটিকে কোনও কমিউনিটিতে যোগ করেছেন", "community_linked", {}),
        # Z<_pb@ and fDkZE@=, 'You turned on disappearing messages …'.
        (
            "আপনি সাময়িক মেসেজ চালু করেছেন। এই চ্যাট থেকে সব নতুন মেসেজ পাঠানোর 30 সেকেন্ড পর চলে যাবে।",
            "disappearing_on",
            {"subject": "30 সেকেন্ড"},
        ),
        (
            "আপনি সাময়িক মেসেজ চালু করেছেন। এই চ্যাট থেকে সব নতুন মেসেজ পাঠানোর 7 দিন পর চলে যাবে। পরিবর্তন করতে ক্লিক করুন",
            "disappearing_on",
            {"subject": "7 দিন"},
        ),
        # UOqvM, 'You created community “%@”'.
        ("আপনি “Mtaa” কমিউনিটি তৈরি করেছেন", "community_created", {"subject": "Mtaa"}),
        # _JI)M and xyhLP, the exporter changing the forwarding settings: "আপনি" stands in the middle of the line.
        (
            "অনেকবার ফরোয়ার্ড করা হয়েছে এমন মেসেজের অনুমতি বন্ধ করার জন্য আপনি এই কমিউনিটির সেটিংস পরিবর্তন করেছেন",
            "settings_changed",
            {},
        ),
        (
            "অনেকবার ফরোয়ার্ড করা হয়েছে এমন মেসেজের অনুমতি দেওয়ার জন্য আপনি এই গ্রুপের সেটিংস পরিবর্তন করেছেন",
            "settings_changed",
            {},
        ),
        # Templates with the exporter in the member's place: IGUjt '%@ বেরিয়ে এসেছেন' (left), JTFZZ '%@ যোগ দিয়েছেন'.
        ("আপনি বেরিয়ে এসেছেন", "member_left", {}),
        ("আপনি যোগ দিয়েছেন", "joined_by_link", {}),
        # Gujarati's honorific verb is the one "તમે" (you) takes: IGUjt '%@ છોડીને ગયા', JTFZZ '%@ જોડાયા'.
        ("તમે છોડીને ગયા", "member_left", {}),
        ("તમે જોડાયા", "joined_by_link", {}),
        # Qv?AC '%1$@એ %2$@ને હટાવી દીધા' and dW*T9 '%@ને ઉમેરાયા હતા' with "તમને" (you) in the member's place: the
        # template's "ને" leaves "તમ", which is the exporter, not a member.
        ("Jumaએ તમને હટાવી દીધા", "member_removed", {"actor": "Juma"}),
        ("તમને ઉમેરાયા હતા", "member_added", {}),
    ],
)
def test_a_line_naming_the_exporter_names_nobody(layout, body, event, subjects):
    _lands_as(layout, body, event, subjects)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Members named in the script keep their names, a name that opens like "તમને" (Tamanna) too.
        ("সুমি বেরিয়ে এসেছেন", "member_left", {"actor": "সুমি"}),
        ("আপনি সুমি কে যোগ করেছেন", "member_added", {"subject": "সুমি"}),
        ("તમન્ના છોડીને ગયા", "member_left", {"actor": "તમન્ના"}),
        ("Jumaએ તમન્નાને હટાવી દીધા", "member_removed", {"actor": "Juma", "subject": "તમન્ના"}),
    ],
)
def test_a_member_named_in_these_scripts_is_still_named(layout, body, event, subjects):
    _lands_as(layout, body, event, subjects)


def test_a_you_word_ending_in_a_combining_mark_is_one_word():
    # Tamil "நீங்கள்" holds two vowel signs and a virama (Mn): read by `\w` alone it was "ந", "ங" and "கள".
    book = PhraseBook(you_words={"ta": frozenset({"நீங்கள்"})})
    found = Found(Phrase("ta", "member_left", "{actor} வெளியேறினார்", "invented"), {"actor": "நீங்கள்"})
    assert book.subjects(found) == {"actor": None}
