"""A person edits the tab between two syncs, on both backends; the next sync does what they would expect.

Each edit is made the way a person makes it (openpyxl saving the workbook as Excel would; a second gspread client
over HTTP for Google), then the same day is synced again together with a later day. Afterwards every managed row
is in the tab exactly once with its computed content, the person's own rows and columns are still there and still
beside the rows they were beside, and what the sync had to repair is said in the upsert's warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import gspread
import openpyxl
import pandas as pd
import pytest
from google.oauth2.service_account import Credentials

from wa_pipeline.sheets.errors import SheetLayoutError
from wa_pipeline.sheets.google.endpoint_session import EndpointSession
from wa_pipeline.sheets.google.sink import GoogleSheetsSink
from wa_pipeline.sheets.reconcile import duplicate_keys, reconcile
from wa_pipeline.sheets.sink import SheetSink, TabContents, UpsertResult
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink

TAB = "Messages"
COLUMNS = ("message_id", "sent_at", "chat", "text")
KEY = "message_id"
ORDER_BY = ("sent_at",)
DAY_1 = [
    ("a1", "2026-03-29 09:00", "Shop", "two bags of cement"),
    ("a2", "2026-03-29 10:00", "Shop", "and sand"),
    ("a3", "2026-03-29 11:00", "Alice", "is the order ready?"),
    ("a4", "2026-03-29 12:00", "Shop", "paid 5,800"),
]
DAY_2 = [
    ("b1", "2026-03-30 08:00", "Shop", "deliver today"),
    ("b2", "2026-03-30 09:00", "Alice", "thanks"),
]


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame([list(row) for row in rows], columns=list(COLUMNS))


# ---- the two backends, each with the hands of a person editing it


class Person:
    """What a person does to the tab in their spreadsheet app, between two syncs."""

    def rows(self) -> list[list[str]]:
        """The tab as shown, header first (cells as text, trailing empties trimmed)."""
        raise NotImplementedError

    def delete_row(self, number: int) -> None: ...
    def insert_rows(self, before: int, rows: list[list[str]]) -> None: ...
    def set_cell(self, row: int, column: int, value: str) -> None: ...
    def rewrite(self, rows: list[list[str]]) -> None: ...
    def delete_column(self, column: int) -> None: ...
    def insert_column(self, before: int, values: list[str]) -> None: ...
    def delete_tab(self) -> None: ...
    def rename_tab(self, title: str) -> None: ...


class WorkbookPerson(Person):
    def __init__(self, path) -> None:
        self.path = path
        self.title = TAB

    def _edit(self, change: Callable[[openpyxl.Workbook], None]) -> None:
        book = openpyxl.load_workbook(self.path)
        change(book)
        book.save(self.path)

    def rows(self) -> list[list[str]]:
        sheet = openpyxl.load_workbook(self.path)[self.title]
        shown = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        for row in shown:
            while row and not row[-1]:
                row.pop()
        while shown and not shown[-1]:
            shown.pop()
        return shown

    def delete_row(self, number: int) -> None:
        self._edit(lambda book: book[self.title].delete_rows(number))

    def insert_rows(self, before: int, rows: list[list[str]]) -> None:
        def change(book):
            sheet = book[self.title]
            sheet.insert_rows(before, len(rows))
            for offset, row in enumerate(rows):
                for column, value in enumerate(row, start=1):
                    sheet.cell(row=before + offset, column=column, value=value or None)

        self._edit(change)

    def set_cell(self, row: int, column: int, value: str) -> None:
        self._edit(lambda book: setattr(book[self.title].cell(row=row, column=column), "value", value or None))

    def rewrite(self, rows: list[list[str]]) -> None:
        def change(book):
            sheet = book[self.title]
            for number, row in enumerate(rows, start=1):
                for column in range(1, max(sheet.max_column, len(row)) + 1):
                    value = row[column - 1] if column <= len(row) else None
                    sheet.cell(row=number, column=column, value=value or None)

        self._edit(change)

    def delete_column(self, column: int) -> None:
        self._edit(lambda book: book[self.title].delete_cols(column))

    def insert_column(self, before: int, values: list[str]) -> None:
        def change(book):
            sheet = book[self.title]
            sheet.insert_cols(before)
            for row, value in enumerate(values, start=1):
                sheet.cell(row=row, column=before, value=value or None)

        self._edit(change)

    def delete_tab(self) -> None:
        def change(book):
            # A workbook keeps at least one tab, as a person's app insists.
            book.create_sheet("Notes")
            del book[self.title]

        self._edit(change)

    def rename_tab(self, title: str) -> None:
        self._edit(lambda book: setattr(book[self.title], "title", title))
        self.title = title


class GooglePerson(Person):
    def __init__(self, fake, account, key) -> None:
        credentials = Credentials.from_service_account_file(
            account.path, scopes=["https://www.googleapis.com/auth/spreadsheets"]
        )
        client = gspread.Client(auth=credentials, session=EndpointSession(credentials, fake.endpoint))
        self.spreadsheet = client.open_by_key(key)
        self.title = TAB

    @property
    def sheet(self) -> gspread.Worksheet:
        return self.spreadsheet.worksheet(self.title)

    def rows(self) -> list[list[str]]:
        return [[str(cell) for cell in row] for row in self.sheet.get_all_values()]

    def delete_row(self, number: int) -> None:
        self.sheet.delete_rows(number)

    def insert_rows(self, before: int, rows: list[list[str]]) -> None:
        sheet = self.sheet
        sheet.insert_rows([[""]] * len(rows), row=before)
        sheet.update(range_name=f"A{before}", values=rows)

    def set_cell(self, row: int, column: int, value: str) -> None:
        sheet = self.sheet
        if column > sheet.col_count:
            # The grid is as wide as our columns: a person adds columns before typing in them.
            sheet.add_cols(column - sheet.col_count)
        sheet.update_cell(row, column, value)

    def rewrite(self, rows: list[list[str]]) -> None:
        # What sortRange does to the values: every row's cells move together (the stand-in has no sortRange).
        width = max(len(row) for row in rows)
        self.sheet.update(range_name="A1", values=[row + [""] * (width - len(row)) for row in rows])

    def delete_column(self, column: int) -> None:
        self.sheet.delete_columns(column)

    def insert_column(self, before: int, values: list[str]) -> None:
        sheet = self.sheet
        dimension = {"sheetId": sheet.id, "dimension": "COLUMNS", "startIndex": before - 1, "endIndex": before}
        self.spreadsheet.batch_update({"requests": [{"insertDimension": {"range": dimension}}]})
        sheet.update(range_name=f"{gspread.utils.rowcol_to_a1(1, before)}", values=[[value] for value in values])

    def delete_tab(self) -> None:
        self.spreadsheet.add_worksheet("Notes", rows=10, cols=5)
        self.spreadsheet.del_worksheet(self.sheet)

    def rename_tab(self, title: str) -> None:
        self.sheet.update_title(title)
        self.title = title


@dataclass
class Backend:
    sink: SheetSink
    person: Person
    # The sink a later run makes (a fresh process: nothing in memory but what the backend keeps on disk).
    reopen: Callable[[], SheetSink] = field(default=lambda: None)


@pytest.fixture(params=["workbook", "google"])
def backend(request, tmp_path) -> Backend:
    if request.param == "workbook":
        path = tmp_path / "wa.xlsx"
        return Backend(WorkbookSink(path), WorkbookPerson(path), lambda: WorkbookSink(path))
    fake, account, key = (request.getfixturevalue(name) for name in ("fake", "account", "key"))
    clock = request.getfixturevalue("clock")

    def sink() -> GoogleSheetsSink:
        return GoogleSheetsSink(
            account.path, key, endpoint=fake.endpoint, state_dir=tmp_path, clock=clock, sleep=clock.sleep
        )

    return Backend(sink(), GooglePerson(fake, account, key), sink)


def sync(sink: SheetSink, rows) -> UpsertResult:
    return sink.upsert(TAB, COLUMNS, KEY, [list(row) for row in rows], order_by=ORDER_BY)


def row_of(rows: list[list[str]], key: str) -> list[str]:
    """The one row holding `key` in the key column (column A, or wherever the header says)."""
    at = rows[0].index(KEY)
    [found] = [row for row in rows[1:] if len(row) > at and row[at] == key]
    return found


def assert_every_row_once(tab: TabContents) -> None:
    for rows in (DAY_1, DAY_2):
        outcome = reconcile(frame(rows), tab, KEY, COLUMNS)
        assert outcome.ok, outcome
    assert duplicate_keys(tab, KEY) == []
    assert sorted(row[tab.header.index(KEY)] for row in tab.rows if row[tab.header.index(KEY)]) == sorted(
        row[0] for row in DAY_1 + DAY_2
    )


# ---- the edits: each makes its change, then checks what the next sync did


@dataclass(frozen=True)
class Edit:
    make: Callable[[Person], None]
    after: Callable[[Person, list[UpsertResult]], None] = lambda person, results: None


def _deleted_row(person: Person) -> None:
    person.delete_row(3)  # a2


def _after_deleted_row(person, results) -> None:
    keys = [row[0] for row in person.rows()[1:]]
    # The row comes back where it belongs in send order, not at the bottom.
    assert keys == ["a1", "a2", "a3", "a4", "b1", "b2"]
    assert results[0].inserted == 1 and results[0].unchanged == 3


def _sorted_by_chat(person: Person) -> None:
    rows = person.rows()
    person.rewrite([rows[0], *sorted(rows[1:], key=lambda row: (row[2], row[0]))])


def _after_sorted(person, results) -> None:
    # The person's order stays: nothing is moved back; a new row goes after the last row sent before it.
    keys = [row[0] for row in person.rows()[1:]]
    assert keys[:4] == ["a3", "a1", "a2", "a4"] and set(keys[4:]) == {"b1", "b2"}
    assert results[0].unchanged == 4 and results[0].updated == 0


def _inserted_own_rows(person: Person) -> None:
    person.insert_rows(3, [[""], ["", "", "Shop", "called back, wants it Friday"]])


def _after_inserted(person, results) -> None:
    rows = person.rows()
    keys = [row[0] if row else "" for row in rows[1:]]
    assert keys == ["a1", "", "", "a2", "a3", "a4", "b1", "b2"]
    assert rows[3] == ["", "", "Shop", "called back, wants it Friday"]
    assert results[0].unchanged == 4


def _edited_cell(person: Person) -> None:
    person.set_cell(4, 4, "EDITED BY HAND")  # a3's text


def _after_edited(person, results) -> None:
    assert row_of(person.rows(), "a3")[3] == "is the order ready?"
    # Said by key and column, never with the cell's words (they may be personal).
    assert results[0].updated == 1 and results[0].rewritten == ("a3: text",)


def _added_column(person: Person) -> None:
    person.set_cell(1, 6, "Notes")  # column F, one column left empty between
    person.set_cell(2, 6, "regular customer")
    person.set_cell(5, 6, "check the payment")


def _after_added_column(person, results) -> None:
    rows = person.rows()
    assert rows[0][:4] == list(COLUMNS) and rows[0][5] == "Notes"
    assert row_of(rows, "a1")[5] == "regular customer" and row_of(rows, "a4")[5] == "check the payment"
    assert not any(any(row_of(rows, key)[4:]) for key in ("a2", "a3", "b1", "b2"))


def _column_between(person: Person) -> None:
    # Between chat and text: a note for a1 and one for a3, the rest of the column empty.
    person.insert_column(4, ["Follow-up", "call back", "", "send invoice"])


def _after_column_between(person, results) -> None:
    rows = person.rows()
    assert rows[0] == ["message_id", "sent_at", "chat", "Follow-up", "text"]
    assert row_of(rows, "a1")[3] == "call back" and row_of(rows, "a3")[3] == "send invoice"
    assert row_of(rows, "b1")[3:] == ["", "deliver today"] and row_of(rows, "a2")[3:] == ["", "and sand"]
    assert results[0].unchanged == 4 and results[0].warnings == ()


def _note_below(person: Person) -> None:
    person.set_cell(1, 6, "Notes")
    person.set_cell(7, 6, "ask Juma about Friday")  # two rows below the last of ours, in the person's column only


def _after_note_below(person, results) -> None:
    rows = person.rows()
    # New rows go below the person's row, never into it: their note stays a row of its own.
    assert rows[6] == ["", "", "", "", "", "ask Juma about Friday"][: len(rows[6])] and not any(rows[6][:5])
    assert [row[0] if row else "" for row in rows[1:]] == ["a1", "a2", "a3", "a4", "", "", "b1", "b2"]


def _renamed_header(person: Person) -> None:
    person.set_cell(1, 3, "Customer")


def _renamed_last_header(person: Person) -> None:
    person.set_cell(1, 4, "Message")


def _after_last_header(person, results) -> None:
    # After our last column a named header may be a column of the person's own: ours is added again, and said so.
    rows = person.rows()
    assert rows[0] == [*COLUMNS[:3], "Message", "text"]
    assert row_of(rows, "a1")[3:] == ["two bags of cement", "two bags of cement"]
    [warning] = results[0].warnings
    assert "'text'" in warning and "column 5" in warning and "name it back" in warning


def _deleted_header(person: Person) -> None:
    person.set_cell(1, 3, "")


def _renamed_key_header(person: Person) -> None:
    person.set_cell(1, 1, "ID")


def _after_header(column: str) -> Callable[[Person, list[UpsertResult]], None]:
    def check(person, results) -> None:
        rows = person.rows()
        # Restored in place: no second column of the same name at the end.
        assert rows[0] == list(COLUMNS)
        assert not any(any(row[len(COLUMNS) :]) for row in rows)
        [warning] = results[0].warnings
        assert f"{TAB!r}" in warning and f"column {column!r}" in warning and "restored" in warning
        assert results[1].warnings == ()

    return check


def _deleted_tab(person: Person) -> None:
    person.delete_tab()


def _after_deleted_tab(person, results) -> None:
    assert [row[0] for row in person.rows()[1:]] == ["a1", "a2", "a3", "a4", "b1", "b2"]
    if isinstance(person, GooglePerson):
        # Google remembers the sheet it wrote to, so it can say the tab went; a workbook cannot tell it ever existed.
        [warning] = results[0].warnings
        assert "'Messages' (sheetId" in warning and "is gone" in warning and "created it anew" in warning
    assert results[1].warnings == ()


EDITS = {
    "row deleted": Edit(_deleted_row, _after_deleted_row),
    "tab sorted by another column": Edit(_sorted_by_chat, _after_sorted),
    "own rows inserted in the middle": Edit(_inserted_own_rows, _after_inserted),
    "managed cell edited": Edit(_edited_cell, _after_edited),
    "own column of notes added": Edit(_added_column, _after_added_column),
    "own column between ours": Edit(_column_between, _after_column_between),
    "own note below the rows": Edit(_note_below, _after_note_below),
    "header renamed": Edit(_renamed_header, _after_header("chat")),
    "last header renamed": Edit(_renamed_last_header, _after_last_header),
    "header deleted": Edit(_deleted_header, _after_header("chat")),
    "key header renamed": Edit(_renamed_key_header, _after_header("message_id")),
    "tab deleted": Edit(_deleted_tab, _after_deleted_tab),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_the_next_sync_after_a_hand_edit_restores_our_rows_once_and_keeps_the_persons(backend, edit):
    sync(backend.sink, DAY_1)
    edit.make(backend.person)
    later = backend.reopen()
    results = [sync(later, DAY_1), sync(later, DAY_2)]
    edit.after(backend.person, results)
    assert_every_row_once(later.read_tab(TAB))


def test_a_deleted_key_column_stops_the_sync_with_the_tab_and_column_named_and_nothing_written(backend):
    sync(backend.sink, DAY_1)
    backend.person.delete_column(1)
    before = backend.person.rows()
    later = backend.reopen()
    with pytest.raises(SheetLayoutError) as raised:
        sync(later, DAY_1 + DAY_2)
    message = str(raised.value)
    assert "tab 'Messages'" in message and "'message_id' column" in message and "no row is written twice" in message
    assert "\n" not in message
    assert backend.person.rows() == before


# ---- in Dagster: what the run says


def test_the_sync_step_says_which_cells_it_wrote_back_and_stops_at_once_on_a_missing_key_column(tmp_path):
    import dagster as dg

    from wa_pipeline.defs.resources import Locale, WorkbookSinkResource
    from wa_pipeline_tests.daily_defs import daily, daily_def
    from wa_pipeline_tests.sheets.test_sync_assets import rows_of

    messages_sheet, sheet_reconciled = daily_def("messages_sheet"), daily_def("sheet_reconciled")

    path = tmp_path / "wa.xlsx"
    day = "2026-11-16"
    # a2 has a real wamid's shape: base64 of a record holding the customer's number ("MjU0NzMz" is "254733")
    a2 = "wamid.HBgMMjU0NzMzMTExMjIyFQIAEhgUM0VCMEIyQTJFRjQ1"
    rows = rows_of(day, [("a1", "09:00", "Shop"), (a2, "10:00", "Shop")])

    @dg.asset(name="sheet_rows", partitions_def=daily().partitions, group_name="sync")
    def stub_sheet_rows() -> pd.DataFrame:
        """The day's rows, as the real sheet_rows asset would produce them."""
        return rows

    def run() -> tuple[dg.ExecuteInProcessResult, list[str]]:
        with dg.instance_for_test() as instance:
            result = dg.materialize(
                [stub_sheet_rows, messages_sheet, sheet_reconciled],
                partition_key=day,
                resources={
                    "sheet_sink": WorkbookSinkResource(path=str(path)),
                    "locale": Locale(timezone="UTC", default_region="KE"),
                    "io_manager": dg.mem_io_manager,
                },
                instance=instance,
                raise_on_error=False,
            )
            return result, [entry.user_message for entry in instance.all_logs(result.run_id)]

    assert run()[0].success
    person = WorkbookPerson(path)
    person.set_cell(3, person.rows()[0].index("Message") + 1, "EDITED BY HAND")  # a2's text

    again, logs = run()
    assert again.success
    metadata = again.asset_materializations_for_node("messages_sheet")[0].metadata
    [rewritten] = metadata["rewritten"].value
    assert metadata["updated"].value == 1 and rewritten.startswith("wamid#") and rewritten.endswith(": Message")
    assert any("wrote back the cells of 1 rows" in line and rewritten in line for line in logs)
    # The event log names the row without the customer's number (WA_PII_LOGS_PHONES, hash by default).
    assert not any("EDITED BY HAND" in line or "MjU0NzMz" in line for line in logs)

    person.delete_column(1)  # the Message ID column, cells and all
    stopped, logs = run()
    assert not stopped.success
    failure = [e for e in stopped.all_events if e.is_step_failure and e.step_key == "messages_sheet"][0]
    assert "tab 'Messages'" in failure.step_failure_data.error.message
    assert "'Message ID' column" in failure.step_failure_data.error.message
    # A person has to put the column back: retrying in seconds would fail the same way.
    assert not [e for e in stopped.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]


def test_a_renamed_tab_is_found_by_its_sheet_id_on_google_and_recreated_with_a_warning_in_the_workbook(backend):
    sync(backend.sink, DAY_1)
    backend.person.rename_tab("Mensajes")
    later = backend.reopen()
    results = [sync(later, DAY_1), sync(later, DAY_2)]
    if isinstance(later, GoogleSheetsSink):
        # The same sheet, under the person's name: every row once, nothing created beside it.
        [warning] = results[0].warnings
        assert "'Messages' was renamed to 'Mensajes'" in warning and "sheetId" in warning
        assert [row[0] for row in backend.person.rows()[1:]] == ["a1", "a2", "a3", "a4", "b1", "b2"]
        assert [ws.title for ws in backend.person.spreadsheet.worksheets()] == ["Sheet1", "Mensajes"]
        assert results[0].unchanged == 4 and results[0].inserted == 0
    else:
        [warning] = results[0].warnings
        assert "'Messages' was not in the workbook" in warning and "'Mensajes' has our 'message_id' column" in warning
        # The renamed tab is left as the person made it; the new tab holds the rows synced since.
        assert [row[0] for row in backend.person.rows()[1:]] == ["a1", "a2", "a3", "a4"]
        assert openpyxl.load_workbook(backend.person.path).sheetnames == ["Mensajes", "Messages"]
    assert results[1].warnings == ()
    assert_every_row_once(later.read_tab(TAB))
