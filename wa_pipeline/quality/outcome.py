"""The result of a data-quality rule: passed or not, with evidence a person can read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Outcome:
    passed: bool
    description: str
    evidence: dict[str, Any] = field(default_factory=dict)
