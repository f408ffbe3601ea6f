"""`wa-pipeline --help` and every verb's `--help` start at once: no engine or framework is imported to print them."""

import json
import subprocess
import sys
import textwrap

import pytest
import typer

from wa_pipeline.cli import app

HEAVY = ("pandas", "dagster", "spacy", "pytesseract", "faster_whisper")

# Runs in a fresh interpreter, so what this test process already imported does not count.
PROBE = textwrap.dedent(
    f"""
    import json, sys
    from wa_pipeline.cli import app
    try:
        app(sys.argv[1:], prog_name="wa-pipeline")
    except SystemExit as exit:
        code = exit.code
    imported = [name for name in {HEAVY!r} if name in sys.modules]
    print(json.dumps({{"code": code, "imported": imported}}))
    """
)


def _verbs() -> list[list[str]]:
    """Every command line that prints a help page: the app, each verb, each sub-verb (`dlq list`)."""
    found: list[list[str]] = [[]]

    def walk(command, path: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            found.append([*path, name])
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def _help_imports(words: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *words, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_every_verb_has_a_help_page():
    verbs = {" ".join(words) for words in _verbs()}
    assert {"", "import", "run", "serve-webhook", "report", "doctor", "dlq list", "dlq replay", "enrich"} <= verbs


@pytest.mark.parametrize("words", _verbs(), ids=lambda words: " ".join(words) or "wa-pipeline")
def test_help_imports_no_heavy_library(words):
    outcome = _help_imports(words)
    assert outcome["code"] == 0
    assert outcome["imported"] == []
