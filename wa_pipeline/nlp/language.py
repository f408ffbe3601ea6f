"""Which language a message is written in, among the few a business's customers write (lingua).

The detector only knows the languages asked for (default: English, Swahili, French, Spanish, Portuguese,
Hindi, Arabic), is built once per process on first use, and loads each language's models lazily: about
120 MB for these seven (lingua with all 75 languages needs several GB). `low_memory=True` keeps only the
trigram models (about 12 MB) at a real cost on chat-length text: on our labelled messages it files
Hinglish as French and short Swahili as Spanish or Portuguese where the full models abstain or get it
right. Text with too few letters to tell ("ok", "👍", "0722 123456") is undetermined: language "".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

DEFAULT_LANGUAGES = ("en", "sw", "fr", "es", "pt", "hi", "ar")
ENGLISH = "en"
UNDETERMINED = ""
# Fewer letters than this and lingua guesses ("ok" -> Swahili, "Asante sana" -> Spanish).
MIN_LETTERS = 12
# A message is undetermined, not misfiled, when its best language is less likely than this, or not this
# much more likely than the runner-up ("Asante sana": Spanish 0.35, Portuguese 0.28).
MIN_CONFIDENCE = 0.3
MIN_MARGIN = 0.15

_NOT_WORDS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|[\d\W_]+", re.IGNORECASE)


def detect_languages(
    texts: Sequence[str | None],
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    *,
    low_memory: bool = False,
    min_confidence: float = MIN_CONFIDENCE,
) -> list[str]:
    """The ISO 639-1 code of each text's language, or "" where it cannot be told."""
    detector = _detector(tuple(sorted(code.lower() for code in languages)), low_memory)
    found: dict[str, str] = {}
    results = []
    for text in texts:
        if not isinstance(text, str):
            results.append(UNDETERMINED)
            continue
        if text not in found:
            found[text] = _detect(detector, text, min_confidence)
        results.append(found[text])
    return results


def _detect(detector: LanguageDetector, text: str, min_confidence: float) -> str:
    words = " ".join(_NOT_WORDS.sub(" ", text).split())
    letters = sum(char.isalpha() for char in words)
    if letters == 0:
        return UNDETERMINED
    # Scripts other than Latin say it in a few letters ("मुझे", "مرحبا"); Latin needs a sentence.
    latin = sum("a" <= char.lower() <= "z" or "\u00c0" <= char <= "\u024f" for char in words)
    if latin * 2 > letters and letters < MIN_LETTERS:
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
