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
    # Raised on 2026-12-04 (issue 14, round 7): names read in the message's language (Swahili and Hinglish
    # forms of address, cues and shop words; Swahili and Hindi amounts in words, Hinglish weekdays and tense),
    # language id voting on Hinglish and Swahili words, about 2,400 more native intent examples and 2**16
    # classifier buckets. Measured (entities, rule labels, names, intent macro-F1, sentiment accuracy, language id):
    # en 0.875 0.933 0.788 0.857 0.903 0.943; es 0.853 0.977 0.730 0.868 0.929 0.967;
    # pt 0.870 0.983 0.742 0.904 0.941 0.973; fr 0.872 0.941 0.795 0.852 0.927 0.993;
    # de 0.880 0.955 0.800 0.819 0.933 1.000; sw 0.892 0.969 0.802 0.865 0.914 0.944;
    # hi 0.847 0.935 0.760 0.834 0.887 0.979. Each floor is the figure less 0.03, rounded down, never below the
    # floor before (at least four errors of 151 messages).
    "en": (0.84, 0.90, 0.75, 0.82, 0.87, 0.91),
    "es": (0.82, 0.94, 0.70, 0.83, 0.89, 0.93),
    "pt": (0.84, 0.95, 0.71, 0.87, 0.91, 0.94),
    "fr": (0.84, 0.91, 0.76, 0.82, 0.89, 0.96),
    "de": (0.85, 0.92, 0.77, 0.78, 0.90, 0.97),
    "sw": (0.86, 0.93, 0.77, 0.83, 0.88, 0.91),
    "hi": (0.81, 0.90, 0.73, 0.80, 0.85, 0.94),
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
