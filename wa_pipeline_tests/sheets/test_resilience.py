"""Never duplicate, never lose: the Google sink through the real gspread client, over HTTP, against a stand-in
that fails on purpose (429/5xx at a rate, writes applied then answered 503, slow answers, quotas, a crash)."""

import multiprocessing
import os
import random
import re
from bisect import bisect_right
from collections import Counter
from pathlib import Path

import gspread
import pytest
from google.oauth2.service_account import Credentials

from wa_pipeline.sheets.errors import CircuitOpenError, SheetsUnavailable
from wa_pipeline.sheets.google.endpoint_session import EndpointSession
from wa_pipeline.sheets.google.sink import GoogleSheetsSink
from wa_pipeline.sheets.google.state_db import STATE_DB_NAME
from wa_pipeline.sheets.google.write_ledger import WriteLedger
from wa_pipeline.sheets.row_order import order_violations
from wa_pipeline.sync_tuning import SyncTuning
from wa_pipeline_tests.fakes.sheets_v4 import (
    CommitThenFail,
    FakeRequest,
    Quota,
    RandomFaults,
    SlowResponses,
    transient_error,
)
from wa_pipeline_tests.servers import START_DEADLINE_S

COLUMNS = ["message_id", "sent_at", "chat", "text", "amount"]
ORDER = ["sent_at"]
TAB = "Messages"


def sink_for(fake, account, key, state_dir: Path, clock, ledger=None, **tuning) -> GoogleSheetsSink:
    return GoogleSheetsSink(
        account.path,
        key,
        endpoint=fake.endpoint,
        state_dir=state_dir,
        tuning=SyncTuning(**tuning),
        ledger=ledger,
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(7),
    )


def day_rows(day: int, count: int, chats=("Shop", "Alice", "Bob"), text="hello", start_minute=0) -> list[list]:
    rows = []
    for i in range(count):
        minute = start_minute + i * 3
        rows.append(
            [
                f"wamid.d{day:02d}.{i:04d}",
                f"2026-11-{day:02d} {minute // 60 % 24:02d}:{minute % 60:02d}:00",
                chats[i % len(chats)],
                f"{text} {day}/{i}",
                i * 1.5,
            ]
        )
    return rows


def stored(rows) -> dict[str, list]:
    return {row[0]: [row[1], row[2], row[3], row[4]] for row in rows}


def sheet_state(fake, key) -> tuple[list[str], dict[str, list]]:
    values = fake.values(key, TAB)
    assert values[0][: len(COLUMNS)] == COLUMNS
    rows = [row + [""] * (len(COLUMNS) - len(row)) for row in values[1:]]
    return [row[0] for row in rows], {row[0]: [row[1], row[2], row[3], row[4] if row[4] != "" else 0.0] for row in rows}


def records(fake, key) -> list[dict[str, str]]:
    values = fake.values(key, TAB)
    return [dict(zip(values[0], [str(c) for c in row])) for row in values[1:]]


def sync_until_done(sink: GoogleSheetsSink, rows, clock, attempts: int = 12):
    """What Dagster's RetryPolicy does for the sync step: run it again until it succeeds."""
    for _ in range(attempts):
        try:
            return sink.upsert(TAB, COLUMNS, "message_id", rows, order_by=ORDER)
        except CircuitOpenError:
            clock.advance(sink.tuning.breaker_cooldown_s + 1)
        except SheetsUnavailable:
            clock.advance(30)
    raise AssertionError("the sync never got through")


def writes_to(fake, suffix: str):
    return [r for r in fake.requests if r.method == "POST" and r.path.endswith(suffix)]


# ---- faults at a rate


def test_thirty_percent_faults_leave_exactly_the_expected_rows(fake, account, key, tmp_path, clock):
    faults = fake.add_faults(RandomFaults(rate=0.3, seed=2026))
    sink = sink_for(fake, account, key, tmp_path / "state", clock)
    expected: dict[str, list] = {}
    order = random.Random(5)
    batches = []
    for day in order.sample(range(1, 13), 12):  # days arrive out of order: late days land between synced ones
        batches.append(day_rows(day, 30))
        if order.random() < 0.5:
            batches.append(day_rows(day, 30, text="edited"))  # every row of the day changed
        if order.random() < 0.5:
            batches.append(day_rows(day, 35, start_minute=1))  # late rows among the day's, the rest re-sent
    for rows in batches:
        sync_until_done(sink, rows, clock)
        expected.update(stored(rows))
    fake.remove_faults(faults)

    keys, content = sheet_state(fake, key)
    assert Counter(keys).most_common(1)[0][1] == 1  # no duplicate
    assert set(keys) == set(expected)  # none lost
    assert content == {k: [v[0], v[1], v[2], v[3]] for k, v in expected.items()}
    assert order_violations(records(fake, key), "message_id", "chat", "sent_at") == []
    # The faults were real: many injected, and some writes were applied and then answered 503.
    assert faults.injected >= 20
    assert any(r.committed and r.status == 503 for r in fake.requests)
    assert any(r.status == 429 for r in fake.requests) and any(r.status == 500 for r in fake.requests)
    again = sink.upsert(TAB, COLUMNS, "message_id", [r for rows in batches for r in rows][-60:], order_by=ORDER)
    assert (again.inserted, again.updated) == (0, 0)


# ---- a write applied, then answered with an error


def test_a_batch_update_applied_then_answered_503_is_resent_without_duplicating(fake, account, key, tmp_path, clock):
    sink = sink_for(fake, account, key, tmp_path / "state", clock)
    sink.upsert(TAB, COLUMNS, "message_id", day_rows(1, 10), order_by=ORDER)
    failure = fake.add_faults(CommitThenFail(lambda r: r.path.endswith("values:batchUpdate")))
    result = sink.upsert(TAB, COLUMNS, "message_id", day_rows(1, 20), order_by=ORDER)
    assert failure.fired == 1 and result.retries == 1
    assert [r.status for r in writes_to(fake, "values:batchUpdate")][-2:] == [503, 200]
    keys, content = sheet_state(fake, key)
    assert keys == [row[0] for row in day_rows(1, 20)]
    assert content == stored(day_rows(1, 20))


def test_an_added_tab_applied_then_answered_503_is_not_added_twice(fake, account, key, tmp_path, clock):
    failure = fake.add_faults(CommitThenFail(lambda r: r.path.endswith(":batchUpdate") and b"addSheet" in r.body))
    sink = sink_for(fake, account, key, tmp_path / "state", clock)
    result = sink.upsert(TAB, COLUMNS, "message_id", day_rows(1, 5), order_by=ORDER)
    assert failure.fired == 1 and result.inserted == 5
    # Not resent blindly (a second addSheet would be refused); the sink re-read the tabs and found it.
    batches = [(r.operations, r.status) for r in writes_to(fake, f"{key}:batchUpdate")]
    assert [batch for batch in batches if "addSheet" in batch[0]] == [(("addSheet",), 503)]
    # The attempt that wrote the header formatted the tab (bold, filter, widths, hidden key): once.
    assert [status for operations, status in batches if "setBasicFilter" in operations] == [200]
    assert fake.values(key, TAB)[0] == COLUMNS
    assert sheet_state(fake, key)[0] == [row[0] for row in day_rows(1, 5)]


def test_late_rows_inserted_then_answered_503_are_not_inserted_twice(fake, account, key, tmp_path, clock):
    sink = sink_for(fake, account, key, tmp_path / "state", clock)
    early, late = day_rows(1, 20)[::2], day_rows(1, 20)[1::2]
    sink.upsert(TAB, COLUMNS, "message_id", early, order_by=ORDER)
    failure = fake.add_faults(
        CommitThenFail(lambda r: r.path.endswith(":batchUpdate") and b"insertDimension" in r.body)
    )
    result = sink.upsert(TAB, COLUMNS, "message_id", late, order_by=ORDER)
    assert failure.fired == 1
    keys, content = sheet_state(fake, key)
    assert keys == [row[0] for row in day_rows(1, 20)]  # each late row once, in send order
    assert content == stored(day_rows(1, 20))
    assert result.inserted == 10


def test_a_blind_append_retried_after_commit_then_503_duplicates(fake, account, key):
    """Why the sink never appends: the stand-in shows the hazard the Sheets API has."""
    credentials = Credentials.from_service_account_file(
        account.path, scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    client = gspread.Client(auth=credentials, session=EndpointSession(credentials, fake.endpoint))
    sheet = client.open_by_key(key).sheet1
    fake.add_faults(CommitThenFail(lambda r: r.path.endswith(":append")))
    for _ in range(2):  # what a naive retry loop (or gspread's BackOffHTTPClient) does
        try:
            sheet.append_row(["wamid.1", "hello"], value_input_option="RAW")
            break
        except gspread.exceptions.APIError as error:
            assert error.code == 503
    assert fake.values(key, "Sheet1") == [["wamid.1", "hello"], ["wamid.1", "hello"]]


# ---- timeouts


# The answer held back is held until the stand-in stops, far past the client's read timeout, which is itself far above
# what an honest answer takes on a loaded machine: no race between the two, whatever the machine's speed.
READ_TIMEOUT_S = 5.0
HELD_S = 600.0


def test_a_write_answered_too_late_times_out_and_is_resent_without_duplicating(fake, account, key, tmp_path, clock):
    sink = sink_for(fake, account, key, tmp_path / "state", clock, read_timeout_s=READ_TIMEOUT_S)
    sink.upsert(TAB, COLUMNS, "message_id", day_rows(1, 4), order_by=ORDER)
    slow = fake.add_faults(SlowResponses(lambda r: r.path.endswith("values:batchUpdate"), delay_s=HELD_S))
    result = sink.upsert(TAB, COLUMNS, "message_id", day_rows(1, 8), order_by=ORDER)
    assert slow.fired == 1 and result.retries >= 1
    assert sheet_state(fake, key)[0] == [row[0] for row in day_rows(1, 8)]


def test_an_insert_answered_too_late_is_replanned_not_resent(fake, account, key, tmp_path, clock):
    sink = sink_for(fake, account, key, tmp_path / "state", clock, read_timeout_s=READ_TIMEOUT_S)
    sink.upsert(TAB, COLUMNS, "message_id", day_rows(1, 10)[::2], order_by=ORDER)
    slow = fake.add_faults(
        SlowResponses(lambda r: r.path.endswith(":batchUpdate") and b"insertDimension" in r.body, delay_s=HELD_S)
    )
    result = sink.upsert(TAB, COLUMNS, "message_id", day_rows(1, 10)[1::2], order_by=ORDER)
    assert slow.fired == 1 and result.inserted == 5
    inserts = [r for r in fake.requests if "insertDimension" in r.operations]
    assert len(inserts) == 1 and inserts[0].committed  # applied once, never sent again
    assert sheet_state(fake, key)[0] == [row[0] for row in day_rows(1, 10)]


def test_retry_after_is_honoured(fake, account, key, tmp_path, clock):
    answered = []

    def once(request: FakeRequest):
        if request.path.startswith("/v4/") and not answered:
            answered.append(request.path)
            return transient_error(503, retry_after=42)
        return None

    fake.interceptors.append(once)
    sink = sink_for(fake, account, key, tmp_path / "state", clock)
    assert sink.upsert(TAB, COLUMNS, "message_id", day_rows(1, 3)).inserted == 3
    assert max(clock.slept) >= 42


# ---- a crash between Google applying a write and us recording it


def _crash_after_the_write(endpoint: str, credentials: str, key: str, state_dir: str, rows) -> None:
    class DiesBeforeRecording(WriteLedger):
        def confirm(self, *args, **kwargs):
            os._exit(17)  # the process is killed: no exception handler, no cleanup

    sink = GoogleSheetsSink(
        Path(credentials),
        key,
        endpoint=endpoint,
        state_dir=Path(state_dir),
        ledger=DiesBeforeRecording(Path(state_dir) / STATE_DB_NAME),
    )
    sink.upsert(TAB, COLUMNS, "message_id", rows, order_by=ORDER)


def test_a_crash_between_commit_and_ledger_writes_nothing_twice_on_the_next_run(fake, account, key, tmp_path, clock):
    state = tmp_path / "state"
    first, late = day_rows(2, 30), day_rows(1, 10)
    sink_for(fake, account, key, state, clock).upsert(TAB, COLUMNS, "message_id", first, order_by=ORDER)
    context = multiprocessing.get_context("spawn")
    crashing = context.Process(
        target=_crash_after_the_write, args=(fake.endpoint, str(account.path), key, str(state), late + first)
    )
    crashing.start()
    crashing.join(timeout=START_DEADLINE_S)
    assert crashing.exitcode == 17
    keys, _ = sheet_state(fake, key)
    assert keys == [row[0] for row in late + first]  # Google applied the write...
    assert len(WriteLedger(state / STATE_DB_NAME).pending(key, TAB)) == 1  # ...we never recorded it

    fake.clear_log()
    result = sink_for(fake, account, key, state, clock).upsert(TAB, COLUMNS, "message_id", late + first, order_by=ORDER)
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 40)
    assert result.reconciled == 10
    assert [r for r in fake.requests if r.kind == "write"] == []
    assert sheet_state(fake, key)[0] == [row[0] for row in late + first]
    ledger = WriteLedger(state / STATE_DB_NAME)
    assert ledger.pending(key, TAB) == {} and ledger.writes(key, TAB)[-1][1] == "reconciled"


def test_an_exception_mid_write_is_reconciled_by_the_next_upsert(fake, account, key, tmp_path, clock, monkeypatch):
    from wa_pipeline.sheets.google import request_bodies

    monkeypatch.setattr(request_bodies, "MAX_REQUEST_BYTES", 3_000)
    sink = sink_for(fake, account, key, tmp_path / "state", clock)
    sink.upsert(TAB, COLUMNS, "message_id", day_rows(1, 2), order_by=ORDER)
    # The second body of a multi-body write is refused for good (400): the first one is already in the sheet.
    bodies = []

    def refuse_second(request: FakeRequest):
        if request.path.endswith("values:batchUpdate"):
            bodies.append(request)
            if len(bodies) == 2:
                from wa_pipeline_tests.fakes.sheets_v4 import invalid

                return invalid("refused for the test").response()
        return None

    fake.interceptors.append(refuse_second)
    with pytest.raises(gspread.exceptions.APIError):
        sink.upsert(TAB, COLUMNS, "message_id", day_rows(1, 60), order_by=ORDER)
    fake.interceptors.clear()
    partial = len(sheet_state(fake, key)[0])
    assert 2 < partial < 60
    result = sink.upsert(TAB, COLUMNS, "message_id", day_rows(1, 60), order_by=ORDER)
    assert result.reconciled == partial - 2 and result.inserted == 60 - partial
    assert sheet_state(fake, key)[0] == [row[0] for row in day_rows(1, 60)]


def test_a_tab_whose_formatting_failed_after_its_header_is_formatted_by_the_next_sync(
    fake, account, key, tmp_path, clock
):
    state = tmp_path / "state"

    def refuse_formatting(request):
        return transient_error(503) if b"setBasicFilter" in request.body else None

    fake.interceptors.append(refuse_formatting)
    tuning = dict(max_attempts=2, replans=1, breaker_failures=50)
    with pytest.raises(SheetsUnavailable):
        sink_for(fake, account, key, state, clock, **tuning).upsert(TAB, COLUMNS, "message_id", day_rows(1, 3))
    assert fake.values(key, TAB)[0] == COLUMNS  # the header and rows were written...
    assert fake.tab_format(key, TAB)["basic_filter"] is None  # ...and the tab never formatted

    fake.interceptors.remove(refuse_formatting)  # Google is back; a later run syncs the same day
    sink_for(fake, account, key, state, clock, **tuning).upsert(TAB, COLUMNS, "message_id", day_rows(1, 3))
    look = fake.tab_format(key, TAB)
    assert look["bold_header"] == list(range(len(COLUMNS)))
    assert look["basic_filter"]["range"]["endColumnIndex"] == len(COLUMNS)
    assert look["hidden_columns"] == [COLUMNS.index("message_id")]
    assert sorted(look["column_pixels"]) == list(range(len(COLUMNS)))

    # Owed once: the sync after that sends no tab formatting (a width a person sets stays theirs).
    fake.clear_log()
    sink_for(fake, account, key, state, clock, **tuning).upsert(TAB, COLUMNS, "message_id", day_rows(1, 5))
    assert [r for r in writes_to(fake, f"{key}:batchUpdate") if "setBasicFilter" in r.operations] == []


# ---- the circuit breaker


def test_the_breaker_opens_fails_fast_across_runs_and_recovers(fake, account, key, tmp_path, clock):
    state = tmp_path / "state"
    outage = lambda request: transient_error(503) if request.path.startswith("/v4/") else None  # noqa: E731
    fake.interceptors.append(outage)
    tuning = dict(max_attempts=2, replans=2, breaker_failures=3, breaker_cooldown_s=120)
    sink = sink_for(fake, account, key, state, clock, **tuning)
    with pytest.raises(SheetsUnavailable, match="kept failing"):
        sink.upsert(TAB, COLUMNS, "message_id", day_rows(1, 3))
    with pytest.raises(CircuitOpenError, match="circuit breaker"):
        sink.upsert(TAB, COLUMNS, "message_id", day_rows(1, 3))

    fake.clear_log()
    next_run = sink_for(fake, account, key, state, clock, **tuning)
    with pytest.raises(CircuitOpenError) as error:
        next_run.upsert(TAB, COLUMNS, "message_id", day_rows(1, 3))
    assert re.search(r"3 requests in a row failed .*503.*\(in \d+ s\)", str(error.value))
    assert [r for r in fake.requests if r.path.startswith("/v4/")] == []  # failed fast: nothing was sent

    fake.interceptors.remove(outage)  # Google is back
    clock.advance(121)
    result = next_run.upsert(TAB, COLUMNS, "message_id", day_rows(1, 3))
    assert result.inserted == 3 and next_run.breaker.state().state == "closed"
    assert sheet_state(fake, key)[0] == [row[0] for row in day_rows(1, 3)]


# ---- the per-minute quota


def busiest_minute(times: list[float]) -> int:
    times = sorted(times)
    return max((bisect_right(times, t) - bisect_right(times, t - 60) for t in times), default=0)


def test_ten_thousand_rows_synced_without_ever_exceeding_the_quota(fake, account, key, tmp_path, clock):
    fake.quota = Quota()  # Google's defaults: 60 reads and 60 writes a minute per user
    sink = sink_for(fake, account, key, tmp_path / "state", clock)
    columns = ["message_id", "sent_at", "chat", "text"]
    started = clock()
    throttled = 0.0
    for day in range(100):  # a hundred daily runs of 100 messages each
        rows = [
            [
                f"wamid.{day:03d}.{i:03d}",
                f"2026-{1 + day // 28:02d}-{1 + day % 28:02d} {i // 60:02d}:{i % 60:02d}:00",
                f"chat {i % 7}",
                f"message {i}",
            ]
            for i in range(100)
        ]
        throttled += sink.upsert(TAB, columns, "message_id", rows, order_by=["sent_at"]).throttled_s
    log = [r for r in fake.requests if r.kind is not None]
    assert [r for r in log if r.status == 429] == []
    for kind in ("read", "write"):
        times = [r.at for r in log if r.kind == kind]
        assert busiest_minute(times) <= 60
    assert sum(1 for r in log if r.kind == "read") > 120  # enough traffic that pacing was needed
    assert clock() - started >= 60  # and it was paced (on the manual clock: the test itself takes seconds)
    assert throttled == pytest.approx(clock() - started, abs=1)  # by the throttle, not by 429s and backoff
    keys = [row[0] for row in fake.data_rows(key, TAB)]
    assert len(keys) == 10_000 and len(set(keys)) == 10_000


def test_without_the_client_side_throttle_the_stand_in_answers_429_and_retries_still_converge(
    fake, account, key, tmp_path, clock
):
    fake.quota = Quota(reads_per_user=10, writes_per_user=10)
    sink = sink_for(
        fake,
        account,
        key,
        tmp_path / "state",
        clock,
        reads_per_minute=10_000,
        writes_per_minute=10_000,
        max_attempts=10,
    )
    for day in range(1, 13):
        sink.upsert(TAB, COLUMNS, "message_id", day_rows(day, 10), order_by=ORDER)
    throttled = [r for r in fake.requests if r.status == 429]
    assert len(throttled) >= 5  # the quota is real...
    keys = sheet_state(fake, key)[0]
    assert keys == [row[0] for day in range(1, 13) for row in day_rows(day, 10)]  # ...and nothing was lost to it
