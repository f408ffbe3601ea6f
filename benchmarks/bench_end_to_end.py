"""End-to-end days of synthetic messages through the whole daily job: wall time, peak RSS and how time grows.

Each day runs in a fresh subprocess (its own data dir and Dagster instance), so peak RSS is the pipeline's own.
The job runs in that process (`execute_in_process`, as `wa-pipeline run` does), and the processes it starts
(media engine workers, Dagster's log watchers) count too: peak RSS is the largest sum of the resident sets of
the job process and all its descendants, sampled every 0.1 s, or the job process's own exact peak (VmHWM, not
ru_maxrss, which Linux carries over from the launching process across exec) if that is larger. Sizes: 10,000
messages with 5% media (receipt photos), 10,000 and 100,000 text-only; `--day COUNT:SHARE` measures single
days instead (e.g. `--day 100000:0`).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.process_tree_rss import TreeRssSampler

DAY = "2026-11-16"
TZ = "Africa/Nairobi"
NAMES = ["Amina Njeri", "Brian Otieno", "Wanjiku Kamau", "Juma Said", "Grace Achieng", "Peter Mwangi", "Fatuma Ali"]
TEMPLATES = [
    "Please send {n} loaves and {m} cakes tomorrow {h}pm",
    "Paid KES {amount} via M-Pesa, ref {ref}",
    "Hi, do you have {n} bags of cement? Call me on +2547{phone}",
    "My order never arrived. Terrible! Order {ref}",
    "Thank you, the delivery was great 👍",
    "Can I book a table for {n} on Saturday at {h}pm?",
    "Please cancel order #{ref}, I no longer need it",
    "How much is delivery to Westlands? email me at {name}@example.com",
    "Good morning! Is the shop open today?",
    "Invoice INV-2026-{n:04d} total USD {amount}.00 due 14/12",
]


def synthetic_messages(
    count: int,
    media_share: float,
    media_store,
    seed: int = 7,
    *,
    day: str = DAY,
    chats: int = 200,
    rng: random.Random | None = None,
    first_hour: int = 6,
    span_s: int = 50_000,
    prefix: str = "bench_",
):
    """`count` messages of one day across `chats` chats from `first_hour` on, `media_share` of them receipt photos."""
    from PIL import Image, ImageDraw

    from wa_pipeline.message import MediaRef, Message, stable_id

    rng = rng or random.Random(seed)
    tz = ZoneInfo(TZ)
    start = datetime.fromisoformat(f"{day}T{first_hour:02d}:00:00").replace(tzinfo=tz)
    chat_names = [f"Customer {i:03d}" for i in range(chats)]
    messages = []
    for index in range(count):
        chat = rng.choice(chat_names)
        sender = rng.choice(NAMES + [chat])
        sent_at = start + timedelta(seconds=int(index * span_s / count))
        fields = dict(
            n=rng.randint(1, 60),
            m=rng.randint(1, 9),
            h=rng.randint(1, 9),
            amount=rng.randint(100, 90_000),
            ref=f"QK{rng.randint(10**7, 10**8 - 1)}",
            phone=rng.randint(10**7, 10**8 - 1),
            name=sender.split()[0].lower(),
        )
        text = rng.choice(TEMPLATES).format(**fields)
        media = None
        kind = "text"
        if rng.random() < media_share:
            image = Image.new("L", (360, 120), 255)
            draw = ImageDraw.Draw(image)
            draw.text((10, 20), f"RECEIPT {day} {index}", fill=0)
            draw.text((10, 60), f"TOTAL KES {fields['amount']}", fill=0)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            data = buffer.getvalue()
            media = MediaRef(
                sha256=media_store.put(data), mime="image/png", filename=f"IMG-{day}-{index}.png", bytes=len(data)
            )
            kind, text = "image", None
        chat_id = stable_id(chat, prefix="chat_")
        messages.append(
            Message(
                message_id=stable_id(chat_id, day, index, prefix=prefix),
                chat_id=chat_id,
                chat_name=chat,
                sender_id=stable_id(chat_id, sender, prefix="snd_"),
                sender_name=sender,
                sent_at=sent_at,
                kind=kind,
                text=text,
                caption="receipt" if media else None,
                media=media,
                source="chat_export",
            )
        )
    return messages


def child(data_dir: Path) -> None:
    """Runs inside the measured subprocess: the daily job for one day, as `wa-pipeline run` does."""
    import dagster as dg

    from wa_pipeline.definitions import defs

    job = defs().resolve_job_def("daily_pipeline")
    started = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            partition_key=DAY,
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        )
    failed = [e.asset_check_key.to_user_string() for e in result.get_asset_check_evaluations() if not e.passed]
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "success": result.success,
                "failed_checks": failed,
                "job_process_peak_rss_mb": _own_peak_rss_kib() / 1024,
                "largest_child_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


def _own_peak_rss_kib() -> int:
    """This process's peak resident set since it started (VmHWM).

    Not ru_maxrss: Linux carries the launching process's peak across fork and exec into it, so a day measured
    from `make bench` (whose process already loaded spaCy and Whisper) would report the launcher's memory.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(count: int, media_share: float) -> dict:
    from wa_pipeline.data_layout import DataLayout
    from wa_pipeline.store.media_store import MediaStore
    from wa_pipeline.store.sqlite_landing import SqliteLandingStore

    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
        data, home = Path(tmp) / "data", Path(tmp) / "home"
        home.mkdir()
        (home / "dagster.yaml").write_text((Path(__file__).resolve().parents[1] / "dagster.yaml").read_text())
        layout = DataLayout(data)
        messages = synthetic_messages(count, media_share, MediaStore(layout.media_dir))
        SqliteLandingStore(layout.landing_db).add_messages(messages)
        env = {
            **os.environ,
            "WA_DATA_DIR": str(data),
            "DAGSTER_HOME": str(home),
            "WA_TIMEZONE": TZ,
            "WA_DEFAULT_REGION": "KE",
        }
        started = time.perf_counter()
        with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.bench_end_to_end", "--child", str(data)],
                env=env,
                stdout=stdout,
                stderr=stderr,
                text=True,
                cwd=Path(__file__).resolve().parents[1],
            )
            with TreeRssSampler(process.pid) as tree:
                returncode = process.wait()
            wall = time.perf_counter() - started
            stdout.seek(0)
            stderr.seek(0)
            out, err = stdout.read(), stderr.read()
        if returncode != 0:
            raise SystemExit(f"the {count}-message day failed: {err[-2000:]}")
        outcome = json.loads(out.strip().splitlines()[-1])
        if not outcome["success"] or outcome["failed_checks"]:
            raise SystemExit(f"the {count}-message day did not pass: {outcome}")
        return {
            "messages": count,
            "media_share": media_share,
            "wall_s": wall,
            "job_s": outcome["seconds"],
            "peak_rss_mb": max(tree.peak_mb, outcome["job_process_peak_rss_mb"]),
            "tree_sampled_peak_rss_mb": tree.peak_mb,
            "job_process_peak_rss_mb": outcome["job_process_peak_rss_mb"],
            "largest_child_peak_rss_mb": outcome["largest_child_peak_rss_mb"],
            "processes_in_tree": len(tree.processes_seen),
            "peak_rss_method": "max(sum of VmRSS over the job process and its descendants sampled every 0.1 s, "
            "VmHWM of the job process)",
            "messages_per_s": count / outcome["seconds"],
        }


def run(quick: bool = False) -> list[dict]:
    small, large = (1_000, 10_000) if quick else (10_000, 100_000)
    media_day = measure(small, 0.05)
    text_small = measure(small, 0.0)
    text_large = measure(large, 0.0)
    growth = text_large["job_s"] / text_small["job_s"]
    rows = [
        {
            "benchmark": "end to end",
            "measure": f"{small:,} msgs, 5% media: s",
            "ours": media_day["job_s"],
            "baseline": text_small["job_s"],
            "baseline_name": f"{small:,} text-only messages",
            "goal": "-",
        },
        {
            "benchmark": "end to end",
            "measure": f"{large:,} vs {small:,} text msgs: s",
            "ours": text_large["job_s"],
            "baseline": text_small["job_s"],
            "baseline_name": f"{small:,} text-only messages",
            "goal": f"ratio <= {large // small}",
        },
        {
            "benchmark": "end to end",
            "measure": f"peak RSS MB (tree), {large:,} text msgs",
            "ours": text_large["peak_rss_mb"],
            "baseline": 1536.0,
            "baseline_name": "the 1.5 GB budget",
            "goal": "ratio <= 1",
        },
        {
            "benchmark": "end to end",
            "measure": f"peak RSS MB (tree), {small:,} text msgs",
            "ours": text_small["peak_rss_mb"],
            "baseline": 1536.0,
            "baseline_name": "the 1.5 GB budget",
            "goal": "ratio <= 1",
        },
        {
            "benchmark": "end to end",
            "measure": f"peak RSS MB (tree), {small:,} msgs 5% media",
            "ours": media_day["peak_rss_mb"],
            "baseline": 1536.0,
            "baseline_name": "the 1.5 GB budget",
            "goal": "ratio <= 1",
        },
    ]
    print(json.dumps({"days": [media_day, text_small, text_large], "growth": growth}, indent=1), file=sys.stderr)
    return rows


def _day(text: str) -> tuple[int, float]:
    count, _, share = text.partition(":")
    return int(count), float(share or 0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--day",
        type=_day,
        action="append",
        metavar="COUNT:SHARE",
        help="measure one day of COUNT messages, SHARE of them photos (repeatable); prints JSON",
    )
    args = parser.parse_args()
    if args.child:
        child(args.child)
    elif args.day:
        for count, share in args.day:
            print(json.dumps(measure(count, share)), flush=True)
    else:
        for row in run(args.quick):
            print(row)
