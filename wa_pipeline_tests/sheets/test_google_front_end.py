"""The Google sink against a stand-in as hard as Google's front end: what each fault does to an upsert.

5xx answered as HTML pages (gspread reports them as code -1), 502 and 504, 409 ABORTED, connections reset in the
middle of an answer, requests that interleave, quotas on, and bodies held to the 2 MB the sink promises: for each,
the upsert ends with every row in the sheet exactly once, or (for a failure that does not pass) a clear error.
"""

import threading

import google.auth.transport.requests
import pytest
import requests
from google.oauth2.service_account import Credentials

from wa_pipeline.sheets.errors import SheetsUnavailable
from wa_pipeline_tests.fakes.sheets_v4 import (
    RECOMMENDED_MAX_BODY_BYTES,
    FakeRequest,
    aborted,
    html_error,
    reset_mid_response,
    transient_error,
)
from wa_pipeline_tests.sheets.test_resilience import COLUMNS, ORDER, TAB, day_rows, sheet_state, sink_for, stored


def values_write(request: FakeRequest) -> bool:
    return request.path.endswith("values:batchUpdate")


def values_read(request: FakeRequest) -> bool:
    return request.method == "GET" and "/values" in request.path


def fail_next(fake, match, answer, times: int = 1) -> list[int]:
    """Answer the next `times` matching requests with `answer()` instead of the API; returns a counter of fires."""
    fired = [0]

    def intercept(request: FakeRequest):
        if fired[0] < times and match(request):
            fired[0] += 1
            return answer()
        return None

    fake.interceptors.append(intercept)
    return fired


def assert_once(fake, key, rows) -> None:
    keys, content = sheet_state(fake, key)
    assert sorted(keys) == sorted(row[0] for row in rows) and content == stored(rows)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_5xx_answered_as_an_html_page_is_retried_like_any_5xx(fake, account, key, tmp_path, clock, status):
    fired = fail_next(fake, values_write, lambda: html_error(status), times=2)
    rows = day_rows(16, 30)
    result = sink_for(fake, account, key, tmp_path, clock).upsert(TAB, COLUMNS, "message_id", rows, order_by=ORDER)
    assert fired[0] == 2 and result.retries >= 2
    assert_once(fake, key, rows)


def test_html_5xx_past_every_attempt_is_reported_as_unavailable_not_as_a_bad_request(
    fake, account, key, tmp_path, clock
):
    # gspread turns an HTML body into APIError code -1; the sink must still read the answer's 502 as transient.
    fail_next(fake, values_write, lambda: html_error(502), times=10_000)
    sink = sink_for(fake, account, key, tmp_path, clock, max_attempts=2, replans=2)
    with pytest.raises(SheetsUnavailable, match="502"):
        sink.upsert(TAB, COLUMNS, "message_id", day_rows(16, 5), order_by=ORDER)


@pytest.mark.parametrize("status", [502, 504])
def test_502_and_504_json_answers_are_retried(fake, account, key, tmp_path, clock, status):
    fired = fail_next(fake, values_write, lambda: transient_error(status), times=1)
    rows = day_rows(16, 12)
    sink_for(fake, account, key, tmp_path, clock).upsert(TAB, COLUMNS, "message_id", rows, order_by=ORDER)
    assert fired[0] == 1
    assert_once(fake, key, rows)


def test_409_aborted_is_replanned_from_a_fresh_read(fake, account, key, tmp_path, clock):
    fired = fail_next(fake, values_write, aborted, times=1)
    rows = day_rows(16, 20)
    sink_for(fake, account, key, tmp_path, clock).upsert(TAB, COLUMNS, "message_id", rows, order_by=ORDER)
    assert fired[0] == 1
    writes = [r for r in fake.requests if r.path.endswith("values:batchUpdate")]
    assert [r.status for r in writes] == [409, 200]
    assert_once(fake, key, rows)


def test_a_connection_reset_in_the_middle_of_an_answer_is_survived(fake, account, key, tmp_path, clock):
    # The write is applied and its answer cut off: the sink cannot know, so it reads back and writes nothing twice.
    done = [0]

    def cut(request: FakeRequest, response):
        if done[0] == 0 and values_write(request) and response.status == 200:
            done[0] += 1
            return reset_mid_response(response)
        return None

    fake.after_interceptors.append(cut)
    rows = day_rows(16, 25)
    sink_for(fake, account, key, tmp_path, clock).upsert(TAB, COLUMNS, "message_id", rows, order_by=ORDER)
    assert done[0] == 1
    assert_once(fake, key, rows)


def test_a_read_reset_mid_answer_is_survived(fake, account, key, tmp_path, clock):
    rows = day_rows(16, 10)
    sink = sink_for(fake, account, key, tmp_path, clock)
    sink.upsert(TAB, COLUMNS, "message_id", rows, order_by=ORDER)
    done = [0]

    def cut(request: FakeRequest, response):
        if done[0] == 0 and values_read(request):
            done[0] += 1
            return reset_mid_response(response, after_bytes=3)
        return None

    fake.after_interceptors.append(cut)
    more = rows + day_rows(17, 5)
    sink.upsert(TAB, COLUMNS, "message_id", more, order_by=ORDER)
    assert done[0] == 1
    assert_once(fake, key, more)


def test_the_sink_splits_a_sync_at_the_real_2_mb_and_every_body_fits(fake, account, key, tmp_path, clock):
    # About 5 MB of cells: the stand-in refuses any body over 2 MB, as the sink promises never to send one.
    assert fake.max_body_bytes == RECOMMENDED_MAX_BODY_BYTES == 2_000_000
    rows = day_rows(16, 2_500, text="x" * 2_000)
    sink_for(fake, account, key, tmp_path, clock).upsert(TAB, COLUMNS, "message_id", rows, order_by=ORDER)
    writes = [r for r in fake.requests if r.kind == "write"]
    assert [r.status for r in writes] == [200] * len(writes)
    values = [r for r in writes if r.path.endswith("values:batchUpdate")]
    assert len(values) >= 3 and max(r.body_size for r in values) <= 2_000_000
    assert sum(r.body_size for r in values) > 4_000_000
    assert_once(fake, key, rows)


def test_a_body_over_the_cap_is_refused_with_googles_message(fake, account, key):
    body = b'{"valueInputOption": "RAW", "data": [{"range": "A1", "values": [["' + b"y" * 2_000_001 + b'"]]}]}'
    response = requests.post(
        f"{fake.endpoint}/v4/spreadsheets/{key}/values:batchUpdate",
        data=body,
        headers={"Authorization": f"Bearer {sink_token(account)}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Request payload size exceeds the limit: 2000000 bytes."
    assert fake.values(key, "Sheet1") == []


def test_a_url_over_the_cap_gets_the_front_ends_html_414(fake, account, key):
    ranges = "&".join(f"ranges=Sheet1!A{n}:Z{n}" for n in range(1, 1_500))
    response = requests.get(
        f"{fake.endpoint}/v4/spreadsheets/{key}/values:batchGet?{ranges}",
        headers={"Authorization": f"Bearer {sink_token(account)}"},
        timeout=30,
    )
    assert response.status_code == 414 and response.headers["Content-Type"].startswith("text/html")


def test_requests_interleave_a_held_request_does_not_hold_up_the_others(fake, account, key, tmp_path, clock):
    sink = sink_for(fake, account, key, tmp_path, clock)
    rows = day_rows(16, 5)
    sink.upsert(TAB, COLUMNS, "message_id", rows, order_by=ORDER)
    release, held = threading.Event(), threading.Event()

    def gate(request: FakeRequest):
        if values_read(request) and request.headers.get("x-test-hold") == "1":
            held.set()
            assert release.wait(timeout=120)
        return None

    fake.interceptors.append(gate)
    token = sink_token(account)
    slow = threading.Thread(
        target=requests.get,
        args=(f"{fake.endpoint}/v4/spreadsheets/{key}/values/{TAB}!A1:A2",),
        kwargs={"headers": {"Authorization": f"Bearer {token}", "x-test-hold": "1"}, "timeout": 120},
    )
    slow.start()
    assert held.wait(timeout=120)
    # While that read is held inside the stand-in, the sink's whole upsert goes through.
    more = rows + day_rows(17, 4)
    sink.upsert(TAB, COLUMNS, "message_id", more, order_by=ORDER)
    assert slow.is_alive()
    release.set()
    slow.join(timeout=120)
    assert_once(fake, key, more)


def sink_token(account) -> str:
    credentials = Credentials.from_service_account_file(
        str(account.path), scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    credentials.refresh(google.auth.transport.requests.Request())
    return credentials.token


def test_quotas_are_on_by_default(fake):
    assert fake.quota is not None and fake.quota.writes_per_user == 60 and fake.quota.reads_per_project == 300
