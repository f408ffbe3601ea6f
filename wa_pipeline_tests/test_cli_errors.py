"""Every verb on bad input: exit 1 or 2 and a clear last line naming what is wrong, never a traceback."""

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
