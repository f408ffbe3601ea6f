import pytest

from wa_pipeline.nlp.entities import extract_entities
from wa_pipeline.nlp.patterns import EXAMPLE_PATTERNS, PatternFileError, load_patterns


def write(tmp_path, body):
    path = tmp_path / "patterns.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_shipped_example_loads_and_matches_phrases_and_token_patterns():
    texts = ["Naomba 6 Mandazi na chapatti mbili", "Is the wedding cake ready? Pick it at our Westlands branch"]
    first, second = extract_entities(texts, "KE", patterns=EXAMPLE_PATTERNS)
    assert ("PRODUCT", "Mandazi", "Mandazi") in [(e.label, e.text, e.value) for e in first]
    assert ("PRODUCT", "chapatti", "Chapati") in [(e.label, e.text, e.value) for e in first]
    labelled = [(e.label, e.text, e.value, e.source) for e in second]
    assert ("PRODUCT", "wedding cake", "wedding cake", "rule") in labelled
    assert ("BRANCH", "Westlands branch", "Westlands", "rule") in labelled


def test_a_pattern_beats_an_overlapping_model_entity(tmp_path):
    path = write(tmp_path, "patterns:\n  - label: PRODUCT\n    pattern: Galaxy A05\n")
    [found] = extract_entities(["For 10k tuko na Samsung Galaxy A05"], "KE", patterns=path)
    products = [e for e in found if e.label == "PRODUCT"]
    assert [(e.text, e.source) for e in products] == [("Galaxy A05", "rule")]
    assert not any(e.overlaps(products[0]) for e in found if e is not products[0])


def test_the_file_is_reread_when_it_changes(tmp_path):
    path = write(tmp_path, "patterns:\n  - {label: PRODUCT, pattern: mandazi}\n")
    assert [p.label for p in load_patterns(path).patterns] == ["PRODUCT"]
    path.write_text("patterns:\n  - {label: BRANCH, pattern: Ngara branch}\n  - {label: GPE, pattern: Ngara}\n")
    assert [p.label for p in load_patterns(path).patterns] == ["BRANCH", "GPE"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("patterns:\n  - label: PRODUCT\n    pattern: [{POS: NOUN}]\n", "POS"),
        ("patterns: {}\n", "patterns:"),
        ("patterns:\n  - pattern: mandazi\n", "label"),
        ("patterns:\n  - {label: X, pattern: [{LOWER: a, NOPE: 1}]}\n", "pattern 1"),
        ("patterns: [\n", "YAML"),
    ],
)
def test_bad_files_say_what_to_fix(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(PatternFileError, match=message):
        extract_entities(["some text"], "KE", patterns=path)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(PatternFileError, match="patterns file"):
        load_patterns(tmp_path / "nope.yaml")


def test_a_token_pattern_on_the_models_labels_has_every_text_read_by_the_model(tmp_path):
    # Lower-case text is otherwise only tokenised (entities._model_can_name), which leaves ENT_TYPE unset.
    from wa_pipeline.nlp.spacy_model import load_ner

    nlp = load_ner()
    phrases = load_patterns(write(tmp_path, "patterns:\n  - {label: PRODUCT, pattern: mandazi}\n"))
    assert not phrases.compile(nlp).reads_entities
    by_label = tmp_path / "labels.yaml"
    by_label.write_text("patterns:\n  - {label: CITY, pattern: [{ent_type: GPE}]}\n", encoding="utf-8")
    assert load_patterns(by_label).compile(nlp).reads_entities
    [found] = extract_entities(["send it to john kamau in nairobi by friday"], "KE", patterns=by_label)
    assert ("CITY", "nairobi") in [(e.label, e.text) for e in found]
