"""The circuit breaker: open after N failures in a row, fail fast with a clear message, one probe, state kept."""

import pytest

from wa_pipeline.sheets.errors import CircuitOpenError, SheetsUnavailable
from wa_pipeline.sheets.google.circuit_breaker import CircuitBreaker
from wa_pipeline_tests.sheets.manual_clock import ManualClock


@pytest.fixture
def clock():
    return ManualClock()


def breaker(path, clock, **kwargs) -> CircuitBreaker:
    return CircuitBreaker(path, name="sheets:1abc", failure_threshold=3, cooldown_s=60, clock=clock, **kwargs)


def test_opens_after_consecutive_failures_and_says_when_it_will_try_again(tmp_path, clock):
    cb = breaker(tmp_path / "state.sqlite3", clock)
    for _ in range(2):
        cb.before_request()
        cb.record_failure("503 Service Unavailable on POST values:batchUpdate")
    cb.before_request()  # still closed: two in a row are not three
    cb.record_failure("503 Service Unavailable on POST values:batchUpdate")
    assert cb.state().state == "open"
    with pytest.raises(CircuitOpenError) as error:
        cb.before_request()
    message = str(error.value)
    assert "3 requests in a row failed" in message and "503 Service Unavailable" in message
    assert "in 60 s" in message and "re-run" in message
    assert isinstance(error.value, SheetsUnavailable)


def test_a_success_resets_the_count(tmp_path, clock):
    cb = breaker(tmp_path / "state.sqlite3", clock)
    for _ in range(2):
        cb.record_failure("timeout")
    cb.record_success()
    for _ in range(2):
        cb.record_failure("timeout")
    assert cb.state().state == "closed" and cb.state().failures == 2


def test_after_the_cooldown_one_probe_decides(tmp_path, clock):
    cb = breaker(tmp_path / "state.sqlite3", clock)
    for _ in range(3):
        cb.record_failure("500")
    clock.advance(61)
    cb.before_request()  # the probe
    with pytest.raises(CircuitOpenError, match="probe"):
        cb.before_request()  # others still fail fast while it is out
    cb.record_failure("500 again")
    assert cb.state().state == "open"  # a failed probe opens it for another cool-down
    with pytest.raises(CircuitOpenError):
        cb.before_request()
    clock.advance(61)
    cb.before_request()
    cb.record_success()
    assert cb.state().state == "closed"
    cb.before_request()


def test_state_survives_into_the_next_run(tmp_path, clock):
    path = tmp_path / "state.sqlite3"
    first_run = breaker(path, clock)
    for _ in range(3):
        first_run.record_failure("503")
    first_run.close()
    next_run = breaker(path, clock)
    with pytest.raises(CircuitOpenError):
        next_run.before_request()
    other_sheet = CircuitBreaker(path, name="sheets:other", failure_threshold=3, clock=clock)
    other_sheet.before_request()  # breakers are per spreadsheet


def test_a_probe_that_never_reports_back_expires(tmp_path, clock):
    cb = breaker(tmp_path / "state.sqlite3", clock)
    for _ in range(3):
        cb.record_failure("503")
    clock.advance(61)
    cb.before_request()  # the probe's process dies here
    clock.advance(61)
    cb.before_request()  # a later run may probe again
