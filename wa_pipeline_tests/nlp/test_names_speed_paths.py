"""The shortcuts that make names and products fast read what the full rules read: the per-word lexicon cache gives
each word spaCy's own attributes, and passing over plain words finds the same names and products."""

from pathlib import Path

import pytest

from wa_pipeline.nlp import names
from wa_pipeline.nlp.gazetteer import load_gazetteer
from wa_pipeline.nlp.heldout import load_heldout
from wa_pipeline.nlp.names import Words, find_names
from wa_pipeline.nlp.products import find_products, with_products
from wa_pipeline.nlp.spacy_model import load_ner

DEV = Path(__file__).parent / "data" / "dev"
# The same words in other places, cases and spacing; a title-case letter (no capital), a capital with no lower
# case ("ℋ"), emoji, line breaks and figures.
TEXTS = [
    "Hello Wanjiku,  2 packets of Omo pls\n\nok 👍",
    "hello wanjiku 2 PACKETS of omo PLS ok👍 ǅemal ℋotel",
    "OK. Omo, omo, OMO — packets\tof Omo?",
    "Nimetuma 2k kwa mpesa na airtel money, tecno camon 20 iko?",
    "mohit bhaiya ne bola kal aayega, rahul ko bol dena",
]
ATTRIBUTES = ("i", "idx", "text", "lower_", "whitespace_", "is_alpha", "is_lower", "is_space", "is_digit", "is_punct")
ATTRIBUTES += ("like_num", "is_currency")


def _same_as_spacy(doc) -> None:
    words = Words(doc)
    assert words.text == doc.text
    assert len(words) == len(doc)
    for word, token in zip(words, doc, strict=True):
        for name in ATTRIBUTES:
            assert getattr(word, name) == getattr(token, name), (token.text, name)
        assert word.has_capital == any(char.isupper() for char in token.text)


def test_words_read_from_the_lexicon_cache_have_spacys_attributes(monkeypatch):
    monkeypatch.setattr(names, "_LEXICONS", {})
    nlp = load_ner()
    for text in TEXTS:  # the first sight of each word fills the cache, later texts read it from there
        _same_as_spacy(nlp(text))
    for text in TEXTS:
        _same_as_spacy(nlp(text))


def test_a_full_lexicon_starts_afresh_and_reads_the_same(monkeypatch):
    monkeypatch.setattr(names, "_LEXICONS", {})
    monkeypatch.setattr(names, "_LEXICON_SIZE", 3)
    nlp = load_ner()
    for text in TEXTS * 2:
        _same_as_spacy(nlp(text))
    assert all(len(lexicon) <= 3 for lexicon in names._LEXICONS.values())


def _read(texts, language, region):
    nlp = load_ner()
    gazetteer = load_gazetteer(nlp)
    return [
        with_products(
            find_names(doc, region, gazetteer, language=language), find_products(doc, gazetteer, language, region)
        )
        for doc in nlp.pipe(texts)
    ]


@pytest.mark.parametrize(
    ("files", "language", "region"),
    [
        (["en_names.txt", "products.txt"], "en", "KE"),
        (["hi.txt"], "hi", "IN"),
        (["sw.txt"], "sw", "KE"),
        (["de.txt"], "de", "DE"),
        (["es.txt", "pt.txt", "fr.txt"], None, None),
    ],
)
def test_passing_over_plain_words_finds_what_every_rule_finds(monkeypatch, files, language, region):
    texts = TEXTS + [message.text for name in files for message in load_heldout(DEV / name)]
    fast = _read(texts, language, region)
    monkeypatch.setattr(names, "PASS_OVER_PLAIN_WORDS", False)
    assert _read(texts, language, region) == fast


def test_the_word_lists_leave_the_cyclic_collector_nothing_to_walk():
    """Every listed name's key and spellings drop out of the collector's sight: a set per name stayed tracked for the
    life of the process, and every full collection walked some 94,000 of them."""
    import gc

    gazetteer = load_gazetteer(load_ner())
    gc.collect()
    lists = [gazetteer.organisations, gazetteer.products, gazetteer.places, *gazetteer.towns.values()]
    tracked = [pair for names_ in lists for pair in names_.entries.items() if any(map(gc.is_tracked, pair))]
    assert sum(len(names_.entries) for names_ in lists) > 90_000
    assert tracked == []
