"""Everyday words of business chats: English, Swahili and Sheng, Hinglish, Nigerian Pidgin, Spanish, Portuguese,
French and German.

They are never a name, a place or the thing a quantity counts, whatever their capitalisation: the model
reads a capitalised "Niko" (I am at), "Lipa" (pay) or "Hai" (is) as a person or a place, a German noun is
always capitalised, and "5 kg lene" (to take) is not five kilos of "lene".

The lists live in gazetteer/: chat_words.txt is built by scripts/build_chat_words.py from public stop-word
lists; chat_words_curated.txt holds the Sheng, Hinglish and Pidgin words no public list has (frozen);
english_words.txt (scripts/build_english_words.py) holds everyday English words beyond function words;
more_english.txt (scripts/build_more_english.py) the words of other languages' lists that are English's first.
"""

from __future__ import annotations

from pathlib import Path

_GAZETTEER = Path(__file__).parent / "gazetteer"


def _words_by_group(name: str) -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for line in (_GAZETTEER / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            group, _, word = line.partition("\t")
            groups.setdefault(group, set()).add(word.lower())
    return {group: frozenset(words) for group, words in groups.items()}


_BUILT = _words_by_group("chat_words.txt")
_CURATED = _words_by_group("chat_words_curated.txt")

# Hindi words no other chat language of these lists uses ("hai", "nahi"; not "sir", "madam", "na").
HINGLISH_WORDS = _CURATED["hi"] - _CURATED["sw"] - _CURATED["pcm"] - _BUILT["es"] - _BUILT["pt"] - _BUILT["fr"]
CHAT_WORDS = frozenset().union(*_BUILT.values(), *_CURATED.values())
# Each language's words, built and curated together: what language identification weighs a line's words with.
CHAT_WORDS_BY_LANGUAGE = {
    group: _BUILT.get(group, frozenset()) | _CURATED.get(group, frozenset())
    for group in sorted(_BUILT.keys() | _CURATED.keys())
}
# The languages whose own words tell which languages one message mixes (code_switching.py).
WORDS_BY_LANGUAGE = {
    **{code: CHAT_WORDS_BY_LANGUAGE[code] for code in ("en", "sw", "es", "pt", "fr", "de")},
    # Hindi's "the" (were) and "me" (in) are English's first.
    "hi": HINGLISH_WORDS - _BUILT["en"],
}
# Each language's everyday words that English text uses more ("sent" and "stop" of French's stop words): English's
# when a line's words decide its language (scripts/build_more_english.py, from wordfreq's frequencies).
MORE_ENGLISH = _words_by_group("more_english.txt")
# Everyday English beyond function words ("parcel", "payment"): how English comes into Swahili and Hinglish.
ENGLISH_WORDS = frozenset(
    line for line in (_GAZETTEER / "english_words.txt").read_text(encoding="utf-8").splitlines() if not line[:1] == "#"
)
