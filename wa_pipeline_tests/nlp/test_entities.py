import json
from datetime import UTC, datetime

import pytest

from wa_pipeline.nlp.entities import extract_entities
from wa_pipeline.nlp.entity import Entity
from wa_pipeline.nlp.spacy_model import load_ner

NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT"}


def labelled(entities):
    return [(e.label, e.text) for e in entities]


def test_names_and_places_are_read_from_the_words_around_them_and_rules_find_the_rest():
    sent = datetime(2026, 11, 18, 7, 30, tzinfo=UTC)
    [found] = extract_entities(
        ["Hi John, please send 5 bags of maize to Nairobi tomorrow."], "KE", sent_at=[sent], timezone="Africa/Nairobi"
    )
    assert [(e.label, e.text, e.value, e.source) for e in found] == [
        ("PERSON", "John", "John", "rule"),
        ("QUANTITY", "5 bags of maize", "5 bag of maize", "rule"),
        ("GPE", "Nairobi", "Nairobi", "rule"),
        ("DATE", "tomorrow", "2026-11-19", "rule"),
    ]


def test_the_models_numbers_and_dates_give_way_to_rules():
    # The small model calls "3,200" a CARDINAL and "tomorrow" a DATE; only the rules' readings are kept.
    sent = datetime(2026, 11, 18, 7, 30, tzinfo=UTC)
    [found] = extract_entities(["Total is 3,200 for 2 bags, due tomorrow"], "KE", sent_at=[sent])
    assert labelled(found) == [("QUANTITY", "2 bags"), ("DATE", "tomorrow")]
    assert {e.source for e in found} == {"rule"}


def test_currency_code_is_not_an_org():
    # The raw model does call these ORG/PERSON; the extraction must not.
    texts = ["Balance: KES 12,000", "Please pay the KES balance today", "Confirmed. KES 1,000.00 sent to Mary"]
    raw = [[(e.text, e.label_) for e in doc.ents] for doc in load_ner().pipe(texts)]
    assert ("KES", "ORG") in raw[0] and ("KES", "ORG") in raw[1]
    for found in extract_entities(texts, "KE"):
        assert not any(e.text.startswith("KES") and e.source == "model" for e in found)
    assert [e.value for found in extract_entities(texts, "KE") for e in found if e.label == "MONEY"] == [
        "KES 12000.00",
        "KES 1000.00",
    ]


def test_email_and_url_rules():
    text = "Invoice to Jane.Doe@Shop.co.ke. Catalogue: https://shop.example.com/p?id=3). Also www.example.org!"
    [found] = extract_entities([text], "KE")
    rules = [e for e in found if e.source == "rule"]
    assert [(e.label, e.text, e.value) for e in rules] == [
        ("EMAIL", "Jane.Doe@Shop.co.ke", "jane.doe@shop.co.ke"),
        ("URL", "https://shop.example.com/p?id=3", "https://shop.example.com/p?id=3"),
        ("URL", "www.example.org", "www.example.org"),
    ]
    assert all(text[e.start : e.end] == e.text for e in found)


def test_rule_span_beats_overlapping_model_span():
    text = "Email jane@shop.co.ke or call Jane on 0722 123456"
    # The model reads "Email jane@shop.co.ke" as a PERSON and the phone as a DATE.
    raw = [(e.text, e.label_) for e in load_ner()(text).ents]
    assert ("Email jane@shop.co.ke", "PERSON") in raw
    [found] = extract_entities([text], "KE")
    assert labelled(found) == [("EMAIL", "jane@shop.co.ke"), ("PERSON", "Jane"), ("PHONE", "0722 123456")]
    assert found[-1].value == "+254722123456"


def test_empty_and_missing_texts_give_no_entities_in_place():
    text = "Please deliver it to Mombasa tomorrow"
    results = extract_entities(["", None, "   ", text, text], "KE")
    assert results[:3] == [[], [], []]
    assert labelled(results[3]) == labelled(results[4]) == [("GPE", "Mombasa"), ("DATE", "tomorrow")]
    assert results[3] is not results[4]
    assert extract_entities([], "KE") == []


def test_entity_dict_is_json_ready():
    entity = Entity("PHONE", "0722 123456", 3, 14, "+254722123456", "rule")
    assert json.loads(json.dumps(entity.to_dict())) == {
        "label": "PHONE",
        "text": "0722 123456",
        "start": 3,
        "end": 14,
        "value": "+254722123456",
        "source": "rule",
    }


def test_ner_pipeline_is_loaded_once_and_lean():
    nlp = load_ner()
    assert load_ner() is nlp
    assert "ner" in nlp.pipe_names
    assert not {"tagger", "parser", "attribute_ruler", "lemmatizer"} & set(nlp.pipe_names)


def test_chat_words_around_a_name_are_not_part_of_it():
    texts = ["Hii ni ya Mrs Njoroge, atalipa kesho", "Kal tak delivery ho jayegi? Bahut urgent hai 🙏"]
    first, second = extract_entities(texts, "KE")
    assert [(e.label, e.text) for e in first if e.label in NAME_LABELS] == [("PERSON", "Njoroge")]
    assert [e for e in second if e.label in NAME_LABELS] == []


def test_one_moment_per_text_is_required():
    with pytest.raises(ValueError, match="sent_at"):
        extract_entities(["a", "b"], "KE", sent_at=[None])


def test_one_language_per_text_is_required_and_each_text_is_read_in_its_own():
    with pytest.raises(ValueError, match="languages"):
        extract_entities(["a", "b"], "DE", languages=["de"])
    texts = ["Liefern Sie nach Halle?", "Die Halle war voll, danke"]
    german, also_german = extract_entities(texts, "DE", languages=["de", "de"])
    assert labelled(german) == [("GPE", "Halle")] and also_german == []  # a town after "nach", else a hall


def test_default_currency_and_region_currency():
    [found] = extract_entities(["Ni 1,500/= tu"], "UG")
    assert [e.value for e in found] == ["UGX 1500"]
    [found] = extract_entities(["Ni 1,500/= tu"], "UG", default_currency="KES")
    assert [e.value for e in found] == ["KES 1500.00"]


def test_offsets_always_point_into_the_text():
    texts = [
        "Paid KES 3,500 via M-Pesa, ref QK7XZ12AB3. Call Brian on 0722 123456 tomorrow 5pm",
        "Please send 20 loaves and 3 cakes to Kilimani, email orders@mamamboga.co.ke",
    ]
    for text, found in zip(texts, extract_entities(texts, "KE")):
        assert found and all(text[e.start : e.end] == e.text for e in found)
        assert all(not a.overlaps(b) for i, a in enumerate(found) for b in found[i + 1 :])


# Lower-case lines the model does label (a PERSON "john kamau", an ORG in Devanagari, "ich bin" as a name).
LOWER_CASE_LINES = [
    "send it to john kamau in nairobi by friday",
    "tuma pesa kwa mpesa ya safaricom leo",
    "mujhe kal delhi mein amazon se delivery chahiye",
    "मुझे कल दिल्ली भेज दो",
    "bonjour, livraison à paris chez carrefour",
    "ich bin in berlin bei aldi, 2 kisten bier",
    "call mary at the java house in kilimani, 0722 123456",
]


def test_a_text_without_a_capital_is_read_as_the_model_would_read_it(monkeypatch):
    # Such a text is only tokenised (`_model_can_name`): what the model would find there must make no difference.
    from wa_pipeline.nlp import entities

    assert any(doc.ents for doc in load_ner().pipe(LOWER_CASE_LINES))
    assert not any(entities._model_can_name(text) for text in LOWER_CASE_LINES)
    sent = [datetime(2026, 11, 18, 7, 30, tzinfo=UTC)] * len(LOWER_CASE_LINES)
    languages = ["en", "sw", "hi", "hi", "fr", "de", "en"]
    tokenised = extract_entities(LOWER_CASE_LINES, "KE", sent_at=sent, languages=languages)
    monkeypatch.setattr(entities, "_model_can_name", lambda text: True)
    assert tokenised == extract_entities(LOWER_CASE_LINES, "KE", sent_at=sent, languages=languages)


def test_only_a_text_with_a_capital_is_given_to_the_model():
    from wa_pipeline.nlp.entities import _model_can_name

    assert [_model_can_name(t) for t in ["call John", "ÉMILE", "ǅemal", "ok", "हाँ", "0722 123456", ""]] == [
        True,
        True,
        False,  # a title-case letter is no capital to `_model_entity` either
        False,
        False,
        False,
        False,
    ]
