"""The Orders tab from the shipped sample: each customer's order with what was asked for, what was paid (a number a
person sums), the payment references, delivery and status, built from the enrichment's intents and entities."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pytest

from wa_pipeline.message import MESSAGE_COLUMNS
from wa_pipeline.nlp.enrich import enrich_messages
from wa_pipeline.sheets.tabs.orders import ORDERS, order_summary
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink
from wa_pipeline.whatsapp.chat_export import parse_chat_export
from wa_pipeline.whatsapp.export_archive import read_export

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
NAIROBI = ZoneInfo("Africa/Nairobi")


@pytest.fixture(scope="module")
def sample_enriched() -> pd.DataFrame:
    """Every message of the sample's three days, enriched as `enriched_messages` stores them."""
    messages = []
    for path in sorted(SAMPLE.glob("*.zip")) + sorted(SAMPLE.glob("*.txt")):
        archive = read_export(path)
        parsed = parse_chat_export(
            archive.text, chat_name=archive.chat_name, tz=NAIROBI, source_name=archive.source_name
        )
        messages += parsed.messages
    frame = pd.DataFrame([m.to_record() for m in messages], columns=list(MESSAGE_COLUMNS))
    return enrich_messages(frame, "KE", timezone="Africa/Nairobi")


def test_the_sample_gives_its_four_orders_with_their_payments_and_status(sample_enriched):
    rows = ORDERS.rows(sample_enriched, NAIROBI)
    orders = {(r["customer"], r["date"]): r for r in rows.to_dict(orient="records")}
    assert set(orders) == {
        ("Amina Njeri", date(2026, 11, 16)),
        ("Wanjiku Kamau", date(2026, 11, 16)),
        ("Brian Otieno", date(2026, 11, 16)),
        ("Wanjiku Kamau", date(2026, 11, 18)),  # "Same order next week please", after the first was paid
    }
    amina = orders["Amina Njeri", date(2026, 11, 16)]
    assert (amina["paid"], amina["currency"], amina["payment_reference"]) == (5100.0, "KES", "QK9CD78EF1")
    # Delivered, then "one tray has a dent though, can you exchange it?": a complaint the owner must act on.
    assert amina["payment_confirmed"] is True and amina["status"] == "complaint"
    assert amina["first_message_at"] == datetime(2026, 11, 16, 9, 2, 11)
    assert amina["minutes_to_payment"] == pytest.approx(24 * 60 + 78.1, abs=0.1)
    wanjiku = orders["Wanjiku Kamau", date(2026, 11, 16)]
    # A deposit and the balance, on two days: one order, both references, the complaint about it.
    assert wanjiku["paid"] == 5800.0 and wanjiku["payment_reference"] == "QK7XZ12AB3; QL1MN56PQ7"
    assert wanjiku["items"] == "20 loaf; 3 cake" and wanjiku["status"] == "complaint"
    assert "Kilimani" in wanjiku["delivery_place"] and wanjiku["delivery_date"].startswith("2026-11-17")
    brian = orders["Brian Otieno", date(2026, 11, 16)]
    assert (brian["paid"], brian["status"], brian["delivery_date"]) == (6000.0, "paid", "2026-12-12")
    again = orders["Wanjiku Kamau", date(2026, 11, 18)]
    assert again["paid"] is None and again["payment_confirmed"] is False and again["status"] == "ordered"
    assert order_summary(rows) == {"2026-11-16": 16900.0}
    # Stable keys: the same messages give the same order ids on every run.
    assert list(ORDERS.rows(sample_enriched, NAIROBI)["order_id"]) == list(rows["order_id"])


def test_a_person_sums_the_paid_orders_of_a_day_in_the_workbook(sample_enriched, tmp_path):
    rows = ORDERS.rows(sample_enriched, NAIROBI)
    path = tmp_path / "wa.xlsx"
    WorkbookSink(path).upsert(
        ORDERS.name, ORDERS.sheet_columns, ORDERS.sheet_key, ORDERS.cells(rows), position=ORDERS.position
    )
    sheet = openpyxl.load_workbook(path)[ORDERS.name]
    header = [cell.value for cell in sheet[1]]
    records = [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert {"Customer", "Paid", "Payment confirmed", "Status"} <= set(header)
    paid_on_16th = sum(
        r["Paid"] for r in records if r["Payment confirmed"] is True and r["Date"] == datetime(2026, 11, 16)
    )
    assert paid_on_16th == 16900 and all(isinstance(r["Paid"], float | int | None) for r in records)


def chat_message(i, sender, text, intent, *, chat="Shop", day="2026-11-16", **extra):
    """A message of one chat as the Orders tab reads it, `i` minutes after 08:00 UTC on `day`."""
    return {
        "message_id": f"m{i}",
        "chat_id": "c",
        "chat_name": chat,
        "sender_name": sender,
        "sent_at": pd.Timestamp(f"{day} 08:00", tz="UTC") + pd.Timedelta(minutes=i),
        "kind": "text",
        "text": text,
        "intent": intent,
        "quantities": extra.get("quantities", ""),
        "amounts": extra.get("amounts", ""),
        # Only where a test gives it: a frame without it (enriched before the column) takes the first amount.
        **({"amount": extra["amount"]} if "amount" in extra else {}),
        "references": extra.get("references", ""),
        "dates": "",
        "places": "",
    }


def test_a_cancellation_ends_an_order_and_an_inquiry_alone_stays_an_inquiry():
    message = chat_message

    frame = pd.DataFrame(
        [
            message(1, "Ann", "2 bags of maize please", "order", quantities="2 bag"),
            message(2, "Shop", "Noted Ann", "other"),
            message(3, "Ann", "Cancel that, sorry", "cancellation"),
            message(4, "Ben", "Do you have flour?", "inquiry"),
            message(5, "Cid", "Good morning", "greeting"),  # no order at all: no row
        ]
    )
    rows = {r["customer"]: r for r in ORDERS.rows(frame, NAIROBI).to_dict(orient="records")}
    assert set(rows) == {"Ann", "Ben"}
    assert rows["Ann"]["status"] == "cancelled" and rows["Ann"]["messages"] == 3
    assert rows["Ben"]["status"] == "inquiry" and rows["Ben"]["payment_confirmed"] is False


def test_the_orders_tab_syncs_day_by_day_and_its_read_back_fails_on_an_edit(sample_enriched, tmp_path):
    import dagster as dg

    from wa_pipeline.defs.resources import Locale, PipelineStorage, WorkbookSinkResource
    from wa_pipeline.store.frames import write_frame
    from wa_pipeline_tests.daily_defs import daily, daily_def

    orders_sheet, orders_sheet_reconciled = daily_def("orders_sheet"), daily_def("orders_sheet_reconciled")

    data = tmp_path / "data"
    storage = PipelineStorage(data_dir=str(data))
    local_day = sample_enriched["sent_at"].dt.tz_convert(NAIROBI).dt.date.astype(str)
    by_day = dict(list(sample_enriched.groupby(local_day)))

    def enrich(day):
        # What `enriched_messages` stores for the day, before the day's sync runs.
        path = storage.layout.frame("enriched_messages", day)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_frame(by_day[day].reset_index(drop=True), path)

    workbook = tmp_path / "wa.xlsx"
    resources = {
        "storage": storage,
        "sheet_sink": WorkbookSinkResource(path=str(workbook)),
        "locale": Locale(timezone="Africa/Nairobi", default_region="KE"),
    }

    @dg.asset(name="enriched_messages", partitions_def=daily().partitions)
    def stored_enriched() -> dg.MaterializeResult:
        """The day's enriched messages: already stored as Parquet above."""
        return dg.MaterializeResult()

    def run(day, check_only=False):
        # With check_only, the read-back alone, as the UI's "Execute check" runs it: nothing is synced first.
        selection = dg.AssetSelection.assets(stored_enriched)
        selection |= dg.AssetSelection.checks(orders_sheet_reconciled) if check_only else dg.AssetSelection.all()
        return dg.materialize(
            [stored_enriched, orders_sheet, orders_sheet_reconciled],
            partition_key=day,
            resources=resources,
            selection=selection,
            raise_on_error=False,
        )

    def paid_by_customer():
        sheet = openpyxl.load_workbook(workbook)[ORDERS.name]
        header = [cell.value for cell in sheet[1]]
        return {
            (r["Customer"], r["Date"].date()): r["Paid"]
            for r in (dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True))
        }

    enrich("2026-11-16")
    first = run("2026-11-16")
    assert first.success and [e.passed for e in first.get_asset_check_evaluations()] == [True]
    # On the first day nobody has paid yet.
    assert set(paid_by_customer().values()) == {None}
    for day in ("2026-11-17", "2026-11-18"):
        enrich(day)
        assert run(day).success
    # The orders begun on the 16th grew as the payments of the next days arrived: one row each, never two.
    assert paid_by_customer() == {
        ("Amina Njeri", date(2026, 11, 16)): 5100,
        ("Wanjiku Kamau", date(2026, 11, 16)): 5800,
        ("Brian Otieno", date(2026, 11, 16)): 6000,
        ("Wanjiku Kamau", date(2026, 11, 18)): None,
    }
    # The 16th checked again now: its orders as the later days left them, which is what the tab holds.
    checked = run("2026-11-16", check_only=True)
    assert [e.passed for e in checked.get_asset_check_evaluations()] == [True]
    rerun = run("2026-11-16").asset_materializations_for_node("orders_sheet")[0].metadata
    assert rerun["updated"].value == 0 and rerun["inserted"].value == 0

    book = openpyxl.load_workbook(workbook)
    sheet = book[ORDERS.name]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("Paid") + 1).value = 1
    book.save(workbook)
    [evaluation] = run("2026-11-16", check_only=True).get_asset_check_evaluations()
    assert not evaluation.passed and evaluation.metadata["mismatched"].value == 1


def test_an_order_that_began_with_a_click_to_whatsapp_ad_names_the_ad():
    referral = '{"source_type": "ad", "source_id": "120226305854810726", "headline": "Fresh mandazi, 10 for KES 100"}'
    base = {"chat_id": "wa:1:254712345678", "chat_name": "Shop", "kind": "text", "amounts": "", "references": ""}
    frame = pd.DataFrame(
        [
            {
                **base,
                "message_id": "m1",
                "sender_name": "Ann",
                "sent_at": pd.Timestamp("2026-11-16 08:00", tz="UTC"),
                "text": "I saw your ad, 10 mandazi please",
                "intent": "order",
                "quantities": "10 mandazi",
                "dates": "",
                "places": "",
                "referral": referral,
            },
            {
                **base,
                "message_id": "m2",
                "sender_name": "Ben",
                "sent_at": pd.Timestamp("2026-11-16 08:05", tz="UTC"),
                "text": "2 loaves please",
                "intent": "order",
                "quantities": "2 loaf",
                "dates": "",
                "places": "",
                "referral": None,
            },
        ]
    )
    rows = {r["customer"]: r for r in ORDERS.rows(frame, NAIROBI).to_dict(orient="records")}
    assert rows["Ann"]["ad"] == "Fresh mandazi, 10 for KES 100 (ad 120226305854810726)"
    assert rows["Ben"]["ad"] in (None, "")
    assert ORDERS.header("ad") == "Ad"


def test_a_shop_owners_export_named_after_the_customer_gives_the_customers_order(monkeypatch):
    """The owner's export of their chat with a customer is named after the customer: with WA_BUSINESS_SENDERS naming
    the shop, the order is the customer's, not the shop's."""
    from wa_pipeline.settings import get_settings

    monkeypatch.setenv("WA_BUSINESS_SENDERS", '["Duka la Neema"]')
    get_settings.cache_clear()

    def message(i, sender, text, intent, **extra):
        return chat_message(i, sender, text, intent, chat="Kofi Mensah", day="2026-11-20", **extra)

    frame = pd.DataFrame(
        [
            message(1, "Kofi Mensah", "3 bags of rice please", "order", quantities="3 bag of rice"),
            message(2, "Duka la Neema", "KES 9,600 in all", "payment", amounts="KES 9600.00"),
        ]
    )
    rows = ORDERS.rows(frame, NAIROBI).to_dict(orient="records")
    get_settings.cache_clear()

    assert [(r["customer"], r["items"], r["messages"]) for r in rows] == [("Kofi Mensah", "3 bag of rice", 2)]


def test_a_payment_that_states_a_total_pays_the_total_not_the_price_of_one():
    frame = pd.DataFrame(
        [
            chat_message(1, "Ann", "3 crates of eggs please", "order", quantities="3 crate"),
            chat_message(
                2,
                "Ann",
                "Sent KES 3,200 each, total KES 9,600, ref QK1AB23CD4",
                "payment",
                amounts="KES 3200.00; KES 9600.00",
                amount="KES 9600.00",
                references="transaction:QK1AB23CD4",
            ),
        ]
    )
    [row] = ORDERS.rows(frame, NAIROBI).to_dict(orient="records")
    # Before, the first amount was taken: 3200, the price of one crate.
    assert (row["paid"], row["currency"], row["status"]) == (9600.0, "KES", "paid")


class OrdersTab:
    """The Orders tab's sync and read-back on stored enriched days, as `wa-pipeline run` materializes them."""

    def __init__(self, tmp_path):
        import dagster as dg

        from wa_pipeline.defs.resources import Locale, PipelineStorage, WorkbookSinkResource
        from wa_pipeline_tests.daily_defs import daily, daily_def

        self.storage = PipelineStorage(data_dir=str(tmp_path / "data"))
        self.workbook = tmp_path / "wa.xlsx"
        self.resources = {
            "storage": self.storage,
            "sheet_sink": WorkbookSinkResource(path=str(self.workbook)),
            "locale": Locale(timezone="Africa/Nairobi", default_region="KE"),
        }

        @dg.asset(name="enriched_messages", partitions_def=daily().partitions)
        def stored_enriched() -> dg.MaterializeResult:
            """The day's enriched messages: already stored as Parquet by `store`."""
            return dg.MaterializeResult()

        self.assets = [stored_enriched, daily_def("orders_sheet"), daily_def("orders_sheet_reconciled")]

    def store(self, day: str, messages: list[dict]) -> None:
        from wa_pipeline.store.frames import write_frame

        path = self.storage.layout.frame("enriched_messages", day)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_frame(pd.DataFrame(messages), path)

    def run(self, day: str):
        import dagster as dg

        result = dg.materialize(self.assets, partition_key=day, resources=self.resources, raise_on_error=False)
        assert result.success and all(e.passed for e in result.get_asset_check_evaluations())
        return result.asset_materializations_for_node("orders_sheet")[0].metadata

    def rows(self) -> list[dict]:
        sheet = openpyxl.load_workbook(self.workbook)[ORDERS.name]
        header = [cell.value for cell in sheet[1]]
        return [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_an_order_open_for_weeks_is_one_row_whichever_day_derives_it(tmp_path):
    """Ann orders on the 1st and pays on the 21st: every day's sync gives the one order under one id, so re-running
    a day (a backfill of the 21st, of the 1st) rewrites the row in place and never adds one."""

    def message(i, sender, text, intent, day, **extra):
        return {**chat_message(i, sender, text, intent, day=day, **extra), "message_id": f"{day}-m{i}"}

    tab = OrdersTab(tmp_path)
    tab.store("2026-11-01", [message(1, "Ann", "2 bags of maize please", "order", "2026-11-01", quantities="2 bag")])
    tab.store("2026-11-02", [message(1, "Shop", "Noted Ann, we deliver when the maize comes", "other", "2026-11-02")])
    tab.store(
        "2026-11-21",
        [
            message(1, "Ann", "Is the maize in?", "inquiry", "2026-11-21"),
            message(
                2,
                "Ann",
                "Sent KES 4,000, ref QK1AB23CD4",
                "payment",
                "2026-11-21",
                amounts="KES 4000.00",
                references="transaction:QK1AB23CD4",
            ),
        ],
    )
    for day in ("2026-11-01", "2026-11-02", "2026-11-21"):
        tab.run(day)
    [order] = tab.rows()
    assert (order["Customer"], order["Date"].date(), order["Paid"], order["Messages"]) == (
        "Ann",
        date(2026, 11, 1),
        4000,
        4,
    )
    # The 21st re-derived (a day 20 days after the order began), then the 1st: the same row, rewritten by nobody.
    for day in ("2026-11-21", "2026-11-01"):
        again = tab.run(day)
        assert (again["inserted"].value, again["updated"].value, again["removed"].value) == (0, 0, 0)
        assert tab.rows() == [order]
    # A row an earlier version cut from the order under another id (what a 14-day window wrote) goes on the next sync.
    cut = {**order, "Order ID": "ord_" + "0" * 32, "Date": datetime(2026, 11, 21)}
    WorkbookSink(tab.workbook).upsert(ORDERS.name, ORDERS.sheet_columns, ORDERS.sheet_key, [list(cut.values())])
    assert len(tab.rows()) == 2
    assert tab.run("2026-11-10")["removed"].value == 1 and tab.rows() == [order]
