"""Shortcuts of the date and language rules read what their full expressions read: opening hours are looked for only
in a line that holds a range of hours, and e-mail addresses only in a line that holds an "@"."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wa_pipeline.nlp import dates, language, money
from wa_pipeline.nlp.dates import find_dates
from wa_pipeline.nlp.heldout import load_heldout

DEV = Path(__file__).parent / "data" / "dev"
SENT = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)
# Opening hours in the shapes the rule knows, beside dates it keeps; addresses, links and figures.
TEXTS = [
    "Open Mon-Fri 9-5, collect tomorrow",
    "we open 8am to 6pm Mon-Sat, order by Friday 3pm",
    "de lunes a sábado de 9 a 14, pasa el viernes",
    "Mo-Fr von 8 bis 18 Uhr, Lieferung am 12.12.",
    "Monday se Saturday 10 se 8, kesho saa nne",
    "delivered 2/12 at 14:30, call 0722 123456",
    "mail jane.doe+orders@shop.co.ke or see https://shop.co.ke/p/42?x=1 by 5pm",
    "@Achieng pay 1,500 to till 55@55 before 10.30",
    "a@b@c 12 @@x www.example.com/2026 ✅ 3 pcs",
]


def _dev_texts() -> list[str]:
    return [message.text for path in sorted(DEV.glob("*.txt")) for message in load_heldout(path)]


class _Spy:
    """A compiled pattern that records the texts it is asked to search."""

    def __init__(self, pattern: re.Pattern) -> None:
        self.pattern, self.texts = pattern, []

    def __getattr__(self, name):
        method = getattr(self.pattern, name)

        def recorded(*args, **kwargs):
            self.texts.append(args[1] if name == "sub" else args[0])  # sub(replacement, text)
            return method(*args, **kwargs)

        return recorded


def test_opening_hours_are_looked_for_only_beside_a_range_of_hours(monkeypatch):
    spy = _Spy(dates._OPENING_HOURS)
    monkeypatch.setattr(dates, "_OPENING_HOURS", spy)
    assert [e.text for e in find_dates("see you tomorrow at 5pm, order 4471", SENT, "UTC")] == ["tomorrow at 5pm"]
    assert spy.texts == []
    assert [e.text for e in find_dates("Open Mon-Fri 9-5, collect tomorrow", SENT, "UTC")] == ["tomorrow"]
    assert spy.texts == ["Open Mon-Fri 9-5, collect tomorrow"]


def test_dates_are_the_same_with_the_full_opening_hours_search_on_every_line(monkeypatch):
    texts = [*TEXTS, *_dev_texts()]
    shortcut = [find_dates(text, SENT, "Africa/Nairobi") for text in texts]
    # An empty pattern is found in every line: the whole expression runs everywhere, as it did before the shortcut.
    monkeypatch.setattr(dates, "_ANY_HOURS_RANGE", re.compile(""))
    assert [find_dates(text, SENT, "Africa/Nairobi") for text in texts] == shortcut
    assert any(found != [] for found in shortcut[:5])


@pytest.mark.parametrize("text", TEXTS)
def test_words_are_spaced_as_the_full_pattern_spaces_them(text):
    assert language._spaced_words(text) == language._NOT_WORDS.sub(" ", text)
    assert language._spaced_words(text.lower()) == language._NOT_WORDS.sub(" ", text.lower())


def test_words_of_every_dev_line_are_spaced_as_the_full_pattern_spaces_them():
    texts = _dev_texts()
    assert [language._spaced_words(t) for t in texts] == [language._NOT_WORDS.sub(" ", t) for t in texts]


def test_the_address_pattern_is_tried_only_on_a_line_with_an_at(monkeypatch):
    spy = _Spy(language._NOT_WORDS)
    monkeypatch.setattr(language, "_NOT_WORDS", spy)
    assert language._spaced_words("pay 1,500 by 5pm!") == "pay by pm "
    assert spy.texts == []
    assert language._spaced_words("mail jo@x.co 5pm") == "mail   pm"
    assert spy.texts == ["mail jo@x.co 5pm"]


class _Asked(frozenset):
    """A word list that records the words it is asked about."""

    asked: list[str]

    def __contains__(self, word):
        self.asked.append(word)
        return super().__contains__(word)


def test_a_sure_language_is_kept_at_the_first_word_only_it_owns():
    lexicons = {"en": _Asked({"the", "please"}), "sw": _Asked({"leo", "kama", "kawaida", "please"})}
    for words in lexicons.values():
        words.asked = []
    assert language._unless_words_deny("please the parcel kama kawaida leo", "en", lexicons, ()) == "en"
    # "please" both own, "the" English alone: the line is English's, and nothing after it is looked up.
    assert lexicons["en"].asked == ["please", "the"]
    assert "leo" not in lexicons["sw"].asked
    # A line holding none of its words: every word is weighed, and another language's clear lead denies it.
    assert language._unless_words_deny("leo kama kawaida parcel", "en", lexicons, ()) == "sw"


def test_a_word_vote_remembers_its_words_and_answers_as_its_rules_do(monkeypatch):
    votes = language._word_votes(tuple(sorted(language.DEFAULT_LANGUAGES)))
    words = [word for text in [*TEXTS, *_dev_texts()] for word in language._vote_words(text)]
    assert votes and len(set(words)) > 1000
    for vote in votes:
        vote.owned.clear()
        ruled = [vote._listed(w) or (len(w) >= vote.verb_min and vote._verb(w)) for w in words]
        assert any(ruled) and not all(ruled)
        assert [vote.owns(w) for w in words] == ruled
        assert [vote.owns(w) for w in words] == ruled  # the second time from what it remembers
    monkeypatch.setattr(language, "_OWNED_KEPT", 5)
    for vote in votes:
        vote.owned.clear()
        ruled = [vote._listed(w) or (len(w) >= vote.verb_min and vote._verb(w)) for w in words[:200]]
        assert [vote.owns(w) for w in words[:200]] == ruled
        assert len(vote.owned) <= 5


def test_amounts_in_words_are_looked_for_only_beside_a_currency_word(monkeypatch):
    spy = _Spy(money._WORD_MONEY)
    monkeypatch.setattr(money, "_WORD_MONEY", spy)
    assert money.find_money("nitatuma elfu tano kesho", "KES") == []
    assert spy.texts == []
    assert [e.value for e in money.find_money("nitatuma shilingi elfu tano kesho", "KES")] == ["KES 5000.00"]
    assert [e.value for e in money.find_money("do hazaar Rs. bhej diya", "INR")] == ["INR 2000.00"]
    assert len(spy.texts) == 2


def test_money_is_the_same_with_the_words_expression_tried_on_every_line(monkeypatch):
    texts = [*TEXTS, "shilingi elfu mbili", "BOB ELFU TANO", "paanch sau rupaye", "ek hazaar\trs", *_dev_texts()]
    shortcut = [money.find_money(text, "KES") for text in texts]
    monkeypatch.setattr(money, "_CURRENCY_WORD", re.compile(""))
    assert [money.find_money(text, "KES") for text in texts] == shortcut
    assert sum(bool(found) for found in shortcut[-len(_dev_texts()) - 4 : -len(_dev_texts())]) == 4
