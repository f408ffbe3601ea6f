"""Guess the phone region and timezone an export belongs to, from the international numbers written in it.

A number written with its country code ("+254 712 345 678") says where the chat's people are; the region then reads
the local numbers ("0722 123456") that a wrong default region (US) misses, and its timezone dates the messages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers
from phonenumbers import timezone as phone_timezones

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
        zone = f", timezone {self.timezone}" if self.timezone else ""
        return f"inferred phone region {self.region}{zone} ({share})"

    def contradictions(self, region: str, timezone: str) -> list[str]:
        """What the settings say against the data, each with the setting that fixes it."""
        found = []
        if self.region and region.upper() != self.region:
            found.append(
                f"WA_DEFAULT_REGION is {region} but {self.by_region[self.region]} of {self.numbers} international "
                f"numbers are +{phonenumbers.country_code_for_region(self.region)} ({self.region}): set "
                f"WA_DEFAULT_REGION={self.region} so local numbers are read"
            )
        if self.timezone and timezone != self.timezone:
            found.append(f"WA_TIMEZONE is {timezone} but the numbers point to {self.timezone}: set WA_TIMEZONE")
        return found


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


def export_texts(paths: Iterable[Path]) -> list[str]:
    """Every message text, caption and sender name of readable exports (unreadable ones are the importer's to
    report)."""
    from datetime import UTC

    from wa_pipeline.whatsapp.chat_export import ChatExportError, parse_chat_export
    from wa_pipeline.whatsapp.export_archive import ExportArchiveError, read_export

    texts: list[str] = []
    for path in paths:
        try:
            archive = read_export(path)
            parsed = parse_chat_export(
                archive.text, chat_name=archive.chat_name, tz=UTC, source_name=archive.source_name
            )
        except (ExportArchiveError, ChatExportError, OSError, ValueError):
            continue
        for message in parsed.messages:
            texts.extend(t for t in (message.text, message.caption, message.sender_name) if t)
    return texts
