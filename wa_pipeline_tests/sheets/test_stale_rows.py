"""Rows a tab no longer derives: a row of ours goes on the next sync, a person's own rows and notes stay."""

from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd

from wa_pipeline.sheets.stale_rows import MOST_REMOVED, StaleRows, drop_stale_rows
from wa_pipeline.sheets.tabs.customers import CUSTOMERS, RECORD_COLUMNS
from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink

NAIROBI = ZoneInfo("Africa/Nairobi")


def record(customer_id: str, name: str, minute: int) -> dict:
    """One customer record as `customer_records` stores it."""
    at = pd.Timestamp("2026-11-16 06:00", tz="UTC") + pd.Timedelta(minutes=minute)
    values = {
        "customer_id": customer_id,
        "name": name,
        "other_names": "",
        "phone": "",
        "user_id": "",
        "username": "",
        "first_contact": at,
        "last_contact": at,
        "chats": 1,
        "messages": 2,
        "consent": "unknown",
        "consent_changed": pd.NaT,
        "first_ad": "",
        "link_confidence": 1.0,
    }
    return {column: values[column] for column in RECORD_COLUMNS}


def sync(sink: WorkbookSink, records: list[dict]) -> None:
    rows = CUSTOMERS.rows(pd.DataFrame(records, columns=list(RECORD_COLUMNS)), NAIROBI)
    sink.upsert(CUSTOMERS.name, CUSTOMERS.sheet_columns, CUSTOMERS.sheet_key, CUSTOMERS.cells(rows))


def test_a_row_no_longer_derived_goes_and_a_persons_rows_and_notes_stay(tmp_path):
    sink = WorkbookSink(tmp_path / "wa.xlsx")
    # The first run, before WA_BUSINESS_SENDERS: the shop wrote too, so it was taken for a customer.
    sync(sink, [record("cust_amani", "Amani Otieno", 1), record("cust_shop", "Baraka Shop", 2)])
    sync(sink, [record("cust_juma", "Juma Said", 3), record("cust_old", "Old Name", 4)])
    book = openpyxl.load_workbook(sink.path)
    sheet = book[CUSTOMERS.name]
    notes = len(CUSTOMERS.columns) + 1
    sheet.cell(1, notes, "Notes")
    # A person's note beside a row that will no longer hold: the row stays with it. A row of their own stays too.
    sheet.cell(5, notes, "owes KES 500")
    sheet.append(["", "Walk-in customer"])
    sheet.append(["VIP-1", "A person's own id"])
    book.save(sink.path)

    holding = {"cust_amani", "cust_juma"}
    assert drop_stale_rows(sink, CUSTOMERS, holding) == StaleRows(removed=["cust_shop"])
    tab = sink.read_tab(CUSTOMERS.name)
    assert [(row[0], row[1]) for row in tab.rows] == [
        ("cust_amani", "Amani Otieno"),
        ("cust_juma", "Juma Said"),
        ("cust_old", "Old Name"),
        ("", "Walk-in customer"),
        ("VIP-1", "A person's own id"),
    ]
    assert tab.rows[2][notes - 1] == "owes KES 500"
    # Nothing more to drop: a second sync deletes nothing.
    assert drop_stale_rows(sink, CUSTOMERS, holding) == StaleRows()


def test_a_tab_without_a_prefix_of_its_own_keeps_every_row(tmp_path):
    sink = WorkbookSink(tmp_path / "wa.xlsx")
    sink.upsert(MESSAGES.name, ("Message ID", "Message"), "Message ID", [["wamid.1", "hi"]])
    assert MESSAGES.derived_prefix is None
    assert drop_stale_rows(sink, MESSAGES, set()) == StaleRows()
    assert sink.read_tab(MESSAGES.name).rows == [["wamid.1", "hi"]]


def test_a_sheet_the_stored_days_do_not_explain_keeps_its_rows(tmp_path):
    # A new data directory pointed at a sheet written from a longer history: most rows are "no longer derived".
    sink = WorkbookSink(tmp_path / "wa.xlsx")
    sync(sink, [record(f"cust_{n:02d}", f"Customer {n}", n) for n in range(30)])
    kept = drop_stale_rows(sink, CUSTOMERS, {"cust_00", "cust_01"})
    assert kept.removed == [] and len(kept.held_back) == 28
    assert "may not hold the history" in kept.reason(CUSTOMERS.name)
    assert len(sink.read_tab(CUSTOMERS.name).rows) == 30
    # A few more than the bound, but under half the tab: removed.
    holding = {f"cust_{n:02d}" for n in range(30 - MOST_REMOVED - 1)}
    assert len(drop_stale_rows(sink, CUSTOMERS, holding).removed) == MOST_REMOVED + 1
    assert len(sink.read_tab(CUSTOMERS.name).rows) == 30 - MOST_REMOVED - 1
