"""The held-out evaluation sets: hand-written messages with entities, intent and sentiment marked inline.

One file per language. A line `@ key=value ...` sets the context of the lines after it (lang, region,
timezone, sent_at, date_order, and optionally labels: the entity labels annotated in that file); a message
line is `<intent> <pos|neu|neg>: text`, each entity written in place as `[span]{LABEL}` (the value is the
span; an email's is lower-cased) or `[span]{LABEL=value}`. Lines starting with `#` are comments. Writing
the marks inline keeps the offsets right by construction: they are computed here, never typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from wa_pipeline.nlp.entity import Entity

SENTIMENTS = {"pos": "positive", "neu": "neutral", "neg": "negative"}
INTENTS = ("order", "inquiry", "complaint", "payment", "booking", "cancellation", "feedback", "greeting")
_MARK = re.compile(r"\[([^\]]+)\]\{([A-Z]+)(?:=([^}]*))?\}")
_LEFTOVER = re.compile(r"\]\{[A-Z]|\{[A-Z]+[=}]")  # a mark that did not parse
_LINE = re.compile(r"^(?P<intent>[a-z]+) (?P<sentiment>pos|neu|neg): (?P<text>.+)$")
_CONTEXT_KEYS = {"lang", "region", "timezone", "sent_at", "date_order", "labels"}


@dataclass(frozen=True)
class HeldOutMessage:
    id: str
    language: str
    text: str
    sent_at: datetime
    timezone: str
    region: str
    date_order: str
    entities: tuple[Entity, ...]
    intent: str
    sentiment: str
    labels: tuple[str, ...] | None  # entity labels annotated in this set; None: every label


def parse_marked(marked: str) -> tuple[str, tuple[Entity, ...]]:
    """The plain text of a marked-up line and the entities marked in it, with their offsets."""
    parts, entities, position, cursor = [], [], 0, 0
    for match in _MARK.finditer(marked):
        before = marked[cursor : match.start()]
        parts.append(before)
        position += len(before)
        span, label, value = match.group(1), match.group(2), match.group(3)
        if value is None:
            value = span.lower() if label == "EMAIL" else span
        entities.append(Entity(label, span, position, position + len(span), value, "rule"))
        parts.append(span)
        position += len(span)
        cursor = match.end()
    parts.append(marked[cursor:])
    text = "".join(parts)
    if _LEFTOVER.search(text):
        raise ValueError(f"unbalanced mark in {marked!r}")
    return text, tuple(entities)


def load_heldout(path: str | Path) -> list[HeldOutMessage]:
    """Every message of one held-out file, numbered `<lang>-<n>` in file order."""
    path = Path(path)
    context: dict[str, str] = {}
    messages = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            pairs = dict(item.split("=", 1) for item in line[1:].split())
            unknown = set(pairs) - _CONTEXT_KEYS
            if unknown:
                raise ValueError(f"{path.name}:{number}: unknown context keys {sorted(unknown)}")
            context.update(pairs)
            continue
        match = _LINE.match(line)
        if match is None or match.group("intent") not in INTENTS:
            raise ValueError(f"{path.name}:{number}: not '<intent> <pos|neu|neg>: text': {line!r}")
        text, entities = parse_marked(match.group("text"))
        labels = context.get("labels")
        messages.append(
            HeldOutMessage(
                id=f"{context['lang']}-{len(messages) + 1:03d}",
                language=context["lang"],
                text=text,
                sent_at=datetime.fromisoformat(context["sent_at"]),
                timezone=context["timezone"],
                region=context["region"],
                date_order=context["date_order"],
                entities=entities,
                intent=match.group("intent"),
                sentiment=SENTIMENTS[match.group("sentiment")],
                labels=tuple(labels.split(",")) if labels else None,
            )
        )
    return messages
