"""CLI start-up: `wa-pipeline --help` wall time against an empty interpreter, measured in the same run.

    python -m benchmarks.bench_cli_startup [--runs 15]

Each command is started as a fresh process, alternating between the commands so that a busy machine slows every
one alike; the median of the runs is reported. The second baseline, an interpreter that only imports typer and
rich's console, is the floor any typer CLI pays before printing anything.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

CONSOLE_SCRIPT = Path(sys.executable).parent / "wa-pipeline"


def commands() -> dict[str, list[str]]:
    ours = [str(CONSOLE_SCRIPT), "--help"] if CONSOLE_SCRIPT.exists() else None
    return {
        "ours": ours or [sys.executable, "-c", "from wa_pipeline.cli import main; main()", "--help"],
        "empty": [sys.executable, "-c", "pass"],
        "typer": [sys.executable, "-c", "import typer, rich.console"],
    }


def measure(runs: int) -> dict[str, float]:
    """Median wall seconds per command; the commands take turns so load drifts hit them equally."""
    timings: dict[str, list[float]] = {name: [] for name in commands()}
    for _ in range(runs):
        for name, argv in commands().items():
            started = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in timings.items()}


def run(quick: bool = False, runs: int | None = None) -> list[dict]:
    """Rows for the combined `make bench` table."""
    median = measure(runs or (5 if quick else 15))
    return [
        {
            "benchmark": "cli start-up",
            "measure": "wa-pipeline --help, wall s (median)",
            "ours": round(median["ours"], 3),
            "baseline": round(median["empty"], 3),
            "baseline_name": "python -c pass",
            "goal": "ours <= 0.3 s",
        },
        {
            "benchmark": "cli start-up",
            "measure": "wa-pipeline --help, wall s (median)",
            "ours": round(median["ours"], 3),
            "baseline": round(median["typer"], 3),
            "baseline_name": "python -c 'import typer, rich.console'",
            "goal": "ratio near 1",
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="starts of each command")
    args = parser.parse_args()
    for row in run(runs=args.runs):
        print(f"{row['measure']}: {row['ours']} s against {row['baseline']} s for {row['baseline_name']}")


if __name__ == "__main__":
    main()
