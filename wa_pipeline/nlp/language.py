"""Which language a message is written in, among the languages a business's customers write (lingua).

The detector only knows the languages asked for (default: English, Swahili, French, Spanish, Portuguese,
German, Hindi, Arabic; any ISO 639-1 code lingua supports can be configured), is built once per process on first use, and loads each language's models lazily: about
120 MB for these seven (lingua with all 75 languages needs several GB). `low_memory=True` keeps only the
trigram models (about 12 MB) at a real cost on chat-length text: on our labelled messages it files
Hinglish as French and short Swahili as Spanish or Portuguese where the full models abstain or get it
right. Text with too few letters to tell ("ok", "👍", "0722 123456") is undetermined: language "", unless the
chat it belongs to is known: then a short line takes the chat's language (the one most of its lines are in).
Hindi written in Latin letters (Hinglish) is not a language lingua models: a line is Hindi when at least two of
its words, and a fifth of them, are Hindi function words no other configured language uses ("hai", "nahi").
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

from wa_pipeline.nlp.chat_words import HINGLISH_WORDS

DEFAULT_LANGUAGES = ("en", "sw", "fr", "es", "pt", "de", "hi", "ar")
ENGLISH = "en"
UNDETERMINED = ""
# Fewer letters than this and lingua guesses ("ok" -> Swahili, "Asante sana" -> Spanish).
MIN_LETTERS = 12
# A message is undetermined, not misfiled, when its best language is less likely than this, or not this
# much more likely than the runner-up ("Asante sana": Spanish 0.35, Portuguese 0.28).
MIN_CONFIDENCE = 0.3
MIN_MARGIN = 0.15

HINDI = "hi"
_ROMAN_HINDI_MIN_WORDS = 2
_ROMAN_HINDI_SHARE = 0.2
_WORD = re.compile(r"[^\W\d_]+")
_NOT_WORDS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|[\d\W_]+", re.IGNORECASE)


def detect_languages(
    texts: Sequence[str | None],
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    *,
    low_memory: bool = False,
    min_confidence: float = MIN_CONFIDENCE,
    chats: Sequence[object] | None = None,
) -> list[str]:
    """The ISO 639-1 code of each text's language, or "" where it cannot be told.

    `chats` (one chat id per text) lets a line too short to tell take its chat's language.
    """
    codes = tuple(sorted(code.lower() for code in languages))
    detector = _detector(codes, low_memory)
    roman_hindi = _roman_hindi_words(codes) if HINDI in codes else frozenset()
    found: dict[str, str] = {}
    results = []
    for text in texts:
        if not isinstance(text, str):
            results.append(UNDETERMINED)
            continue
        if text not in found:
            found[text] = _detect(detector, text, min_confidence, roman_hindi)
        results.append(found[text])
    return with_chat_languages(texts, results, chats) if chats is not None else results


def with_chat_languages(texts: Sequence[str | None], results: Sequence[str], chats: Sequence[object]) -> list[str]:
    """Each undetermined line with words takes the language most lines of its chat are in.

    A line without a word ("👍", "0722 123456") keeps no language, whatever its chat speaks.
    """
    if len(chats) != len(results):
        raise ValueError(f"{len(chats)} chats for {len(results)} texts")
    votes: dict[object, Counter] = {}
    for chat, code in zip(chats, results):
        if code:
            votes.setdefault(chat, Counter())[code] += 1
    return [
        code or (votes[chat].most_common(1)[0][0] if chat in votes and _has_words(text) else "")
        for text, chat, code in zip(texts, chats, results)
    ]


def _has_words(text: str | None) -> bool:
    return isinstance(text, str) and bool(_WORD.search(_NOT_WORDS.sub(" ", text)))


@functools.lru_cache(maxsize=4)
def _roman_hindi_words(codes: tuple[str, ...]) -> frozenset[str]:
    """Hindi chat words that are no word of the other configured languages spaCy knows."""
    import importlib

    others: set[str] = set()
    for code in codes:
        if code == HINDI:
            continue
        try:
            others.update(importlib.import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS)
        except ModuleNotFoundError:
            continue
    # Vowelless shorthands ("pls") are English chat as much as Hindi.
    return frozenset(w for w in HINGLISH_WORDS if w not in others and len(w) > 2 and any(v in w for v in "aeiou"))


def _detect(detector: LanguageDetector, text: str, min_confidence: float, roman_hindi: frozenset[str]) -> str:
    words = " ".join(_NOT_WORDS.sub(" ", text).split())
    letters = sum(map(str.isalpha, words))
    if letters == 0:
        return UNDETERMINED
    if roman_hindi:
        lowered = [word.lower() for word in _WORD.findall(words)]
        hindi = {word for word in lowered if word in roman_hindi}
        if len(hindi) >= _ROMAN_HINDI_MIN_WORDS and sum(w in roman_hindi for w in lowered) >= _ROMAN_HINDI_SHARE * len(
            lowered
        ):
            return HINDI
    # Scripts other than Latin say it in a few letters ("मुझे", "مرحبا"); Latin needs a sentence.
    # Counted only for short text: a line with enough letters goes to the detector whatever its script.
    if letters < MIN_LETTERS:
        latin = sum("a" <= char.lower() <= "z" or "\u00c0" <= char <= "\u024f" for char in words)
        if latin * 2 > letters:
            return UNDETERMINED
    confidences = detector.compute_language_confidence_values(words)
    if not confidences or confidences[0].value < min_confidence:
        return UNDETERMINED
    if len(confidences) > 1 and confidences[0].value - confidences[1].value < MIN_MARGIN:
        return UNDETERMINED
    return confidences[0].language.iso_code_639_1.name.lower()


@functools.lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...], low_memory: bool) -> LanguageDetector:
    try:
        codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
    except AttributeError as exc:
        raise ValueError(f"unknown ISO 639-1 language code in {list(languages)}: {exc}") from None
    if len(codes) < 2:
        raise ValueError("language detection needs at least two languages to choose between")
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
    return (builder.with_low_accuracy_mode() if low_memory else builder).build()
