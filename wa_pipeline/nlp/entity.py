"""One span of meaning found in a message: who, where, which number, which address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

EntitySource = Literal["model", "rule"]


@dataclass(frozen=True, slots=True)
class Entity:
    """A labelled span of the analysed text, with its normalised value.

    `start`/`end` are character offsets into the text that was analysed (for a message, its
    text and caption joined by a newline), so `text == analysed[start:end]`.
    """

    label: str
    text: str
    start: int
    end: int
    value: str
    source: EntitySource

    def to_dict(self) -> dict[str, Any]:
        # The fields by hand: `asdict` deep-copies every value, a fifth of writing a day's entities as JSON.
        return {
            "label": self.label,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "value": self.value,
            "source": self.source,
        }

    def overlaps(self, other: Entity) -> bool:
        return self.start < other.end and other.start < self.end
