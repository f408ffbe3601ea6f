"""`make bench`: run every benchmark and print one table of project-vs-baseline ratios, all measured in this run."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

# Each module exposes run(quick) -> rows {benchmark, measure, ours, baseline, baseline_name, goal}.
MODULES = [
    "bench_cli_startup",
    "bench_enrich",
    "bench_media",
    "bench_sheets",
    "bench_ingest",
    "bench_end_to_end",
    "bench_backfill",
    "bench_export",
    "bench_orders",
]


def machine() -> str:
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, {memory_gib:.0f} GiB, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    parser.add_argument("--only", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args()

    rows: list[dict] = []
    failures: list[str] = []
    for name in args.only or MODULES:
        path = Path(__file__).with_name(f"{name}.py")
        if not path.exists():
            continue
        started = time.perf_counter()
        print(f"== {name}", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            produced = module.run(quick=args.quick)
        except (Exception, SystemExit) as exc:  # one broken benchmark must not hide the others' figures
            failures.append(f"{name}: {exc}")
            continue
        for row in produced:
            row.setdefault("seconds", round(time.perf_counter() - started, 1))
        rows.extend(produced)

    print(f"\nBenchmarks on {machine()}; every baseline measured in the same run\n")
    header = f"{'benchmark':<22} {'measure':<44} {'ours':>12} {'baseline':>12} {'ratio':>7}  {'goal':<14} baseline"
    print(header)
    print("-" * len(header))
    for row in rows:
        ours, baseline = row.get("ours"), row.get("baseline")
        ratio = ours / baseline if isinstance(ours, (int, float)) and baseline else None
        row["ratio"] = ratio
        print(
            f"{row.get('benchmark', '?'):<22} {row.get('measure', '?'):<44} {_num(ours):>12} {_num(baseline):>12} "
            f"{(f'{ratio:.2f}x' if ratio is not None else '-'):>7}  {row.get('goal', ''):<14} {row.get('baseline_name', '')}"
        )
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2, default=str))
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    return 1 if failures else 0


def _num(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


if __name__ == "__main__":
    sys.exit(main())
