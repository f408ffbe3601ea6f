import json

from wa_pipeline.nlp.entities import extract_entities
from wa_pipeline.nlp.entity import Entity
from wa_pipeline.nlp.spacy_model import load_ner


def labelled(entities):
    return [(e.label, e.text) for e in entities]


def test_model_finds_people_and_places():
    [found] = extract_entities(["Hi John, please send 5 bags of maize to Nairobi tomorrow."], "KE")
    assert labelled(found) == [("PERSON", "John"), ("GPE", "Nairobi")]
    assert {e.source for e in found} == {"model"}


def test_numbers_and_dates_from_the_model_are_dropped():
    [found] = extract_entities(["Total is 3,200 for 2 bags, due tomorrow"], "KE")
    assert found == []


def test_currency_code_is_not_an_org():
    # The raw model does call these ORG/PERSON; the extraction must not.
    texts = ["Balance: KES 12,000", "Please pay the KES balance today", "Confirmed. KES 1,000.00 sent to Mary"]
    raw = [[(e.text, e.label_) for e in doc.ents] for doc in load_ner().pipe(texts)]
    assert ("KES", "ORG") in raw[0] and ("KES", "ORG") in raw[1]
    for found in extract_entities(texts, "KE"):
        assert not any(e.text.startswith("KES") for e in found)


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
    assert labelled(results[3]) == labelled(results[4]) == [("GPE", "Mombasa")]
    assert results[3] is not results[4]
    assert extract_entities([], "KE") == []


def test_entity_dict_is_json_ready():
    entity = Entity("PHONE", "0722 123456", 3, 14, "+254722123456", "rule")
    assert json.loads(json.dumps(entity.to_dict())) == {
        "label": "PHONE", "text": "0722 123456", "start": 3, "end": 14, "value": "+254722123456", "source": "rule",
    }


def test_ner_pipeline_is_loaded_once_and_lean():
    nlp = load_ner()
    assert load_ner() is nlp
    assert "ner" in nlp.pipe_names
    assert not {"tagger", "parser", "attribute_ruler", "lemmatizer"} & set(nlp.pipe_names)
