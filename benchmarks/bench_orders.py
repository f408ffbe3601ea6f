"""The Orders tab built from every stored day against the 14-day window it was built from before, in one run.

    python -m benchmarks.bench_orders [--quick] [--days N]

An order stays open until it is paid, however long, so each Orders step reads every stored enriched day and builds
the tab from all of them (`defs/sync/tab_factory.history_tab_assets`): whichever day is re-run, an order keeps its
row and id. Before, a step read the 14 days before its day, which cut an order open since before them anew under
another id. Both sides here read the same synthetic stored days (`read_frame`, as the step does) and build the rows
with `ORDERS.rows`; the ratio is what a step now pays for a history of that length. A run pays it twice (the sync
and its read-back check), and a history backfilled in runs of 30 days once per run.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.sheets.tabs.orders import ORDERS
from wa_pipeline.store.frames import read_frame, write_frame

TZ = ZoneInfo("Africa/Nairobi")
WINDOW_DAYS = 14
# What a shop's customers write, with what the enrichment reads from it (intent, quantities, amount, reference).
SAID = (
    ("2 bags of maize please", "order", "2 bag", "", ""),
    ("How much is a bag of flour?", "inquiry", "", "", ""),
    ("Sent KES 3,200, ref QK1AB23CD4", "payment", "", "KES 3200.00", "transaction:QK1AB23CD4"),
    ("Noted, thank you", "other", "", "", ""),
)


def store_days(folder: Path, days: int, per_day: int, seed: int = 3) -> list[Path]:
    """`days` enriched days of `per_day` messages across 40 chats, each stored as the enrichment stores one."""
    rng = random.Random(seed)
    start = pd.Timestamp("2016-01-01 06:00", tz="UTC")
    paths = []
    for n in range(days):
        day = start + pd.Timedelta(days=n)
        rows = []
        for i in range(per_day):
            text, intent, quantities, amount, reference = rng.choice(SAID)
            chat = rng.randrange(40)
            rows.append(
                {
                    "message_id": f"m{n}_{i}",
                    "chat_id": f"c{chat}",
                    "chat_name": f"Customer {chat}",
                    "sender_name": rng.choice([f"Customer {chat}", "Shop"]),
                    "source": "chat_export",
                    "sent_at": day + pd.Timedelta(minutes=i),
                    "kind": "text",
                    "text": text,
                    "intent": intent,
                    "quantities": quantities,
                    "amounts": amount,
                    "amount": amount,
                    "references": reference,
                    "dates": "",
                    "places": "",
                }
            )
        path = folder / f"{day.date().isoformat()}.parquet"
        write_frame(pd.DataFrame(rows), path)
        paths.append(path)
    return paths


def build_seconds(paths: list[Path]) -> tuple[float, int]:
    """Seconds to read `paths` and build the Orders rows from them, and how many rows."""
    started = time.perf_counter()
    rows = ORDERS.rows(pd.concat([read_frame(path) for path in paths], ignore_index=True), TZ)
    return time.perf_counter() - started, len(rows)


def run(quick: bool = False, days: int | None = None, per_day: int = 30) -> list[dict]:
    days = days or (365 if quick else 3650)
    with tempfile.TemporaryDirectory() as folder:
        paths = store_days(Path(folder), days, per_day)
        history, orders = build_seconds(paths)
        window, _ = build_seconds(paths[-(WINDOW_DAYS + 1) :])
    print(json.dumps({"days": days, "history_s": history, "window_s": window, "orders": orders}), file=sys.stderr)
    return [
        {
            "benchmark": "orders",
            "measure": f"Orders step s, {days} stored days x {per_day} msgs",
            "ours": history,
            "baseline": window,
            "baseline_name": f"{WINDOW_DAYS}-day window (cut open orders anew)",
            "goal": "report",
        }
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a year of stored days instead of ten")
    parser.add_argument("--days", type=int, help="stored days (default 3650, or 365 with --quick)")
    args = parser.parse_args()
    for row in run(quick=args.quick, days=args.days):
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
