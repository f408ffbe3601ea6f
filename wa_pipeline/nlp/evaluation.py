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
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from wa_pipeline.nlp.entity import Entity
from wa_pipeline.nlp.heldout import SENTIMENTS, HeldOutMessage
from wa_pipeline.nlp.scores import ClassificationReport, Scores, classification_report

if TYPE_CHECKING:  # the intent model pulls in scikit-learn: only its type is needed here
    from wa_pipeline.nlp.intent import IntentModel

# Labels of fixed shape (the spans a person could check against a receipt), and names: people, organisations,
# places and products, read from gazetteers and context with the model as the last resort.
RULE_LABELS = ("MONEY", "QUANTITY", "REFERENCE", "DATE", "PHONE", "EMAIL", "URL")
NAME_LABELS = ("PERSON", "ORG", "PLACE", "PRODUCT")
_EVALUATED_AS = {"GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}


# --- intents ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntentCase:
    id: str
    text: str
    intent: str
    # Where a line written by someone else was read (dev7: a public repository); empty for the team's own lines.
    source: str = ""


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
    """The extractor's entities for each case, each batch sharing one timezone, region and date order; each text in
    the language the detector gives it, as enrichment does."""
    from wa_pipeline.nlp.entities import extract_entities
    from wa_pipeline.nlp.language import detect_languages

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
            languages=detect_languages([c.text for c in members]),
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
        # A set that annotates only some labels (the held-out sets of other languages leave out quantities) is
        # scored on those: a quantity found in Spanish is neither right nor wrong there.
        scored = getattr(case, "labels", None) or (*RULE_LABELS, *NAME_LABELS)
        guess = {_key(e) for e in found if _label(e.label) in scored}
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


# --- the dev sets of other languages: the held-out format, errors allowed ------------------------------------


def evaluate_dev_language(messages: Sequence[HeldOutMessage]) -> EntityReport:
    """Entity scores of one dev set written in the held-out format; its errors are there to be read."""
    return evaluate_entities(messages, predict_entities(messages))


# --- the held-out sets: totals per language, never the messages -------------------------------------------


# Language identification is judged on lines of at least this many words; shorter ones fall back to the chat.
LANGUAGE_ID_MIN_WORDS = 4


@dataclass
class LanguageFigures:
    language: str
    messages: int
    entities: EntityReport
    intents: ClassificationReport
    sentiment: ClassificationReport
    language_id_accuracy: float
    language_id_lines: int

    def to_dict(self) -> dict:
        return {
            "language": self.language,
            "messages": self.messages,
            "entities": self.entities.to_dict(),
            "intents": {k: v for k, v in self.intents.to_dict().items() if k != "confusion"},
            "sentiment": {k: v for k, v in self.sentiment.to_dict().items() if k != "confusion"},
            "language_id": {"accuracy": round(self.language_id_accuracy, 4), "lines": self.language_id_lines},
        }


def evaluate_heldout(
    messages: Sequence[HeldOutMessage],
    model: IntentModel,
    threshold: float,
    languages: Sequence[str],
) -> LanguageFigures:
    """Entity, intent, sentiment and language-id figures of one held-out language (totals only)."""
    from wa_pipeline.nlp.language import detect_languages
    from wa_pipeline.nlp.sentiment import sentiments

    entities = evaluate_entities(messages, predict_entities(messages))
    texts = [m.text for m in messages]
    predicted = [p.intent for p in model.predict(texts, threshold=threshold)]
    intents = classification_report(
        [m.intent for m in messages], predicted, labels=sorted({m.intent for m in messages})
    )
    # Sentiment reads each message in the language the detector gives it, as enrichment does.
    detected = detect_languages(texts, languages)
    sentiment = classification_report(
        [m.sentiment for m in messages],
        [label for label, _ in sentiments(texts, detected, predicted)],
        labels=sorted(SENTIMENTS.values()),
    )
    long_lines = [(m, code) for m, code in zip(messages, detected) if len(m.text.split()) >= LANGUAGE_ID_MIN_WORDS]
    right = sum(1 for m, code in long_lines if code == m.language)
    return LanguageFigures(
        language=messages[0].language if messages else "",
        messages=len(messages),
        entities=entities,
        intents=intents,
        sentiment=sentiment,
        language_id_accuracy=right / len(long_lines) if long_lines else 0.0,
        language_id_lines=len(long_lines),
    )
