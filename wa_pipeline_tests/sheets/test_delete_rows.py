"""Delete by keys, on both backends: the workbook file, and gspread over HTTP against the Sheets v4 stand-in."""

import openpyxl
import pytest

from wa_pipeline.sheets.google.sink import GoogleSheetsSink
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink
from wa_pipeline_tests.fakes.sheets_v4 import FakeGoogleSheets
from wa_pipeline_tests.sheets.test_google_sink import user_worksheet

COLUMNS = ["message_id", "chat", "text"]


def rows(n):
    return [[f"wamid.{i:02d}", "Shop", f"text {i}"] for i in range(n)]


class Workbook:
    def __init__(self, tmp_path):
        self.sink = WorkbookSink(tmp_path / "wa.xlsx")

    def note(self, row: int, value: str) -> None:
        """A person's cell right of the managed columns (row 1 is the header)."""
        book = openpyxl.load_workbook(self.sink.path)
        book["Messages"].cell(row=row, column=len(COLUMNS) + 2, value=value)
        book.save(self.sink.path)


class Google:
    def __init__(self, tmp_path, fake):
        self.fake = fake
        self.account = fake.write_service_account(tmp_path / "service-account.json")
        self.key = fake.create_spreadsheet(title="WhatsApp", editors=[self.account.email])
        self.sink = GoogleSheetsSink(self.account.path, self.key, endpoint=fake.endpoint, state_dir=tmp_path)

    def note(self, row: int, value: str) -> None:
        sheet = user_worksheet(self.fake, self.account, self.key, "Messages")
        sheet.add_cols(2)
        sheet.update_cell(row, len(COLUMNS) + 2, value)


@pytest.fixture(params=["workbook", "google"])
def backend(request, tmp_path):
    if request.param == "workbook":
        yield Workbook(tmp_path)
        return
    with FakeGoogleSheets() as fake:
        yield Google(tmp_path, fake)
        assert fake.internal_errors == []


def test_rows_go_by_key_and_a_person_s_cells_move_with_the_rows_that_stay(backend):
    sink = backend.sink
    sink.upsert("Messages", COLUMNS, "message_id", rows(8))
    backend.note(2 + 5, "call back")  # beside wamid.05
    assert sink.delete_rows("Messages", "message_id", {"wamid.01", "wamid.02", "wamid.06", "wamid.99"}) == 3

    tab = sink.read_tab("Messages")
    assert [row[0] for row in tab.rows] == ["wamid.00", "wamid.03", "wamid.04", "wamid.05", "wamid.07"]
    assert [row[0] for row in tab.rows if "call back" in row] == ["wamid.05"]
    assert "text 1" not in str(tab.rows) and "text 6" not in str(tab.rows)


def test_deleting_again_or_from_a_missing_tab_removes_nothing_and_upserts_stay_exact(backend):
    sink = backend.sink
    sink.upsert("Messages", COLUMNS, "message_id", rows(6))
    assert sink.delete_rows("Messages", "message_id", ["wamid.00", "wamid.03"]) == 2
    assert sink.delete_rows("Messages", "message_id", ["wamid.00", "wamid.03"]) == 0
    assert sink.delete_rows("Nowhere", "message_id", ["wamid.01"]) == 0

    # The rows that stayed are unchanged; the deleted ones, upserted again, come back once each.
    again = sink.upsert("Messages", COLUMNS, "message_id", rows(6))
    assert (again.inserted, again.updated, again.unchanged) == (2, 0, 4)
    keys = [row[0] for row in sink.read_tab("Messages").rows]
    assert sorted(keys) == [f"wamid.{i:02d}" for i in range(6)]
