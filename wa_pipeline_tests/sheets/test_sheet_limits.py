"""The 10-million-cell limit: a warning from 80%, a clear refusal before a write would cross it."""

import gspread
import pytest
from google.oauth2.service_account import Credentials

from wa_pipeline.sheets.cell_safety import MAX_CELL_CHARS, safe_cell
from wa_pipeline.sheets.errors import SheetLimitError
from wa_pipeline.sheets.google.endpoint_session import EndpointSession
from wa_pipeline.sheets.google.sink import GoogleSheetsSink
from wa_pipeline.sheets.sheet_limits import CellUsage, grid_cells

COLUMNS = ["message_id", "text"]


def user_book(fake, account, key):
    credentials = Credentials.from_service_account_file(
        account.path, scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    return gspread.Client(auth=credentials, session=EndpointSession(credentials, fake.endpoint)).open_by_key(key)


def test_usage_warns_from_eighty_percent():
    assert CellUsage(7_999_999).warning is None
    warning = CellUsage(8_000_000).warning
    assert "8,000,000 of its 10,000,000 cells (80%)" in warning and "another spreadsheet" in warning
    assert (
        grid_cells([{"gridProperties": {"rowCount": 1000, "columnCount": 26}}, {"gridProperties": {}}]).cells == 26_000
    )
    with pytest.raises(SheetLimitError, match="over Google Sheets' limit of 10,000,000"):
        CellUsage(9_999_000).require_room(1_001, "Writing 1 row")


def test_a_spreadsheet_past_eighty_percent_is_reported_in_the_result(fake, account, key, tmp_path):
    user_book(fake, account, key).add_worksheet("Archive", rows=400_000, cols=20)  # 8 million cells
    sink = GoogleSheetsSink(account.path, key, endpoint=fake.endpoint, state_dir=tmp_path)
    result = sink.upsert("Messages", COLUMNS, "message_id", [["wamid.1", "hi"]])
    assert result.inserted == 1
    grid = fake.tab_properties(key, "Messages")["gridProperties"]
    assert result.sheet_cells == 8_000_000 + 26_000 + grid["rowCount"] * grid["columnCount"]
    assert len(result.warnings) == 1 and "(80%)" in result.warnings[0]


def test_a_write_that_would_cross_the_limit_is_refused_before_anything_is_sent(fake, account, key, tmp_path):
    user_book(fake, account, key).add_worksheet("Archive", rows=498_000, cols=20)  # 9.96 million cells
    sink = GoogleSheetsSink(account.path, key, endpoint=fake.endpoint, state_dir=tmp_path)
    fake.clear_log()
    with pytest.raises(SheetLimitError, match="Move old rows to another spreadsheet"):
        sink.upsert("Messages", COLUMNS, "message_id", [[f"wamid.{i}", "x"] for i in range(20_000)])
    assert [r for r in fake.requests if r.kind == "write"] == []
    assert fake.tab_properties(key, "Messages") is None


def test_near_the_limit_the_grid_grows_without_headroom(fake, account, key, tmp_path):
    user_book(fake, account, key).add_worksheet("Archive", rows=498_500, cols=20)  # 4,000 cells left
    sink = GoogleSheetsSink(account.path, key, endpoint=fake.endpoint, state_dir=tmp_path)
    result = sink.upsert("Messages", COLUMNS, "message_id", [[f"wamid.{i}", "x"] for i in range(1500)])
    assert result.inserted == 1500
    assert fake.tab_properties(key, "Messages")["gridProperties"]["rowCount"] == 1501
    assert result.sheet_cells <= 10_000_000


def test_a_cell_over_50000_characters_is_cut_with_a_visible_marker(fake, account, key, tmp_path):
    sink = GoogleSheetsSink(account.path, key, endpoint=fake.endpoint, state_dir=tmp_path)
    sink.upsert("Messages", COLUMNS, "message_id", [["wamid.1", "y" * 60_000]])
    text = sink.read_tab("Messages").records()[0]["text"]
    kept = text.index("…")
    assert len(text) == MAX_CELL_CHARS and text.endswith(f"…[truncated {60_000 - kept} chars]")
    assert text == safe_cell("y" * 60_000)
