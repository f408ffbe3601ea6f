"""Which language a message is written in, among the languages a business's customers write (lingua).

The detector only knows the languages asked for (default: English, Swahili, French, Spanish, Portuguese,
German, Hindi, Arabic; any ISO 639-1 code lingua supports can be configured), is built once per process on first use, and loads each language's models lazily: about
120 MB for these seven (lingua with all 75 languages needs several GB). `low_memory=True` keeps only the
trigram models (about 12 MB) at a real cost on chat-length text: on our labelled messages it files
Hinglish as French and short Swahili as Spanish or Portuguese where the full models abstain or get it
right. Text with too few letters to tell ("ok", "👍", "0722 123456") is undetermined: language "", unless the
chat it belongs to is known: then a short line takes the chat's language (the one most of its lines are in).
Hindi written in Latin letters (Hinglish) is not a language lingua models, and lingua misreads Swahili mixed with
Sheng and English ("niko on the way"). So before the detector, a line of two or more words in plain ASCII letters
is voted on, Hindi first, then Swahili, each counting its own words that no other configured language uses:
romanized Hindi function words (gazetteer/hinglish_words.txt, transliterated by script from public Hindi stop
words, and the curated chat words) and Hindi future verbs ("aayega", "karenge"); Swahili and Sheng chat words and
verbs of subject-tense-stem shape ("nitafika"). A line is Hindi when its Hindi words are at least as many as the
words of each other configured language, or two distinct ones make a fifth of the line ("please send the bill,
payment kal kar dunga"); Swahili when its Swahili words are more, so "asante sana for the quick delivery" stays
English. Neither vote is carried by words that prove little alone: a form of address ("ji", "bhai"), a two-letter
word ("ko" is Tagalog too), or for Swahili a verb shape without a listed word ("unacceptable"); a word the voting
language shares with another ("na", "ya" and "ni" are Swahili, Portuguese and Spanish) counts for neither. Swahili
verb forms no other language writes count as listed words: a prefix hyphenated to an English verb ("ku-book",
"tu-reschedule") and the negative perfect ("sijaridhika", "haijafika").
Where lingua cannot decide (too unsure, or two languages too close: Pidgin, Taglish, SMS spellings, English with
Swahili nouns, Spanish around an English brand), the line's function words decide between lingua's candidates: each
language's stop words and chat words, for English also text-message shorthands ("pls", "u", "2moro"). A word two
candidates share ("a", "no") counts for neither; the one with at least two of them and more than twice any other's
wins; otherwise the line is undetermined. A line too short for lingua needs three ("k thx c u 2moro"). Where lingua
is sure, its answer stands unless the line holds none of that language's words and at least three of another's,
more than twice any third's: names of people and places carry a short line ("Hi there Wanjiru here, my stall is at
Gikomba" is Swahili to lingua).
Lingua only chooses among the configured languages, so a customer writing another one gets the nearest: Dutch
reads as German, Italian as Spanish, Indonesian, Turkish or Polish as Swahili. A line with at least two stop words
(spaCy's) of such a language that no configured language uses, more than it holds of the language found, is
undetermined, and takes no language from its chat either; to read those customers, configure their language.
Tagalog is the exception: Taglish is Philippine customers' English here, so Tagalog words only stop a reading as
another configured language ("Hindi po ako makabayad ngayon" is no Swahili) and such a line takes its chat's.
Scripts no configured language writes (Cyrillic, Ethiopic) lingua already leaves undetermined.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

from wa_pipeline.nlp.chat_words import CHAT_WORDS_BY_LANGUAGE, HINGLISH_WORDS, MORE_ENGLISH

DEFAULT_LANGUAGES = ("en", "sw", "fr", "es", "pt", "de", "hi", "ar")
ENGLISH = "en"
UNDETERMINED = ""
# Fewer letters than this and lingua guesses ("ok" -> Swahili, "Asante sana" -> Spanish).
MIN_LETTERS = 12
# Lingua's answer stands when its best language is at least this likely and this much more likely than the
# runner-up; otherwise ("Asante sana": Spanish 0.35, Portuguese 0.28) the function words decide or none does.
MIN_CONFIDENCE = 0.3
MIN_MARGIN = 0.15

HINDI = "hi"
SWAHILI = "sw"
_WORD = re.compile(r"[^\W\d_]+")
_NOT_WORDS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|[\d\W_]+", re.IGNORECASE)
# The same without e-mail addresses, for the lines (nearly all) that hold no "@", where that alternative can match
# nothing but is still tried from every letter of every word.
_NOT_WORDS_NOR_ADDRESSES = re.compile(r"(?:https?://|www\.)\S+|[\d\W_]+", re.IGNORECASE)
_ROMAN_HINDI_FILE = Path(__file__).parent / "gazetteer" / "hinglish_words.txt"
# Two distinct Hindi words that make a fifth of the line are Hinglish, however much English surrounds them.
_ROMAN_HINDI_SHARE = 0.2
# Endings only Hindi verbs have in chats: the future ("aayega", "dunga", "karenge", "aaoge") and the polite
# imperative ("kijiye"). Not after m, v or ll, which end English and Spanish words ("mega", "revenge", "challenge",
# "llega"); Portuguese "entrega" is kept out by the line's accents or its other words.
_HINDI_VERB = re.compile(r"[a-z]+(?<![mv])(?<!ll)(?:ega|egi|enge)|[a-z]+(?:unga|ungi|oge|ogi|iye)")
_HINDI_VERB_MIN = 4
# Forms of address Indian English uses as much as Hindi: evidence beside another Hindi word, never alone.
_ADDRESS = frozenset({"ji", "bhai", "bhaiya", "didi", "yaar", "arre", "sir", "madam"})
# A Swahili verb is a subject prefix, a tense and a stem ("ni-ta-fika", "i-me-fika", "tu-na-deliver"); shorter
# words of that shape are English or Spanish ("amen", "unas").
_SWAHILI_VERB = re.compile(r"(?:ni|u|a|tu|m|wa|i|li|ya|ki|vi|zi|ku|hu)(?:na|li|ta|me|ka|nge)[a-z]{2,}|ku[a-z]{4,}")
_SWAHILI_VERB_MIN = 6
# Verb forms no other language of these chats writes, so as good as a listed word: a Swahili prefix hyphenated to
# an English verb ("ku-book", "tu-reschedule", "nime-transfer"; two letters at least, so "M-Pesa" and "e-mail" are
# not) and the negative perfect "-ja-" ("sijaridhika", "haijafika", "hatujapata").
_SWAHILI_PREFIX = r"(?:ni|u|a|tu|m|wa|i|li|ya|ki|vi|zi|ku|hu|si|ha)(?:na|li|ta|me|ka|nge|ja)?(?:ni|ku|m|tu|wa|ki|i|u)?"
_SWAHILI_HYPHENATED = re.compile(rf"\b(?=[a-z]{{2}})({_SWAHILI_PREFIX})-([a-z]{{3,}})\b")
_SWAHILI_MARKED = re.compile(
    rf"{_SWAHILI_PREFIX}-[a-z]{{3,}}|(?:si|ha|hatu|ham|hawa|hai|hali|haya|haki|havi|hazi)ja[a-z]{{3,}}"
)
# Shorthands of English text messages, which no stop-word list holds: with them "k thx c u 2moro" and "hw far wit
# my order" are English, where the character models see too few known letter sequences to choose.
_ENGLISH_SHORTHAND = frozenset(
    {
        "pls", "plz", "pliz", "thx", "thnx", "thnks", "tnx", "u", "ur", "r", "y", "k", "c", "d", "n", "b4", "2day",
        "2moro", "2mrw", "2morrow", "tmrw", "tmr", "2nite", "gr8", "w8", "hw", "wat", "wats", "wen", "wr", "cn",
        "nw", "wnt", "wud", "shud", "cud", "hav", "hv", "wit", "dat", "dis", "abt", "coz", "cuz", "bcoz", "bcz",
        "msg", "ppl", "pple", "gud", "mrng", "morn", "nite", "lol", "omg", "asap", "lmk", "ngl", "idk", "btw",
        "im", "ive", "dont", "cant", "wont", "didnt", "doesnt", "isnt", "wasnt", "havent", "youre", "thats", "pic",
        "pics", "yall", "gonna", "wanna", "gotta", "kinda", "sorta",
    }
)  # fmt: skip
# A line lingua cannot decide ("I sent the pesa but no confirmation message yet": French 0.43, English 0.41) goes to
# the candidate with the most function words, when it has this many and more than twice any other candidate's.
_FALLBACK_MIN_WORDS = 2
_FALLBACK_RATIO = 2
# Overruling a sure lingua takes more: three words of the other language, none of the one lingua found.
_DENY_MIN_WORDS = 3
# A line too short for lingua needs more of them: "Asante sana" alone is no sentence to tell by.
_SHORT_MIN_WORDS = 3
# Candidates: the languages lingua gives at least this much.
_FALLBACK_MIN_CONFIDENCE = 0.1
_TOKEN = re.compile(r"[a-z0-9']*[a-z][a-z0-9']*")
# English words the curated Sheng list holds because Kenyan chats mix them in: no evidence of Swahili.
_ENGLISH_IN_SHENG = frozenset({"sorry", "order", "then", "kindly", "hello", "hi", "hey", "boss", "bro"})
# Languages of customers' chats outside the configured set that lingua, choosing among the configured ones only,
# files as the nearest of them: Dutch as German, Italian as Spanish, Indonesian, Tagalog, Turkish, Polish and
# Yoruba as Swahili. Their spaCy stop words tell them; scripts no configured language writes (Cyrillic, Ethiopic)
# lingua already leaves undetermined.
_OUTSIDE_LANGUAGES = ("nl", "id", "it", "tl", "tr", "pl", "cs", "yo")
# Words of three letters or more: shorter ones ("ik", "di", "ng") are too often another language's or a typo.
_OUTSIDE_MIN_LETTERS = 3
_OUTSIDE_MIN_WORDS = 2
# Taglish is Philippine customers' English to the pipeline (the data README's labelling guideline), so Tagalog words
# never take a line from English, nor keep a line from its chat's language: they stop only a reading as another
# configured language ("Bakit po hindi kayo nagrereply?" is no Swahili).
_ENGLISH_KIN = frozenset({"tl"})
# Words whose vote `_WordVote.owns` remembers, per language, before it starts afresh.
_OWNED_KEPT = 65536


@dataclass(frozen=True)
class _WordVote:
    """A language lingua misreads in chats, told by the words and verb shapes only it uses."""

    code: str
    words: frozenset[str]
    verb: re.Pattern[str]
    verb_min: int
    others: tuple[frozenset[str], ...]
    not_alone: frozenset[str] = frozenset()
    verbs_alone: bool = False
    share: float | None = None
    ties_win: bool = False
    marked: re.Pattern[str] | None = None
    also_own: frozenset[str] = frozenset()
    # `owns`' answer for each word met: lines repeat their words, and its verb test is a regular expression.
    owned: dict[str, bool] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def wins(self, words: list[str]) -> bool:
        """Whether the line's words are this language's: they outnumber (or tie with) each other language's words."""
        own = [w for w in words if self.owns(w)]
        if not any(w not in self.not_alone and (self.verbs_alone or self._listed(w)) for w in own):
            return False
        if self.share is not None and len(set(own)) >= 2 and len(own) >= self.share * len(words):
            return True
        # A word this language shares with another ("na", "ya", "ni") is evidence for neither.
        against = max((sum(w in other and w not in self.also_own for w in words) for other in self.others), default=0)
        return len(own) > against or (self.ties_win and len(own) == against)

    def _listed(self, word: str) -> bool:
        return word in self.words or bool(self.marked and self.marked.fullmatch(word))

    def owns(self, word: str) -> bool:
        """Whether the word is this language's: listed, a verb form only it writes or of its verbs' shape."""
        known = self.owned.get(word)
        if known is None:
            if len(self.owned) >= _OWNED_KEPT:
                self.owned.clear()
            known = self.owned[word] = self._listed(word) or (len(word) >= self.verb_min and self._verb(word))
        return known

    def _verb(self, word: str) -> bool:
        return bool(self.verb.fullmatch(word)) and not any(word in other for other in self.others)


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
    votes = _word_votes(codes)
    lexicons = _function_words(codes)
    outside = _outside_words(codes)
    found: dict[str, str] = {}
    # Lingua reads only a line's words, so lines that differ in their figures alone ("Paid 500", "Paid 1,200")
    # are read by it once.
    confidences: dict[str, list] = {}

    def confidences_of(words: str) -> list:
        if words not in confidences:
            confidences[words] = detector.compute_language_confidence_values(words)
        return confidences[words]

    results = []
    for text in texts:
        if not isinstance(text, str):
            results.append(UNDETERMINED)
            continue
        if text not in found:
            found[text] = _detect(confidences_of, text, min_confidence, votes, lexicons, outside)
        results.append(found[text])
    return with_chat_languages(texts, results, chats, codes) if chats is not None else results


def with_chat_languages(
    texts: Sequence[str | None],
    results: Sequence[str],
    chats: Sequence[object],
    languages: Sequence[str] = DEFAULT_LANGUAGES,
) -> list[str]:
    """Each undetermined line with words takes the language most lines of its chat are in.

    A line without a word ("👍", "0722 123456") keeps no language, whatever its chat speaks; nor does a line in a
    language outside `languages` ("Heb je deze al gedaan?"), which also votes for none in its chat, so a Dutch
    chat's short lines do not take the German that a few of its lines were read as.
    """
    if len(chats) != len(results):
        raise ValueError(f"{len(chats)} chats for {len(results)} texts")
    codes = tuple(sorted(code.lower() for code in languages))
    foreign = [not code and _in_outside_language(text, codes) for text, code in zip(texts, results)]
    votes: dict[object, Counter] = {}
    for chat, code, elsewhere in zip(chats, results, foreign):
        if code or elsewhere:
            votes.setdefault(chat, Counter())[code] += 1
    return [
        code or (votes[chat].most_common(1)[0][0] if chat in votes and not elsewhere and _has_words(text) else "")
        for text, chat, code, elsewhere in zip(texts, chats, results, foreign)
    ]


def _in_outside_language(text: str | None, codes: tuple[str, ...]) -> bool:
    """Whether an undetermined line's words are more an unconfigured language's than the configured ones'."""
    if not isinstance(text, str) or not text:
        return False
    outside = _outside_words(codes)
    return bool(outside.any) and _outside(_distinct_words(text), UNDETERMINED, _configured_words(codes), None, outside)


def _has_words(text: str | None) -> bool:
    return isinstance(text, str) and bool(_WORD.search(_spaced_words(text)))


@functools.lru_cache(maxsize=4)
def _word_votes(codes: tuple[str, ...]) -> tuple[_WordVote, ...]:
    """The votes of Hinglish and Swahili among `codes`, Hindi first: each counts words no other language uses."""
    words = {code: language_words(code) for code in codes if code != HINDI}
    # Vowelless shorthands ("pls", "h") are English chat as much as Hindi.
    roman_hindi = frozenset(
        w for w in HINGLISH_WORDS | _generated_hindi_words() if len(w) > 1 and any(v in w for v in "aeiou")
    )
    votes = []
    if HINDI in codes:
        others = tuple(words.values())
        hindi = roman_hindi.difference(*others)
        votes.append(
            _WordVote(
                HINDI,
                hindi,
                _HINDI_VERB,
                _HINDI_VERB_MIN,
                others,
                not_alone=_ADDRESS | _short(hindi),
                verbs_alone=True,
                share=_ROMAN_HINDI_SHARE,
                # Swahili, which votes after Hindi, keeps its words against it ("na", "cha")
                also_own=roman_hindi - words.get(SWAHILI, frozenset()),
                ties_win=True,
            )
        )
    if SWAHILI in codes:
        others = tuple(w for code, w in words.items() if code != SWAHILI)
        shared = frozenset().union(*others, roman_hindi if HINDI in codes else ())
        # Kenyan English greets and thanks in Swahili ("asante sana for the quick delivery") and English has words
        # of a Swahili verb's shape ("unacceptable"): Swahili needs a listed word and more words than English.
        swahili = words[SWAHILI] - _ENGLISH_IN_SHENG - shared
        votes.append(
            _WordVote(
                SWAHILI,
                swahili,
                _SWAHILI_VERB,
                _SWAHILI_VERB_MIN,
                others,
                not_alone=_short(swahili),
                marked=_SWAHILI_MARKED,
                also_own=words[SWAHILI] - _ENGLISH_IN_SHENG,
            )
        )
    return tuple(votes)


@functools.lru_cache(maxsize=4)
def _function_words(codes: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """Each of `codes`' everyday words, shared ones included, that settle a line lingua cannot decide."""
    lexicons = {code: language_words(code) for code in codes if code != HINDI}
    if ENGLISH in lexicons:
        # Nigerian Pidgin is English to the pipeline ("wetin una dey sell"); its two-letter words are other
        # languages' too ("na", "am").
        pidgin = frozenset(w for w in CHAT_WORDS_BY_LANGUAGE.get("pcm", ()) if len(w) > 2)
        lexicons[ENGLISH] = lexicons[ENGLISH] | _ENGLISH_SHORTHAND | pidgin
        # French's stop words hold "sent" and "hi", German's "kind": words English text uses more are English's, or
        # "Sent via GCash, ref no. 9012" leans French.
        for code in lexicons.keys() - {ENGLISH}:
            english = lexicons[code] & MORE_ENGLISH.get(code, frozenset())
            lexicons[code] -= english
            lexicons[ENGLISH] |= english
    for vote in _word_votes(codes):
        lexicons[vote.code] = lexicons.get(vote.code, frozenset()) | vote.words
    if SWAHILI in lexicons:
        # "Sasa boss, the mtumba bales are how much?": the English words Kenyan chats mix in are no Swahili here either
        lexicons[SWAHILI] = lexicons[SWAHILI] - _ENGLISH_IN_SHENG
    return {code: words for code, words in lexicons.items() if words}


def _by_function_words(
    text: str,
    candidates: Sequence[str],
    lexicons: dict[str, frozenset[str]],
    votes: tuple[_WordVote, ...],
    min_words: int = _FALLBACK_MIN_WORDS,
    ratio: float = _FALLBACK_RATIO,
) -> str:
    """The candidate whose everyday words make most of the line, by a clear lead, or "" where none leads.

    A word two candidates share ("a", "no", "on") is evidence for neither.
    """
    return _leader(_word_counts(text, candidates, lexicons, votes), min_words, ratio)


def _leader(counts: dict[str, int], min_words: int, ratio: float) -> str:
    """The language with at least `min_words` words and more than `ratio` times any other's, or "" where none."""
    ranked = sorted(((n, code) for code, n in counts.items()), reverse=True)
    if not ranked or ranked[0][0] < min_words:
        return UNDETERMINED
    if len(ranked) > 1 and ranked[0][0] <= ratio * ranked[1][0]:
        return UNDETERMINED
    return ranked[0][1]


def _word_counts(
    text: str, candidates: Sequence[str], lexicons: dict[str, frozenset[str]], votes: tuple[_WordVote, ...]
) -> dict[str, int]:
    """How many of the line's words each candidate alone owns (listed, or of its verbs' shape)."""
    candidates = [code for code in candidates if code in lexicons]
    counts = dict.fromkeys(candidates, 0)
    for owner in _sole_owners(text, candidates, lexicons, votes):
        counts[owner] += 1
    return counts


def _sole_owners(
    text: str, candidates: Sequence[str], lexicons: dict[str, frozenset[str]], votes: tuple[_WordVote, ...]
) -> Iterator[str]:
    """For each of the line's words that one candidate alone owns, in order, that candidate."""
    verbs = {vote.code: vote for vote in votes}
    for token in _TOKEN.findall(text.lower()):
        owners = [code for code in candidates if token in lexicons[code] or (code in verbs and verbs[code].owns(token))]
        if len(owners) == 1:
            yield owners[0]


@functools.lru_cache(maxsize=4)
def _configured_words(codes: tuple[str, ...]) -> frozenset[str]:
    """Every configured language's everyday words and voting words."""
    return frozenset().union(*_function_words(codes).values(), *(vote.words for vote in _word_votes(codes)))


@dataclass(frozen=True)
class _Outside:
    """The stop words of languages outside the configured ones that no configured language uses, per language."""

    languages: tuple[tuple[str, frozenset[str]], ...]
    # All of them together: most lines hold fewer than two and need no look per language.
    any: frozenset[str]


@functools.lru_cache(maxsize=4)
def _outside_words(codes: tuple[str, ...]) -> _Outside:
    """Each unconfigured language's stop words that no configured language uses: evidence of that language alone."""
    own = _configured_words(codes)
    lists = ((code, language_words(code)) for code in _OUTSIDE_LANGUAGES if code not in codes)
    languages = tuple(
        (code, frozenset(w for w in words if len(w) >= _OUTSIDE_MIN_LETTERS) - own) for code, words in lists if words
    )
    return _Outside(languages, frozenset().union(*(words for _, words in languages)))


def _outside(
    words: list[str],
    found: str,
    mine: frozenset[str],
    vote: _WordVote | None,
    outside: _Outside,
) -> bool:
    """Whether the line is in a language outside the configured ones: more of its words are that language's own.

    `mine`: the everyday words of the language found (of every configured one for an undetermined line), `vote`
    that language's word vote if it has one. "Heb je deze al gedaan?" holds three Dutch words and none only German's:
    German is no answer to give.
    """
    if sum(w in outside.any for w in words) < _OUTSIDE_MIN_WORDS:
        return False
    for code, theirs in outside.languages:
        if code in _ENGLISH_KIN and found in (ENGLISH, UNDETERMINED):
            continue
        count = sum(w in theirs for w in words)
        if count < _OUTSIDE_MIN_WORDS:
            continue
        ours = sum(
            len(w) >= _OUTSIDE_MIN_LETTERS and w not in theirs and (w in mine or bool(vote and vote.owns(w)))
            for w in words
        )
        if count > ours:
            return True
    return False


def _spaced_words(text: str) -> str:
    """`text` with each link, e-mail address and run of figures, punctuation and spaces made one space."""
    return (_NOT_WORDS if "@" in text else _NOT_WORDS_NOR_ADDRESSES).sub(" ", text)


def _distinct_words(text: str) -> list[str]:
    """The line's distinct words, lower-cased, without links, e-mail addresses or figures."""
    return list(dict.fromkeys(_WORD.findall(_spaced_words(text.lower()))))


def _short(words: frozenset[str]) -> frozenset[str]:
    """Words of two letters, which other languages write too ("ko", "ka" and "ng" are Tagalog)."""
    return frozenset(w for w in words if len(w) < 3)


def language_words(code: str) -> frozenset[str]:
    """A configured language's everyday words: spaCy's stop words and the chat words of its lists."""
    import importlib

    try:
        stop_words = importlib.import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS
    except ModuleNotFoundError:
        stop_words = ()
    return frozenset(w.lower() for w in stop_words) | CHAT_WORDS_BY_LANGUAGE.get(code, frozenset())


def _generated_hindi_words() -> frozenset[str]:
    lines = _ROMAN_HINDI_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _vote_words(text: str) -> list[str]:
    """The line's words, lower-cased, a Swahili prefix kept on the English verb it is hyphenated to ("ku-book")."""
    lowered = text.lower()
    if "-" not in lowered:  # no hyphenated verb to keep: most lines
        return _WORD.findall(_spaced_words(lowered))
    joined = [f"{prefix}-{stem}" for prefix, stem in _SWAHILI_HYPHENATED.findall(lowered)]
    rest = _spaced_words(_SWAHILI_HYPHENATED.sub(" ", lowered))
    return joined + _WORD.findall(rest)


def _detect(
    confidences_of: Callable[[str], list],
    text: str,
    min_confidence: float,
    votes: tuple[_WordVote, ...],
    lexicons: dict[str, frozenset[str]],
    outside: _Outside | None = None,
) -> str:
    found = _detect_configured(confidences_of, text, min_confidence, votes, lexicons)
    if not (found and outside and outside.any):
        return found
    # The cheap look first: most lines hold no two words of any outside language, links and addresses included.
    if sum(word in outside.any for word in _WORD.findall(text.lower())) < _OUTSIDE_MIN_WORDS:
        return found
    vote = next((vote for vote in votes if vote.code == found), None)
    elsewhere = _outside(_distinct_words(text), found, lexicons.get(found, frozenset()), vote, outside)
    return UNDETERMINED if elsewhere else found


def _detect_configured(
    confidences_of: Callable[[str], list],
    text: str,
    min_confidence: float,
    votes: tuple[_WordVote, ...],
    lexicons: dict[str, frozenset[str]],
) -> str:
    words = " ".join(_spaced_words(text).split())
    letters = sum(map(str.isalpha, words))
    if letters == 0:
        return UNDETERMINED
    # Romanized Hindi and Swahili chats are plain ASCII: an accent ("cartão", "entrega à") is another language.
    # One word is too little to tell ("Sawa", "Asante"): the line takes its chat's language instead.
    if votes and words.isascii():
        lowered = _vote_words(text)
        for vote in votes if len(lowered) > 1 else ():
            if vote.wins(lowered):
                return vote.code
    # Scripts other than Latin say it in a few letters ("मुझे", "مرحبا"); Latin needs a sentence.
    # Counted only for short text: a line with enough letters goes to the detector whatever its script.
    if letters < MIN_LETTERS:
        latin = sum("a" <= char.lower() <= "z" or "\u00c0" <= char <= "\u024f" for char in words)
        if latin * 2 > letters:
            return _by_function_words(text, sorted(lexicons), lexicons, votes, _SHORT_MIN_WORDS)
    confidences = confidences_of(words)
    if not confidences:
        return UNDETERMINED
    best = confidences[0].language.iso_code_639_1.name.lower()
    if confidences[0].value >= min_confidence and (
        len(confidences) == 1 or confidences[0].value - confidences[1].value >= MIN_MARGIN
    ):
        return _unless_words_deny(text, best, lexicons, votes)
    candidates = [c.language.iso_code_639_1.name.lower() for c in confidences if c.value >= _FALLBACK_MIN_CONFIDENCE]
    found = _by_function_words(text, candidates, lexicons, votes)
    if found or best != ENGLISH or any(vote.owns(word) for vote in votes for word in _vote_words(text)):
        return found
    # Lingua leans to English but is unsure ("Pasabuy naman, I will pay via GCash later"), and no word is Hindi's or
    # Swahili's (those lines take their chat's language): English when its function words outnumber each other
    # candidate's, however few the line holds.
    return ENGLISH if _by_function_words(text, candidates, lexicons, votes, 1, 1) == ENGLISH else UNDETERMINED


def _unless_words_deny(text: str, best: str, lexicons: dict[str, frozenset[str]], votes: tuple[_WordVote, ...]) -> str:
    """Lingua's sure answer, unless the line holds not one of that language's words and a clear lead of another's.

    Names of people and places carry lingua's reading of a short line ("Hi there Wanjiru here, my stall is at
    Gikomba": Swahili 0.77) where its words are all English's; a line of the language found holds at least one of
    its everyday words ("Karibu sana, Wanjiru yuko Gikomba leo").
    """
    # Nearly every line holds a word of the language found early on: its other words need not be weighed.
    if best in _sole_owners(text, sorted(lexicons), lexicons, votes):
        return best
    counts = _word_counts(text, sorted(lexicons), lexicons, votes)
    return _leader(counts, _DENY_MIN_WORDS, _FALLBACK_RATIO) or best


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
