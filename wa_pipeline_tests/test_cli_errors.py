"""Every verb on bad input: exit 1 or 2 and a clear last line naming what is wrong, never a traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
WA = Path(sys.executable).parent / "wa-pipeline"
TEN_MB = 10 * 1024 * 1024


@pytest.fixture
def inputs(tmp_path) -> Path:
    (tmp_path / "garbage.bin").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "bad.json").write_text('{"object": {"entry": [', encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text('{"text": "hi"}\n{"text": \n', encoding="utf-8")
    (tmp_path / "huge.txt").write_text("x" * TEN_MB + "\n", encoding="utf-8")
    (tmp_path / "hi.txt").write_text("hi\n", encoding="utf-8")
    (tmp_path / "a-folder").mkdir()
    return tmp_path


def wa(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "WA_DATA_DIR": str(tmp_path / "data"),
        "DAGSTER_HOME": str(tmp_path),
        "WA_APP_SECRET": "",
        "WA_VERIFY_TOKEN": "",
    }
    return subprocess.run([str(WA), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def assert_one_clear_line(result: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert len(last) < 400, last
    for word in words:
        assert word in last, (word, last)


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("import", "missing.txt"), 1, ("missing.txt", "no such file")),
        (("import", "garbage.bin"), 1, ("garbage.bin", "UTF-8")),
        (("import", "huge.txt"), 1, ("huge.txt", "not a WhatsApp chat export")),
        (("parse-export", "missing.txt"), 1, ("missing.txt", "no such file")),
        (("parse-export", "garbage.bin"), 1, ("garbage.bin", "UTF-8")),
        (("parse-export", "huge.txt"), 1, ("huge.txt", "not a WhatsApp chat export")),
        (("parse-webhook", "missing.json"), 2, ("missing.json", "No such file")),
        (("parse-webhook", "a-folder"), 2, ("a-folder",)),
        (("parse-webhook", "bad.json"), 2, ("bad.json", "not valid JSON")),
        (("parse-webhook", "garbage.bin"), 2, ("garbage.bin",)),
        (("parse-webhook", "huge.txt"), 2, ("huge.txt", "not valid JSON")),
        (("enrich", "missing.txt"), 2, ("missing.txt", "No such file")),
        (("enrich", "garbage.bin"), 2, ("garbage.bin", "not UTF-8")),
        (("enrich", "bad.jsonl"), 2, ("bad.jsonl:2",)),
        (("enrich", "--patterns", "missing.yaml", "hi.txt"), 2, ("missing.yaml",)),
        (("enrich", "--timezone", "Mars/Olympus", "hi.txt"), 2, ("Mars/Olympus",)),
        (("extract-media", "missing.jpg"), 2, ("missing.jpg",)),
        (("run", "--from", "2026-13-01", "--to", "2026-12-01"), 2, ("YYYY-MM-DD",)),
        (("run", "--from", "2026-01-05", "--to", "2026-01-01"), 2, ("before",)),
        (("report", "--from", "yesterday", "--to", "2026-01-01"), 2, ("YYYY-MM-DD",)),
        (("serve-webhook",), 2, ("WA_APP_SECRET",)),
        (("dlq", "list", "--stage", "bogus"), 2, ("--stage", "'bogus'", "media_download")),
        (("dlq", "list", "--partition", "2026-13-01"), 2, ("--partition", "YYYY-MM-DD")),
        (("dlq", "list", "--since", "2026-01-01"), 2, ("No such option", "--since")),
        (("dlq", "replay", "--stage", "nope"), 2, ("--stage", "'nope'")),
        (("dlq", "replay", "--partition", "yesterday"), 2, ("--partition", "YYYY-MM-DD")),
        (("dlq", "replay", "abc"), 2, ("ids", "integer")),
        (("dlq", "replay", "0"), 2, ("ids", "positive")),
        (("dlq", "replay", "42"), 2, ("no dead letter with id 42",)),
        (("dlq", "replay", "--bogus"), 2, ("No such option", "--bogus")),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else None,
)
def test_bad_input_ends_in_one_clear_line_and_exit_1_or_2(inputs, args, code, words):
    assert_one_clear_line(wa(inputs, *args), code, *words)


def test_extract_media_on_garbage_reports_it_without_a_traceback(inputs):
    result = wa(inputs, "extract-media", "garbage.bin")
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert "garbage.bin" in result.stdout


def test_debug_shows_the_traceback_of_an_unexpected_error(inputs):
    plain = wa(inputs, "enrich", "--patterns", "missing.yaml", "hi.txt")
    assert plain.stderr.strip().endswith("(run with --debug for the traceback)")
    debugged = wa(inputs, "--debug", "enrich", "--patterns", "missing.yaml", "hi.txt")
    assert debugged.returncode == 1 and "Traceback" in debugged.stderr and "missing.yaml" in debugged.stderr


def test_enrich_returns_on_a_ten_megabyte_line_read_on_a_bounded_prefix(inputs):
    result = wa(inputs, "enrich", "huge.txt")
    assert result.returncode == 0, result.stderr[-2000:]
    assert '"flags": "truncated: read the first 20,000 of 10,485,760 characters (bound 20,000)"' in result.stdout


def test_dlq_replay_prints_the_new_reason_of_each_letter_that_fails_again(inputs):
    assert wa(inputs, "import", "garbage.bin").returncode == 1
    listed = wa(inputs, "dlq", "list", "--stage", "import", "--json")
    [letter] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert letter["item_key"].endswith("garbage.bin") and "UTF-8" in letter["reason"]
    # Fixed the wrong way: text now, but still not a chat export, so the replay fails for a new reason.
    (inputs / "garbage.bin").write_text("hello, this is not a chat\n", encoding="utf-8")

    replayed = wa(inputs, "dlq", "replay", str(letter["id"]))
    assert replayed.returncode == 1 and "Traceback" not in replayed.stderr + replayed.stdout
    line = [text for text in replayed.stderr.splitlines() if text.startswith(f"letter {letter['id']} (import")]
    assert len(line) == 1 and "garbage.bin" in line[0] and "not a WhatsApp chat export" in line[0]
    assert "UTF-8" not in line[0]
    # Nothing is lost: the file's letter is still open, with the reason it failed this time.
    reasons = [json.loads(text)["reason"] for text in wa(inputs, "dlq", "list", "--json").stdout.splitlines()]
    assert any("not a WhatsApp chat export" in reason for reason in reasons)
