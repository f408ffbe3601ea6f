"""The README's per-language table of WhatsApp's own export lines is the language files' own account."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("export_coverage", REPO / "scripts" / "export_coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_table_is_what_the_language_files_hold():
    coverage = _script()
    block = coverage.readme_block((REPO / "README.md").read_text(encoding="utf-8"))
    assert block is not None, "README.md lost the export-coverage markers"
    assert block == coverage.render(), "run: .venv/bin/python scripts/export_coverage.py --write"


def test_a_new_event_in_a_language_file_changes_its_row(tmp_path):
    coverage = _script()
    locales = tmp_path / "export_locales"
    shutil.copytree(coverage.LOCALES, locales)
    before = {row.split(" |")[0]: row for row in coverage.render(locales).splitlines()}
    path = locales / "sv.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["lines"].append({"meaning": "member_left", "text": "{name} lämnade gruppen", "source": "test"})
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    after = {row.split(" |")[0]: row for row in coverage.render(locales).splitlines()}
    swedish = "| Swedish (`sv`)"
    assert before[swedish] != after[swedish]
    assert "left" not in before[swedish].split(" | ")[3]
    assert after[swedish].split(" | ")[3] == "left"
    assert int(after[swedish].split(" | ")[1]) == int(before[swedish].split(" | ")[1]) + 1
    assert {k: v for k, v in before.items() if k != swedish} == {k: v for k, v in after.items() if k != swedish}


def test_a_readme_without_the_markers_has_no_block():
    assert _script().readme_block("# wa_pipeline\n\nno table here\n") is None


def test_every_meaning_of_the_files_has_its_place_in_the_table(tmp_path):
    coverage = _script()
    assert coverage.unlisted() == set()
    # A new event code the table does not know is named, not silently left out of the README.
    locales = tmp_path / "export_locales"
    shutil.copytree(coverage.LOCALES, locales)
    path = locales / "en.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["lines"].append({"meaning": "channel_followed", "text": "{name} followed this channel", "source": "test"})
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert coverage.unlisted(locales) == {"channel_followed"}
