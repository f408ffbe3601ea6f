"""Group events that newer exports attribute to the person who did them ("Boris: Boris changed this group's icon").

Each group event whose template opens with its actor is written from the language's strings twice: as older
exports show it (no sender) and with its actor as the sender; both must land as the same WhatsApp event. A sender
whose words merely resemble an event (someone else's, longer, or in the middle of a message) keeps them.
"""

from __future__ import annotations

import pytest

from wa_pipeline.whatsapp.chat_export import parse_chat_export
from wa_pipeline.whatsapp.export_phrases import NEEDS_CONTEXT, languages
from wa_pipeline_tests.whatsapp.test_export_languages import FILLED, NAIROBI, TODAY, _body, _lines

ACTOR = FILLED["actor"]
ACTOR_LED = [
    (language, line["meaning"], line["text"])
    for language in languages()
    for line in _lines(language)
    if line["meaning"] in NEEDS_CONTEXT and line["text"].startswith("{actor}")
]


def _parse(text: str):
    parsed = parse_chat_export(text, chat_name="Mama Mboga Bakery", tz=NAIROBI, today=TODAY)
    assert parsed.errors == []
    return parsed.messages


def _seen(message) -> tuple:
    return (message.message_id, message.kind, message.event, message.sender_name, message.sender_id, message.text)


def test_the_languages_have_group_events_that_open_with_their_actor():
    # Without such templates the test below would pass on nothing.
    assert {language for language, _, _ in ACTOR_LED} >= {"en", "de", "tr"}


@pytest.mark.parametrize(("language", "meaning", "template"), ACTOR_LED)
def test_an_event_with_its_actor_as_sender_is_the_same_event_as_without_a_sender(language, meaning, template):
    body = _body(meaning, template)
    (without,) = _parse(f"10/03/2026, 08:00 - {body}\n")
    assert (without.kind, without.event) == ("system", meaning)
    for line in (f"10/03/2026, 08:00 - {ACTOR}: {body}", f"[10/03/2026, 08:00:00] {ACTOR}: {body}"):
        (message,) = _parse(line + "\n")
        assert _seen(message) == _seen(without), (language, line)
        # The actor stays where WhatsApp wrote it, and the line as the phone wrote it is kept.
        assert message.text.startswith(ACTOR) and message.raw == line


def test_real_lines_of_newer_exports_are_whatsapps_events():
    # Lines of a real Turkish iOS export (github.com/mtln/chat-export issue #16) and a real English iOS one
    # (github.com/Pustur/whatsapp-chat-parser issue #258), between the people's own messages.
    messages = _parse(
        "[23.09.2016 17:00:28] Maldamer: Maldamer bu grubu oluşturdu\n"
        "[5.05.2017 18:01:54] Bora MUTLUDOĞAN: Selamlaaaaarr\n"
        "[5.05.2017 18:04:20] Emirço: Emirço bu grubun simgesini değiştirdi\n"
        '[5.05.2017 18:04:28] Emirço: Emirço grup adını "9/A" olarak değiştirdi\n'
        "[5.05.2017 18:09:07] Emirço: hayir\n"
        "[14.08.2024 21:00:10] Boris: Boris created group “My Group Name”\n"
        "[14.08.2024 21:00:12] Boris: Boris changed this group's icon\n"
    )
    assert [(m.kind, m.event, m.sender_name) for m in messages] == [
        ("system", "group_created", None),
        ("text", None, "Bora MUTLUDOĞAN"),
        ("system", "icon_changed", None),
        ("system", "subject_changed", None),
        ("text", None, "Emirço"),
        ("system", "group_created", None),
        ("system", "icon_changed", None),
    ]


@pytest.mark.parametrize(("language", "meaning", "template"), ACTOR_LED)
def test_a_sender_quoting_someone_elses_event_keeps_their_words(language, meaning, template):
    body = _body(meaning, template)
    for sender in ("Brian Otieno", ACTOR.split()[0], ACTOR.upper()):
        # Someone else's name, the actor's first name only, the name spelt otherwise: none is the actor.
        (message,) = _parse(f"[10/03/2026, 08:00:00] {sender}: {body}\n")
        assert (message.kind, message.event, message.sender_name, message.text) == ("text", None, sender, body)


@pytest.mark.parametrize(
    "body",
    [
        # "{actor} left" is the whole of WhatsApp's line: a sentence that goes on is the sender's.
        f"{ACTOR} left the keys at the shop, come get them",
        f"{ACTOR} left\nthe keys at the shop, come get them",
        # German's "{actor} hat die Gruppe verlassen." followed by a sentence of the sender's own.
        f"{ACTOR} hat die Gruppe verlassen. Morgen komme ich wieder.",
        # The template in the middle of a message, or after the sender's own words.
        f"Heute: {ACTOR} left",
        f"Sorry, {ACTOR} changed this group's icon",
        # An edited message is a person's, whatever its words.
        f"{ACTOR} left <This message was edited>",
    ],
)
def test_a_sender_writing_more_than_their_own_event_keeps_their_words(body):
    (message,) = _parse(f"10/03/2026, 08:00 - {ACTOR}: {body}\n")
    assert (message.kind, message.sender_name) == ("text", ACTOR)
    assert message.text == body.removesuffix(" <This message was edited>")
