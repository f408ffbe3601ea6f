"""Hybrid entity extraction: rules for everything with a fixed shape (money, quantities, references, dates,
phones, emails, URLs); names, organisations, places and products from the spaCy NER pass, labelled by
gazetteers and the words around them with the model's label as the last resort (names.py); the business's
own patterns.

Where spans overlap, the more trustworthy one stays: user patterns, then emails and URLs, references,
phones, money, dates and quantities, in that order (a longer span first within one kind); a name survives
only where no rule span overlaps it, except a product inside a quantity of a message not in English.
"""

from __future__ import annotations

import functools
import mimetypes
import re
from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from wa_pipeline.nlp.chat_words import CHAT_WORDS
from wa_pipeline.nlp.currencies import CURRENCY_CODES, currency_for_region
from wa_pipeline.nlp.dates import DATE, DateOrder, find_dates
from wa_pipeline.nlp.entity import Entity
from wa_pipeline.nlp.gazetteer import Gazetteer, load_gazetteer
from wa_pipeline.nlp.money import MONEY, find_money
from wa_pipeline.nlp.names import CODE, NOT_ORGANISATIONS, common_nouns, find_names
from wa_pipeline.nlp.organisations import with_organisations
from wa_pipeline.nlp.patterns import PatternSet, load_patterns
from wa_pipeline.nlp.phones import PHONE, find_phones
from wa_pipeline.nlp.products import find_products, with_products
from wa_pipeline.nlp.quantities import QUANTITY, find_quantities
from wa_pipeline.nlp.references import REFERENCE, find_references
from wa_pipeline.nlp.spacy_model import DEFAULT_MODEL, load_ner

# Only the model's names, organisations, places (FAC: malls, roads, buildings, where deliveries go) and
# products are used, as guesses; its numbers, money and dates on chat text are unreliable ("KES" -> ORG,
# "USD 3684.00" -> CARDINAL) and are left to rules.
MODEL_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT"})
# The model is English: on lines in these languages (as detected) its guesses were wrong more often than right on the
# dev sets (a business read as a person, a product as an organisation), and the entity and names F1 of each rose
# without them, so the rules alone name things there and the model's pass, most of the cost of a line, is spared.
# Spanish lost names the rules do not find, so the model still reads its lines that may hold one (below).
UNMODELLED_LANGUAGES = frozenset({"pt", "fr", "sw"})
# Languages whose lines the model reads only where a capitalised word that opens no sentence is neither in the
# language's dictionary nor one of its everyday words (`_unlisted_capital`): the names rules take no model guess for
# a word opening a sentence, German capitalises every noun, and a capitalised stop word or weekday is no name.
# `test_model_languages.py` holds the rule to that: every English, German, Spanish and Hinglish dev line finds the
# same entities with the rule as with the model reading it. Romanized Hindi has no dictionary here, so its lines skip
# the model only where every capital opens a sentence ("Bhai kal aa jana. Payment ho gaya"): 108 of the 240 distinct
# Hinglish dev texts holding a capital (by detected language, no region).
UNLISTED_CAPITAL_LANGUAGES = frozenset({"en", "de", "es", "hi"})
# Of those, languages where a word that is a listed business, product, place or town alone needs no model either:
# the German and Spanish dev figures stayed the same, but English lines lost names whose words are listed things.
# So read, the English, German and Spanish dev figures are those of every line read, and of the distinct texts of
# every dev file that hold a capital (by detected language, no region) 41% (English), 67% (German) and 57% (Spanish)
# skip the model's pass.
LISTS_SETTLE_LANGUAGES = frozenset({"de", "es"})
# A word, hyphenated parts and all ("Freitag-Tasche", "iPhone", "A54").
_HYPHENATED_WORD = re.compile(r"[^\W_][\w-]*")
_SENTENCE_END = "!?:\n…-*"

EMAIL = "EMAIL"
URL = "URL"
RULE_LABELS = (MONEY, QUANTITY, REFERENCE, DATE, PHONE, EMAIL, URL)

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_URL = re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\"*_~"
_BRACKETS = {")": "(", "]": "[", "}": "{"}

# Overlap priority of rule kinds (lower wins); user patterns come before all of them.
_PRIORITY = {EMAIL: 1, URL: 1, REFERENCE: 2, PHONE: 3, MONEY: 4, DATE: 5, QUANTITY: 6}
_PATTERN_PRIORITY = 0

# How East African chats write shillings as often as the ISO code.
_CURRENCY_SHORTHANDS = frozenset({"ksh", "kshs", "ush", "ushs", "tsh", "tshs", "shs"})
_CODE_AND_FIGURE = re.compile(r"([A-Za-z]{2,4})\.?\s*[\d.,]*")
# Words the model folds into a name ("Mambo Brian", "Hii ni ya Mrs Njoroge", "Call Thandi"), or takes for
# one: chat words of the languages our customers write, titles, and what surrounds a name in a message.
_NOT_NAME_WORDS = CHAT_WORDS | frozenset(
    "mr mr. mrs mrs. ms ms. dr dr. prof dear call email ring text whatsapp sms tel ref paybill till lipa good "
    "morning evening afternoon night thanks thank cheers ok okay send deliver bring pay pick collect drop check "
    "confirm namaste ssebo nyabo oga madam".split()
)


def extract_entities(
    texts: Sequence[str | None],
    region: str | None = None,
    *,
    sent_at: Sequence[datetime | None] | None = None,
    timezone: str | tzinfo = "UTC",
    default_currency: str | None = None,
    date_order: DateOrder = "DMY",
    patterns: str | Path | PatternSet | None = None,
    batch_size: int = 256,
    model: str = DEFAULT_MODEL,
    languages: Sequence[str | None] | None = None,
) -> list[list[Entity]]:
    """Entities of each text, in text order; empty or None text gives [].

    `region` (ISO 3166 alpha-2) reads local phone numbers and, without `default_currency`, picks the
    currency of "$", "/=", "Rs"; `sent_at` (one timezone-aware moment per text, or None for now) and
    `timezone` resolve relative dates; `date_order` reads "03/04"; `patterns` is a YAML patterns file;
    `languages` (one ISO 639-1 code per text, "" or None where unknown) tells names which common nouns to expect.
    """
    if sent_at is not None and len(sent_at) != len(texts):
        raise ValueError(f"sent_at has {len(sent_at)} moments for {len(texts)} texts")
    if languages is not None and len(languages) != len(texts):
        raise ValueError(f"languages has {len(languages)} codes for {len(texts)} texts")
    tz = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
    currency = default_currency.upper() if default_currency else currency_for_region(region)
    pattern_set = load_patterns(patterns) if isinstance(patterns, (str, Path)) else patterns

    # Chats repeat themselves ("ok", "thanks"): each distinct text goes through the model and the
    # date-independent rules once; only dates depend on when a message was sent.
    distinct = list(dict.fromkeys(text for text in texts if isinstance(text, str) and text.strip()))
    if not distinct:
        return [[] for _ in texts]
    nlp = load_ner(model)
    compiled = pattern_set.compile(nlp) if pattern_set is not None else None
    gazetteer = load_gazetteer(nlp)
    static: dict[str, list[tuple[int, Entity]]] = {
        text: _ranked(_static_rules(text, region, currency)) for text in distinct
    }
    modelled: dict[str, list[Entity]] = {}
    # A text repeated in several languages ("Ok") is read in the first one given: its names do not depend on it.
    language_of: dict[str, str | None] = {}
    for text, code in zip(texts, languages if languages is not None else [None] * len(texts)):
        if isinstance(text, str):
            language_of.setdefault(text, code)
    worded = [text for text in distinct if any(char.isalpha() for char in text)]
    # The model's spans count only where they hold a capital (`_model_entity`), and nothing else reads its labels
    # unless a token pattern asks for them: a text without a capital is only tokenised, which costs a fraction of
    # the model's pass over it (lower-case chat, Devanagari).
    everything = compiled is not None and compiled.reads_entities
    read = [_model_reads(text, language_of.get(text), gazetteer, region) for text in worded]
    for text, doc, wanted in zip(worded, _docs(nlp, worded, batch_size, everything, read), read):
        if compiled is not None:
            static[text] = [*((_PATTERN_PRIORITY, e) for e in compiled.find(doc)), *static[text]]
        # Where the model is not wanted but ran for the patterns, its guesses are still not taken.
        guesses = (
            [span for span in (_model_entity(ent, text) for ent in doc.ents) if span is not None] if wanted else []
        )
        names = find_names(doc, region, gazetteer, guesses, language=language_of.get(text))
        names = with_organisations(doc, names, gazetteer, language_of.get(text))
        modelled[text] = with_products(names, find_products(doc, gazetteer, language_of.get(text), region))

    results = []
    for index, text in enumerate(texts):
        if not isinstance(text, str) or text not in static:
            results.append([])
            continue
        moment = sent_at[index] if sent_at is not None else None
        dates = _ranked(find_dates(text, moment, tz, date_order, language=language_of.get(text)))
        merged = _merge([*static[text], *dates], modelled.get(text, []), language_of.get(text))
        results.append(_without_field_names(text, merged, gazetteer) if ":" in text else merged)
    return results


# A form's field names, a capitalised word or two before a colon at the start of a line or after a comma, a bracket
# or a sentence's end: "Bal:", "Desc:", "Avl Bal:", "Merchant Code:" of the bank and mobile money alerts customers
# paste. Not "https:".
_FIELD = re.compile(r"(?:^|(?<=[\n,(])|(?<=\. ))[ \t]*(?P<name>[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)?)[ \t]?:(?!/)")
_FIELD_VALUES = frozenset({MONEY, DATE, REFERENCE, PHONE})
_LONGEST_ABBREVIATED_FIELD = 3


def _without_field_names(text: str, entities: list[Entity], gazetteer: Gazetteer) -> list[Entity]:
    """`entities` without the names the model made of a form's field names, in a message of two fields or more of
    which one holds an amount, a date, a reference or a phone number right after its colon: "Bal: ₦12,000" is no
    person. A listed given name there is a list of people ("Wanjiku: KES 500"), unless it is as short as the
    abbreviated fields ("Bal", "Amt") or a date follows it ("Date: 15-Jan-2025")."""
    fields = list(_FIELD.finditer(text))
    if len(fields) < 2:
        return entities
    starts = {entity.start: entity.label for entity in entities if entity.label in _FIELD_VALUES}

    def value_after(field: re.Match) -> str | None:
        at = field.end()
        while at < len(text) and text[at] in " \t":
            at += 1
        return starts.get(at)

    if not any(value_after(field) for field in fields):
        return entities
    dropped = set()
    for field in fields:
        words = field.group("name").lower().split()
        listed = all(word in gazetteer.people for word in words)
        if not listed or len(field.group("name")) <= _LONGEST_ABBREVIATED_FIELD or value_after(field) == DATE:
            dropped.add((field.start("name"), field.end("name")))
    return [entity for entity in entities if entity.label in RULE_LABELS or (entity.start, entity.end) not in dropped]


def _docs(nlp, texts: list[str], batch_size: int, everything: bool, read: list[bool]):
    """Each text's Doc, in order: the model's where it is `read` (or `everything`), else the tokenizer's."""
    if everything:
        yield from nlp.pipe(texts, batch_size=batch_size)
        return
    modelled = nlp.pipe([text for text, wanted in zip(texts, read) if wanted], batch_size=batch_size)
    for text, wanted in zip(texts, read):
        yield next(modelled) if wanted else nlp.make_doc(text)


def _model_reads(
    text: str, language: str | None, gazetteer: Gazetteer | None = None, region: str | None = None
) -> bool:
    """Whether the model's guesses are wanted for `text` in `language`, and it could name something there."""
    if language in UNMODELLED_LANGUAGES or not _model_can_name(text):
        return False
    return language not in UNLISTED_CAPITAL_LANGUAGES or _unlisted_capital(text, language, gazetteer, region)


def _unlisted_capital(text: str, language: str, gazetteer: Gazetteer | None, region: str | None) -> bool:
    """Whether a capitalised word of `text` that opens no sentence is neither a word of `language`'s dictionary nor
    one of its everyday words (each part of a hyphenated word), nor, in `LISTS_SETTLE_LANGUAGES`, a listed name:
    the only capital whose reading may take the model's guess."""
    words = _everyday_words(language)
    settles = gazetteer is not None and language in LISTS_SETTLE_LANGUAGES
    capitals = [match for match in _HYPHENATED_WORD.finditer(text) if any(map(str.isupper, match.group()))]
    for n, match in enumerate(capitals):
        if _opens_sentence(text, match.start()) or all(
            _listed(part.lower(), words, language) for part in match.group().split("-") if part
        ):
            continue
        # A listed name settles the word only where it stands alone: beside another capital ("De Toledo") the
        # names rules read the two together, and may take the model's guess for them.
        alone = not any(
            0 <= m < len(capitals) and _side_by_side(text, capitals[min(n, m)], capitals[max(n, m)])
            for m in (n - 1, n + 1)
        )
        if not (settles and alone and _a_listed_name(match.group().lower(), gazetteer, region)):
            return True
    return False


def _side_by_side(text: str, first: re.Match, second: re.Match) -> bool:
    return not text[first.end() : second.start()].strip()


def _a_listed_name(word: str, gazetteer: Gazetteer, region: str | None) -> bool:
    """The word alone is a listed business, product, place or town, which the names rules take from their lists
    before any guess of the model's."""
    key = (word,)
    return key in gazetteer.organisations or key in gazetteer.products or gazetteer.is_place(key, region)


def _listed(word: str, words: frozenset[str], language: str) -> bool:
    """The word is one of `words`, or a German compound ending in one of its nouns ("Käsesahne", "Sendungsnummer")."""
    if word in words:
        return True
    return language == "de" and len(word) >= 8 and any(word[cut:] in words for cut in range(3, len(word) - 3))


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens the text, a line or a sentence, as the names rules tell it: what stands
    between it and the sentence's end is space, emoji or punctuation ("¿", "🙏"). A full stop ends one only after a
    lower-case word ("Dr. Wagner", "Mr. Kamau" and "G4S." may stand inside one), so a doubtful word counts as a
    word inside a sentence, where the model's guess is read."""
    before = start - 1
    while before >= 0 and not text[before].isalnum():
        if text[before] in _SENTENCE_END:
            return True
        if text[before] == ".":
            first = before
            while first > 0 and text[first - 1].isalnum():
                first -= 1
            word = text[first:before]
            return len(word) >= 2 and word.islower()
        before -= 1
    return before < 0


@functools.cache
def _everyday_words(language: str) -> frozenset[str]:
    """`language`'s dictionary words (names.common_nouns), spaCy's stop words ("Sie", "Ihnen") and dateparser's names
    of the weekdays and months ("Samstag", "March"), lower-cased."""
    import importlib

    from dateparser.languages.loader import default_loader

    stop_words = importlib.import_module(f"spacy.lang.{language}.stop_words").STOP_WORDS
    locale = default_loader.get_locale(language).info
    days = "monday tuesday wednesday thursday friday saturday sunday".split()
    months = "january february march april may june july august september october november december".split()
    calendar = frozenset(name.lower() for key in days + months for name in locale.get(key, ()) if len(name) > 3)
    return common_nouns().get(language, frozenset()) | frozenset(word.lower() for word in stop_words) | calendar


def _model_can_name(text: str) -> bool:
    """Whether a span of the model could survive `_model_entity` in `text`: only one holding a capital does."""
    return not text.islower() and any(char.isupper() for char in text)


def rule_entities(
    text: str,
    region: str | None,
    *,
    sent_at: datetime | None = None,
    timezone: str | tzinfo = "UTC",
    default_currency: str | None = None,
    date_order: DateOrder = "DMY",
) -> list[Entity]:
    """The rule entities of one text, overlaps resolved (no model, no patterns)."""
    tz = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
    currency = default_currency.upper() if default_currency else currency_for_region(region)
    ranked = [*_ranked(_static_rules(text, region, currency)), *_ranked(find_dates(text, sent_at, tz, date_order))]
    return _merge(ranked, [])


def _static_rules(text: str, region: str | None, currency: str | None) -> list[Entity]:
    return [
        *_find_emails(text),
        *_find_urls(text),
        *find_references(text),
        *find_phones(text, region),
        *find_money(text, currency),
        *find_quantities(text),
    ]


def _ranked(entities: list[Entity]) -> list[tuple[int, Entity]]:
    return [(_PRIORITY[entity.label], entity) for entity in entities]


def _merge(ranked: list[tuple[int, Entity]], model: list[Entity], language: str | None = None) -> list[Entity]:
    # A listed product's model number is not a count: "el iPhone 15 libre" holds no quantity of "libre".
    products = [span for span in model if span.label == "PRODUCT" and span.source == "rule"]
    if language in (None, "", "en"):
        # ... but a number that counts the goods after it is: "Grab 6 bagels", "pop 2 loaves", "grab 2 dozen rolls".
        counting = [p for p in products if _counts_past(p, ranked)]
        products = [p for p in products if p not in counting]
        model = [span for span in model if span not in counting]
    # Quantities are read (and annotated) in English, where a container takes in its contents ("2 packet of
    # omo"); in other languages the product inside one ("2 packet Maggi", "2 Kästen Augustiner") is kept too.
    within = [] if language in (None, "", "en") else [p for p in products if _inside_quantity(p, ranked)]
    # ... and a quantity there that cuts a product's name in two ("3 bottle Thums" of "Thums Up") is no count of it.
    ranked = [
        (rank, e) for rank, e in ranked if not (e.label == QUANTITY and any(p.start < e.end < p.end for p in within))
    ]
    ranked = [
        (rank, entity)
        for rank, entity in ranked
        if not (entity.label == QUANTITY and any(p.start < entity.start < p.end for p in products))
    ]
    kept: list[Entity] = []
    for _, entity in sorted(ranked, key=lambda pair: (pair[0], -(pair[1].end - pair[1].start), pair[1].start)):
        if not any(entity.overlaps(other) for other in kept):
            kept.append(entity)
    kept.extend(
        span
        for span in model
        if not any(span.overlaps(rule) and not (span in within and rule.label == QUANTITY) for rule in kept)
    )
    return sorted(kept, key=lambda e: (e.start, e.end))


_LAST_NUMBER = re.compile(r"\s(\d{1,4})$")


def _counts_past(product: Entity, ranked: list[tuple[int, Entity]]) -> bool:
    """The product's last word is a bare number that opens a quantity of plural goods (or dozens) after it."""
    number = _LAST_NUMBER.search(product.text)
    if number is None:
        return False
    at = product.start + number.start(1)
    for _, entity in ranked:
        if entity.label != QUANTITY or entity.start != at or entity.end <= product.end:
            continue
        written, valued = entity.text.split()[1:2], entity.value.split()[1:2]
        if written and valued and (written[0].lower() != valued[0] or valued[0] == "dozen"):
            return True  # "6 bagels" valued "6 bagel": plural goods; "iPhone 15 case" keeps its model
    return False


def _inside_quantity(product: Entity, ranked: list[tuple[int, Entity]]) -> bool:
    return any(e.label == QUANTITY and e.start < product.start < e.end for _, e in ranked)


def _model_entity(ent, text: str) -> Entity | None:
    """The model's span of `text` cleaned of the chat words around it, or None when nothing name-like is left."""
    if ent.label_ not in MODEL_LABELS:
        return None
    # The cleaned span lies inside the model's: without a capital there, none is left after cleaning (below).
    written = text[ent.start_char : ent.end_char]
    if written.islower() or not any(char.isupper() for char in written) or _is_amount(written):
        return None
    tokens = list(ent)
    # Trim whole words only: "M-Pesa" keeps its "Pesa" (Swahili for money) because no space separates them.
    while tokens and _not_part_of_name(tokens[0]) and (len(tokens) == 1 or tokens[0].whitespace_):
        tokens.pop(0)
    while tokens and _not_part_of_name(tokens[-1]) and (len(tokens) == 1 or tokens[-2].whitespace_):
        tokens.pop()
    if not tokens:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    # `text` is the doc's text (spaCy keeps every character), without `doc.text` building each token again.
    text = text[start:end]
    if len(text) < 2 or text in NOT_ORGANISATIONS or any(CODE.fullmatch(token.text) for token in tokens):
        return None  # a letter, an abbreviation, or a span holding an order or transaction code
    if text.isupper() and text.lower() in _sent_file_types():
        return None  # "send the PDF", "the PNG file": the kind of a file sent in the chat, which the model calls an ORG
    # Chat writers capitalise names; an all-lower-case span is a word the model guessed at ("hai", "ho gaya").
    if not any(char.isupper() for char in text):
        return None
    return Entity(ent.label_, text, start, end, " ".join(text.split()), "model")


@functools.cache
def _sent_file_types() -> frozenset[str]:
    """The extensions of the pictures, sound, video and documents chats send ("pdf", "png", "mp4"), from the
    standard library's own table (not the machine's mime.types, so every machine reads the same)."""
    table = mimetypes.MimeTypes(filenames=())
    documents = ("application/pdf", "application/zip", "application/msword", "text/csv")
    return frozenset(
        extension.lstrip(".")
        for types in table.types_map
        for extension, kind in types.items()
        # Excel's and PowerPoint's types are "application/vnd.ms-excel", "application/vnd.ms-powerpoint"
        if kind.split("/")[0] in ("image", "audio", "video")
        or kind in documents
        or kind.startswith("application/vnd.ms-")
    )


def _not_part_of_name(token) -> bool:
    return (
        token.is_punct
        or token.is_space
        or not any(c.isalnum() for c in token.text)
        or (token.lower_ in _NOT_NAME_WORDS)
    )


def _is_amount(text: str) -> bool:
    """A currency code, alone or with a figure ("KES", "KES 1,000.00"), or a span with no letter."""
    if not any(char.isalpha() for char in text):
        return True
    match = _CODE_AND_FIGURE.fullmatch(text.strip())
    if match is None:
        return False
    code = match.group(1)
    return code in CURRENCY_CODES or code.lower() in _CURRENCY_SHORTHANDS


def _find_emails(text: str) -> list[Entity]:
    if "@" not in text:
        return []
    return [Entity(EMAIL, m.group(), m.start(), m.end(), m.group().lower(), "rule") for m in _EMAIL.finditer(text)]


def _find_urls(text: str) -> list[Entity]:
    entities = []
    for match in _URL.finditer(text):
        url = _trim_url(match.group())
        entities.append(Entity(URL, url, match.start(), match.start() + len(url), url, "rule"))
    return entities


def _trim_url(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets that chat text puts after a URL."""
    while url:
        last = url[-1]
        if last in _BRACKETS and url.count(last) > url.count(_BRACKETS[last]):
            url = url[:-1]
        elif last in _URL_TRAILING:
            url = url[:-1]
        else:
            break
    return url
