"""Measured accuracy on the held-out sets (written before tuning, read only as totals; see data/README.md).

Each floor sits a safe margin below the figure measured on 2026-12-03 (at least 0.03, and at least three
errors' worth of the set: no floor is within two errors of its figure), so the test fails when a change costs
real accuracy, not on noise. The figures themselves are in the README; where they are below the issue's bar,
the floors say so honestly rather than pretend.

Lowered on 2026-12-03 (issue 14, round 2) for one reason: the hand-made organisation, product and chat-word lists
were replaced by lists scripts build from public sources (scripts/build_organisations.py, build_chat_words.py),
which do not hold the local shops, mobile-money brands and phone lines the hand lists had. Entity and name floors
fell with the figures (names: en 0.843 -> 0.781, es 0.659 -> 0.551, sw 0.852 -> 0.735, hi 0.795 -> 0.697);
French and German rose with the towns of their regions and German's common nouns. Every floor is again the measured figure less the same margin.
"""

from pathlib import Path

import pytest

from wa_pipeline.nlp.evaluation import (
    NAME_LABELS,
    RULE_LABELS,
    evaluate_heldout,
    load_entity_cases,
    load_intent_cases,
)
from wa_pipeline.nlp.heldout import load_heldout
from wa_pipeline.nlp.intent import DEFAULT_THRESHOLD, shipped_intent_model
from wa_pipeline.nlp.language import DEFAULT_LANGUAGES

DATA = Path(__file__).parent / "data"
# language: (entity micro-F1, rule labels, name labels, intent macro-F1, sentiment accuracy, language id)
FLOORS = {
    # Set on 2026-12-04 after issue 14's round 8: new English dev sets (dates and quantities, people and
    # organisations), named products in every language (products.py), a second language-id dev set and the
    # function-word fallback, cross-language cue tokens and about 600 more native intent examples. Measured
    # (entities, rule labels, names, intent macro-F1, sentiment accuracy, language id):
    # en 0.920 0.967 0.850 0.878 0.914 0.947; es 0.863 0.977 0.751 0.854 0.929 0.980;
    # pt 0.877 0.983 0.755 0.914 0.947 0.980; fr 0.895 0.941 0.846 0.901 0.927 1.000;
    # de 0.902 0.955 0.845 0.835 0.953 1.000; sw 0.905 0.969 0.829 0.850 0.914 0.986;
    # hi 0.850 0.935 0.767 0.856 0.914 0.986 (sentiment with the classifier trusted from 0.55). Each floor is the figure less 0.03, rounded down. Three floors are
    # lower than round 7's because their figures fell while the others rose (one shared model for every language):
    # Spanish intents 0.868 -> 0.854 and Swahili intents 0.865 -> 0.850, Swahili sentiment 0.914 -> 0.901 before the 0.55 threshold; kept
    # at round 7's floors they would sit within two or three errors of the figure, where noise alone fails them.
    # Raised on 2026-12-05 after round 9's name rules (dev/names9.txt): entities and names en 0.925 0.864,
    # es 0.893 0.811, pt 0.887 0.779, de 0.917 0.875 (the other figures unchanged), each less 0.03, rounded down.
    # Raised after round 10's date rules (dev/dates10.txt): entities fr 0.904, de 0.929, each less 0.03, rounded down.
    # Raised after round 11's name and language-id rules (dev/names11.txt, language_dev3.jsonl): en entities, names and
    # language id 0.930 0.875 0.952, hi names 0.776, each less 0.03, rounded down.
    # Moved after round 12 (dates12/12b, names12, orgs12), each the figure less 0.03, rounded down: entities, rule labels
    # and names en 0.935 0.968 0.886, pt 0.896 0.988 0.792, fr 0.912 0.968 0.852, de 0.940 1.000 0.875, hi 0.864 0.952
    # 0.777. Spanish fell by one date (entities 0.893 -> 0.888, rule labels 0.977 -> 0.966), so its two floors came
    # down to keep the 0.03 margin (0.86 -> 0.85, 0.94 -> 0.93).
    # Raised after round 13 (names13): English names 0.895 less 0.03, rounded down (entities 0.939 keeps 0.90).
    # Raised after round 15 (names15, fields15), each the figure less 0.03, rounded down: entities and names en 0.942
    # 0.904, sw names 0.834, hi 0.872 0.793.
    # Moved after round 21 (the German intent route refit, with 24 more German examples), each the figure less 0.03,
    # rounded down: German intents 0.859 (raised), German sentiment 0.947 (0.953 before: down to keep the margin).
    "en": (0.91, 0.93, 0.87, 0.84, 0.87, 0.92),
    "es": (0.85, 0.93, 0.78, 0.82, 0.89, 0.95),
    "pt": (0.86, 0.95, 0.76, 0.88, 0.91, 0.94),
    "fr": (0.88, 0.93, 0.82, 0.87, 0.89, 0.97),
    "de": (0.91, 0.97, 0.84, 0.82, 0.91, 0.97),
    "sw": (0.87, 0.93, 0.80, 0.81, 0.87, 0.95),
    "hi": (0.84, 0.92, 0.76, 0.82, 0.86, 0.95),
}


@pytest.fixture(scope="module")
def model():
    return shipped_intent_model()


@pytest.mark.parametrize("language", sorted(FLOORS))
def test_held_out_figures_stay_above_their_floors(language, model):
    figures = evaluate_heldout(
        load_heldout(DATA / "heldout" / f"{language}.txt"), model, DEFAULT_THRESHOLD, DEFAULT_LANGUAGES
    )
    entities, rules, names, intents, sentiment, language_id = FLOORS[language]
    measured = {
        "entities": figures.entities.micro().f1,
        "rule labels": figures.entities.micro(RULE_LABELS).f1,
        "name labels": figures.entities.micro(NAME_LABELS).f1,
        "intent macro-F1": figures.intents.macro_f1,
        "sentiment accuracy": figures.sentiment.accuracy,
        "language id": figures.language_id_accuracy,
    }
    floors = dict(zip(measured, (entities, rules, names, intents, sentiment, language_id)))
    below = {name: round(value, 3) for name, value in measured.items() if value < floors[name]}
    assert not below, f"{language}: below the floor {floors}: {below}"


def test_the_development_sets_are_sound_and_their_splits_disjoint():
    entity_dev, entity_test = (load_entity_cases(DATA / f"entities_{s}.jsonl") for s in ("dev", "test"))
    intent_dev, intent_test = (load_intent_cases(DATA / f"intents_{s}.jsonl") for s in ("dev", "test"))
    assert not {c.text for c in entity_dev} & {c.text for c in entity_test}
    assert not {c.text for c in intent_dev} & {c.text for c in intent_test}
    for case in [*entity_dev, *entity_test]:
        assert all(case.text[e.start : e.end] == e.text for e in case.entities), case.id
    # No held-out message was copied from the older sets (a one-word "Sasa" is everybody's).
    held_out = {m.text for lang in FLOORS for m in load_heldout(DATA / "heldout" / f"{lang}.txt")}
    shared = held_out & {c.text for c in [*entity_dev, *entity_test, *intent_dev, *intent_test]}
    assert all(len(text.split()) == 1 for text in shared), shared
