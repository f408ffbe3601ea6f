"""What a report says, as plain data: filled by the Dagster layer and the stores, rendered by the renderers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LetterNote:
    """One open dead letter as the report shows it: its id for `dlq replay`, its stage and why it is there."""

    id: int
    stage: str
    reason: str
    day: str | None = None
    # Which item: the file's name (a photo, a voice note), else its message, as the report's policy lets it say.
    item: str = ""


@dataclass
class DayReport:
    day: str
    run_status: str = "not run"
    checks: dict[str, bool] = field(default_factory=dict)
    failed_checks: list[str] = field(default_factory=list)
    messages: int = 0
    intents: dict[str, int] = field(default_factory=dict)
    media_items: int = 0
    media_ok: int = 0
    dead_letters: int = 0
    # Why each failed check failed (its evaluation's description, scrubbed for the report), and which of them only
    # warn (severity WARN: the day's run still went on).
    check_notes: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    letters: list[LetterNote] = field(default_factory=list)
    # Why the day's newest run failed (its first failed step and error), when it did.
    run_note: str = ""

    @property
    def checks_passed(self) -> int:
        return sum(self.checks.values())

    @property
    def media_success_rate(self) -> float | None:
        return self.media_ok / self.media_items if self.media_items else None


@dataclass
class Report:
    days: list[DayReport]
    dead_letters_by_stage: dict[str, int] = field(default_factory=dict)
    generated_at: str = ""
    sheet: str = ""
    # The last retention run in one line (counts only), or that retention is off.
    retention: str = ""
    # Open dead letters tied to no day (an export line with an impossible date, a webhook body without one).
    undated_letters: list[LetterNote] = field(default_factory=list)

    @property
    def all_checks_passed(self) -> bool:
        return all(not d.failed_checks for d in self.days if d.checks)

    @property
    def has_failures(self) -> bool:
        """A day's newest run failed or one of its checks failed as an error: what `report` exits 1 on (a check
        that only warns does not, so a daily cron job is not alarmed by a warning)."""
        return any(d.run_status in {"failure", "canceled"} or set(d.failed_checks) - set(d.warnings) for d in self.days)

    def totals(self) -> dict[str, int]:
        return {
            "days": len(self.days),
            "messages": sum(d.messages for d in self.days),
            "checks_passed": sum(d.checks_passed for d in self.days),
            "checks_total": sum(len(d.checks) for d in self.days),
            "media_items": sum(d.media_items for d in self.days),
            "media_ok": sum(d.media_ok for d in self.days),
            "open_dead_letters": sum(self.dead_letters_by_stage.values()),
        }
