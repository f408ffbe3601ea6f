"""Which Sheets requests may be sent twice, and how long to wait before doing so."""

import json
import random
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from wa_pipeline.sheets.google.retry import Backoff, retry_after_seconds, safe_to_resend

SHEET = "https://sheets.googleapis.com/v4/spreadsheets/1abc"


def batch(*kinds):
    return json.dumps({"requests": [{kind: {}} for kind in kinds]}).encode()


@pytest.mark.parametrize(
    "method, url, body, safe",
    [
        ("GET", SHEET + "/values:batchGet?ranges=A1", None, True),
        ("PUT", SHEET + "/values/Sheet1%21A1?valueInputOption=RAW", b"{}", True),
        ("POST", SHEET + "/values:batchUpdate", b"{}", True),
        ("POST", SHEET + "/values:batchClear", b"{}", True),
        ("POST", SHEET + "/values/Sheet1%21A1:clear", b"{}", True),
        # An append that answered 503 may have been applied: a second send would add the rows again.
        ("POST", SHEET + "/values/Sheet1%21A1:append?valueInputOption=RAW", b"{}", False),
        ("POST", SHEET + ":batchUpdate", batch("updateSheetProperties"), True),
        ("POST", SHEET + ":batchUpdate", batch("updateSheetProperties", "updateCells"), True),
        ("POST", SHEET + ":batchUpdate", batch("addSheet"), False),
        ("POST", SHEET + ":batchUpdate", batch("updateSheetProperties", "insertDimension", "updateCells"), False),
        ("POST", SHEET + ":batchUpdate", batch("appendDimension"), False),
        ("POST", SHEET + ":batchUpdate", b"not json", False),
        ("POST", SHEET + ":batchUpdate", b'{"requests": []}', False),
    ],
)
def test_only_requests_whose_second_delivery_changes_nothing_are_resendable(method, url, body, safe):
    assert safe_to_resend(method, url, body) is safe


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(datetime(2026, 1, 1, 12, 0, 30, tzinfo=UTC), usegmt=True)
    assert retry_after_seconds(later, now=now.timestamp()) == 30.0
    assert retry_after_seconds(later, now=now.timestamp() + 60) == 0.0


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap():
    slept = []
    backoff = Backoff(max_attempts=10, base_s=1.0, cap_s=16.0, sleep=slept.append, rng=random.Random(1))
    for attempt in range(1, 9):
        backoff.pause(attempt)
    ceilings = [1, 2, 4, 8, 16, 16, 16, 16]
    assert all(c / 2 <= s <= c for s, c in zip(slept, ceilings))
    assert len(set(slept)) == len(slept)  # jittered, not a fixed schedule
    assert backoff.waited_s == pytest.approx(sum(slept))


def test_retry_after_is_a_floor_and_too_long_a_wait_is_not_retried():
    backoff = Backoff(max_attempts=6, base_s=1.0, cap_s=64.0, max_retry_after_s=120, rng=random.Random(0))
    assert backoff.delay(1, retry_after=30) == 30
    assert backoff.delay(7, retry_after=1) >= 32
    assert backoff.may_retry(1, retry_after=60)
    assert not backoff.may_retry(1, retry_after=3600)
    assert not backoff.may_retry(6)


def test_two_processes_failing_together_do_not_retry_together():
    first = Backoff(rng=random.Random(1))
    second = Backoff(rng=random.Random(2))
    assert [first.delay(n) for n in range(1, 6)] != [second.delay(n) for n in range(1, 6)]
