"""Write the full enrichment of every dev text to one file, to prove a speed change alters no output.

Usage: .venv/bin/python scripts/snapshot_enrichment.py OUT.jsonl [--repeat N]

Every text of the dev sets (`wa_pipeline_tests/nlp/data/dev/*.txt`, `entities_dev.jsonl`, `entities_test.jsonl`,
`intents_dev2.jsonl`, `language_dev*.jsonl`) and of the shipped examples (`intent_examples.jsonl`,
`sentiment_examples/*.jsonl`), never the held-out sets, is enriched by `enrich_messages` in its language's region,
timezone and date order (the set's own where it says them, as `scripts/evaluate_nlp.py` reads them), ten messages to
a chat so that the chat-language fallback is exercised too. One JSON line per text: its set, its text and every
enriched column (entities with labels, spans and values, language, intent, sentiment, ...). Run it before and after a
change and compare the files byte for byte (`cmp`). `--repeat N` also prints the CPU seconds of N more enrichments
of every group once the models are loaded.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pandas as pd  # noqa: E402

from benchmarks.bench_enrich import LANGUAGES as PLACES  # noqa: E402  (a set's region where it names none)
from wa_pipeline.nlp.enrich import enrich_messages  # noqa: E402
from wa_pipeline.nlp.enriched_schema import ENRICHED_COLUMNS  # noqa: E402
from wa_pipeline.nlp.heldout import load_heldout  # noqa: E402

DATA = REPO / "wa_pipeline_tests" / "nlp" / "data"
EXAMPLES = REPO / "wa_pipeline" / "nlp"
SENT_AT = datetime(2026, 11, 18, 9, 15, tzinfo=UTC)
CHAT_SIZE = 10


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.startswith("{")]


def cases() -> list[dict]:
    """Every dev and example text with the context it is enriched in: set, text, region, timezone, order, moment."""
    found: list[dict] = []

    def add(source: str, text: str, language: str | None, sent_at=None, region=None, timezone=None, order="DMY"):
        place = PLACES.get(language or "en", PLACES["en"])
        found.append(
            {
                "set": source,
                "text": text,
                "region": region or place[0],
                "timezone": timezone or place[1],
                "date_order": order,
                # Each text its own minute, so relative dates are read against a moment that differs per message.
                "sent_at": sent_at or SENT_AT + timedelta(minutes=37 * len(found)),
            }
        )

    for path in sorted((DATA / "dev").glob("*.txt")):
        for m in load_heldout(path):
            add(f"dev/{path.name}", m.text, m.language, m.sent_at, m.region, m.timezone, m.date_order)
    for name in ("entities_dev.jsonl", "entities_test.jsonl"):
        for r in _records(DATA / name):
            add(
                name, r["text"], None, datetime.fromisoformat(r["sent_at"]), r["region"], r["timezone"], r["date_order"]
            )
    for r in _records(DATA / "intents_dev2.jsonl"):
        add("intents_dev2.jsonl", r["text"], r["id"].split("-")[2])
    for path in sorted(DATA.glob("language_dev*.jsonl")):
        for r in _records(path):
            add(path.name, r["text"], r["language"])
    for r in _records(EXAMPLES / "intent_examples.jsonl"):
        add("intent_examples.jsonl", r["text"], None)
    for path in sorted((EXAMPLES / "sentiment_examples").glob("*.jsonl")):
        for r in _records(path):
            add(f"sentiment_examples/{path.name}", r["text"], path.stem)
    return found


def _groups(found: list[dict]) -> dict[tuple, list[int]]:
    groups: dict[tuple, list[int]] = {}
    for index, case in enumerate(found):
        groups.setdefault((case["region"], case["timezone"], case["date_order"]), []).append(index)
    return groups


def _frame(found: list[dict], indexes: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "message_id": [f"m{i}" for i in indexes],
            "chat_id": [f"{found[i]['set']}#{i // CHAT_SIZE}" for i in indexes],
            "kind": "text",
            "text": [found[i]["text"] for i in indexes],
            "caption": None,
            "sent_at": pd.to_datetime([found[i]["sent_at"] for i in indexes], utc=True),
        }
    )


def enrich_all(found: list[dict]) -> list[dict]:
    """Every case's enriched columns, in case order."""
    rows: list[dict] = [{} for _ in found]
    for (region, timezone, order), indexes in _groups(found).items():
        enriched = enrich_messages(_frame(found, indexes), region, timezone=timezone, date_order=order)
        for i, (_, row) in zip(indexes, enriched.iterrows()):
            rows[i] = {name: (None if pd.isna(row[name]) else row[name]) for name in ENRICHED_COLUMNS}
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--repeat", type=int, default=0, help="then time N more enrichments of every group")
    args = parser.parse_args()
    found = cases()
    rows = enrich_all(found)
    with args.out.open("w", encoding="utf-8") as out:
        for case, row in zip(found, rows):
            out.write(json.dumps({"set": case["set"], "text": case["text"], **row}, ensure_ascii=False) + "\n")
    print(f"{len(found)} texts written to {args.out}")
    if args.repeat:
        started = time.process_time()
        for _ in range(args.repeat):
            enrich_all(found)
        print(f"{args.repeat} more enrichments: {time.process_time() - started:.2f} CPU s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
