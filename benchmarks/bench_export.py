"""Chat exports: our parser against whatstk and chat-miner on one synthetic export, and the streaming import.

    python -m benchmarks.bench_export [--lines 200000] [--import-lines 200000 2000000]

* parse: the same generated Android export (multi-line messages, attachments, system lines, a group of
  senders, 24-hour clock, d/m/y) parsed by each library, in this process, one after another; the time is the best of
  a few rounds (first round warms the caches for all three alike). Ours is `export_table(reader)`, the messages as
  one Arrow table, since whatstk and chat-miner return a pandas DataFrame each; the rows of `messages()`, one
  `Message` each, are timed beside it (and must be as many);
* import: `wa-pipeline import` of generated exports of 200,000 and 2,000,000 lines in a child process each,
  with the default `WA_IMPORT_WORKERS` (2) against one process on the same file, reporting messages landed per
  second, the child's own peak resident set (VmHWM: flat peak memory is the streaming importer's promise) and the
  peak of the child and its workers together (sampled).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import multiprocessing.forkserver
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.process_tree_rss import TreeRssSampler

SENDERS = ("Wanjiku Kamau", "Brian Otieno", "+254 712 345 678", "Mama Mboga Bakery", "Juma Hardware", "Amina Njeri")
WORDS = (
    "please send loaves bread white brown delivery tomorrow gate road apartments paid via M-Pesa thanks order "
    "invoice deposit cake wedding price list received karibu asante when arrive call me"
).split()


def write_export(path: Path, lines: int, seed: int = 7) -> int:
    """An Android export of about `lines` lines, written as a phone would; returns the number of messages."""
    rng = random.Random(seed)
    at = datetime(2016, 1, 4, 7, 0)
    # A few minutes between messages keeps 2,000,000 lines inside 2016-2024; a bigger file is a busier chat (several
    # messages a minute), or its dates would run past today and every later line would be refused, not imported.
    steps = (0, 0, 1, 1, 2, 3, 5, 10) if lines <= 2_000_000 else (0, 0, 0, 0, 0, 0, 1, 1)
    written = messages = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(f"{at:%d/%m/%Y, %H:%M} - Messages and calls are end-to-end encrypted. Tap to learn more.\n")
        written += 1
        while written < lines:
            at += timedelta(minutes=rng.choice(steps))
            sender = rng.choice(SENDERS)
            roll = rng.random()
            head = f"{at:%d/%m/%Y, %H:%M} - {sender}: "
            if roll < 0.05:
                out.write(f"{head}IMG-{at:%Y%m%d}-WA{messages % 10_000:04d}.jpg (file attached)\n")
                written += 1
            elif roll < 0.07:
                out.write(f"{head}<Media omitted>\n")
                written += 1
            elif roll < 0.08:
                out.write(f"{at:%d/%m/%Y, %H:%M} - {sender} added {rng.choice(SENDERS)}\n")
                written += 1
            elif roll < 0.2:
                extra = rng.randint(1, 3)
                out.write(head + " ".join(rng.choices(WORDS, k=8)) + "\n")
                for _ in range(extra):
                    out.write(" ".join(rng.choices(WORDS, k=6)) + "\n")
                written += 1 + extra
            else:
                out.write(head + " ".join(rng.choices(WORDS, k=rng.randint(2, 14))) + "\n")
                written += 1
            messages += 1
    return messages


def _ours(path: Path) -> int:
    """Our parse as the baselines': the export's messages as one table (`export_table`)."""
    from zoneinfo import ZoneInfo

    from wa_pipeline.whatsapp.chat_export import parse_chat_export_file
    from wa_pipeline.whatsapp.export_table import export_table

    return export_table(parse_chat_export_file(path, chat_name="Bench", tz=ZoneInfo("Africa/Nairobi"))).num_rows


def _ours_messages(path: Path) -> int:
    """Our parse into one `Message` record per message (`ExportReader.messages`), as the importer reads it."""
    from zoneinfo import ZoneInfo

    from wa_pipeline.whatsapp.chat_export import parse_chat_export_file

    count = 0
    for _ in parse_chat_export_file(path, chat_name="Bench", tz=ZoneInfo("Africa/Nairobi")).messages():
        count += 1
    return count


def _whatstk(path: Path) -> int:
    from whatstk.whatsapp.objects import WhatsAppChat

    return len(WhatsAppChat.from_source(filepath=str(path), hformat="%d/%m/%Y, %H:%M - %name:").df)


def _chat_miner(path: Path) -> int:
    from chatminer.chatparsers import WhatsAppParser

    logging.getLogger("chatminer").setLevel(logging.WARNING)
    parser = WhatsAppParser(str(path))
    # chat-miner draws a tqdm bar on stderr; the table is what we print.
    with open(os.devnull, "w") as devnull:
        saved, sys.stderr = sys.stderr, devnull
        try:
            parser.parse_file()
        finally:
            sys.stderr = saved
    return len(parser.parsed_messages.get_df())


def _best_of(functions: dict, path: Path, rounds: int) -> dict[str, tuple[float, int, float, list[float]]]:
    """(best wall seconds, records, best CPU seconds of this process, CPU seconds of each round) of `rounds` calls of
    each function, the functions taking turns within each round (so a busy spell of the machine falls on all of them
    alike)."""
    best = {name: (float("inf"), 0, float("inf"), []) for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            gc.collect()
            started, cpu_started = time.perf_counter(), time.process_time()
            count = function(path)
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            best[name] = (min(best[name][0], wall), count, min(best[name][2], cpu), [*best[name][3], cpu])
    return best


def _cpu_ratios(ours: list[float], baseline: list[float]) -> str:
    """Our CPU seconds over the baseline's, round by round (the two ran one after the other): median and spread."""
    ratios = sorted(mine / theirs for mine, theirs in zip(ours, baseline, strict=True))
    return f"CPU ratio by round: median {statistics.median(ratios):.3f}x, {ratios[0]:.3f}-{ratios[-1]:.3f} over {len(ratios)} rounds"


def parse_rows(lines: int, rounds: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "WhatsApp Chat with Bench.txt"
        write_export(path, lines)
        timings = _best_of({"ours": _ours, "messages": _ours_messages, "whatstk": _whatstk}, path, rounds)
        timings |= _best_of({"chat-miner": _chat_miner}, path, 1)
    if timings["ours"][1] != timings["messages"][1]:
        raise AssertionError(f"the table has {timings['ours'][1]:,} rows, messages() {timings['messages'][1]:,}")
    # CPU seconds beside wall seconds: on a shared machine the wall clock mostly measures the neighbours.
    rows = [
        {
            "benchmark": "export parse",
            "measure": f"parse {lines:,} lines into one table (export_table), s"
            f" (rows {timings['ours'][1]:,}; CPU s {timings['ours'][2]:.3f})",
            "ours": round(timings["ours"][0], 3),
            "baseline": round(timings[name][0], 3),
            "baseline_name": f"{name} {_version(name)} ({timings[name][1]:,} msgs; CPU s {timings[name][2]:.3f}"
            + (f"; {_cpu_ratios(timings['ours'][3], timings[name][3])})" if name == "whatstk" else ")"),
            "goal": goal,
        }
        for name, goal in (("whatstk", "<= 0.33x"), ("chat-miner", "<= 0.20x"))
    ]
    # The per-message path beside it, against the same whatstk run, for the record.
    whatstk = timings["whatstk"]
    rows.append(
        {
            "benchmark": "export parse",
            "measure": f"parse {lines:,} lines into one Message each (ExportReader.messages), s"
            f" (msgs {timings['messages'][1]:,}; CPU s {timings['messages'][2]:.3f})",
            "ours": round(timings["messages"][0], 3),
            "baseline": round(whatstk[0], 3),
            "baseline_name": f"whatstk {_version('whatstk')} ({whatstk[1]:,} msgs; CPU s {whatstk[2]:.3f})",
            "goal": "-",
        }
    )
    return rows


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def _import_child(path: str, data_dir: str, workers: str = "1") -> None:
    """Run in a child process: import one export, print landed messages, seconds and peak RSS as JSON."""
    from zoneinfo import ZoneInfo

    from wa_pipeline.data_layout import DataLayout
    from wa_pipeline.store.dead_letters import DeadLetterQueue
    from wa_pipeline.store.media_store import MediaStore
    from wa_pipeline.store.sqlite_landing import SqliteLandingStore as LandingStore
    from wa_pipeline.whatsapp.importer import import_exports

    data = Path(data_dir)
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    children_at_start = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_before = children_at_start.ru_utime + children_at_start.ru_stime
    started = time.perf_counter()
    with TreeRssSampler(os.getpid(), interval_s=0.25) as tree:
        summary = import_exports(
            [Path(path)],
            store=LandingStore(DataLayout(data).landing_db),
            media_store=MediaStore(DataLayout(data).media_dir),
            dead_letters=DeadLetterQueue(DataLayout(data).landing_db),
            tz=ZoneInfo("Africa/Nairobi"),
            workers=int(workers),
        )
    seconds = time.perf_counter() - started
    # The workers are the children of the import's fork server (see `importer._start_worker_server`), reaped by it:
    # their CPU reaches this process's RUSAGE_CHILDREN once the server has exited and been waited for.
    multiprocessing.forkserver._forkserver._stop()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kib = next(
        int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM")
    )
    # CPU seconds beside wall seconds: on a shared machine the wall clock mostly measures the neighbours. The
    # workers' CPU is in RUSAGE_CHILDREN once they have exited, as they have when the import returns.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before + children.ru_utime + children.ru_stime - children_before
    print(
        json.dumps(
            {
                "added": summary.added,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "peak_mib": peak_kib / 1024,
                "tree_peak_mib": tree.peak_kib / 1024,
                "processes": len(tree.processes_seen),
            }
        )
    )


# The default of WA_IMPORT_WORKERS, against one process on the same file.
WORKERS = 2


def _import_in_child(path: Path, data: Path, workers: int) -> dict:
    command = [sys.executable, "-m", "benchmarks.bench_export", "--child", str(path), str(data), str(workers)]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_rows(sizes: list[int]) -> list[dict]:
    results: dict[int, dict[int, dict]] = {}
    for lines in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "WhatsApp Chat with Bench.txt"
            write_export(path, lines)
            mib = path.stat().st_size / 2**20
            results[lines] = {
                workers: _import_in_child(path, Path(tmp) / f"data{workers}", workers) | {"mib": mib}
                for workers in (WORKERS, 1)
            }
    rows = []
    smallest = min(sizes)
    for lines, by_workers in results.items():
        ours, one = by_workers[WORKERS], by_workers[1]

        def rate(result: dict) -> str:
            return (
                f"{result['added']:,} messages in {result['seconds']:.1f} s"
                f" ({result['cpu_seconds']:.1f} CPU s: {result['added'] / result['cpu_seconds']:,.0f}/CPU s)"
            )

        rows.append(
            {
                "benchmark": "export import",
                "measure": f"{lines:,} lines ({ours['mib']:.0f} MiB): messages landed/s, {WORKERS} workers;"
                f" {rate(ours)}",
                "ours": round(ours["added"] / ours["seconds"]),
                "baseline": round(one["added"] / one["seconds"]),
                "baseline_name": f"one process (WA_IMPORT_WORKERS=1): {rate(one)}",
                "goal": ">= 20,000/s",
            }
        )
        rows.append(
            {
                "benchmark": "export import",
                "measure": f"{lines:,} lines: peak RSS MiB of the import process vs {smallest:,} lines;"
                f" {ours['processes']} processes together {ours['tree_peak_mib']:.0f} MiB (sampled)",
                "ours": round(ours["peak_mib"], 1),
                "baseline": round(results[smallest][WORKERS]["peak_mib"], 1),
                "baseline_name": f"peak RSS importing {smallest:,} lines",
                "goal": "<= 1.10x, <= 400",
            }
        )
    return rows


def run(quick: bool = False) -> list[dict]:
    if quick:
        return parse_rows(20_000, 2) + import_rows([20_000, 200_000])
    return parse_rows(200_000, 3) + import_rows([200_000, 2_000_000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--import-lines", type=int, nargs="*", default=[200_000, 2_000_000])
    parser.add_argument("--child", nargs="+", metavar="EXPORT DATA_DIR [WORKERS]", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _import_child(*args.child)
        return
    # Each part prints as soon as it is measured: the import of the largest file takes longest.
    for row in parse_rows(args.lines, args.rounds):
        print(json.dumps(row, ensure_ascii=False), flush=True)
    for row in import_rows(args.import_lines) if args.import_lines else []:
        print(json.dumps(row, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
