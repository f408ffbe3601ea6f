import requests
from requests.adapters import HTTPAdapter

from wa_pipeline.sheets.endpoint_session import GOOGLE_SHEETS_ENDPOINT, EndpointAdapter
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
