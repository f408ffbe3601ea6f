"""The held-out sets themselves: big enough, and annotated consistently (these tests never run the extractor)."""

import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
import pytest

from wa_pipeline.nlp.currencies import minor_digits
from wa_pipeline.nlp.heldout import INTENTS, load_heldout, parse_marked

HELD_OUT = Path(__file__).parent / "data" / "heldout"
LANGUAGES = ("en", "es", "pt", "fr", "de", "sw", "hi")
# Weekday names of the seven languages (Hinglish chats use the English ones and these).
WEEKDAYS = {
    0: "monday lunes segunda lundi montag jumatatu somvar",
    1: "tuesday martes terça mardi dienstag jumanne mangalvar",
    2: "wednesday miércoles quarta mercredi mittwoch jumatano budhvar",
    3: "thursday jueves quinta jeudi donnerstag alhamisi guruvar",
    4: "friday viernes sexta vendredi freitag ijumaa shukravar",
    5: "saturday sábado samedi samstag jumamosi shanivar",
    6: "sunday domingo dimanche sonntag jumapili ravivar",
}


@pytest.fixture(scope="module")
def sets():
    return {language: load_heldout(HELD_OUT / f"{language}.txt") for language in LANGUAGES}


def test_marks_become_offsets_and_values():
    text, entities = parse_marked("Paid [Ksh 2,500]{MONEY=KES 2500.00} to [Wanjiru]{PERSON} at [A@B.CO]{EMAIL}")
    assert text == "Paid Ksh 2,500 to Wanjiru at A@B.CO"
    assert [(e.label, text[e.start : e.end], e.value) for e in entities] == [
        ("MONEY", "Ksh 2,500", "KES 2500.00"),
        ("PERSON", "Wanjiru", "Wanjiru"),
        ("EMAIL", "A@B.CO", "a@b.co"),
    ]


def test_a_malformed_line_is_an_error_not_a_silent_skip(tmp_path):
    bad = tmp_path / "xx.txt"
    bad.write_text(
        "@ lang=xx region=KE timezone=Africa/Nairobi sent_at=2027-03-11T10:40:00+03:00 date_order=DMY\n"
        "shopping neu: an intent nobody annotates\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="xx.txt:2"):
        load_heldout(bad)
    bad.write_text(bad.read_text().replace("shopping neu: an intent nobody annotates", "order neu: [open{PLACE}"))
    with pytest.raises(ValueError, match="unbalanced"):
        load_heldout(bad)


def test_the_sets_are_as_big_as_promised(sets):
    english = sets["en"]
    assert len(english) >= 400
    assert sum(len(m.entities) for m in english) >= 1000
    assert len({m.region for m in english}) >= 6
    for language in LANGUAGES[1:]:
        assert len(sets[language]) >= 150, language
    for language, messages in sets.items():
        assert {m.intent for m in messages} == set(INTENTS), language
        assert {m.sentiment for m in messages} == {"positive", "neutral", "negative"}, language
        assert {m.language for m in messages} == {language}
        duplicated = [text for text, n in Counter(m.text for m in messages).items() if n > 1]
        assert not duplicated, duplicated


def test_every_annotation_is_well_formed(sets):
    for messages in sets.values():
        for message in messages:
            for entity in message.entities:
                assert message.text[entity.start : entity.end] == entity.text
                assert message.labels is None or entity.label in message.labels, message.id
                _check_value(message, entity)


def _check_value(message, entity):
    where = f"{message.id} {entity.text!r} = {entity.value}"
    if entity.label == "DATE":
        moment = datetime.fromisoformat(entity.value if "T" in entity.value else entity.value + "T00:00")
        if "T" in entity.value:  # the offset is the zone's on that very day (New York moves on 14 March 2027)
            local = moment.replace(tzinfo=None).replace(tzinfo=ZoneInfo(message.timezone))
            assert local.utcoffset() == moment.utcoffset(), where
        for weekday, names in WEEKDAYS.items():
            if any(re.search(rf"\b{name}", entity.text.lower()) for name in names.split()):
                assert moment.weekday() == weekday, where
    elif entity.label == "MONEY":
        match = re.fullmatch(r"([A-Z]{3}) (\d+)(?:\.(\d+))?", entity.value)
        assert match, where
        assert len(match.group(3) or "") == minor_digits(match.group(1)), where
    elif entity.label == "PHONE":
        assert phonenumbers.is_valid_number(phonenumbers.parse(entity.value)), where
        assert entity.value.endswith(re.sub(r"\D", "", entity.text)[-7:]), where
    elif entity.label == "REFERENCE":
        kind, _, identifier = entity.value.partition(":")
        assert kind and identifier == entity.text, where
    elif entity.label == "QUANTITY":
        assert re.match(r"\d", entity.value), where
