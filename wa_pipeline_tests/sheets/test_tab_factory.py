"""Every tab made by the one factory: synced once, read back, the read-back failing when a person edits the tab to
disagree, and what a person must fix failing the step at once, without retries."""

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import dagster as dg
import openpyxl
import pandas as pd
import pytest

from wa_pipeline.defs.resources import GoogleSheetsSinkResource, Locale, PipelineStorage, WorkbookSinkResource
from wa_pipeline.defs.sync import tabs
from wa_pipeline.message import Message
from wa_pipeline.nlp.threads import conversation_threads
from wa_pipeline.privacy.consent import ConsentEntry, consent_frame
from wa_pipeline.sheets.tab_spec import TabSpec
from wa_pipeline.sheets.tabs.consent import CONSENT
from wa_pipeline.sheets.tabs.customers import CUSTOMERS, customer_records
from wa_pipeline.sheets.tabs.deliveries import DELIVERIES, delivery_records
from wa_pipeline.sheets.tabs.entities import ENTITIES
from wa_pipeline.sheets.tabs.media import MEDIA
from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline.sheets.tabs.threads import THREADS
from wa_pipeline_tests.daily_defs import daily, daily_def
from wa_pipeline_tests.nlp.test_tab_rows import enriched

DAY = "2026-11-16"
NAIROBI = ZoneInfo("Africa/Nairobi")
LOCALE = Locale(timezone="Africa/Nairobi", default_region="KE")


def media_catalog() -> pd.DataFrame:
    """A day's gallery as `media_catalog` stores it: a receipt photo and a voice note."""
    sent = pd.to_datetime([datetime(2026, 11, 16, 7, 0, tzinfo=UTC), datetime(2026, 11, 16, 8, 0, tzinfo=UTC)])
    return pd.DataFrame(
        {
            "message_id": ["p1", "v1"],
            "chat": ["Juma Hardware", "Juma Hardware"],
            "sender": ["Juma", "Juma"],
            "sent_at": sent,
            "kind": ["image", "voice"],
            "filename": ["IMG-1.jpg", "PTT-1.opus"],
            "media_kind": ["image", "audio"],
            "mime": ["image/jpeg", "audio/ogg"],
            "bytes": [48_000, 9_000],
            "sha256": ["a" * 64, "b" * 64],
            "width": [800, None],
            "height": [600, None],
            "duration_s": [None, 5.5],
            "status": ["ok", "ok"],
            "confidence": [0.91, 0.8],
            "excerpt": ["TOTAL KES 5,800.00", "deliver on Friday"],
            "reason": ["", ""],
        }
    )


def customer_day() -> pd.DataFrame:
    """A day's customer records as `customer_records` stores them: one customer known by phone and by name."""
    sent = [datetime(2026, 11, 15, 7, 0, tzinfo=UTC), datetime(2026, 11, 16, 9, 0, tzinfo=UTC)]
    messages = [
        Message(f"c{n}", "wa:1:254712345678", at, "text", "cloud_api", sender_id="254712345678", text="Habari")
        for n, at in enumerate(sent)
    ]
    amina = {
        "customer_id": "cust_amina",
        "names": [("Amina N.", "chat_export"), ("Amina Njeri", "cloud_api")],
        "phones": ["+254712345678"],
        "user_ids": [],
        "confidence": 0.8,
    }
    day = datetime(2026, 11, 15, 21, 0, tzinfo=UTC), datetime(2026, 11, 16, 21, 0, tzinfo=UTC)
    return customer_records([amina], messages, lambda m: "cust_amina", {}, *day)


def delivery_day() -> pd.DataFrame:
    """A day's delivery records as `delivery_records` stores them: one message read, one failed."""
    sent = Message("d1", "wa:1:254712345678", datetime(2026, 11, 16, 9, 0, tzinfo=UTC), "text", "cloud_api", text="Hi")
    history = [
        {"message_id": "d1", "status": "read", "at": "2026-11-16T09:00:30+00:00", "errors": [], "pricing": None},
        {
            "message_id": "d2",
            "status": "failed",
            "at": "2026-11-16T10:00:00+00:00",
            "errors": [{"code": 131026, "title": "Message undeliverable"}],
            "pricing": {"billable": True, "category": "marketing"},
        },
    ]
    return delivery_records(history, {"d1": sent}, rates={"marketing": 0.0225}, currency="USD")


def consent_ledger() -> pd.DataFrame:
    """A day's consent ledger as `consent_ledger` stores it: WhatsApp's setting, then a STOP message."""
    return consent_frame(
        [
            ConsentEntry(
                "+254733111222", datetime(2026, 11, 16, 6, 0, tzinfo=UTC), "opted_out", "user_preferences", "ev1"
            ),
            ConsentEntry("Juma", datetime(2026, 11, 16, 9, 0, tzinfo=UTC), "opted_out", "message", "m7", "STOP"),
        ]
    )


@dataclass(frozen=True)
class Tab:
    spec: TabSpec
    source: str
    upstream: object  # a callable giving the source asset's frame for DAY
    edited_column: str


TABS = {
    "Messages": Tab(MESSAGES, "sheet_rows", lambda: MESSAGES.rows(enriched(), NAIROBI), "text"),
    "Threads": Tab(THREADS, "conversation_threads", lambda: conversation_threads(enriched()), "first_message"),
    "Entities": Tab(ENTITIES, "enriched_messages", enriched, "value"),
    "Media": Tab(MEDIA, "media_catalog", media_catalog, "status"),
    "Customers": Tab(CUSTOMERS, "customer_records", customer_day, "name"),
    "Deliveries": Tab(DELIVERIES, "delivery_records", delivery_day, "status"),
    "Consent": Tab(CONSENT, "consent_ledger", consent_ledger, "change"),
}


def sync_and_check(tab: Tab, sink_resource, *, check_only: bool = False) -> dg.ExecuteInProcessResult:
    """Materialize the tab's sync asset and its read-back check from a stub of its source (or the check alone)."""
    sync_asset = daily_def(tab.spec.name.lower() + "_sheet")
    [check_key] = tabs_checks(sync_asset)
    check = daily_def(check_key.name)
    frame = tab.upstream()

    @dg.asset(name=tab.source, partitions_def=daily().partitions)
    def stub_source() -> pd.DataFrame:
        """The day's upstream frame, as its real asset would store it."""
        return frame

    selection = (
        dg.AssetSelection.assets(tab.source) | dg.AssetSelection.checks(check_key)
        if check_only
        else dg.AssetSelection.all()
    )
    # A tab that removes rows no stored day gives any more reads the stored frames: here, none besides the stub's.
    with tempfile.TemporaryDirectory() as data:
        return dg.materialize(
            [stub_source, sync_asset, check],
            selection=selection,
            partition_key=DAY,
            resources={
                "sheet_sink": sink_resource,
                "locale": LOCALE,
                "io_manager": dg.mem_io_manager,
                "storage": PipelineStorage(data_dir=data),
            },
            raise_on_error=False,
        )


def tabs_checks(sync_asset: dg.AssetsDefinition) -> list[dg.AssetCheckKey]:
    """The read-back check the factory made for a sync asset (a standalone check, so not on the asset itself)."""
    return [
        key for value in tabs.build(daily()).asset_checks for key in value.check_keys if key.asset_key == sync_asset.key
    ]


def read_back(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.asset_check_key.name: e for e in result.get_asset_check_evaluations()}


@pytest.mark.parametrize("name", sorted(TABS))
def test_each_tab_is_synced_read_back_and_its_check_fails_when_a_person_edits_the_tab(name, tmp_path):
    tab = TABS[name]
    path = tmp_path / "wa.xlsx"
    workbook = WorkbookSinkResource(path=str(path))
    first = sync_and_check(tab, workbook)
    assert first.success
    [(check_name, evaluation)] = read_back(first).items()
    assert evaluation.passed, evaluation.metadata
    expected_rows = len(tab.spec.rows(tab.upstream(), NAIROBI) if tab.source != "sheet_rows" else tab.upstream())
    assert expected_rows > 0 and evaluation.metadata["expected_rows"].value == expected_rows

    # A person retypes one managed cell of the first data row.
    book = openpyxl.load_workbook(path)
    sheet = book[tab.spec.name]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index(tab.spec.header(tab.edited_column)) + 1)
    assert cell.value not in (None, "")
    edited_key = sheet.cell(row=2, column=header.index(tab.spec.sheet_key) + 1).value
    cell.value = f"{cell.value} (edited)"
    book.save(path)

    checked = sync_and_check(tab, workbook, check_only=True)
    evaluation = read_back(checked)[check_name]
    assert not evaluation.passed
    assert evaluation.metadata["mismatched"].value == 1 and evaluation.metadata["missing"].value == 0
    assert evaluation.metadata["examples"].value == [edited_key]

    # The next sync puts the computed content back, and the check passes again.
    again = sync_and_check(tab, workbook)
    assert again.success and read_back(again)[check_name].passed
    assert again.asset_materializations_for_node(f"{name.lower()}_sheet")[0].metadata["updated"].value == 1


@pytest.mark.parametrize("name", sorted(TABS))
def test_a_deleted_row_fails_each_tab_read_back(name, tmp_path):
    tab = TABS[name]
    path = tmp_path / "wa.xlsx"
    workbook = WorkbookSinkResource(path=str(path))
    assert sync_and_check(tab, workbook).success
    book = openpyxl.load_workbook(path)
    book[tab.spec.name].delete_rows(2)
    book.save(path)
    [evaluation] = read_back(sync_and_check(tab, workbook, check_only=True)).values()
    assert not evaluation.passed and evaluation.metadata["missing"].value == 1


@pytest.mark.parametrize("name", sorted(TABS))
def test_a_spreadsheet_that_does_not_exist_fails_each_tab_at_once_saying_what_to_fix(name, fake, account, tmp_path):
    google = GoogleSheetsSinkResource(
        credentials_path=str(account.path),
        spreadsheet_key="no-such-spreadsheet",
        endpoint=fake.endpoint,
        state_dir=str(tmp_path),
        backoff_base_s=0.0,
        backoff_cap_s=0.0,
    )
    result = sync_and_check(TABS[name], google)
    assert not result.success
    step = f"{name.lower()}_sheet"
    [failure] = [e for e in result.all_events if e.is_step_failure and e.step_key == step]
    assert "no-such-spreadsheet" in failure.step_failure_data.error.message
    # A configuration error is not retried: only a person can fix it.
    assert not [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]


def test_every_tab_syncs_in_the_single_slot_pool_with_retries_for_transient_failures():
    for name in TABS:
        sync_asset = daily_def(f"{name.lower()}_sheet")
        assert sync_asset.op.pool == "sheets" and sync_asset.op.retry_policy.max_retries == 3
        assert sync_asset.descriptions_by_key[sync_asset.key] == TABS[name].spec.description
        assert len(tabs_checks(sync_asset)) == 1
