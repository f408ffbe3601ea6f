"""Typed cells in both backends: a date is a date, an amount a number, a flag a boolean, read back as such; a re-run
of the same rows changes nothing, and a person who retypes a date as text is corrected by the next sync."""

from datetime import date, datetime

import gspread
import openpyxl
import pandas as pd
import pytest
from google.oauth2.service_account import Credentials

from wa_pipeline.sheets.google.endpoint_session import EndpointSession
from wa_pipeline.sheets.google.sink import GoogleSheetsSink
from wa_pipeline.sheets.reconcile import reconcile
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink

COLUMNS = ("message_id", "sent_at", "date", "amount", "currency", "awaiting_reply", "messages")
ROWS = [
    ["m1", datetime(2026, 11, 16, 9, 15, 7), date(2026, 11, 16), 1300.0, "KES", False, 2],
    ["m2", datetime(2026, 11, 16, 0, 0), date(2026, 11, 17), 65.5, "KES", True, 1],
    ["m3", datetime(2026, 11, 16, 18, 40), date(2026, 11, 16), "", "", True, 3],
]


def upsert(sink, rows=ROWS):
    return sink.upsert("Messages", COLUMNS, "message_id", rows, order_by=("sent_at",))


def expected(rows=ROWS) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(COLUMNS))


def test_the_workbook_holds_dates_numbers_and_booleans_that_openpyxl_reads_as_such(tmp_path):
    sink = WorkbookSink(tmp_path / "wa.xlsx")
    assert upsert(sink).inserted == 3
    sheet = openpyxl.load_workbook(tmp_path / "wa.xlsx")["Messages"]
    by_key = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    sent, day, amount, currency, waiting, count = (cell for cell in by_key["m1"][1:])
    assert sent.value == datetime(2026, 11, 16, 9, 15, 7) and sent.is_date
    assert sent.number_format == "yyyy-mm-dd hh:mm:ss" and day.number_format == "yyyy-mm-dd"
    assert day.value == datetime(2026, 11, 16) and day.is_date
    assert amount.value == 1300 and amount.data_type == "n" and currency.value == "KES"
    assert waiting.value is False and waiting.data_type == "b" and count.value == 2
    # Placed in send order by the date values, midnight first.
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["m2", "m1", "m3"]
    # The same rows again: nothing changes, and the read-back agrees with what was computed.
    again = upsert(sink)
    assert (again.unchanged, again.updated, again.inserted) == (3, 0, 0)
    assert reconcile(expected(), sink.read_tab("Messages"), "message_id", COLUMNS).ok


def test_a_date_retyped_as_text_is_a_difference_the_next_sync_corrects(tmp_path):
    path = tmp_path / "wa.xlsx"
    sink = WorkbookSink(path)
    upsert(sink)
    book = openpyxl.load_workbook(path)
    sheet = book["Messages"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "m1")
    row[1].value = "2026-11-16 09:15:07"  # the same moment, as text
    row[1].number_format = "General"
    book.save(path)
    result = upsert(sink)
    assert result.updated == 1 and result.unchanged == 2
    cell = next(r for r in openpyxl.load_workbook(path)["Messages"].iter_rows(min_row=2) if r[0].value == "m1")[1]
    assert cell.value == datetime(2026, 11, 16, 9, 15, 7) and cell.is_date


def test_the_read_back_sees_a_changed_date(tmp_path):
    path = tmp_path / "wa.xlsx"
    sink = WorkbookSink(path)
    upsert(sink)
    book = openpyxl.load_workbook(path)
    next(r for r in book["Messages"].iter_rows(min_row=2) if r[0].value == "m3")[2].value = datetime(2026, 11, 18)
    book.save(path)
    outcome = reconcile(expected(), sink.read_tab("Messages"), "message_id", COLUMNS)
    assert outcome.mismatched == ["m3"]


@pytest.fixture
def google(fake, account, key, tmp_path):
    return GoogleSheetsSink(account.path, key, endpoint=fake.endpoint, state_dir=tmp_path)


def test_google_sheets_gets_raw_serial_numbers_with_a_date_format_and_reads_them_back_typed(google, fake, key, account):
    upsert(google)
    # Through gspread, as a person's script would read the sheet: numbers and booleans unformatted, dates as the
    # serial numbers Sheets stores, and the formatted view showing the dates as dates.
    credentials = Credentials.from_service_account_file(str(account.path), scopes=gspread.auth.READONLY_SCOPES)
    client = gspread.Client(auth=credentials, session=EndpointSession(credentials, fake.endpoint))
    worksheet = client.open_by_key(key).worksheet("Messages")
    raw = worksheet.get_all_values(value_render_option="UNFORMATTED_VALUE")
    by_key = {row[0]: row for row in raw[1:]}
    m1 = by_key["m1"]
    assert m1[1] == pytest.approx(46_342.385497685185) and m1[2] == 46_342
    assert m1[3] == 1300 and m1[4] == "KES" and m1[5] is False and m1[6] == 2
    shown = {row[0]: row for row in worksheet.get_all_values()[1:]}
    assert shown["m1"][1:3] == ["2026-11-16 09:15:07", "2026-11-16"]
    assert shown["m2"][1] == "2026-11-16 00:00:00" and shown["m2"][5] == "TRUE"
    # The stored cells are numbers carrying the date format (set by repeatCell, the values written RAW).
    sent = fake.cell(key, "Messages!B2")
    assert isinstance(sent.value, float) and sent.number_format == ("DATE_TIME", "yyyy-mm-dd hh:mm:ss")
    assert fake.cell(key, "Messages!C2").number_format == ("DATE", "yyyy-mm-dd")
    assert fake.cell(key, "Messages!D2").number_format is None
    assert any("repeatCell" in request.operations for request in fake.requests)
    # Compared typed: the same rows again write nothing, and the read-back agrees.
    again = upsert(google)
    assert (again.unchanged, again.updated, again.inserted) == (3, 0, 0)
    assert reconcile(expected(), google.read_tab("Messages"), "message_id", COLUMNS).ok


def test_a_late_row_inserted_between_others_in_google_sheets_is_a_date_too(google, fake, key):
    upsert(google, ROWS[:1] + ROWS[2:])
    late = upsert(google)
    assert late.inserted == 1 and late.placed_in_order == 1
    assert google.read_tab("Messages").rows[0][:3] == ["m2", "2026-11-16 00:00:00", "2026-11-17"]
    assert fake.cell(key, "Messages!B2").number_format == ("DATE_TIME", "yyyy-mm-dd hh:mm:ss")
    assert reconcile(expected(), google.read_tab("Messages"), "message_id", COLUMNS).ok


def test_a_new_google_tab_is_created_at_its_position(google, fake, key):
    google.upsert("Entities", ("entity_id", "label"), "entity_id", [["e1", "Money"]])
    upsert(google)  # no position: after the others
    google.upsert("Summary", ("k", "v"), "k", [["a", 1]], position=0)
    summary, entities, messages = (fake.tab_properties(key, t)["index"] for t in ("Summary", "Entities", "Messages"))
    assert summary == 0 and summary < entities < messages
