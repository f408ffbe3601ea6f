"""Which other languages a message mixes into its main one (code-switching: "Order yangu iko wapi? I paid
yesterday", "Please send the bill, payment kal kar dunga").

A language is mixed in when the message holds at least `MIN_WORDS` of its words, making at least `MIN_SHARE` of the
message's words: one borrowed word ("Asante, I will send it") is not a switch, a clause is. Which words count:
- each language's own everyday words (chat_words.py: function words no other listed language shares, so "no",
  "me" and "a" count for none);
- for English inside Swahili or Hinglish, also everyday English content words ("parcel", "payment"): that is how
  English comes into those chats. In Spanish, Portuguese, French and German such words are too often the
  language's own ("pan", "die", "son"), so there only English function words count.
With no main language (the detector abstains on an even mix such as "Niko on the way, nitafika saa nane with the
delivery"), every language that passes is named, the one with the most words first. Languages without a word list (Arabic, or another configured
one) are told only as the main language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from wa_pipeline.nlp.chat_words import ENGLISH_WORDS, WORDS_BY_LANGUAGE

MIN_WORDS = 2
MIN_SHARE = 0.15
# Fewer words than this and a line has no room for two languages' clauses.
MIN_MESSAGE_WORDS = 4
SEPARATOR = "; "
ENGLISH = "en"
# Main languages whose chats take English content words as they are.
_TAKES_ENGLISH_WORDS = frozenset({"sw", "hi"})

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@functools.cache
def _own_words() -> dict[str, frozenset[str]]:
    """Each language's words that no other listed language uses."""
    return {
        code: words - frozenset().union(*(other for name, other in WORDS_BY_LANGUAGE.items() if name != code))
        for code, words in WORDS_BY_LANGUAGE.items()
    }


@functools.cache
def _english_in(main: str) -> frozenset[str]:
    """The words that show English inside a message whose main language is `main`."""
    own = _own_words()
    if main not in _TAKES_ENGLISH_WORDS:
        return own[ENGLISH]
    return own[ENGLISH] | (ENGLISH_WORDS - WORDS_BY_LANGUAGE[main])


def mixed_languages(texts: Sequence[str | None], languages: Sequence[str]) -> list[str]:
    """For each text, the other languages it mixes into its detected one, "; "-joined ("" for none).

    `languages` holds the detected language of each text ("" when the detector abstained).
    """
    if len(texts) != len(languages):
        raise ValueError(f"{len(languages)} languages for {len(texts)} texts")
    return [_mixed(text, main) if isinstance(text, str) else "" for text, main in zip(texts, languages)]


def _mixed(text: str, main: str) -> str:
    words = [word.lower() for word in _WORD.findall(text)]
    if len(words) < MIN_MESSAGE_WORDS:
        return ""
    enough = max(MIN_WORDS, MIN_SHARE * len(words))
    found = []
    for code, vocabulary in _own_words().items():
        if code == main:
            continue
        if code == ENGLISH and main:
            vocabulary = _english_in(main)
        hits = sum(map(vocabulary.__contains__, words))
        if hits >= enough:
            found.append((hits, code))
    # Without a main language one language alone is no mix: the line is just too even or too odd to tell.
    if not main and len(found) < 2:
        return ""
    # The language with the most words first.
    return SEPARATOR.join(code for _, code in sorted(found, key=lambda pair: -pair[0]))
