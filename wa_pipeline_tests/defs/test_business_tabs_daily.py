"""The Customers and Deliveries tabs as a shop owner opens them in the workbook, after the daily job ran on a day
of an imported chat export and of webhooks received over real HTTP (messages, echoes, statuses, a marketing stop)."""

import json
from datetime import datetime
from pathlib import Path

import dagster as dg
import httpx
import openpyxl
import pytest

from wa_pipeline.settings import get_settings
from wa_pipeline.sheets.tabs.customers import CUSTOMERS
from wa_pipeline.sheets.tabs.deliveries import DELIVERIES
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.importer import import_exports
from wa_pipeline.whatsapp.webhook_app import create_webhook_app
from wa_pipeline_tests.whatsapp.test_cloud_api import wamid
from wa_pipeline_tests.whatsapp.test_webhook_app import SECRET, TOKEN, serving, signed

pytestmark = pytest.mark.timeout(600)
PAYLOADS = Path(__file__).resolve().parents[1] / "whatsapp" / "payloads"
# The webhook fixtures' messages were sent on 8 June 2025 (UTC, the default timezone) between 21:00 and 21:20.
DAY = "2025-06-08"
EXPORT = (
    "07/06/25, 09:15 - Sheena N.: Hi, do you have the blue ones?\n"
    "07/06/25, 09:20 - Mama Mboga Bakery: Yes we do\n"
    "08/06/25, 10:02 - +1 (212) 555-7890: Is this the bakery?\n"
    "08/06/25, 10:05 - Sheena N.: Thanks!\n"
    "08/06/25, 10:06 - Mama Mboga Bakery: Karibu!\n"
)
SELECTION = ["raw_messages", "customer_records", "customers_sheet", "delivery_records", "deliveries_sheet"]


def land_the_day(tmp_path: Path) -> None:
    settings = get_settings()
    store, dead_letters = SqliteLandingStore(settings.layout.landing_db), DeadLetterQueue(settings.layout.landing_db)
    export = tmp_path / "WhatsApp Chat with Mama Mboga Bakery.txt"
    export.write_text(EXPORT, encoding="utf-8")
    summary = import_exports(
        [export],
        store=store,
        media_store=MediaStore(settings.layout.media_dir),
        dead_letters=dead_letters,
        tz=settings.tz,
    )
    assert summary.errors == [] and summary.added == 5
    app = create_webhook_app(store, dead_letters, app_secret=SECRET, verify_token=TOKEN)
    with serving(app) as url:
        for name in ("status_read_pricing", "smb_message_echoes", "user_preferences", "text_bsuid_with_phone"):
            raw = (PAYLOADS / f"{name}.json").read_bytes()
            assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw), timeout=60).status_code == 200
        # A template sent through the API (it never comes back as a message), failed: only its status tells.
        body = json.loads((PAYLOADS / "status_read_pricing.json").read_text())
        body["entry"][0]["changes"][0]["value"]["statuses"] = [
            {
                "id": "wamid.api-template-1",
                "status": "failed",
                "timestamp": "1749417600",
                "recipient_id": "16505551234",
                "errors": [{"code": 131050, "title": "Unable to deliver the message"}],
                "pricing": {"billable": True, "pricing_model": "PMP", "category": "marketing", "type": "regular"},
            }
        ]
        raw = json.dumps(body).encode()
        assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw), timeout=60).status_code == 200


def tab(path: Path, spec) -> list[dict]:
    rows = list(openpyxl.load_workbook(path)[spec.name].iter_rows(values_only=True))
    assert list(rows[0][: len(spec.columns)]) == list(spec.sheet_columns)  # the headers a person reads
    return [dict(zip(spec.columns, row)) for row in rows[1:]]


def test_the_daily_job_gives_the_shop_owner_one_row_per_customer_and_per_sent_message(data_dir, tmp_path):
    land_the_day(tmp_path)
    from wa_pipeline.definitions import defs

    job = defs().resolve_job_def("daily_pipeline")
    with dg.instance_for_test() as instance:
        for _ in range(2):  # a rerun writes the same rows, no more
            result = job.execute_in_process(
                partition_key=DAY, instance=instance, asset_selection=[dg.AssetKey(a) for a in SELECTION]
            )
            assert result.success
            checks = {e.asset_check_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}
            assert checks["customers_sheet:customers_sheet_reconciled"]
            assert checks["deliveries_sheet:deliveries_sheet_reconciled"]
    workbook = get_settings().layout.workbook

    customers = tab(workbook, CUSTOMERS)
    # The bakery is no customer; Sheena (export by name, webhooks by phone and BSUID) is one; the unsaved number one.
    assert len(customers) == 2
    [sheena] = [c for c in customers if c["phone"] == "+16505551234"]
    assert "Sheena N." in {sheena["name"], *(sheena["other_names"] or "").split("; ")}
    assert sheena["user_id"] == "US.13491208655302741918"
    # Her whole history, the day before included: two export messages and one webhook message, in two chats.
    assert (sheena["messages"], sheena["chats"]) == (3, 2)
    assert sheena["first_contact"] == datetime(2025, 6, 7, 9, 15)
    assert sheena["last_contact"] == datetime(2025, 6, 8, 21, 18, 20)
    assert (sheena["consent"], sheena["consent_changed"]) == ("opted out", datetime(2025, 6, 8, 21, 10))
    [unsaved] = [c for c in customers if c["phone"] == "+12125557890"]
    assert (unsaved["messages"], unsaved["chats"], unsaved["consent"]) == (1, 1, "unknown")

    deliveries = {d["message_id"]: d for d in tab(workbook, DELIVERIES)}
    # The three messages the business sent from its phone; the one Meta reported on was delivered and read.
    assert deliveries.keys() == {wamid("echo-1"), wamid("echo-2"), wamid("echo-3"), "wamid.api-template-1"}
    read = deliveries[wamid("echo-1")]
    assert (read["status"], read["sent_at"]) == ("read", datetime(2025, 6, 8, 21, 1, 40))
    assert (read["delivered_at"], read["read_at"]) == (datetime(2025, 6, 8, 21, 1, 50), datetime(2025, 6, 8, 21, 2, 10))
    assert (read["pricing_category"], read["billable"], read["cost"], read["currency"]) == ("service", False, 0, "USD")
    assert deliveries[wamid("echo-2")]["status"] in (None, "")
    template = deliveries["wamid.api-template-1"]
    assert (template["status"], template["sent_at"], template["error_code"]) == (
        "failed",
        datetime(2025, 6, 8, 21, 20),
        131050,
    )
    assert template["failure"] == "the customer stopped marketing messages (Meta error 131050)"
    # Billable, but no rate is set for marketing here: no cost is made up.
    assert (template["billable"], template["cost"]) == (True, None)


def test_a_failed_message_sent_from_another_tool_is_in_the_chat_of_the_customer_it_was_for(data_dir, tmp_path):
    land_the_day(tmp_path)
    settings = get_settings()
    app = create_webhook_app(
        SqliteLandingStore(settings.layout.landing_db),
        DeadLetterQueue(settings.layout.landing_db),
        app_secret=SECRET,
        verify_token=TOKEN,
    )
    # Baraka wrote the day before; on the day only the failed status of a message sent from elsewhere names him.
    said = json.loads((PAYLOADS / "text_bsuid_with_phone.json").read_text())
    value = said["entry"][0]["changes"][0]["value"]
    value["contacts"] = [{"profile": {"name": "Baraka Otieno"}, "wa_id": "16505559999"}]
    value["messages"][0].update(
        {"from": "16505559999", "id": "wamid.baraka-asks-1", "timestamp": "1749290000"}  # 2025-06-07 09:53 UTC
    )
    del value["messages"][0]["from_user_id"]
    failed = json.loads((PAYLOADS / "status_read_pricing.json").read_text())
    failed["entry"][0]["changes"][0]["value"]["statuses"] = [
        {"id": "wamid.crm-tool-1", "status": "failed", "timestamp": "1749420000", "recipient_id": "16505559999"}
    ]
    with serving(app) as url:
        for body in (said, failed):
            raw = json.dumps(body).encode()
            assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw), timeout=60).status_code == 200
        app.state.lander.drained(30)
    from wa_pipeline.definitions import defs

    job = defs().resolve_job_def("daily_pipeline")
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(
            partition_key=DAY, instance=instance, asset_selection=[dg.AssetKey(a) for a in SELECTION]
        )
    assert result.success
    deliveries = {d["message_id"]: d for d in tab(settings.layout.workbook, DELIVERIES)}
    assert deliveries["wamid.crm-tool-1"]["chat"] == "Baraka Otieno"


def test_the_business_listed_as_a_customer_before_it_was_named_leaves_the_customers_tab(
    data_dir, tmp_path, monkeypatch
):
    """A shop owner's export is named after the customer, so before WA_BUSINESS_SENDERS the shop was taken for a
    customer; once it names the shop, the next run removes the shop's row and keeps a person's own rows and notes."""
    settings = get_settings()
    export = tmp_path / "WhatsApp Chat with Kofi Mensah.txt"
    export.write_text(
        "08/06/25, 10:02 - Kofi Mensah: 3 bags of rice please\n"
        "08/06/25, 10:05 - Duka la Neema: Noted Kofi, KES 9,600 in all\n"
        "08/06/25, 10:06 - Kofi Mensah: Thanks!\n",
        encoding="utf-8",
    )
    summary = import_exports(
        [export],
        store=SqliteLandingStore(settings.layout.landing_db),
        media_store=MediaStore(settings.layout.media_dir),
        dead_letters=DeadLetterQueue(settings.layout.landing_db),
        tz=settings.tz,
    )
    assert summary.added == 3
    selection = [dg.AssetKey(a) for a in ("raw_messages", "customer_records", "customers_sheet")]

    def run_the_day() -> list[str]:
        from wa_pipeline.definitions import defs

        with dg.instance_for_test() as instance:
            result = (
                defs()
                .resolve_job_def("daily_pipeline")
                .execute_in_process(partition_key=DAY, instance=instance, asset_selection=selection)
            )
        assert result.success and all(e.passed for e in result.get_asset_check_evaluations())
        return [c["name"] for c in tab(get_settings().layout.workbook, CUSTOMERS) if c["customer_id"]]

    # As the chat-name rule reads it, Kofi writes for the business and the shop is the customer.
    assert run_the_day() == ["Duka la Neema"]
    workbook = get_settings().layout.workbook
    book = openpyxl.load_workbook(workbook)
    sheet = book[CUSTOMERS.name]
    sheet.append(["", "Walk-in customer"])  # a row a person added: no customer id of ours
    book.save(workbook)

    monkeypatch.setenv("WA_BUSINESS_SENDERS", '["Duka la Neema"]')
    get_settings.cache_clear()
    assert run_the_day() == ["Kofi Mensah"]
    assert [c["name"] for c in tab(workbook, CUSTOMERS)] == ["Walk-in customer", "Kofi Mensah"]
