"""Message sentiment: VADER's compound score, read clause by clause where a complaint hides.

A message in French or German is read with that language's words too (lexicons/sentiment.tsv, built by
scripts/build_sentiment_lexicon.py from public lexicons); English words and emoji count in every language,
since chats switch between them.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

SentimentLabel = Literal["positive", "neutral", "negative"]
NEUTRAL: tuple[SentimentLabel, float] = ("neutral", 0.0)

# VADER's published cut-offs for its compound score.
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05
# A clause at least this negative holds a clearly negative word on its own (lexicon valence
# about -1.7 or lower: "terrible", "bad", "not happy", "disappointed").
STRONG_NEGATIVE_AT = -0.4
# VADER's raters scored each word from -4 to 4; a mean this close to 0 is a word they did not agree was either.
# Left in, such words tip plain business to a side: "pay" (-0.4, "you'll pay for this") makes a bill negative,
# "pls" (0.3) a request positive.
BARELY_RATED = 0.5

# Sentence ends and line breaks: where one thought stops and the next starts in a chat message.
_CLAUSE_BREAK = re.compile(r"(?<=[.!?;])\s+|\n+")
# A run of emoji is a clause of its own: VADER reads an emoji through the words of its name, so in
# "Not happy 😞" the "not" would negate "disappointed face" into praise.
_EMOJI_RUN = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]+")

# VADER scores an emoji through the words of its Unicode name, and these names carry none it
# knows ("thumbs up", "pouting face", "folded hands"); these are the chat staples it misses.
_EMOJI_MEANINGS = {
    "👍": "good",
    "👎": "bad",
    "😡": "angry",
    "🤬": "angry",
    "🙏": "thanks",
}


_LEXICON = Path(__file__).parent / "lexicons" / "sentiment.tsv"


@functools.lru_cache(maxsize=1)
def _lexicons() -> dict[str, dict[str, float]]:
    """Language -> word -> valence on VADER's scale."""
    by_language: dict[str, dict[str, float]] = {}
    for line in _LEXICON.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            language, word, valence = line.split("\t")
            by_language.setdefault(language, {})[word] = float(valence)
    return by_language


@functools.lru_cache(maxsize=8)
def _analyzer(language: str | None = None) -> SentimentIntensityAnalyzer:
    analyzer = SentimentIntensityAnalyzer()
    analyzer.emojis.update(_EMOJI_MEANINGS)
    analyzer.lexicon = {word: value for word, value in analyzer.lexicon.items() if abs(value) > BARELY_RATED}
    words = _lexicons().get(language or "", {})
    # The language's own words win where a word is spelt alike in English ("mal" is bad in French).
    analyzer.lexicon.update(words)
    return analyzer


def score_sentiment(text: str | None, language: str | None = None) -> tuple[SentimentLabel, float]:
    """(label, compound) of `text` in `language` (ISO 639-1; None or unknown: English words and emoji only);
    compound is in [-1, 1], empty text is neutral 0.0."""
    if not isinstance(text, str) or not text.strip():
        return NEUTRAL
    analyzer = _analyzer(language)
    compound = analyzer.polarity_scores(text)["compound"]
    clauses = [
        part
        for clause in _CLAUSE_BREAK.split(text)
        for part in _EMOJI_RUN.sub(lambda m: f"\n{m.group()}\n", clause).split("\n")
        if part.strip()
    ]
    if len(clauses) > 1:
        # VADER looks three words back for a negator without stopping at sentence ends, so in
        # "Order never arrived. Terrible!" the "never" flips "Terrible" to praise. Scoring each
        # clause on its own keeps negation inside its clause, and a clause that is strongly
        # negative by itself decides the message: a complaint stays a complaint, whatever
        # pleasantries surround it.
        worst = min(analyzer.polarity_scores(clause)["compound"] for clause in clauses)
        if worst <= STRONG_NEGATIVE_AT:
            compound = min(compound, worst)
    return sentiment_label(compound), compound


def sentiment_label(compound: float) -> SentimentLabel:
    if compound >= POSITIVE_AT:
        return "positive"
    if compound <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def with_intent(sentiment: tuple[SentimentLabel, float], intent: str) -> tuple[SentimentLabel, float]:
    """A complaint is never praise or indifference: "thanks, but one tray has a dent" is negative.

    The words of a polite complaint score well ("thanks", "kindly"); the intent model reads the request.
    """
    label, score = sentiment
    if intent == "complaint" and label != "negative":
        return "negative", min(score, NEGATIVE_AT)
    return sentiment
