"""Precision, recall and F1 counts, and the classification report an intent model carries with it.

Kept apart from `evaluation.py` so the intent model can score its own held-out split without importing the
evaluation of labelled sets (which itself reads intent models).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field


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
