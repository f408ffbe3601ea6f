"""Measure entity extraction and intent classification on the labelled messages (`make eval`).

Usage: .venv/bin/python scripts/evaluate_nlp.py [--split heldout|dev|test|all] [--errors] [--json FILE]

Held-out sets (`wa_pipeline_tests/nlp/data/heldout/`, the figures to quote): per language, entity precision,
recall and F1 per label, intent accuracy and macro-F1, sentiment accuracy, language identification on lines of
four words or more. Only totals are printed for them: `--errors` lists the dev and test splits' errors only.

Intent dev sets `intents_dev2.jsonl`, `intents_dev3.jsonl` and any later `intents_dev<N>.jsonl` (boundaries between
complaint, feedback, inquiry and the rest, ids `int-dev<N>-<language>-NNN`): printed with `--split dev` (and `all`),
macro-F1 per language, their errors under `--errors`.

Dev sets in the held-out format (every `wa_pipeline_tests/nlp/data/dev/*.txt`: names in es/pt/fr/de, every label in
sw/hi, and any set added there): printed with `--split dev` (and `all`) after the English dev split, with their
errors under `--errors`.

Entities: precision, recall and F1 per label, a prediction counting only with the annotated label, span
and normalised value; micro averages over the rule labels, the name labels (people, organisations, places, products) and all. Intents: accuracy,
macro-F1 and the confusion matrix of the model trained from the shipped examples, at the default threshold.
Tune on the dev split only; the test split is the held-out measure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wa_pipeline.nlp.evaluation import (  # noqa: E402
    LANGUAGE_ID_MIN_WORDS,
    NAME_LABELS,
    RULE_LABELS,
    evaluate_dev_language,
    evaluate_entities,
    evaluate_heldout,
    evaluate_intents,
    load_entity_cases,
    load_intent_cases,
    predict_entities,
)
from wa_pipeline.nlp.heldout import load_heldout  # noqa: E402
from wa_pipeline.nlp.intent import (  # noqa: E402
    DEFAULT_EXAMPLES,
    DEFAULT_THRESHOLD,
    TRANSLATED_EXAMPLES,
    train_intent_model,
)
from wa_pipeline.nlp.language import DEFAULT_LANGUAGES  # noqa: E402
from wa_pipeline.nlp.scores import classification_report  # noqa: E402

DATA = REPO / "wa_pipeline_tests" / "nlp" / "data"
HELD_OUT = DATA / "heldout"
HELD_OUT_LANGUAGES = ("en", "es", "pt", "fr", "de", "sw", "hi")
# Dev sets in the held-out format, each written before tuning on it; every file here is scored.
DEV = DATA / "dev"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["heldout", "dev", "test", "all"], default="all")
    parser.add_argument(
        "--languages", default=",".join(DEFAULT_LANGUAGES), help="languages the detector chooses between"
    )
    parser.add_argument("--errors", action="store_true", help="list every entity the extractor missed or invented")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--translated-intents",
        action="store_true",
        help="train the intent model with the opt-in translated examples too (intent_examples_translated.jsonl)",
    )
    args = parser.parse_args()
    splits = ["dev", "test"] if args.split == "all" else [] if args.split == "heldout" else [args.split]

    figures: dict[str, dict] = {}
    model = train_intent_model(
        (DEFAULT_EXAMPLES, TRANSLATED_EXAMPLES) if args.translated_intents else (DEFAULT_EXAMPLES,)
    )
    print(
        f"Intent model: trained on {model.trained_on} examples; its own held-out split: "
        f"accuracy {model.evaluation.accuracy:.3f}, macro-F1 {model.evaluation.macro_f1:.3f}\n"
    )
    for split in splits:
        cases = load_entity_cases(DATA / f"entities_{split}.jsonl")
        report = evaluate_entities(cases, predict_entities(cases))
        print(
            f"== Entities, {split} split: {len(cases)} messages, {sum(len(c.entities) for c in cases)} annotated entities"
        )
        print(f"{'label':<11} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}   {'F1 (span only)':>14}")
        for label in (*RULE_LABELS, *NAME_LABELS):
            if label in report.per_label:
                s, span = report.per_label[label], report.span_only[label]
                print(
                    f"{label:<11} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>8}   {span.f1:>14.3f}"
                )
        for name, labels in (
            ("micro, rule labels", RULE_LABELS),
            ("micro, name labels", NAME_LABELS),
            ("micro, all", None),
        ):
            s = report.micro(labels)
            print(f"{name:<20} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  (n={s.support})")
        if args.errors:
            for error in report.errors:
                print(
                    f"  {error['id']}: {error['text']}\n     missed {error['missed']}\n     spurious {error['spurious']}"
                )

        intent_cases = load_intent_cases(DATA / f"intents_{split}.jsonl")
        intents = evaluate_intents(model, intent_cases, DEFAULT_THRESHOLD)
        print(f"\n== Intents, {split} split: {len(intent_cases)} messages, threshold {DEFAULT_THRESHOLD}")
        print(f"accuracy {intents.accuracy:.3f}   macro-F1 {intents.macro_f1:.3f}")
        print(f"{'intent':<13} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}")
        for label, s in intents.per_label.items():
            print(f"{label:<13} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} {s['support']:>8}")
        print("\n" + intents.confusion_markdown() + "\n")
        figures[split] = {"entities": report.to_dict(), "intents": intents.to_dict()}
        if split == "dev":
            for path in _intent_dev_sets():
                figures[path.stem] = _print_intent_dev_set(model, path, args.errors)
            figures["dev_languages"] = _print_dev_languages(args.errors)
    if args.split in ("heldout", "all"):
        figures["heldout"] = _print_heldout(model, args.languages.split(","))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


def _print_labels(report) -> None:
    """Precision, recall, F1 and support of each label an entity report holds, one line each."""
    print(f"{'label':<11} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}")
    for label in (*RULE_LABELS, *NAME_LABELS):
        if label in report.per_label:
            s = report.per_label[label]
            print(f"{label:<11} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>8}")


def _intent_dev_sets() -> list[Path]:
    """The intent dev sets scored per language: every `intents_dev<N>.jsonl` but the first, in order of N."""
    numbered = (path for path in DATA.glob("intents_dev*.jsonl") if path.stem.removeprefix("intents_dev").isdigit())
    return sorted(numbered, key=lambda path: int(path.stem.removeprefix("intents_dev")))


def _print_intent_dev_set(model, path: Path, show_errors: bool) -> dict:
    """Intent macro-F1 per language of one intent dev set (language from the id), with its errors when asked."""
    cases = load_intent_cases(path)
    predicted = [p.intent for p in model.predict([c.text for c in cases], threshold=DEFAULT_THRESHOLD)]
    by_language: dict[str, tuple[list[str], list[str]]] = {}
    for case, intent in zip(cases, predicted, strict=True):
        for language in (case.id.split("-")[2], "all"):
            gold, got = by_language.setdefault(language, ([], []))
            gold.append(case.intent)
            got.append(intent)
    results = {}
    print(f"\n== Intents, {path.stem.removeprefix('intents_')}: {len(cases)} messages, threshold {DEFAULT_THRESHOLD}")
    print(f"{'language':<9} {'messages':>8} {'accuracy':>8} {'macro-F1':>8}   F1 per intent")
    for language in [*sorted(set(by_language) - {"all"}), "all"]:
        gold, got = by_language[language]
        report = classification_report(gold, got, labels=sorted(set(gold)))
        results[language] = report.to_dict()
        per_intent = "  ".join(f"{k} {v['f1']:.2f}" for k, v in report.per_label.items())
        print(f"{language:<9} {len(gold):>8} {report.accuracy:>8.3f} {report.macro_f1:>8.3f}   {per_intent}")
    if show_errors:
        for case, intent in zip(cases, predicted, strict=True):
            if intent != case.intent:
                print(f"  {case.id}: {case.intent} read as {intent}: {case.text}")
    return results


def _print_dev_languages(show_errors: bool) -> dict:
    """Per-label entity scores of the dev sets of other languages, with their errors when asked."""
    results = {}
    rows = []
    for path in sorted(DEV.glob("*.txt")):
        language = path.stem
        messages = load_heldout(path)
        report = evaluate_dev_language(messages)
        results[language] = report.to_dict()
        print(f"\n== Dev {language}: {len(messages)} messages, {report.micro().support} entities")
        _print_labels(report)
        names, every = report.micro(NAME_LABELS), report.micro()
        print(
            f"micro, name labels   P {names.precision:.3f}  R {names.recall:.3f}  F1 {names.f1:.3f}  (n={names.support})"
        )
        print(
            f"micro, all           P {every.precision:.3f}  R {every.recall:.3f}  F1 {every.f1:.3f}  (n={every.support})"
        )
        rows.append(
            f"| {language} | {names.precision:.3f} | {names.recall:.3f} | {names.f1:.3f} | {names.support} "
            f"| {every.f1:.3f} | {every.support} |"
        )
        if show_errors:
            for error in report.errors:
                print(
                    f"  {error['id']}: {error['text']}\n     missed {error['missed']}\n     spurious {error['spurious']}"
                )
    print("\n== Dev summary (names; all labels)")
    print("| language | names P | names R | names F1 | support | all F1 | support |\n|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return results


def _print_heldout(model, languages: list[str]) -> dict:
    """Totals per language and per label; never a message or an error of the held-out sets."""
    results = {}
    rows = []
    for language in HELD_OUT_LANGUAGES:
        figures = evaluate_heldout(load_heldout(HELD_OUT / f"{language}.txt"), model, DEFAULT_THRESHOLD, languages)
        results[language] = figures.to_dict()
        entities = figures.entities
        print(f"\n== Held-out {language}: {figures.messages} messages, {entities.micro().support} entities")
        _print_labels(entities)
        print("intent F1:  " + "  ".join(f"{k} {v['f1']:.2f}" for k, v in figures.intents.per_label.items()))
        print("sentiment F1: " + "  ".join(f"{k} {v['f1']:.2f}" for k, v in figures.sentiment.per_label.items()))
        rows.append(
            f"| {language} | {entities.micro().f1:.3f} | {entities.micro(NAME_LABELS).f1:.3f} | "
            f"{figures.intents.macro_f1:.3f} | {figures.intents.accuracy:.3f} | {figures.sentiment.accuracy:.3f} | "
            f"{figures.language_id_accuracy:.3f} |"
        )
    print(f"\n== Held-out summary (language id over {','.join(languages)}, lines of {LANGUAGE_ID_MIN_WORDS}+ words)")
    print(
        "| language | entity micro-F1 | names micro-F1 | intent macro-F1 | intent accuracy | sentiment accuracy | language id |"
    )
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return results


if __name__ == "__main__":
    sys.exit(main())
