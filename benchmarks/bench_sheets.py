"""Google Sheets sync: our batched, idempotent upsert against a per-row `append_row` baseline, in one run.

    python -m benchmarks.bench_sheets [--quick] [--json]

Both sides use the real gspread client over loopback HTTP against the local Sheets v4 stand-in
(wa_pipeline_tests/fakes/sheets_v4.py), on the same 16-column Messages rows:

* ours: `GoogleSheetsSink.upsert` (one metadata read, one batched read when the tab exists, values:batchUpdate
  bodies under 2 MB, throttle + retries + breaker + write ledger on), then the same rows again (a re-run), then
  1% late rows that must be inserted between existing ones;
* baseline: what a user writes first, `worksheet.append_row(row, value_input_option="RAW")` per message.

Google allows 60 write requests a minute per user, so the baseline's 10,000 appends would take about 2.8 hours
under the real quota. The stand-in's quota is therefore DISABLED for both runs here; the minutes each side would
need under the default quota are computed from its request counts and reported beside the measured times.
Ratios are against the baseline measured in the same run. `stand_in_s` is the time the stand-in itself spent
answering (part of the wall time; Google's servers would spend theirs instead): most of the late-rows case, where
the stand-in re-keys every cell below each inserted row.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from wa_pipeline.sheets.tabs.messages import MESSAGES

# The first 16 columns of the Messages tab, the ones make_rows fills.
COLUMNS = list(MESSAGES.columns[:16])
QUOTA_PER_MINUTE = 60


def make_rows(count: int, day: str = "2026-11-16", start: int = 0, step_s: int = 8) -> list[list]:
    chats = ["Mama Mboga Bakery", "Juma Hardware", "Amina Njeri", "Order desk"]
    rows = []
    for i in range(start, start + count):
        second = i * step_s
        rows.append(
            [
                f"wamid.HBgM{i:08d}",
                f"{day} {second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d}",
                day,
                chats[i % len(chats)],
                f"Sender {i % 37}",
                "text",
                f"Order {i}: 2 trays 60x40cm, deliver Wednesday please. Ref INV-{i:05d}",
                "",
                "+254712345678" if i % 5 == 0 else "",
                "",
                f"Person {i % 11}",
                "",
                "Nairobi" if i % 7 == 0 else "",
                "positive" if i % 3 else "neutral",
                round((i % 10) / 10, 4),
                "chat_export",
            ]
        )
    return rows


def _quota_minutes(reads: int, writes: int) -> float:
    """Minutes of waiting under Google's default per-user quota (60 reads and 60 writes a minute, counted apart):
    none while a side stays within one minute's allowance."""
    busiest = max(reads, writes)
    return round(busiest / QUOTA_PER_MINUTE, 1) if busiest > QUOTA_PER_MINUTE else 0.0


def _counts(fake, since: int) -> tuple[int, int, int]:
    requests = [r for r in fake.requests[since:] if r.kind is not None]
    reads = sum(1 for r in requests if r.kind == "read")
    return len(requests), reads, len(requests) - reads


def measure_cases(quick: bool = False) -> list[dict]:
    import gspread
    from google.oauth2.service_account import Credentials

    from wa_pipeline.sheets.google.endpoint_session import EndpointSession
    from wa_pipeline.sheets.google.sink import GoogleSheetsSink
    from wa_pipeline_tests.fakes.sheets_v4 import FakeGoogleSheets

    count = 1_000 if quick else 10_000
    rows = make_rows(count)
    late = make_rows(max(1, count // 100), start=count, step_s=0)
    # Late rows: sent during the day, arriving after it was synced (they belong between existing rows).
    for n, row in enumerate(late):
        second = (n * 97 * 8) % (count * 8)
        row[1] = f"2026-11-16 {second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
    results: list[dict] = []
    with FakeGoogleSheets() as fake, tempfile.TemporaryDirectory() as scratch:
        fake.quota = None  # see the module docstring: the baseline could not finish under the real quota
        account = fake.write_service_account(Path(scratch) / "service-account.json")

        # ---- baseline: one append_row per message (plus the header)
        key = fake.create_spreadsheet(editors=[account.email])
        credentials = Credentials.from_service_account_file(
            account.path, scopes=["https://www.googleapis.com/auth/spreadsheets"]
        )
        client = gspread.Client(auth=credentials, session=EndpointSession(credentials, fake.endpoint))
        sheet = client.open_by_key(key).sheet1
        since, busy = len(fake.requests), fake.busy_s
        started = time.perf_counter()
        sheet.append_row(COLUMNS, value_input_option="RAW")
        for row in rows:
            sheet.append_row(row, value_input_option="RAW")
        baseline_s = time.perf_counter() - started
        calls, reads, writes = _counts(fake, since)
        baseline = {
            "case": "baseline: append_row per row",
            "rows": count,
            "api_calls": calls,
            "reads": reads,
            "writes": writes,
            "wall_s": round(baseline_s, 3),
            "stand_in_s": round(fake.busy_s - busy, 3),
        }
        assert len(fake.values(key, "Sheet1")) == count + 1

        # ---- ours
        key = fake.create_spreadsheet(editors=[account.email])
        sink = GoogleSheetsSink(account.path, key, endpoint=fake.endpoint, state_dir=Path(scratch) / "state")
        cases = [
            ("ours: first sync", rows),
            ("ours: re-run, nothing changed", rows),
            ("ours: 1% late rows inserted in order", late),
        ]
        for name, batch in cases:
            since, busy = len(fake.requests), fake.busy_s
            started = time.perf_counter()
            result = sink.upsert("Messages", COLUMNS, "message_id", batch, order_by=["sent_at"])
            elapsed = time.perf_counter() - started
            calls, reads, writes = _counts(fake, since)
            results.append(
                {
                    "case": name,
                    "rows": len(batch),
                    "api_calls": calls,
                    "reads": reads,
                    "writes": writes,
                    "wall_s": round(elapsed, 3),
                    "stand_in_s": round(fake.busy_s - busy, 3),
                    "inserted": result.inserted,
                    "unchanged": result.unchanged,
                    "placed_in_order": result.placed_in_order,
                }
            )
        assert len(fake.values(key, "Messages")) == count + len(late) + 1

    for result in [baseline, *results]:
        result["minutes_under_default_quota"] = _quota_minutes(result["reads"], result["writes"])
        result["quota"] = "disabled in the stand-in (baseline would need hours under 60 writes/min)"
    first = results[0]
    first["api_calls_ratio_vs_baseline"] = round(first["api_calls"] / baseline["api_calls"], 6)
    first["speedup_vs_baseline"] = round(baseline["wall_s"] / first["wall_s"], 1)
    first["target_met"] = first["api_calls"] <= 5
    return [baseline, *results]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 rows instead of 10,000")
    parser.add_argument("--json", action="store_true", help="print one JSON object per case")
    args = parser.parse_args()
    results = measure_cases(quick=args.quick)
    if args.json:
        for result in results:
            print(json.dumps(result))
        return
    print("Sheets sync against the local stand-in (quota DISABLED for both: see --help); ratios vs the baseline")
    print(f"{'case':40} {'rows':>6} {'calls':>7} {'wall s':>8} {'stand-in s':>11} {'min @60/min':>12}")
    for r in results:
        print(
            f"{r['case']:40} {r['rows']:>6} {r['api_calls']:>7} {r['wall_s']:>8} {r['stand_in_s']:>11} "
            f"{r['minutes_under_default_quota']:>12}"
        )
    first = results[1]
    print(
        f"ours vs baseline: {first['api_calls_ratio_vs_baseline']:.6f}x the API calls "
        f"({first['api_calls']} vs {results[0]['api_calls']}, target <= 5: {'met' if first['target_met'] else 'MISSED'}), "
        f"{first['speedup_vs_baseline']}x faster"
    )


def run(quick: bool = False) -> list[dict]:
    """Rows for the combined `make bench` table: our first sync against per-row append_row, same rows, same run."""
    cases = {case["case"]: case for case in measure_cases(quick)}
    baseline, ours = cases["baseline: append_row per row"], cases["ours: first sync"]
    name = f"per-row append_row ({baseline['quota']})"
    return [
        {
            "benchmark": "Sheets sync",
            "measure": f"API calls, {ours['rows']:,} rows",
            "ours": ours["api_calls"],
            "baseline": baseline["api_calls"],
            "baseline_name": name,
            "goal": "ours <= 5 calls",
        },
        {
            "benchmark": "Sheets sync",
            "measure": f"wall s, {ours['rows']:,} rows",
            "ours": ours["wall_s"],
            "baseline": baseline["wall_s"],
            "baseline_name": name,
            "goal": "ratio < 1",
        },
    ]


if __name__ == "__main__":
    main()
