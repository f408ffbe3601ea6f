"""The stand-in answers like the Sheets v4 API and Google's token endpoint (so tests against it mean something)."""

import json
import time
from urllib.parse import quote

import gspread
import pytest
import requests
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2.service_account import Credentials

from wa_pipeline.sheets.google.endpoint_session import EndpointSession
from wa_pipeline_tests.fakes.sheets_v4 import FakeGoogleSheets
from wa_pipeline_tests.sheets.manual_clock import ManualClock

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]


@pytest.fixture(scope="module")
def quota_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="module")
def fake(quota_clock):
    # Quotas stay on (the default); the module shares one stand-in, so each test starts a quota minute of its own.
    with FakeGoogleSheets(clock=quota_clock) as server:
        yield server
    assert server.internal_errors == []


@pytest.fixture(autouse=True)
def new_quota_minute(quota_clock):
    quota_clock.advance(60)


@pytest.fixture(scope="module")
def account(fake, tmp_path_factory):
    return fake.write_service_account(tmp_path_factory.mktemp("sa") / "sa.json")


@pytest.fixture(scope="module")
def token(account):
    credentials = Credentials.from_service_account_file(account.path, scopes=SCOPES)
    credentials.refresh(Request())
    return credentials.token


@pytest.fixture
def key(fake):
    return fake.create_spreadsheet(tabs=["Sheet1", "My Tab's"])


def api(fake, method, path, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, fake.endpoint + path, headers=headers, timeout=10, **kwargs)


def values_path(key, a1):
    return f"/v4/spreadsheets/{key}/values/{quote(a1, safe='')}"


def test_a_call_without_a_token_is_401(fake, key):
    response = api(fake, "GET", f"/v4/spreadsheets/{key}")
    assert response.status_code == 401
    assert response.json()["error"]["status"] == "UNAUTHENTICATED"
    assert response.json()["error"]["code"] == 401


def test_a_made_up_token_is_401(fake, key):
    response = api(fake, "GET", f"/v4/spreadsheets/{key}", token="ya29.not-issued")
    assert response.status_code == 401


def test_an_expired_token_is_401_and_google_auth_recovers(fake, key, account):
    credentials = Credentials.from_service_account_file(account.path, scopes=SCOPES)
    session = EndpointSession(credentials, fake.endpoint)
    client = gspread.Client(auth=credentials, session=session)
    client.open_by_key(key)
    fake.expire_tokens()
    statuses_before = len(fake.requests)
    assert client.open_by_key(key).title == "Untitled spreadsheet"
    assert [r.status for r in fake.requests[statuses_before:] if r.path.startswith("/v4/")] == [401, 200]


def test_token_endpoint_checks_the_jwt_signature(fake, account, tmp_path):
    forged = json.loads(account.path.read_text())
    other = fake.write_service_account(tmp_path / "other.json")
    # The right account name signed with somebody else's key.
    forged["private_key"] = json.loads(other.path.read_text())["private_key"]
    forged["private_key_id"] = "unknown"
    credentials = Credentials.from_service_account_info(forged, scopes=SCOPES)
    with pytest.raises(RefreshError, match="invalid_grant: Invalid JWT Signature"):
        credentials.refresh(Request())


def test_token_endpoint_refuses_other_grant_types(fake):
    response = requests.post(fake.token_uri, data={"grant_type": "password"}, timeout=10)
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


def test_unknown_spreadsheet_is_404_and_unshared_is_403(fake, token, account):
    assert api(fake, "GET", "/v4/spreadsheets/nope", token).json()["error"]["status"] == "NOT_FOUND"
    private = fake.create_spreadsheet(editors=["someone@else.example"])
    response = api(fake, "GET", f"/v4/spreadsheets/{private}", token)
    assert response.status_code == 403 and response.json()["error"]["status"] == "PERMISSION_DENIED"
    fake.share(private, account.email)
    assert api(fake, "GET", f"/v4/spreadsheets/{private}", token).status_code == 200


@pytest.mark.parametrize(
    "a1", ["Nope!A1", "Sheet1!A0", "Sheet1!1A", "Sheet1!A", "'Sheet1!A1", "Sheet1!ZZZZ1", "Messages"]
)
def test_a_bad_range_is_400(fake, key, token, a1):
    response = api(fake, "GET", values_path(key, a1), token)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT" and error["message"] == f"Unable to parse range: {a1}"


def test_reading_past_the_grid_is_400(fake, key, token):
    response = api(fake, "GET", values_path(key, "Sheet1!A1:B1001"), token)
    assert response.status_code == 400
    assert "exceeds grid limits. Max rows: 1000, max columns: 26" in response.json()["error"]["message"]


def test_writing_past_the_grid_is_400_and_changes_nothing(fake, key, token):
    body = {
        "valueInputOption": "RAW",
        "data": [{"range": "Sheet1!A1", "values": [["kept?"]]}, {"range": "Sheet1!A1000", "values": [["x"], ["y"]]}],
    }
    response = api(fake, "POST", f"/v4/spreadsheets/{key}/values:batchUpdate", token, json=body)
    assert response.status_code == 400 and "exceeds grid limits" in response.json()["error"]["message"]
    assert fake.values(key, "Sheet1") == []


def test_values_must_fit_a_bounded_range(fake, key, token):
    response = api(
        fake,
        "PUT",
        values_path(key, "Sheet1!A1:B1"),
        token,
        params={"valueInputOption": "RAW"},
        json={"values": [["a", "b", "c"]]},
    )
    assert response.status_code == 400 and "tried writing to column [C]" in response.json()["error"]["message"]


def test_value_input_option_is_required(fake, key, token):
    response = api(fake, "POST", f"/v4/spreadsheets/{key}/values:batchUpdate", token, json={"data": []})
    assert response.status_code == 400 and "valueInputOption" in response.json()["error"]["message"]


def test_raw_keeps_text_literal_and_user_entered_parses_it(fake, key, token):
    body = {
        "valueInputOption": "RAW",
        "data": [{"range": "Sheet1!A1:C1", "values": [["=1+1", "'quoted", "12"]]}],
    }
    assert api(fake, "POST", f"/v4/spreadsheets/{key}/values:batchUpdate", token, json=body).status_code == 200
    body["valueInputOption"] = "USER_ENTERED"
    body["data"][0]["range"] = "Sheet1!A2:C2"
    assert api(fake, "POST", f"/v4/spreadsheets/{key}/values:batchUpdate", token, json=body).status_code == 200

    assert fake.cell(key, "Sheet1!A1").formula is False and fake.cell(key, "Sheet1!A1").value == "=1+1"
    assert fake.formula_cells(key) == ["Sheet1!A2"]
    formatted = api(fake, "GET", values_path(key, "Sheet1!A1:C2"), token).json()["values"]
    assert formatted == [["=1+1", "'quoted", "12"], ["#N/A", "quoted", "12"]]
    typed = api(fake, "GET", values_path(key, "Sheet1!A1:C2"), token, params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert typed.json()["values"][1][2] == 12
    formulas = api(fake, "GET", values_path(key, "Sheet1!A2"), token, params={"valueRenderOption": "FORMULA"})
    assert formulas.json()["values"] == [["=1+1"]]


def test_ranges_quoted_sheet_names_whole_columns_and_open_rows(fake, key, token):
    put = api(
        fake,
        "PUT",
        values_path(key, "'My Tab''s'!B2"),
        token,
        params={"valueInputOption": "RAW"},
        json={"values": [["b2", "c2"], ["b3", None, "d3"], [], ["b5"]]},
    )
    assert put.status_code == 200
    assert put.json()["updatedRange"] == "'My Tab''s'!B2:D5"
    batch = api(
        fake,
        "GET",
        f"/v4/spreadsheets/{key}/values:batchGet",
        token,
        params={"ranges": ["'My Tab''s'!B:B", "'My Tab''s'!B3:D", "'my tab''s'!2:2", "'My Tab''s'"]},
    ).json()["valueRanges"]
    assert batch[0] == {
        "range": "'My Tab''s'!B1:B1000",
        "majorDimension": "ROWS",
        "values": [[], ["b2"], ["b3"], [], ["b5"]],
    }
    assert batch[1]["range"] == "'My Tab''s'!B3:D1000" and batch[1]["values"] == [["b3", "", "d3"], [], ["b5"]]
    assert batch[2]["values"] == [["", "b2", "c2"]]
    assert batch[3]["range"] == "'My Tab''s'!A1:Z1000" and len(batch[3]["values"]) == 5


def test_empty_ranges_have_no_values_key(fake, key, token):
    reply = api(fake, "GET", values_path(key, "Sheet1!A1:C3"), token).json()
    assert reply == {"range": "Sheet1!A1:C3", "majorDimension": "ROWS"}


def test_sheet_operations_through_gspread(fake, key, account):
    credentials = Credentials.from_service_account_file(account.path, scopes=SCOPES)
    client = gspread.Client(auth=credentials, session=EndpointSession(credentials, fake.endpoint))
    book = client.open_by_key(key)
    sheet = book.add_worksheet("Data", rows=3, cols=2)
    sheet.freeze(rows=1)
    sheet.add_rows(2)
    assert fake.tab_properties(key, "Data")["gridProperties"] == {"rowCount": 5, "columnCount": 2, "frozenRowCount": 1}
    with pytest.raises(gspread.exceptions.APIError, match="already exists"):
        book.add_worksheet("data", rows=1, cols=1)

    sheet.update([["h1", "h2"]], "A1")
    sheet.append_row(["a", 1])
    sheet.append_row(["b", 2])  # appends go after the table
    assert sheet.get_all_values() == [["h1", "h2"], ["a", "1"], ["b", "2"]]
    assert fake.values(key, "Data") == [["h1", "h2"], ["a", 1], ["b", 2]]
    with pytest.raises(gspread.exceptions.APIError, match="exceeds grid limits"):
        sheet.update([["x"]], "A6")
    sheet.append_row(["c", 3])
    assert fake.tab_properties(key, "Data")["gridProperties"]["rowCount"] == 5
    sheet.append_rows([["d", 4], ["e", 5]])  # unlike an update, an append grows the grid
    assert fake.tab_properties(key, "Data")["gridProperties"]["rowCount"] == 6
    book.values_batch_clear(body={"ranges": ["Data!A2:B"]})
    assert fake.values(key, "Data") == [["h1", "h2"]]
    assert [ws.title for ws in book.worksheets()] == ["Sheet1", "My Tab's", "Data"]


def test_every_request_is_recorded(fake, key, token):
    fake.clear_log()
    api(fake, "GET", f"/v4/spreadsheets/{key}", token)
    api(fake, "POST", f"/v4/spreadsheets/{key}/values:batchUpdate", token, json={"valueInputOption": "RAW", "data": []})
    recorded = fake.requests
    assert [(r.method, r.status) for r in recorded] == [("GET", 200), ("POST", 200)]
    assert recorded[1].body_size > 0 and recorded[0].caller is not None
    assert fake.sheets_api_calls() == 2


def test_interceptors_can_answer_first(fake, key, token):
    from wa_pipeline_tests.fakes.sheets_v4 import ApiError

    fake.interceptors.append(lambda request: ApiError(429, "Quota exceeded", "RESOURCE_EXHAUSTED").response())
    try:
        assert api(fake, "GET", f"/v4/spreadsheets/{key}", token).status_code == 429
    finally:
        fake.interceptors.clear()
    assert api(fake, "GET", f"/v4/spreadsheets/{key}", token).status_code == 200


# ---- quotas, faults and the structural edits the sink uses


def test_a_per_minute_quota_answers_429_with_googles_error_body(tmp_path):
    from wa_pipeline_tests.fakes.sheets_v4 import Quota
    from wa_pipeline_tests.sheets.manual_clock import ManualClock

    clock = ManualClock()
    with FakeGoogleSheets(quota=Quota(reads_per_user=3), clock=clock) as limited:
        user = limited.write_service_account(tmp_path / "sa.json")
        credentials = Credentials.from_service_account_file(user.path, scopes=SCOPES)
        credentials.refresh(Request())
        sheet = limited.create_spreadsheet()
        statuses = [api(limited, "GET", f"/v4/spreadsheets/{sheet}", credentials.token).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        error = api(limited, "GET", f"/v4/spreadsheets/{sheet}", credentials.token).json()["error"]
        assert error["status"] == "RESOURCE_EXHAUSTED" and error["code"] == 429
        assert "Read requests per minute per user" in error["message"]
        assert error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
        assert error["details"][0]["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerUser"
        # Writes have their own quota, and the minute rolls on the fake's clock.
        body = {"valueInputOption": "RAW", "data": []}
        assert (
            api(
                limited, "POST", f"/v4/spreadsheets/{sheet}/values:batchUpdate", credentials.token, json=body
            ).status_code
            == 200
        )
        clock.advance(60)
        assert api(limited, "GET", f"/v4/spreadsheets/{sheet}", credentials.token).status_code == 200
        log = [r for r in limited.requests if r.path.startswith("/v4/")]
        assert {r.kind for r in log} == {"read", "write"} and log[-1].at == log[0].at + 60


def test_random_faults_are_repeatable_and_some_fail_after_committing(fake, key, token):
    from wa_pipeline_tests.fakes.sheets_v4 import RandomFaults

    def run(seed):
        faults = fake.add_faults(RandomFaults(rate=0.5, seed=seed, commit_share=1.0))
        fake.clear_log()
        for i in range(20):
            body = {"valueInputOption": "RAW", "data": [{"range": f"Sheet1!A{i + 1}", "values": [[f"v{i}"]]}]}
            api(fake, "POST", f"/v4/spreadsheets/{key}/values:batchUpdate", token, json=body)
        fake.remove_faults(faults)
        return [(r.status, r.committed) for r in fake.requests]

    first, second = run(3), run(3)
    assert first == second
    assert any(status == 503 and committed for status, committed in first)
    assert 0 < sum(1 for status, _ in first if status != 200) < 20
    # Every write was applied, even those answered with an error.
    assert [row[0] for row in fake.values(key, "Sheet1")] == [f"v{i}" for i in range(20)]


def test_commit_then_fail_applies_the_write_and_answers_503(fake, key, token):
    from wa_pipeline_tests.fakes.sheets_v4 import CommitThenFail

    failure = fake.add_faults(CommitThenFail(lambda r: r.path.endswith("values:batchUpdate")))
    body = {"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": [["x"]]}]}
    assert api(fake, "POST", f"/v4/spreadsheets/{key}/values:batchUpdate", token, json=body).status_code == 503
    assert fake.values(key, "Sheet1") == [["x"]] and failure.fired == 1
    assert api(fake, "POST", f"/v4/spreadsheets/{key}/values:batchUpdate", token, json=body).status_code == 200


def test_slow_responses_arrive_after_the_clients_timeout(fake, key, token):
    from wa_pipeline_tests.fakes.sheets_v4 import SlowResponses

    slow = fake.add_faults(SlowResponses(lambda r: r.method == "POST", delay_s=600))  # held until the fake stops
    body = {"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": [["late"]]}]}
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(
            fake.endpoint + f"/v4/spreadsheets/{key}/values:batchUpdate",
            json=body,
            timeout=(5, 0.5),
            headers={"Authorization": f"Bearer {token}"},
        )
    # The client gave up; the stand-in applies the write all the same (on a loaded machine, maybe just after).
    deadline = time.monotonic() + 600
    while slow.fired == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert slow.fired == 1 and fake.values(key, "Sheet1") == [["late"]]


def test_insert_dimension_moves_every_cell_below_and_update_cells_writes_literal_text(fake, key, token):
    put = {"values": [["a", "note a"], ["c", "note c"]]}
    api(fake, "PUT", values_path(key, "Sheet1!A1"), token, params={"valueInputOption": "RAW"}, json=put)
    batch = {
        "requests": [
            {
                "insertDimension": {
                    "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2},
                    "inheritFromBefore": True,
                }
            },
            {
                "updateCells": {
                    "start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 0},
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": '=IMPORTXML("http://x","//a")'}}]}],
                    "fields": "userEnteredValue",
                }
            },
        ]
    }
    response = api(fake, "POST", f"/v4/spreadsheets/{key}:batchUpdate", token, json=batch)
    assert response.status_code == 200, response.text
    assert fake.values(key, "Sheet1") == [["a", "note a"], ['=IMPORTXML("http://x","//a")'], ["c", "note c"]]
    assert fake.formula_cells(key) == [] and fake.tab_properties(key, "Sheet1")["gridProperties"]["rowCount"] == 1001
    assert fake.requests[-1].operations == ("insertDimension", "updateCells")
    delete = {
        "requests": [
            {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}}}
        ]
    }
    assert api(fake, "POST", f"/v4/spreadsheets/{key}:batchUpdate", token, json=delete).status_code == 200
    assert fake.values(key, "Sheet1") == [["a", "note a"], ["c", "note c"]]


def test_a_batch_with_a_bad_request_applies_nothing(fake, key, token):
    batch = {
        "requests": [
            {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}}},
            {
                "updateCells": {
                    "start": {"sheetId": 0, "rowIndex": 5000, "columnIndex": 0},
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
                    "fields": "userEnteredValue",
                }
            },
        ]
    }
    response = api(fake, "POST", f"/v4/spreadsheets/{key}:batchUpdate", token, json=batch)
    assert response.status_code == 400 and "exceeds grid limits" in response.json()["error"]["message"]
    assert fake.tab_properties(key, "Sheet1")["gridProperties"]["rowCount"] == 1000
