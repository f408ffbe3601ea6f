"""Rows follow send time within each chat, however late or out of order messages arrive, in both backends;
a user's own column keeps its cells on their row, and text that looks like a formula stays text."""

import random

import gspread
import openpyxl
import pytest
from google.oauth2.service_account import Credentials

from wa_pipeline.sheets.google.endpoint_session import EndpointSession
from wa_pipeline.sheets.google.sink import GoogleSheetsSink
from wa_pipeline.sheets.row_order import order_violations
from wa_pipeline.sheets.sink import SheetSink
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink

COLUMNS = ["message_id", "sent_at", "chat", "text"]
FORMULA = '=IMPORTXML("http://x","//a")'


def message(n: int, minute: int, chat: str, text: str | None = None) -> list:
    return [f"wamid.{n:03d}", f"2026-11-16 {minute // 60:02d}:{minute % 60:02d}:00", chat, text or f"message {n}"]


@pytest.fixture(params=["google", "workbook"])
def backend(request, tmp_path):
    """Each test runs against both sinks; `notes` lets a test play the user who adds a column and types in it."""
    if request.param == "workbook":
        sink = WorkbookSink(tmp_path / "wa.xlsx")

        def notes(values: dict[int, str]) -> None:
            book = openpyxl.load_workbook(sink.path)
            sheet = book["Messages"]
            sheet.cell(row=1, column=len(COLUMNS) + 1, value="notes")
            for row, text in values.items():
                sheet.cell(row=row, column=len(COLUMNS) + 1, value=text)
            book.save(sink.path)

        def formulas() -> list[str]:
            sheet = openpyxl.load_workbook(sink.path)["Messages"]
            return [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]

        yield sink, notes, formulas
        return
    fake = request.getfixturevalue("fake")
    account = request.getfixturevalue("account")
    key = request.getfixturevalue("key")
    sink = GoogleSheetsSink(account.path, key, endpoint=fake.endpoint, state_dir=tmp_path / "state")

    def notes(values: dict[int, str]) -> None:
        credentials = Credentials.from_service_account_file(
            account.path, scopes=["https://www.googleapis.com/auth/spreadsheets"]
        )
        sheet = (
            gspread.Client(auth=credentials, session=EndpointSession(credentials, fake.endpoint))
            .open_by_key(key)
            .worksheet("Messages")
        )
        column = gspread.utils.rowcol_to_a1(1, len(COLUMNS) + 1)[:-1]
        sheet.add_cols(1)
        sheet.update([["notes"]], f"{column}1")
        for row, text in values.items():
            sheet.update([[text]], f"{column}{row}", raw=False)

    yield sink, notes, lambda: fake.formula_cells(key)


def upsert(sink: SheetSink, rows):
    return sink.upsert("Messages", COLUMNS, "message_id", rows, order_by=["sent_at"])


def test_out_of_order_and_late_arrivals_end_up_in_send_order_per_chat(backend):
    sink, _, _ = backend
    everything = [message(n, minute=n * 2, chat=("Shop", "Alice", "Bob")[n % 3]) for n in range(60)]
    arrivals = everything[:]
    random.Random(4).shuffle(arrivals)
    for start in range(0, 60, 12):  # five runs, each delivering a shuffled dozen
        upsert(sink, arrivals[start : start + 12])
    tab = sink.read_tab("Messages")
    assert [r["message_id"] for r in tab.records()] == [row[0] for row in everything]
    assert order_violations(tab.records(), "message_id", "chat", "sent_at") == []
    assert upsert(sink, arrivals).unchanged == 60


def test_ties_keep_arrival_order(backend):
    sink, _, _ = backend
    upsert(sink, [message(1, 10, "Shop"), message(2, 20, "Shop")])
    upsert(sink, [message(3, 10, "Shop"), message(4, 10, "Alice")])
    assert [r["message_id"] for r in sink.read_tab("Messages").records()] == [
        "wamid.001",
        "wamid.003",
        "wamid.004",
        "wamid.002",
    ]


def test_a_new_row_is_placed_by_the_time_an_improved_copy_of_its_neighbour_now_says(backend):
    """One export shows minutes, the second export of the chat seconds: its copy of 10:15 (10:15:41) rewrites the
    row in place, and a message only it holds (10:15:05) goes above that row, not below its old 10:15:00."""
    sink, _, _ = backend
    upsert(sink, [message(1, 615, "Shop"), message(3, 616, "Shop")])
    improved = [message(1, 615, "Shop"), message(2, 615, "Shop"), message(3, 616, "Shop")]
    improved[0][1], improved[1][1] = "2026-11-16 10:15:41", "2026-11-16 10:15:05"
    upsert(sink, improved)
    records = sink.read_tab("Messages").records()
    assert [r["message_id"] for r in records] == ["wamid.002", "wamid.001", "wamid.003"]
    assert order_violations(records, "message_id", "chat", "sent_at") == []


def test_a_users_column_and_edits_survive_resyncs_and_move_with_their_rows(backend):
    sink, notes, _ = backend
    upsert(sink, [message(1, 10, "Shop"), message(3, 30, "Shop"), message(5, 50, "Shop")])
    notes({2: "call back", 3: "paid", 4: "=1+1"})
    result = upsert(sink, [message(2, 20, "Shop"), message(4, 40, "Shop"), message(3, 30, "Shop", text="edited")])
    assert (result.inserted, result.updated, result.placed_in_order) == (2, 1, 2)
    tab = sink.read_tab("Messages")
    assert tab.header == COLUMNS + ["notes"]
    by_id = {r["message_id"]: r for r in tab.records()}
    assert [r["message_id"] for r in tab.records()] == [f"wamid.{n:03d}" for n in range(1, 6)]
    assert by_id["wamid.001"]["notes"] == "call back"
    assert by_id["wamid.003"]["notes"] == "paid" and by_id["wamid.003"]["text"] == "edited"
    assert by_id["wamid.005"]["notes"] in ("=1+1", "#N/A", "2")  # the user's own formula, kept (not evaluated here)
    assert by_id["wamid.002"]["notes"] == "" and by_id["wamid.004"]["notes"] == ""


def test_formula_text_in_a_late_row_lands_as_literal_text(backend):
    sink, _, formulas = backend
    upsert(sink, [message(1, 10, "Shop"), message(3, 30, "Shop")])
    upsert(sink, [message(2, 20, "Shop", text=FORMULA), message(4, 40, "Shop", text="@SUM(A1)")])
    records = sink.read_tab("Messages").records()
    assert records[1]["text"] == "'" + FORMULA and records[3]["text"] == "'@SUM(A1)"
    assert formulas() == []
