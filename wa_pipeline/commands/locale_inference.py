"""Guess the phone region and timezone an export belongs to, from the international numbers written in it.

A number written with its country code ("+254 712 345 678") says where the chat's people are; the region then reads
the local numbers ("0722 123456") that a wrong default region (US) misses, and its timezone dates the messages.
Where no setting names them, `import` saves what it inferred (`settings.save_inferred_defaults`) and every later
run reads it as the default; a WA_* setting always wins.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import phonenumbers
from phonenumbers import timezone as phone_timezones

if TYPE_CHECKING:
    from wa_pipeline.message import Message
    from wa_pipeline.nlp.threads import InferredBusiness
    from wa_pipeline.settings import Settings

# "+" then digits with the separators people type; phonenumbers decides what is a real number.
_INTERNATIONAL = re.compile(r"\+\d[\d ().-]{5,}\d")
# A region is inferred when at least this share of the numbers agree on it.
MAJORITY = 0.5


@dataclass(frozen=True)
class LocaleGuess:
    """The region most international numbers belong to, its timezone when it has one, and the evidence."""

    region: str | None
    timezone: str | None
    by_region: dict[str, int] = field(default_factory=dict)

    @property
    def numbers(self) -> int:
        return sum(self.by_region.values())

    def describe(self) -> str:
        """One line a person reads after `import`."""
        if self.region is None:
            found = ", ".join(f"{region} {count}" for region, count in sorted(self.by_region.items()))
            return f"no phone region inferred ({self.numbers} international numbers{': ' + found if found else ''})"
        code = phonenumbers.country_code_for_region(self.region)
        share = f"{self.by_region[self.region]} of {self.numbers} international numbers are +{code}"
        others = sorted((r for r in self.by_region if r != self.region), key=lambda r: (-self.by_region[r], r))
        if others:
            # A mixed export: the majority decides, and the minority is named so a person can judge.
            share += "; the majority decides over " + ", ".join(f"{r} {self.by_region[r]}" for r in others)
        zone = f", timezone {self.timezone}" if self.timezone else ""
        return f"inferred phone region {self.region}{zone} ({share})"

    def value(self, name: str) -> str | None:
        """The inferred value of a setting field (`default_region` or `timezone`)."""
        return {"default_region": self.region, "timezone": self.timezone}.get(name)

    def contradictions(self, region: str, timezone: str) -> list[str]:
        """What the settings say against the data, each with the setting that fixes it."""
        found = []
        if self.region and region.upper() != self.region:
            found.append(self.contradiction("default_region", region))
        if self.timezone and timezone != self.timezone:
            found.append(self.contradiction("timezone", timezone))
        return found

    def contradiction(self, name: str, current: str) -> str:
        """One line: the setting `name` is `current`, against what the numbers say."""
        if name == "default_region":
            return (
                f"WA_DEFAULT_REGION is {current} but {self.by_region[self.region]} of {self.numbers} international "
                f"numbers are +{phonenumbers.country_code_for_region(self.region)} ({self.region}): set "
                f"WA_DEFAULT_REGION={self.region} so local numbers are read"
            )
        return f"WA_TIMEZONE is {current} but the numbers point to {self.timezone}: set WA_TIMEZONE={self.timezone}"


def infer_locale(texts: Iterable[str]) -> LocaleGuess:
    """The locale the international numbers in `texts` (messages, sender names) point to."""
    by_region: Counter[str] = Counter()
    zones: dict[str, Counter[str]] = {}
    for text in texts:
        if not isinstance(text, str) or "+" not in text:
            continue
        for match in _INTERNATIONAL.finditer(text):
            try:
                number = phonenumbers.parse(match.group(), None)
            except phonenumbers.NumberParseException:
                continue
            if not phonenumbers.is_valid_number(number):
                continue
            region = phonenumbers.region_code_for_number(number)
            by_region[region] += 1
            for zone in phone_timezones.time_zones_for_number(number):
                zones.setdefault(region, Counter())[zone] += 1
    if not by_region:
        return LocaleGuess(None, None)
    region, count = by_region.most_common(1)[0]
    if count / sum(by_region.values()) < MAJORITY:
        return LocaleGuess(None, None, dict(by_region))
    # A region with one timezone (Kenya) names it; one spanning several (the US) does not.
    candidates = zones.get(region, Counter())
    timezone = next(iter(candidates)) if len(candidates) == 1 else None
    if timezone == phone_timezones.UNKNOWN_TIMEZONE:
        timezone = None
    return LocaleGuess(region, timezone, dict(by_region))


@dataclass
class ExportFacts:
    """What the exports say about where and who the business is: their words, and who wrote in which chat."""

    texts: list[str] = field(default_factory=list)
    # (chat_id, sender_name, kind) per message: who writes in which chat, for `infer_business`.
    turns: list[tuple[str, str | None, str]] = field(default_factory=list)


def export_facts(paths: Iterable[Path]) -> ExportFacts:
    """Texts, captions, sender names and turns of readable exports (unreadable ones are the importer's to report)."""
    from datetime import UTC

    from wa_pipeline.whatsapp.chat_export import ChatExportError, parse_chat_export
    from wa_pipeline.whatsapp.export_archive import ExportArchiveError, read_export

    facts = ExportFacts()
    for path in paths:
        try:
            archive = read_export(path)
            parsed = parse_chat_export(
                archive.text, chat_name=archive.chat_name, tz=UTC, source_name=archive.source_name
            )
        except (ExportArchiveError, ChatExportError, OSError, ValueError):
            continue
        for message in parsed.messages:
            facts.texts.extend(t for t in (message.text, message.caption, message.sender_name) if t)
            facts.turns.append(_turn(message))
    return facts


def export_texts(paths: Iterable[Path]) -> list[str]:
    """Every message text, caption and sender name of readable exports."""
    return export_facts(paths).texts


@dataclass(frozen=True)
class LocaleDecision:
    """What `import` does with a guess: the region and timezone in effect, what it saved, and what it says."""

    region: str
    timezone: str
    saved: dict[str, str]
    lines: list[str]
    warnings: list[str]


_VARIABLES = {"default_region": "WA_DEFAULT_REGION", "timezone": "WA_TIMEZONE"}


def decide_locale(guess: LocaleGuess, settings: Settings, *, landed: int = 0) -> LocaleDecision:
    """Per setting: a person's value wins (a contradiction is warned about); a value an earlier import saved stays
    (the days already landed were read in it); otherwise the guess becomes the default, saved for later runs.

    `landed`: the messages already in the landing store. Read in the default timezone, they keep it: a timezone
    inferred now would read their exports again hours apart, each message landing a second time."""
    from wa_pipeline.settings import save_inferred_defaults

    effective = {name: getattr(settings, name) for name in _VARIABLES}
    saved: dict[str, str] = {}
    pinned: dict[str, str] = {}
    warnings: list[str] = []
    for name, variable in _VARIABLES.items():
        inferred, current = guess.value(name), effective[name]
        if inferred is None or inferred == current:
            continue
        if settings.explicit(name):
            warnings.append(guess.contradiction(name, current))
        elif settings.from_data(name):
            warnings.append(
                f"{variable} defaults to {current}, inferred by an earlier import, but these exports point to "
                f"{inferred}: kept {current}; set {variable} to choose"
            )
        elif name == "timezone" and landed:
            # Saved, so later imports take the from_data branch above and the landed days stay as they were read.
            pinned[name] = current
            warnings.append(
                f"these exports point to {variable}={inferred}, but the messages already imported ({landed}) were "
                f"read in {current}: kept {current}, so importing them again adds nothing; to read every chat in "
                f"{inferred}, set {variable}={inferred} and import into a new WA_DATA_DIR"
            )
        else:
            effective[name] = saved[name] = inferred
    lines = [guess.describe()]
    if pinned:
        save_inferred_defaults(settings.layout.inferred_defaults, pinned)
    if saved:
        path = settings.layout.inferred_defaults
        save_inferred_defaults(path, saved)
        said = " and ".join(f"{_VARIABLES[name]}={value}" for name, value in saved.items())
        lines.append(f"using {said} from now on (saved in {path}; a setting overrides it)")
    return LocaleDecision(effective["default_region"], effective["timezone"], saved, lines, warnings)


def business_offer(facts: ExportFacts, business_senders: list[str]) -> str | None:
    """The exporting phone's owner, offered as the business sender when no sender is configured and it is clear."""
    if business_senders:
        return None
    inferred = _business_of_turns(facts.turns)
    if inferred is None:
        return None
    return f"{inferred.statement()}: WA_BUSINESS_SENDERS='{json.dumps([inferred.sender])}'"


def business_of(messages: Iterable[Message]) -> InferredBusiness | None:
    """The participant of most landed chats (`infer_business`), or None when that is not clear."""
    return _business_of_turns([_turn(message) for message in messages])


def _turn(message: Message) -> tuple[str, str | None, str]:
    # An export gives each sender an id of its own per chat; across exports a person is their name. The Cloud
    # API's sender id is the phone number, the same in every chat.
    who = message.sender_id if message.source == "cloud_api" and message.sender_id else message.sender_name
    return (message.chat_id, who, message.kind)


def _business_of_turns(turns: list[tuple[str, str | None, str]]) -> InferredBusiness | None:
    if not turns:
        return None
    import pandas as pd

    from wa_pipeline.nlp.threads import infer_business

    chats, senders, kinds = zip(*turns)
    return infer_business(pd.DataFrame({"chat_id": chats, "sender_id": None, "sender_name": senders, "kind": kinds}))
