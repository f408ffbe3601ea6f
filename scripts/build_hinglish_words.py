"""Regenerate wa_pipeline/nlp/gazetteer/hinglish_words.txt: Hindi function words as chats spell them in Latin letters.

Usage: .venv/bin/python scripts/build_hinglish_words.py   (the sources are dependencies; the output is committed)

Sources, licence in brackets: the Hindi stop words of stopwords-iso via `stopwordsiso` (MIT) and of spaCy (MIT), and
the words of dateparser's Hindi locale (BSD-3-Clause: days, months, "आज", "कल", units of time), all in Devanagari. Each word is transliterated by the table below into the spellings WhatsApp writers use: long
vowels doubled or not ("नहीं" nahin, nahi, naheen), nasals written or dropped ("में" mein, mei, men, me), "व" as v or
w, the inherent vowel dropped where Hindi speakers drop it ("करना" karna). Spellings that are also common English
words (spaCy's English stop words, Faker's en_US lorem words: "use" for "उसे", "the" for "थे") are left out, so an
English line never counts them, and so are the stop words of Swahili, Spanish, Portuguese, French and German
(stopwords-iso: "na", "se", "ja").
"""

from __future__ import annotations

import importlib
import itertools
import sys
import unicodedata
from pathlib import Path

import stopwordsiso

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "wa_pipeline" / "nlp" / "gazetteer" / "hinglish_words.txt"

# Each Devanagari consonant's Latin spellings, the usual one first.
CONSONANTS = {
    "क": ("k",),
    "ख": ("kh",),
    "ग": ("g",),
    "घ": ("gh",),
    "ङ": ("n",),
    "च": ("ch",),
    "छ": ("chh", "ch"),
    "ज": ("j",),
    "झ": ("jh",),
    "ञ": ("n",),
    "ट": ("t",),
    "ठ": ("th",),
    "ड": ("d",),
    "ढ": ("dh",),
    "ण": ("n",),
    "त": ("t",),
    "थ": ("th",),
    "द": ("d",),
    "ध": ("dh",),
    "न": ("n",),
    "प": ("p",),
    "फ": ("ph", "f"),
    "ब": ("b",),
    "भ": ("bh",),
    "म": ("m",),
    "य": ("y",),
    "र": ("r",),
    "ऱ": ("r",),
    "ल": ("l",),
    "व": ("v", "w"),
    "श": ("sh",),
    "ष": ("sh",),
    "स": ("s",),
    "ह": ("h",),
}
# A consonant with a nukta is the Perso-Arabic sound chats write with its own letter.
NUKTA_CONSONANTS = {"क": ("q", "k"), "ख": ("kh",), "ग": ("g",), "ज": ("z", "j"), "फ": ("f",), "ड": ("d", "r")}
# Vowels, as a sign after a consonant and as a letter of their own.
VOWEL_SIGNS = {
    "ा": ("aa", "a"),
    "ि": ("i",),
    "ी": ("ee", "i"),
    "ु": ("u",),
    "ू": ("oo", "u"),
    "े": ("e",),
    "ै": ("ai", "e"),
    "ो": ("o",),
    "ौ": ("au", "o"),
    "ृ": ("ri",),
}
VOWELS = {
    "अ": ("a",),
    "आ": ("aa", "a"),
    "इ": ("i",),
    "ई": ("ee", "i"),
    "उ": ("u",),
    "ऊ": ("oo", "u"),
    "ए": ("e",),
    "ऐ": ("ai", "e"),
    "ओ": ("o",),
    "औ": ("au", "o"),
    "ऋ": ("ri",),
}
NASALS = {"ं", "ँ"}
VIRAMA = "्"
NUKTA = "़"
# "ए"/"ऐ" followed by a nasal is mostly written "ei" or "ai" ("में" mein, main).
NASAL_SPELLINGS = ("n", "")
MAX_VARIANTS = 24
# Words of English chats some spelling lands on that neither English list holds: words ("hi", "tab", "hun", "din"),
# the "ve" of "I've", month abbreviations ("Jun"), given names ("Sara", "Evan", "Ravi", "Adi"), and the Tagalog of
# Filipino English ("din", "mano po").
ENGLISH_TOO = {
    "hi", "tab", "jab", "hen", "hue", "lie", "sang", "sag", "tin", "kir", "men", "hun", "hoo", "ve", "tis", "mah",
    "din", "march", "jun", "san", "som", "guru", "ravi", "sara", "evan", "eva", "ewa", "adi", "aj", "gha", "mano",
}  # fmt: skip


def _syllables(word: str) -> list[tuple[tuple[str, ...], tuple[str, ...] | None, bool]]:
    """The word as (consonant spellings, vowel spellings or None for the inherent vowel, nasal) units."""
    units: list[list] = []
    i = 0
    while i < len(word):
        char = word[i]
        if char in VOWELS:
            units.append([("",), VOWELS[char], False])
        elif char in CONSONANTS:
            spellings = CONSONANTS[char]
            if i + 1 < len(word) and word[i + 1] == NUKTA:
                spellings = NUKTA_CONSONANTS.get(char, spellings)
                i += 1
            units.append([spellings, None, False])
            if i + 1 < len(word) and word[i + 1] in VOWEL_SIGNS:
                units[-1][1] = VOWEL_SIGNS[word[i + 1]]
                i += 1
            elif i + 1 < len(word) and word[i + 1] == VIRAMA:
                units[-1][1] = ("",)
                i += 1
        elif char in NASALS and units:
            units[-1][2] = True
        elif char == NUKTA:
            pass
        else:
            raise ValueError(f"no transliteration for {char!r} in {word!r}")
        i += 1
    return [tuple(unit) for unit in units]


def _inherent_vowels(units: list) -> list[tuple[str, ...]]:
    """The vowel of each unit, the inherent one dropped at the end of a word and between VC and CV (Hindi schwa deletion)."""
    vowels = [unit[1] if unit[1] is not None else ("a",) for unit in units]
    inherent = [unit[1] is None for unit in units]
    last = len(units) - 1
    if last > 0 and inherent[last] and not units[last][2]:
        vowels[last] = ("",)
    # right to left, so that "समझना" keeps one schwa; the first syllable always keeps its vowel
    for i in range(last - 1, 0, -1):
        if inherent[i] and not units[i][2] and vowels[i - 1] != ("",) and vowels[i + 1] != ("",):
            if units[i + 1][0] != ("",):
                vowels[i] = ("",)
    return vowels


def romanizations(word: str) -> set[str]:
    """The Latin spellings chats use for a Devanagari word (at most MAX_VARIANTS of them)."""
    # NFD splits the precomposed nukta letters ("फ़") into a consonant and a nukta
    units = _syllables(unicodedata.normalize("NFD", word))
    vowels = _inherent_vowels(units)
    parts = []
    for i, ((consonant, _, nasal), vowel) in enumerate(zip(units, vowels)):
        # a nasal before a consonant is always written ("इंहें" inhen), one at the end often not ("नहीं" nahi)
        if not nasal:
            nasal_choices = ("",)
        elif i == len(units) - 1:
            nasal_choices = NASAL_SPELLINGS
        else:
            nasal_choices = ("m",) if units[i + 1][0][0][:1] in ("p", "b", "m") else ("n",)
        if nasal and vowel == ("e",):
            vowel = ("ei", "e", "ai")
        parts.append([c + v + n for c in consonant for v in vowel for n in nasal_choices])
    return {"".join(spelling) for spelling in itertools.islice(itertools.product(*parts), MAX_VARIANTS)}


def english_words() -> set[str]:
    """Common English words: spaCy's English stop words and Faker's en_US lorem vocabulary."""
    stop_words = importlib.import_module("spacy.lang.en.stop_words").STOP_WORDS
    lorem = importlib.import_module("faker.providers.lorem.en_US").Provider.word_list
    return {w.lower() for w in stop_words} | {w.lower() for w in lorem} | ENGLISH_TOO


def hindi_stop_words() -> set[str]:
    """The Devanagari Hindi stop words of stopwords-iso and spaCy."""
    spacy_words = importlib.import_module("spacy.lang.hi.stop_words").STOP_WORDS
    return {w for w in set(stopwordsiso.stopwords("hi")) | set(spacy_words) if w.strip() and " " not in w}


def hindi_date_words() -> set[str]:
    """The Devanagari words dateparser's Hindi locale reads: days, months, "आज", "कल", "परसों", "पहले", units of time."""
    info = importlib.import_module("dateparser.data.date_translation_data.hi").info
    words: set[str] = set()
    stack = [value for key, value in info.items() if key not in ("relative-type-regex", "name", "date_order")]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            words.update(w for w in value.split() if all("\u0900" <= c <= "\u097f" for c in w) and "॰" not in w)
    return words


def build() -> str:
    """The text of hinglish_words.txt: a header naming this script and its sources, then one spelling a line."""
    spellings = {s for word in hindi_stop_words() | hindi_date_words() for s in romanizations(word) if len(s) > 1}
    words = spellings - english_words()
    return (
        "# Romanized Hindi function words, one a line. Generated by scripts/build_hinglish_words.py from the Hindi "
        "stop words of stopwords-iso (MIT, via stopwordsiso) and spaCy (MIT) and the words of dateparser's Hindi locale (BSD-3-Clause), transliterated to chat spellings, less "
        "English words (spaCy, Faker en_US lorem; MIT).\n" + "".join(f"{w}\n" for w in sorted(words))
    )


def main() -> int:
    """Write the list and say how many spellings it holds."""
    text = build()
    OUT.write_text(text, encoding="utf-8")
    print(f"{text.count(chr(10)) - 1} romanized Hindi words -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
