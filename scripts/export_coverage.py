"""The README's table of WhatsApp's own export lines per language, written from the language files themselves.

Usage: .venv/bin/python scripts/export_coverage.py [--write]

Prints the table (or, with --write, puts it in README.md between its two markers). The table is what
`wa_pipeline/whatsapp/export_locales/*.json` hold, so it cannot fall behind them: `test_export_coverage_readme.py`
fails when a language file gains or loses a meaning and the README was not rewritten.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOCALES = REPO / "wa_pipeline" / "whatsapp" / "export_locales"
README = REPO / "README.md"
START = "<!-- export-coverage:start (scripts/export_coverage.py --write) -->"
END = "<!-- export-coverage:end -->"

# Group events, in the order a reader looks for them, each with the words the table uses.
GROUP_EVENTS = {
    "group_created": "created",
    "member_added": "added",
    "member_removed": "removed",
    "member_left": "left",
    "subject_changed": "subject",
    "icon_changed": "icon",
    "description_changed": "description",
    "number_changed": "number changed",
    "joined_by_link": "joined by link",
    "joined_from_community": "joined from community",
    "community_linked": "linked to community",
    "community_unlinked": "unlinked from community",
    "community_created": "community created",
    "admin_granted": "now admin",
    "admin_revoked": "admin removed",
    "settings_changed": "settings",
    "invite_link_reset": "invite link reset",
    "join_requested": "join requested",
    "add_requested": "add requested",
    "disappearing_on": "disappearing on",
    "disappearing_off": "disappearing off",
    "disappearing_changed": "disappearing timer",
    "message_pinned": "pinned",
    "event_updated": "event updated",
    "deleted:by_admin": "deleted by admin",
}
# The other lines a reader may miss in a language, beside what every file holds (media omitted, deletions, the
# encryption notice, missed calls, locations).
OTHER_LINES = {
    "edited": "edited",
    "poll": "polls",
    "media_omitted:view_once": "view-once",
    "business_notice": "business notices",
    "voice_call": "calls",
    "video_call": "calls",
    "security_code_changed": "security code",
    "contact_added": "contact added",
    "contact_blocked": "blocked",
    "contact_unblocked": "blocked",
    "not_decrypted": "waiting for message",
    "not_exported": "not exported",
    "history_notice": "history notice",
}


# What (nearly) every file holds, so the table does not list it: media omitted, deletions, the encryption notice,
# missed calls, locations and attachments (the README's paragraph above the table says which files lack some).
EVERYWHERE = frozenset(
    {
        "media_omitted",
        "deleted",
        "deleted:by_me",
        "encryption_notice",
        "missed_voice_call",
        "missed_video_call",
        "location",
        "live_location",
        "attached",
        "file_attached",
    }
)


def unlisted(locales: Path = LOCALES) -> set[str]:
    """Meanings some file holds that the table neither lists nor counts as held everywhere: a new event code the
    table would leave out without a word."""
    meanings = {line["meaning"] for data in _languages(locales) for line in data["lines"]}
    return {
        m
        for m in meanings - EVERYWHERE - GROUP_EVENTS.keys() - OTHER_LINES.keys()
        if not m.startswith("media_omitted:")
    }


def _languages(locales: Path) -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(locales.glob("*.json"))]


def render(locales: Path = LOCALES) -> str:
    """The markdown table: per language its distinct meanings, group events, other lines and sources."""
    rows = []
    for data in _languages(locales):
        meanings = {line["meaning"] for line in data["lines"]}
        media = sorted(m.split(":", 1)[1] for m in meanings if m.startswith("media_omitted:"))
        group = [label for code, label in GROUP_EVENTS.items() if code in meanings] or ["none"]
        other = list(dict.fromkeys(label for code, label in OTHER_LINES.items() if code in meanings))
        rows.append(
            (
                -len(meanings),
                data["name"],
                f"| {data['name']} (`{data['language']}`) | {len(meanings)} | {len(media)} | {', '.join(group)} | "
                f"{', '.join(other) or '-'} | {len(data.get('sources', {}))} |",
            )
        )
    header = "| language | meanings | media kinds | group events | also | sources |\n|---|---|---|---|---|---|\n"
    return header + "\n".join(row for _, _, row in sorted(rows)) + "\n"


def readme_block(readme: str) -> str | None:
    """What the README holds between the markers, or None when it has no such block."""
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        return None
    return readme[start + len(START) : end].strip("\n") + "\n"


def main(argv: list[str]) -> int:
    table = render()
    if "--write" not in argv:
        sys.stdout.write(table)
        return 0
    readme = README.read_text(encoding="utf-8")
    if readme_block(readme) is None:
        sys.stderr.write(f"README.md has no block between {START!r} and {END!r}\n")
        return 1
    before, after = readme.split(START, 1)[0], readme.split(END, 1)[1]
    README.write_text(f"{before}{START}\n{table}{END}{after}", encoding="utf-8")
    print(f"{table.count(chr(10)) - 2} languages -> {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
