"""Message sentiment: a text classifier trained from labelled chat messages, with VADER's lexicon beside it.

The classifier (the intent model's bag of words, three classes) learns from `sentiment_examples/<language>.jsonl`:
what a lexicon cannot know, the business register ("please send 2 loaves, thanks" is no praise), polite and
sarcastic complaints, and languages no published lexicon covers. VADER's compound score, read clause by clause
where a complaint hides, decides where the classifier is unsure. A message in French or German is read with that
language's words too (lexicons/sentiment.tsv, built by scripts/build_sentiment_lexicon.py from public lexicons);
English words and emoji count in every language, since chats switch between them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from wa_pipeline.nlp.intent import IntentModel, Tokens, intent_model_in, load_examples, normalise, shipped_model

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
# One file of labelled messages per language ({"text": ..., "sentiment": "positive" | "neutral" | "negative"}).
SENTIMENT_EXAMPLES = Path(__file__).parent / "sentiment_examples"
SENTIMENT_KEY = "sentiment"
LABELS: tuple[SentimentLabel, ...] = ("negative", "neutral", "positive")
# Below this probability for its best class the classifier is unsure, and the lexicon's reading stands: a best
# class barely over half ("Thanks 👍 / Peter will collect it" read neutral at 0.53) is a near tie with another.
CLASSIFIER_SURE_AT = 0.55


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


def example_files(directory: Path = SENTIMENT_EXAMPLES) -> list[Path]:
    """The labelled-message files of `directory`, one per language, in name order."""
    return sorted(Path(directory).glob("*.jsonl"))


def check_labels(paths: Sequence[Path]) -> list[Path]:
    """`paths`, once every example in them is labelled with one of `LABELS` (a misspelt label would be a class)."""
    unknown = {example.label for example in load_examples(paths, key=SENTIMENT_KEY)} - set(LABELS)
    if unknown:
        raise ValueError(f"sentiment examples labelled {sorted(unknown)}: use {', '.join(LABELS)}")
    return list(paths)


def sentiment_model_in(models_dir: Path) -> IntentModel:
    """The classifier of the shipped examples: loaded from `models_dir` if trained before, else trained and saved."""
    return intent_model_in(models_dir, check_labels(example_files()), key=SENTIMENT_KEY)


@functools.lru_cache(maxsize=1)
def shipped_sentiment_model() -> IntentModel:
    """The classifier of the shipped examples (see `shipped_model`), once per process."""
    return shipped_model(check_labels(example_files()), key=SENTIMENT_KEY)


def combined(
    probabilities: dict[str, float], lexicon: Callable[[], tuple[SentimentLabel, float]]
) -> tuple[SentimentLabel, float]:
    """The classifier's class where it is sure, else the lexicon's (read only then); the score is
    P(positive) - P(negative)."""
    best = max(LABELS, key=lambda label: probabilities.get(label, 0.0))
    # + 0.0: a rounded tiny negative is 0.0, not -0.0.
    score = round(float(probabilities.get("positive", 0.0) - probabilities.get("negative", 0.0)), 4) + 0.0
    if probabilities.get(best, 0.0) >= CLASSIFIER_SURE_AT:
        return best, score
    return lexicon()[0], score


def sentiments(
    texts: Sequence[str | None],
    languages: Sequence[str | None],
    intents: Sequence[str],
    model: IntentModel | None = None,
    tokens: Tokens | None = None,
) -> list[tuple[SentimentLabel, float]]:
    """(label, score in [-1, 1]) of each text read in its language, as the pipeline gives it: the classifier
    (`model`, default the shipped one) where sure, else the lexicon, and a complaint never praise. Empty text is
    neutral 0.0. `tokens`: the Docs the intent model made of the same texts, read again where the tokenizers agree."""
    model = model if model is not None else shipped_sentiment_model()
    pairs = list(
        dict.fromkeys((t, lang) for t, lang in zip(texts, languages, strict=True) if isinstance(t, str) and t.strip())
    )
    # The classifier reads the normalised text, which lines differing only in their figures share ("Paid 500",
    # "Paid 1,200"): each normalised text is scored once.
    normalised = {text: normalise(text) for text, _ in pairs}
    distinct = list(dict.fromkeys(normalised.values()))
    probabilities = dict(zip(distinct, model.scores(distinct, tokens=tokens), strict=True))
    read = {
        pair: combined(probabilities[normalised[pair[0]]], functools.partial(score_sentiment, *pair)) for pair in pairs
    }
    return [
        with_intent(read.get((text, language), NEUTRAL), intent)
        for text, language, intent in zip(texts, languages, intents, strict=True)
    ]
