import pytest
import requests
from requests.adapters import HTTPAdapter

from wa_pipeline.sheets.google.endpoint_session import GOOGLE_SHEETS_ENDPOINT, EndpointAdapter
from wa_pipeline_tests.fakes.sheets_v4 import FakeGoogleSheets


def test_requests_for_google_go_to_the_endpoint():
    with FakeGoogleSheets() as fake:
        session = requests.Session()
        adapter = EndpointAdapter(GOOGLE_SHEETS_ENDPOINT, fake.endpoint)
        session.mount(GOOGLE_SHEETS_ENDPOINT + "/", adapter)
        response = session.get(GOOGLE_SHEETS_ENDPOINT + "/v4/spreadsheets/abc?includeGridData=false", timeout=10)
        assert response.status_code == 401  # answered by the stand-in
        assert fake.requests[-1].path == "/v4/spreadsheets/abc"
        assert fake.requests[-1].query == {"includeGridData": ["false"]}
        assert adapter.sent == 1


def test_the_default_endpoint_changes_nothing(monkeypatch):
    sent = []
    monkeypatch.setattr(HTTPAdapter, "send", lambda self, request, **kwargs: sent.append(request.url))
    adapter = EndpointAdapter(GOOGLE_SHEETS_ENDPOINT, GOOGLE_SHEETS_ENDPOINT)
    adapter.send(requests.Request("GET", GOOGLE_SHEETS_ENDPOINT + "/v4/spreadsheets/abc").prepare())
    assert sent == [GOOGLE_SHEETS_ENDPOINT + "/v4/spreadsheets/abc"]


def test_only_the_google_origin_is_rewritten(monkeypatch):
    sent = []
    monkeypatch.setattr(HTTPAdapter, "send", lambda self, request, **kwargs: sent.append(request.url))
    adapter = EndpointAdapter(GOOGLE_SHEETS_ENDPOINT, "http://127.0.0.1:8080/prefix/")
    adapter.send(requests.Request("GET", GOOGLE_SHEETS_ENDPOINT + "/v4/x").prepare())
    adapter.send(requests.Request("GET", "https://sheets.googleapis.com.example/v4/x").prepare())
    assert sent == ["http://127.0.0.1:8080/prefix/v4/x", "https://sheets.googleapis.com.example/v4/x"]


def test_the_resilient_adapter_sets_a_timeout_when_the_caller_gave_none():
    from wa_pipeline.sheets.google.resilient_adapter import ResilientAdapter
    from wa_pipeline_tests.fakes.sheets_v4 import SlowResponses

    with FakeGoogleSheets() as fake:
        fake.add_faults(SlowResponses(lambda request: True, delay_s=600))  # held until the fake stops
        session = requests.Session()
        session.mount(
            GOOGLE_SHEETS_ENDPOINT + "/", ResilientAdapter(GOOGLE_SHEETS_ENDPOINT, fake.endpoint, timeout=(5, 0.2))
        )
        with pytest.raises(requests.exceptions.ReadTimeout):
            session.get(GOOGLE_SHEETS_ENDPOINT + "/v4/spreadsheets/abc")  # no timeout= here, as gspread by default


def test_every_attempt_is_throttled_and_a_transient_answer_is_retried_for_safe_requests():
    import random

    from wa_pipeline.sheets.google.resilient_adapter import ResilientAdapter
    from wa_pipeline.sheets.google.retry import Backoff
    from wa_pipeline.sheets.google.throttle import Throttle
    from wa_pipeline_tests.fakes.sheets_v4 import transient_error
    from wa_pipeline_tests.sheets.manual_clock import ManualClock

    clock = ManualClock()
    with FakeGoogleSheets() as fake:
        answers = iter([transient_error(503), transient_error(500)])
        fake.interceptors.append(lambda request: next(answers, None))
        throttle = Throttle(clock=clock, sleep=clock.sleep)
        adapter = ResilientAdapter(
            GOOGLE_SHEETS_ENDPOINT,
            fake.endpoint,
            throttle=throttle,
            backoff=Backoff(max_attempts=3, sleep=clock.sleep, rng=random.Random(1)),
        )
        session = requests.Session()
        session.mount(GOOGLE_SHEETS_ENDPOINT + "/", adapter)
        assert session.get(GOOGLE_SHEETS_ENDPOINT + "/v4/spreadsheets/abc").status_code == 401  # the stand-in's answer
        assert [r.status for r in fake.requests] == [503, 500, 401]
        assert adapter.sent == 3 and adapter.retries == 2 and len(clock.slept) == 2
        # An append is never sent twice: its 503 comes back to the caller to sort out.
        answers = iter([transient_error(503)])
        response = session.post(GOOGLE_SHEETS_ENDPOINT + "/v4/spreadsheets/abc/values/A1:append", json={})
        assert response.status_code == 503 and adapter.sent == 4
