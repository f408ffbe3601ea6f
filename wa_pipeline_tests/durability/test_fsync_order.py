"""Durability at the level it is promised: the order of fsync and acknowledgement, read from the syscalls.

A SIGKILL keeps the page cache, so a kill test passes even when nothing is ever flushed. These tests trace the real
processes with strace and check the promise itself: every 200 of the webhook receiver leaves after an fsync of the
SQLite file (or its WAL) that holds its body: the webhook inbox by default, the landing store with
WA_WEBHOOK_ACKNOWLEDGE=landed; every write request to Google leaves after the write ledger's
entry for it is on disk; the workbook's new file is flushed before it is renamed over the old one. Each test also
runs the same code with the fault injected (`PRAGMA synchronous=OFF`, `os.fsync` a no-op) and shows that the
check catches it.
"""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from wa_pipeline.whatsapp.webhook_signature import sign
from wa_pipeline_tests.durability.syscalls import REPO, driver, events, run_traced, strace_command, unsynced_at

# strace comes from scripts/install.sh's Debian packages.
pytestmark = pytest.mark.timeout(600)
SECRET = "app-secret-durability"
TOKEN = "verify-token-durability"
POSTS = 4


def delivery(wamid: str) -> bytes:
    message = {"from": "254712345678", "id": wamid, "timestamp": "1763283600", "type": "text", "text": {"body": wamid}}
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Wanjiku"}, "wa_id": "254712345678"}],
        "messages": [message],
    }
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(body).encode()


def wait_for_port(port_file: Path, process: subprocess.Popen) -> int:
    # The receiver writes its port once bound; a generous cap only guards against a process that never starts.
    for _ in range(1200):
        if port_file.exists() and port_file.read_text():
            return int(port_file.read_text())
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.1)
    raise AssertionError("the webhook receiver did not start")


def webhook_acknowledgements(
    tmp_path: Path, fault: str | None, acknowledge: str, server: str = "fast"
) -> list[tuple[int, int]]:
    """POSTS deliveries, one after another, to the receiver under strace; per 200: (db writes before it, unsynced).

    The db is the file the 200 promises: the inbox (the lander writes the landing store in the same process, after),
    or with `acknowledge="landed"` the landing store. `server`: `serve-webhook`'s own ("fast") or uvicorn.
    """
    data, trace, port_file = tmp_path / "data", tmp_path / "trace.txt", tmp_path / "port"
    data.mkdir()
    fault_args = (["--fault", fault] if fault else []) + ["--server", server]
    args = driver("webhook", str(data), str(port_file), SECRET, TOKEN, acknowledge, *fault_args)
    process = subprocess.Popen(
        strace_command(trace, *args), cwd=REPO, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        port = wait_for_port(port_file, process)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for i in range(POSTS):
                body = delivery(f"wamid.durable{i}")
                response = client.post(
                    "/webhook",
                    content=body,
                    headers={"X-Hub-Signature-256": sign(body, SECRET), "Content-Type": "application/json"},
                )
                assert response.status_code == 200, response.text
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=120)
    promised = str(data / ("webhook_inbox.sqlite3" if acknowledge == "inbox" else "landing.sqlite3"))
    return unsynced_at(
        events(trace),
        is_target=lambda path: path in (promised, promised + "-wal"),
        is_moment=lambda event: '"HTTP/1.1 200' in event.text,
    )


@pytest.mark.parametrize("server", ["fast", "uvicorn"])
@pytest.mark.parametrize("acknowledge", ["inbox", "landed"])
def test_every_webhook_200_leaves_after_the_fsync_that_holds_its_body(tmp_path, acknowledge, server):
    acknowledgements = webhook_acknowledgements(tmp_path, fault=None, acknowledge=acknowledge, server=server)
    assert len(acknowledgements) == POSTS
    assert all(written > 0 for written, _ in acknowledgements), acknowledgements  # each delivery was written...
    assert [unsynced for _, unsynced in acknowledgements] == [0] * POSTS  # ...and flushed before its 200


@pytest.mark.parametrize("server", ["fast", "uvicorn"])
@pytest.mark.parametrize("acknowledge", ["inbox", "landed"])
def test_the_webhook_check_catches_a_store_that_skips_fsync(tmp_path, acknowledge, server):
    acknowledgements = webhook_acknowledgements(tmp_path, fault="sync-off", acknowledge=acknowledge, server=server)
    assert len(acknowledgements) == POSTS
    assert all(unsynced > 0 for _, unsynced in acknowledgements), acknowledgements


def ledger_requests(tmp_path: Path, fault: str | None) -> list[tuple[int, int]]:
    """One upsert of new rows through gspread under strace; per values write sent: (ledger writes, unsynced)."""
    from wa_pipeline_tests.fakes.sheets_v4 import FakeGoogleSheets

    state, trace, rows_file = tmp_path / "state", tmp_path / "trace.txt", tmp_path / "rows.json"
    state.mkdir()
    columns = ["message_id", "text"]
    rows_file.write_text(
        json.dumps({"tab": "Messages", "columns": columns, "key": "message_id", "rows": [["m1", "a"], ["m2", "b"]]})
    )
    with FakeGoogleSheets() as fake:
        account = fake.write_service_account(tmp_path / "service-account.json")
        key = fake.create_spreadsheet(editors=[account.email])
        args = [str(rows_file), str(account.path), key, fake.endpoint, str(state)]
        result = run_traced(trace, "google", *args, *(["--fault", fault] if fault else []))
        assert result.returncode == 0, result.stderr
        assert sorted(row[0] for row in fake.values(key, "Messages")[1:]) == ["m1", "m2"]
    ledger = str(state / "sheets_state.sqlite3")
    return unsynced_at(
        events(trace),
        is_target=lambda path: path in (ledger, ledger + "-wal"),
        is_moment=lambda event: '"POST /v4/spreadsheets/' in event.text and "values:batchUpdate" in event.text,
    )


def test_every_sheet_write_leaves_after_its_ledger_entry_is_on_disk(tmp_path):
    writes = ledger_requests(tmp_path, fault=None)
    assert writes, "no values:batchUpdate request was traced"
    assert writes[0][0] > 0, writes  # the ledger's `begin` was written before the first write request...
    assert [unsynced for _, unsynced in writes] == [0] * len(writes)  # ...and flushed


def test_the_ledger_check_catches_a_ledger_that_skips_fsync(tmp_path):
    writes = ledger_requests(tmp_path, fault="sync-off")
    assert writes and writes[0][1] > 0, writes


# The workbook's atomic save --------------------------------------------------------------------------------------

COLUMNS = ["message_id", "text"]
OLD = [["m1", "first"], ["m2", "second"]]
NEW = [*OLD, ["m3", "third"]]


def workbook_before_save(tmp_path: Path) -> tuple[Path, Path]:
    """A workbook holding OLD, and the rows file of the save that turns it into NEW."""
    from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink

    path, rows_file = tmp_path / "wa.xlsx", tmp_path / "rows.json"
    WorkbookSink(path).upsert("Messages", COLUMNS, "message_id", OLD)
    rows_file.write_text(json.dumps({"tab": "Messages", "columns": COLUMNS, "key": "message_id", "rows": NEW}))
    return path, rows_file


def workbook_rows(path: Path) -> list[list[str]] | None:
    """The Messages rows as a spreadsheet program reads them, or None when the file does not open."""
    import openpyxl

    try:
        sheet = openpyxl.load_workbook(path, read_only=True)["Messages"]
        return [list(row[:2]) for row in sheet.iter_rows(min_row=2, values_only=True)]
    except Exception:  # a truncated zip, a missing part: whatever a broken file raises, it is broken
        return None


def save_order(tmp_path: Path, fault: str | None) -> dict:
    """The traced save: where the temp file was fsynced, renamed over the workbook, and the directory fsynced."""
    path, rows_file = workbook_before_save(tmp_path)
    trace = tmp_path / "trace.txt"
    result = run_traced(trace, "workbook", str(rows_file), str(path), *(["--fault", fault] if fault else []))
    assert result.returncode == 0, result.stderr
    assert workbook_rows(path) == NEW
    order: dict = {"unsynced_at_rename": None, "dir_fsync_after_rename": False, "temp_writes": 0}
    unsynced = 0
    for event in events(trace):
        if event.call in ("rename", "renameat", "renameat2") and event.path.endswith(f" -> {path}"):
            order["unsynced_at_rename"] = unsynced
        elif event.path.endswith(".tmp") and event.call in ("write", "pwrite64", "writev"):
            unsynced += 1
            order["temp_writes"] += 1
        elif event.path.endswith(".tmp") and event.call in ("fsync", "fdatasync"):
            unsynced = 0
        elif event.path == str(tmp_path) and event.call == "fsync" and order["unsynced_at_rename"] is not None:
            order["dir_fsync_after_rename"] = True
    return order


def test_the_workbook_is_flushed_before_it_replaces_the_old_one_and_the_rename_after(tmp_path):
    order = save_order(tmp_path, fault=None)
    assert order["temp_writes"] > 0 and order["unsynced_at_rename"] == 0 and order["dir_fsync_after_rename"], order


def test_the_workbook_order_check_catches_a_save_without_fsync(tmp_path):
    order = save_order(tmp_path, fault="no-fsync")
    assert order["unsynced_at_rename"] == order["temp_writes"] > 0 and not order["dir_fsync_after_rename"], order


def killed_saves(tmp_path: Path, fault: str | None) -> dict[str, list | None]:
    """The save killed (SIGKILL, by strace) at every third write, at the temp file's fsync, at the rename and at the
    directory's fsync after it: what each kill left behind."""
    # A save of this workbook makes about 20 writes (two per zip member and the directory): every third of them.
    points = [f"write:when={n}" for n in range(1, 24, 3)] + ["fsync:when=1", "rename:when=1", "fsync:when=2"]
    left: dict[str, list | None] = {}
    for point in points:
        case = tmp_path / point.replace(":", "-").replace("=", "")
        case.mkdir()
        path, rows_file = workbook_before_save(case)
        command = strace_command(case / "trace.txt", *driver("workbook", str(rows_file), str(path)))
        command[1:1] = ["-e", f"inject={point.split(':')[0]}:signal=SIGKILL:{point.split(':')[1]}"]
        if fault:
            command += ["--fault", fault]
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
        if result.returncode == 0:
            continue  # fewer writes than this point: the save finished before it
        left[point] = workbook_rows(path)
    return left


def test_a_save_killed_at_any_point_leaves_the_old_workbook_or_the_new_one(tmp_path):
    left = killed_saves(tmp_path, fault=None)
    assert len(left) > 3, left  # the save was really killed at several points
    assert {point: rows for point, rows in left.items() if rows not in (OLD, NEW)} == {}
    assert left["rename:when=1"] == OLD  # killed as the rename starts: it never happened
    assert left["fsync:when=2"] == NEW  # killed at the directory's fsync, after the rename


def test_the_kill_check_catches_a_save_that_rewrites_the_file_in_place(tmp_path):
    left = killed_saves(tmp_path, fault="in-place")
    assert None in left.values(), left  # a kill mid-write left a workbook that does not open
