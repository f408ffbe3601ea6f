"""One writer per spreadsheet: two runs of different days, in separate processes, never interleave their writes."""

import multiprocessing
from pathlib import Path

from wa_pipeline.sheets.google.sink import GoogleSheetsSink
from wa_pipeline.sheets.row_order import order_violations
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink
from wa_pipeline.sync_tuning import SyncTuning
from wa_pipeline_tests.servers import START_DEADLINE_S

COLUMNS = ["message_id", "sent_at", "chat", "text"]


def day_rows(day: int, batch: int) -> list[list]:
    # Each batch holds messages of the whole day, so later batches land between earlier rows (inserts, not appends).
    return [
        [
            f"wamid.{day}.{batch}.{i}",
            f"2026-11-{day:02d} {i * 4 + batch:02d}:00:00",
            f"chat {i % 2}",
            f"m {day}/{batch}/{i}",
        ]
        for i in range(5)
    ]


def _run_days_google(endpoint: str, credentials: str, key: str, state_dir: str, day: int, start) -> None:
    # A quota far above what the test sends: the real clock must not make it wait.
    sink = GoogleSheetsSink(
        Path(credentials),
        key,
        endpoint=endpoint,
        state_dir=Path(state_dir),
        tuning=SyncTuning(reads_per_minute=100_000, writes_per_minute=100_000, burst=1000),
    )
    start.wait(START_DEADLINE_S)
    for batch in range(4):
        sink.upsert("Messages", COLUMNS, "message_id", day_rows(day, batch), order_by=["sent_at"])


def test_two_processes_syncing_different_days_take_turns_on_the_spreadsheet(fake, key, tmp_path):
    accounts = [fake.write_service_account(tmp_path / f"run{n}.json") for n in (1, 2)]
    for account in accounts:
        fake.share(key, account.email)
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    runs = [
        context.Process(
            target=_run_days_google, args=(fake.endpoint, str(account.path), key, str(tmp_path / "state"), day, start)
        )
        for account, day in zip(accounts, (16, 17))
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=START_DEADLINE_S)
        assert run.exitcode == 0

    sheets_calls = [r for r in fake.requests if r.path.startswith("/v4/")]
    assert {r.caller for r in sheets_calls} == {a.email for a in accounts}
    # Each upsert opens with a read of the spreadsheet's properties; the other run only ever gets a turn there.
    for previous, current in zip(sheets_calls, sheets_calls[1:]):
        if current.caller != previous.caller:
            assert (current.method, current.path) == ("GET", f"/v4/spreadsheets/{key}"), (previous, current)
    values = fake.values(key, "Messages")
    keys = [row[0] for row in values[1:]]
    expected = [row[0] for day in (16, 17) for batch in range(4) for row in day_rows(day, batch)]
    assert sorted(keys) == sorted(expected) and len(keys) == len(set(keys))
    records = [dict(zip(values[0], row)) for row in values[1:]]
    assert order_violations(records, "message_id", "chat", "sent_at") == []


def _run_days_workbook(path: str, day: int, start) -> None:
    sink = WorkbookSink(Path(path))
    start.wait(START_DEADLINE_S)
    for batch in range(4):
        sink.upsert("Messages", COLUMNS, "message_id", day_rows(day, batch), order_by=["sent_at"])


def test_the_workbook_lock_serialises_two_processes_too(tmp_path):
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    path = tmp_path / "wa.xlsx"
    runs = [context.Process(target=_run_days_workbook, args=(str(path), day, start)) for day in (16, 17)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=START_DEADLINE_S)
        assert run.exitcode == 0
    records = WorkbookSink(path).read_tab("Messages").records()
    keys = [r["message_id"] for r in records]
    assert sorted(keys) == sorted(row[0] for day in (16, 17) for batch in range(4) for row in day_rows(day, batch))
    assert order_violations(records, "message_id", "chat", "sent_at") == []
