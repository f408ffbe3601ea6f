"""How good the extraction and the intent classifier are, measured on labelled messages.

Entities are scored strictly: a prediction counts only if its label, its span and its normalised value all
equal the annotation's. The score with spans alone is reported beside it, so a wrong value ("2026-11-21"
for "2026-11-28") shows up as a value error, not as a missed entity. The model's GPE, LOC and FAC are
scored as one label, PLACE. Intents are scored by accuracy, macro-F1 over the annotated intents and a
confusion matrix; a prediction of `other` (low confidence) is a miss.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from wa_pipeline.nlp.entity import Entity

if TYPE_CHECKING:  # intent.py imports this module for its report type
    from wa_pipeline.nlp.intent import IntentModel

# Labels of fixed shape (the spans a person could check against a receipt), and names: people, organisations,
# places and products, read from gazetteers and context with the model as the last resort.
RULE_LABELS = ("MONEY", "QUANTITY", "REFERENCE", "DATE", "PHONE", "EMAIL", "URL")
NAME_LABELS = ("PERSON", "ORG", "PLACE", "PRODUCT")
_EVALUATED_AS = {"GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}


@dataclass(frozen=True)
class Scores:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.true_positives + self.false_negatives

    def to_dict(self) -> dict:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "support": self.support,
            "tp": self.true_positives,
            "fp": self.false_positives,
            "fn": self.false_negatives,
        }

    @staticmethod
    def total(scores: Sequence[Scores]) -> Scores:
        return Scores(
            sum(s.true_positives for s in scores),
            sum(s.false_positives for s in scores),
            sum(s.false_negatives for s in scores),
        )


# --- intents ---------------------------------------------------------------------------------------------


@dataclass
class ClassificationReport:
    labels: list[str]
    accuracy: float
    macro_f1: float
    per_label: dict[str, dict]
    confusion_labels: list[str] = field(default_factory=list)
    confusion: list[list[int]] = field(default_factory=list)  # rows: annotated, columns: predicted
    examples: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ClassificationReport:
        return cls(**data)

    @classmethod
    def empty(cls) -> ClassificationReport:
        return cls(labels=[], accuracy=0.0, macro_f1=0.0, per_label={})

    def confusion_markdown(self) -> str:
        """The confusion matrix as a Markdown table: rows annotated, columns predicted."""
        if not self.confusion:
            return "(no held-out examples)"
        header = "| annotated \\ predicted | " + " | ".join(self.confusion_labels) + " |"
        rule = "|" + "---|" * (len(self.confusion_labels) + 1)
        rows = [
            f"| **{label}** | " + " | ".join(str(n) for n in row) + " |"
            for label, row in zip(self.confusion_labels, self.confusion)
        ]
        return "\n".join([header, rule, *rows])


def classification_report(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None
) -> ClassificationReport:
    """Accuracy, macro-F1 over `labels` (default: the annotated ones) and the confusion matrix."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} annotations but {len(predicted)} predictions")
    labels = sorted(set(labels) if labels is not None else set(gold))
    scores = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted) if g == label and p != label)
        scores[label] = Scores(tp, fp, fn)
    per_label = {label: s.to_dict() for label, s in scores.items()}
    shown = labels + sorted(set(predicted) - set(labels))
    counts = Counter(zip(gold, predicted))
    confusion = [[counts[(g, p)] for p in shown] for g in shown]
    accuracy = sum(1 for g, p in zip(gold, predicted) if g == p) / len(gold) if gold else 0.0
    macro = sum(scores[label].f1 for label in labels) / len(labels) if labels else 0.0
    return ClassificationReport(
        labels=labels,
        accuracy=round(accuracy, 4),
        macro_f1=round(macro, 4),
        per_label=per_label,
        confusion_labels=shown,
        confusion=confusion,
        examples=len(gold),
    )


@dataclass(frozen=True)
class IntentCase:
    id: str
    text: str
    intent: str


def load_intent_cases(path: str | Path) -> list[IntentCase]:
    return [
        IntentCase(**json.loads(line)) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def evaluate_intents(model: IntentModel, cases: Sequence[IntentCase], threshold: float) -> ClassificationReport:
    predicted = [p.intent for p in model.predict([c.text for c in cases], threshold=threshold)]
    return classification_report([c.intent for c in cases], predicted, labels=sorted({c.intent for c in cases}))


# --- entities --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityCase:
    id: str
    text: str
    sent_at: datetime
    timezone: str
    region: str
    date_order: str
    entities: tuple[Entity, ...]


def load_entity_cases(path: str | Path) -> list[EntityCase]:
    cases = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        entities = tuple(
            Entity(e["label"], e["text"], e["start"], e["end"], e["value"], "rule") for e in record["entities"]
        )
        cases.append(
            EntityCase(
                record["id"],
                record["text"],
                datetime.fromisoformat(record["sent_at"]),
                record["timezone"],
                record["region"],
                record["date_order"],
                entities,
            )
        )
    return cases


def predict_entities(cases: Sequence[EntityCase], patterns: str | Path | None = None) -> list[list[Entity]]:
    """The extractor's entities for each case, each batch sharing one timezone, region and date order."""
    from wa_pipeline.nlp.entities import extract_entities

    predictions: dict[str, list[Entity]] = {}
    context = lambda case: (case.timezone, case.region, case.date_order)  # noqa: E731
    for (timezone, region, date_order), group in groupby(sorted(cases, key=context), key=context):
        members = list(group)
        found = extract_entities(
            [c.text for c in members],
            region,
            sent_at=[c.sent_at for c in members],
            timezone=timezone,
            date_order=date_order,
            patterns=patterns,
        )
        predictions.update((case.id, entities) for case, entities in zip(members, found))
    return [predictions[case.id] for case in cases]


@dataclass
class EntityReport:
    per_label: dict[str, Scores]
    span_only: dict[str, Scores]
    errors: list[dict]

    def micro(self, labels: Sequence[str] | None = None, strict: bool = True) -> Scores:
        table = self.per_label if strict else self.span_only
        return Scores.total([s for label, s in table.items() if labels is None or label in labels])

    def to_dict(self) -> dict:
        return {
            "per_label": {label: s.to_dict() for label, s in sorted(self.per_label.items())},
            "micro": self.micro().to_dict(),
            "micro_rule_labels": self.micro(RULE_LABELS).to_dict(),
            "micro_name_labels": self.micro(NAME_LABELS).to_dict(),
            "micro_span_only": self.micro(strict=False).to_dict(),
        }


def evaluate_entities(cases: Sequence[EntityCase], predicted: Sequence[Sequence[Entity]]) -> EntityReport:
    """Per-label scores of `predicted` against the cases' annotations (label + span + value must match)."""
    strict: dict[str, Counter] = {}
    spans: dict[str, Counter] = {}
    errors = []
    for case, found in zip(cases, predicted, strict=True):
        gold = {_key(e) for e in case.entities}
        guess = {_key(e) for e in found if _label(e.label) in (*RULE_LABELS, *NAME_LABELS)}
        _count(strict, gold, guess)
        _count(spans, {k[:3] for k in gold}, {k[:3] for k in guess})
        missed, spurious = sorted(gold - guess), sorted(guess - gold)
        if missed or spurious:
            errors.append(
                {
                    "id": case.id,
                    "text": case.text,
                    "missed": [_show(case.text, k) for k in missed],
                    "spurious": [_show(case.text, k) for k in spurious],
                }
            )
    to_scores = lambda table: {label: Scores(c["tp"], c["fp"], c["fn"]) for label, c in table.items()}  # noqa: E731
    return EntityReport(to_scores(strict), to_scores(spans), errors)


def _label(label: str) -> str:
    return _EVALUATED_AS.get(label, label)


def _key(entity: Entity) -> tuple:
    return (_label(entity.label), entity.start, entity.end, entity.value)


def _count(table: dict[str, Counter], gold: set, guess: set) -> None:
    for key in gold | guess:
        counter = table.setdefault(key[0], Counter())
        counter["tp" if key in gold and key in guess else "fn" if key in gold else "fp"] += 1


def _show(text: str, key: tuple) -> str:
    label, start, end, *value = key
    return f"{label} {text[start:end]!r}" + (f" = {value[0]}" if value else "")
