"""The Google backend through the real gspread client, over real HTTP, against the Sheets v4 stand-in."""

import json

import gspread
import pytest
from google.oauth2.service_account import Credentials

from wa_pipeline.sheets.errors import SheetConfigError
from wa_pipeline.sheets.google import request_bodies
from wa_pipeline.sheets.google.endpoint_session import EndpointSession
from wa_pipeline.sheets.google.sink import GoogleSheetsSink
from wa_pipeline.sheets.sink import SheetSink
from wa_pipeline_tests.fakes.sheets_v4 import FakeGoogleSheets
from wa_pipeline_tests.sheets.manual_clock import ManualClock

COLUMNS = ["message_id", "chat", "text", "amount"]
FORMULA = '=IMPORTXML("http://x","//a")'


def rows(n, text="hello"):
    return [[f"wamid.{i:04d}", "Shop", f"{text} {i}", i * 1.5] for i in range(n)]


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
    return fake.write_service_account(tmp_path_factory.mktemp("sa") / "service-account.json")


@pytest.fixture
def key(fake, account):
    return fake.create_spreadsheet(title="WhatsApp", editors=[account.email])


@pytest.fixture
def sink(fake, account, key) -> GoogleSheetsSink:
    return GoogleSheetsSink(account.path, key, endpoint=fake.endpoint)


def user_worksheet(fake, account, key, title):
    """The spreadsheet as a person editing it would see it (a separate client)."""
    credentials = Credentials.from_service_account_file(
        account.path, scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    client = gspread.Client(auth=credentials, session=EndpointSession(credentials, fake.endpoint))
    return client.open_by_key(key).worksheet(title)


def test_is_a_sheet_sink_located_at_the_spreadsheet_url(sink, key):
    assert isinstance(sink, SheetSink)
    assert sink.location == f"https://docs.google.com/spreadsheets/d/{key}"


def test_a_missing_tab_is_created_with_a_frozen_header(sink, fake, key):
    result = sink.upsert("Messages", COLUMNS, "message_id", rows(3))
    assert (result.inserted, result.updated, result.unchanged) == (3, 0, 0)
    properties = fake.tab_properties(key, "Messages")
    assert properties["gridProperties"]["frozenRowCount"] == 1
    assert fake.values(key, "Messages")[0] == COLUMNS


def test_200_rows_then_10_changed_updates_exactly_those(sink, fake, key):
    sink.upsert("Messages", COLUMNS, "message_id", rows(200))
    changed = rows(200)
    for i in range(0, 200, 20):
        changed[i][2] = f"edited {i}"
    fake.clear_log()
    result = sink.upsert("Messages", COLUMNS, "message_id", changed)
    assert (result.inserted, result.updated, result.unchanged) == (0, 10, 190)
    writes = [r for r in fake.requests if r.path.endswith("values:batchUpdate")]
    assert len(writes) == 1 and writes[0].body_size < 5_000  # only the 10 changed rows travel

    tab = sink.read_tab("Messages")
    assert tab.header == COLUMNS
    assert len(tab.rows) == 200
    assert len({row[0] for row in tab.rows}) == 200
    assert tab.records()[20]["text"] == "edited 20"
    assert tab.records()[21]["text"] == "hello 21"
    assert tab.records()[3]["amount"] == "4.5"


def test_api_calls_are_few_and_do_not_grow_with_rows(sink):
    first = sink.upsert("Messages", COLUMNS, "message_id", rows(10))
    small = sink.upsert("Messages", COLUMNS, "message_id", rows(20))
    large = sink.upsert("Messages", COLUMNS, "message_id", rows(1500, text="changed"))
    unchanged = sink.upsert("Messages", COLUMNS, "message_id", rows(1500, text="changed"))
    assert first.api_calls == 4  # tab metadata, add tab, one batched write, the new tab's formatting (once)
    assert small.api_calls == 3  # tab metadata, one batched read (header, keys, rows to compare), one batched write
    assert large.api_calls == 4  # ... plus one resize of the grid for 1500 rows
    assert unchanged.api_calls == 2 and unchanged.unchanged == 1500


def test_without_the_ledger_s_row_hints_one_more_read_finds_the_rows_to_compare(fake, account, key):
    GoogleSheetsSink(account.path, key, endpoint=fake.endpoint).upsert("Messages", COLUMNS, "message_id", rows(50))
    fresh = GoogleSheetsSink(account.path, key, endpoint=fake.endpoint)  # another machine: no ledger
    changed = rows(50)
    changed[7][2] = "edited"
    result = fresh.upsert("Messages", COLUMNS, "message_id", changed)
    assert (result.updated, result.unchanged, result.api_calls) == (1, 49, 4)  # metadata, 2 reads, 1 write
    assert fresh.upsert("Messages", COLUMNS, "message_id", changed).api_calls == 2  # now it has the hints


def test_formula_text_lands_as_a_literal_string(sink, fake, key):
    sink.upsert("Messages", COLUMNS, "message_id", [["wamid.f", "Shop", FORMULA, "+1"], ["wamid.g", "@x", "-2+A1", 3]])
    assert fake.formula_cells(key) == []
    cell = fake.cell(key, "Messages!C2")
    assert cell.value == "'" + FORMULA and cell.formula is False
    assert sink.read_tab("Messages").records()[1]["text"] == "'-2+A1"


def test_rerunning_the_same_upsert_is_a_no_op(sink, fake, key):
    sink.upsert("Messages", COLUMNS, "message_id", rows(5))
    again = sink.upsert("Messages", COLUMNS, "message_id", rows(5) + [["wamid.9999", "Shop", "", None]])
    assert (again.inserted, again.updated, again.unchanged) == (1, 0, 5)
    assert [r[0] for r in sink.read_tab("Messages").rows][-1] == "wamid.9999"
    assert sink.upsert("Messages", COLUMNS, "message_id", [["wamid.9999", "Shop", "", None]]).unchanged == 1


def test_typed_cells_compare_equal_on_the_way_back(sink):
    columns = ["k", "int", "float", "flag", "empty", "text_number"]
    data = [["a", 3, 2.5, True, None, "0012"], ["b", 0, -1.25, False, "", "1e3"]]
    sink.upsert("Typed", columns, "k", data)
    assert sink.upsert("Typed", columns, "k", data).unchanged == 2
    assert sink.read_tab("Typed").rows == [
        ["a", "3", "2.5", "TRUE", "", "0012"],
        ["b", "0", "-1.25", "FALSE", "", "1e3"],
    ]


def test_user_columns_and_edits_survive(sink, fake, account, key):
    sink.upsert("Messages", COLUMNS, "message_id", rows(3))
    sheet = user_worksheet(fake, account, key, "Messages")
    sheet.add_cols(1)
    sheet.update([["notes"], ["call back"], [""], ["=1+1"]], "E1", raw=False)

    sink.upsert("Messages", COLUMNS, "message_id", rows(3, text="changed"))
    # A managed column added later goes after the user's column.
    result = sink.upsert(
        "Messages", COLUMNS + ["intent"], "message_id", [r + ["order"] for r in rows(3, text="changed")]
    )
    assert result.updated == 3

    tab = sink.read_tab("Messages")
    assert tab.header == COLUMNS + ["notes", "intent"]
    records = tab.records()
    assert records[0]["notes"] == "call back" and records[0]["text"] == "changed 0"
    assert fake.cell(key, "Messages!E4").formula  # the user's own formula is untouched
    assert [r["intent"] for r in records] == ["order"] * 3
    assert (
        sink.upsert(
            "Messages", COLUMNS + ["intent"], "message_id", [r + ["order"] for r in rows(3, text="changed")]
        ).unchanged
        == 3
    )


def test_a_small_existing_tab_is_grown_and_refrozen(sink, fake, account, key):
    credentials = Credentials.from_service_account_file(
        account.path, scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    client = gspread.Client(auth=credentials, session=EndpointSession(credentials, fake.endpoint))
    client.open_by_key(key).add_worksheet("Media", rows=2, cols=1)

    result = sink.upsert(
        "Media", ["sha256", "mime", "bytes"], "sha256", [[f"h{i}", "image/jpeg", i] for i in range(30)]
    )
    assert result.inserted == 30
    grid = fake.tab_properties(key, "Media")["gridProperties"]
    assert grid["rowCount"] >= 31 and grid["columnCount"] == 3 and grid["frozenRowCount"] == 1
    assert len(sink.read_tab("Media").rows) == 30


def test_big_writes_are_split_into_requests_under_the_size_limit(sink, fake, monkeypatch):
    monkeypatch.setattr(request_bodies, "MAX_REQUEST_BYTES", 20_000)
    fake.clear_log()
    result = sink.upsert("Messages", COLUMNS, "message_id", rows(600, text="x" * 40))
    writes = [r for r in fake.requests if r.path.endswith("values:batchUpdate")]
    assert result.inserted == 600 and len(writes) > 2
    assert all(w.body_size < 25_000 for w in writes)
    assert len(sink.read_tab("Messages").rows) == 600


def test_read_tab_of_a_missing_tab_is_empty(sink):
    assert sink.read_tab("Nope").rows == []


def test_an_expired_token_is_refreshed_transparently(sink, fake):
    sink.upsert("Messages", COLUMNS, "message_id", rows(2))
    fake.expire_tokens()
    assert sink.upsert("Messages", COLUMNS, "message_id", rows(3)).inserted == 1


# ---- configuration errors a person must fix


def test_a_missing_credentials_file_says_what_to_set(fake, key, tmp_path):
    sink = GoogleSheetsSink(tmp_path / "absent.json", key, endpoint=fake.endpoint)
    with pytest.raises(SheetConfigError, match="WA_GOOGLE_CREDENTIALS") as error:
        sink.upsert("Messages", COLUMNS, "message_id", rows(1))
    assert "absent.json" in str(error.value)


@pytest.mark.parametrize(
    "content, reason",
    [
        ("not json {", "not JSON"),
        (json.dumps({"type": "authorized_user", "client_id": "x"}), "not a service-account key"),
        (json.dumps({"type": "service_account", "client_email": "a@b"}), "lacks private_key, token_uri"),
    ],
)
def test_a_malformed_credentials_file_is_a_config_error(fake, key, tmp_path, content, reason):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(SheetConfigError, match=reason):
        GoogleSheetsSink(path, key, endpoint=fake.endpoint).read_tab("Messages")


def test_a_broken_private_key_is_reported_without_quoting_it(fake, key, account, tmp_path):
    info = json.loads(account.path.read_text())
    info["private_key"] = "-----BEGIN PRIVATE KEY-----\nSECRETSTUFF\n-----END PRIVATE KEY-----\n"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(info))
    with pytest.raises(SheetConfigError, match="private_key") as error:
        GoogleSheetsSink(path, key, endpoint=fake.endpoint).read_tab("Messages")
    assert "SECRETSTUFF" not in str(error.value)


def test_credentials_google_refuses_are_a_readable_config_error(fake, key, tmp_path):
    revoked = fake.write_service_account(tmp_path / "revoked.json")
    fake.share(key, revoked.email)
    fake.delete_service_account(revoked.email)
    sink = GoogleSheetsSink(revoked.path, key, endpoint=fake.endpoint)
    with pytest.raises(SheetConfigError) as error:
        sink.upsert("Messages", COLUMNS, "message_id", rows(1))
    message = str(error.value)
    assert revoked.email in message and "invalid_grant" in message and "WA_GOOGLE_CREDENTIALS" in message
    private_key = json.loads(revoked.path.read_text())["private_key"]
    assert "PRIVATE KEY" not in message and private_key[40:80] not in message and "ya29" not in message
    assert error.value.__cause__ is None and error.value.__suppress_context__


def test_a_missing_spreadsheet_says_which_key_to_fix(fake, account):
    sink = GoogleSheetsSink(account.path, "1NoSuchSpreadsheet", endpoint=fake.endpoint)
    with pytest.raises(SheetConfigError, match="WA_SPREADSHEET_KEY") as error:
        sink.upsert("Messages", COLUMNS, "message_id", rows(1))
    assert "1NoSuchSpreadsheet" in str(error.value)


def test_an_unshared_spreadsheet_says_whom_to_share_it_with(fake, account):
    private = fake.create_spreadsheet(editors=["owner@example.com"])
    sink = GoogleSheetsSink(account.path, private, endpoint=fake.endpoint)
    with pytest.raises(SheetConfigError, match="share the spreadsheet with") as error:
        sink.read_tab("Messages")
    assert account.email in str(error.value)
    fake.share(private, account.email)
    assert sink.upsert("Messages", COLUMNS, "message_id", rows(1)).inserted == 1  # fixed: the next call works
