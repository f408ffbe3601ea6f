"""Measure language identification on the hand-written dev lines (`language_dev.jsonl`, `language_dev2.jsonl`).

Usage: .venv/bin/python scripts/evaluate_language.py [--errors] [--repeat N] [--file FILE ...]

Prints, per file and per labelled language, how many lines `detect_languages` (default languages, as the pipeline
calls it) gets right; `--errors` also lists the misread lines, `--repeat N` the CPU seconds of N more calls over all the
lines once the models are loaded (each call is a new batch, so none reuses another's answers). Undetermined ("") counts as wrong. Dev lines only: the
held-out sets are measured by `scripts/evaluate_nlp.py --split heldout`, totals only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wa_pipeline.nlp.language import detect_languages  # noqa: E402

DATA = REPO / "wa_pipeline_tests" / "nlp" / "data"
DEV_FILE = DATA / "language_dev.jsonl"
DEV_FILES = (DEV_FILE, DATA / "language_dev2.jsonl")


def load_cases(path: Path = DEV_FILE) -> list[tuple[str, str]]:
    """The (text, language) pairs of a JSON-lines file of {"text", "language"} objects; `#` lines are comments."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            row = json.loads(line)
            cases.append((row["text"], row["language"]))
    return cases


def accuracy_by_language(cases: list[tuple[str, str]], predicted: list[str]) -> dict[str, tuple[int, int]]:
    """(right, total) per labelled language."""
    right: Counter = Counter()
    total: Counter = Counter()
    for (_, gold), guess in zip(cases, predicted):
        total[gold] += 1
        right[gold] += guess == gold
    return {code: (right[code], total[code]) for code in sorted(total)}


def main(argv: list[str] | None = None) -> int:
    """Print per-language accuracy on each dev file, and its misread lines with --errors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the misread lines")
    parser.add_argument("--repeat", type=int, default=0, help="time N more calls over the lines")
    parser.add_argument(
        "--file", type=Path, nargs="+", default=list(DEV_FILES), help="JSON-lines files of text and language"
    )
    args = parser.parse_args(argv)
    for path in args.file:
        _report(path, args.errors, args.repeat)
    return 0


def _report(path: Path, show_errors: bool, repeat: int) -> None:
    cases = load_cases(path)
    started = time.process_time()
    predicted = detect_languages([text for text, _ in cases])
    cpu = time.process_time() - started
    scores = accuracy_by_language(cases, predicted)
    print(f"== {path.name}")
    print(f"{'language':<10}{'right':>7}{'lines':>7}{'accuracy':>10}")
    for code, (right, total) in scores.items():
        print(f"{code:<10}{right:>7}{total:>7}{right / total:>10.3f}")
    right = sum(r for r, _ in scores.values())
    print(f"{'all':<10}{right:>7}{len(cases):>7}{right / len(cases):>10.3f}")
    print(f"CPU seconds (first call, models loading included if first file): {cpu:.2f}")
    if repeat:
        texts = [text for text, _ in cases]
        started = time.process_time()
        for _ in range(repeat):
            detect_languages(texts)
        print(f"CPU seconds for {repeat} more calls over {len(texts)} lines: {time.process_time() - started:.2f}")
    if show_errors:
        for (text, gold), guess in zip(cases, predicted):
            if guess != gold:
                print(f"{gold} -> {guess or '?'}\t{text}")
    print()


if __name__ == "__main__":
    raise SystemExit(main())
