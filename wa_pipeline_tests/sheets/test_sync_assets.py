"""The sync asset and its checks in Dagster: late rows keep the order, the checks say so, failures read clearly."""

import dagster as dg
import openpyxl
import pandas as pd
import pytest

from wa_pipeline.defs.resources import GoogleSheetsSinkResource, Locale, WorkbookSinkResource
from wa_pipeline.sheets.errors import SheetsUnavailable
from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline_tests.daily_defs import daily, daily_def
from wa_pipeline_tests.fakes.sheets_v4 import transient_error

no_duplicate_sheet_keys = daily_def("no_duplicate_sheet_keys")
rows_in_order = daily_def("rows_in_order")
messages_sheet = daily_def("messages_sheet")
sheet_reconciled = daily_def("sheet_reconciled")


def rows_of(day: str, messages: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Sheet rows for (message_id, HH:MM, chat), the other columns filled plainly."""
    records = []
    for message_id, hhmm, chat in messages:
        record = {column: "" for column in MESSAGES.columns}
        record.update(
            message_id=message_id,
            sent_at=f"{day} {hhmm}:00",
            date=day,
            chat=chat,
            text=f"text {message_id}",
            sentiment="neutral",
            sentiment_score=0.0,
            source="chat_export",
            kind="text",
        )
        records.append(record)
    return pd.DataFrame(records, columns=list(MESSAGES.columns))


def sync(day: str, frame: pd.DataFrame, sink_resource) -> dg.ExecuteInProcessResult:
    @dg.asset(name="sheet_rows", partitions_def=daily().partitions, group_name="sync")
    def stub_sheet_rows() -> pd.DataFrame:
        """The day's rows, as the real sheet_rows asset would produce them."""
        return frame

    return dg.materialize(
        [stub_sheet_rows, messages_sheet, sheet_reconciled, no_duplicate_sheet_keys, rows_in_order],
        partition_key=day,
        resources={
            "sheet_sink": sink_resource,
            "locale": Locale(timezone="UTC", default_region="KE"),
            "io_manager": dg.mem_io_manager,
        },
        raise_on_error=False,
    )


def checks(result) -> dict[str, bool]:
    return {e.asset_check_key.name: e.passed for e in result.get_asset_check_evaluations()}


def test_a_late_message_is_placed_in_order_and_every_check_passes(tmp_path):
    workbook = WorkbookSinkResource(path=str(tmp_path / "wa.xlsx"))
    first = sync("2026-11-16", rows_of("2026-11-16", [("a1", "09:00", "Shop"), ("a3", "11:00", "Shop")]), workbook)
    assert first.success and all(checks(first).values())
    sync("2026-11-17", rows_of("2026-11-17", [("b1", "08:00", "Shop")]), workbook)
    late = rows_of("2026-11-16", [("a1", "09:00", "Shop"), ("a2", "10:00", "Shop"), ("a3", "11:00", "Shop")])
    again = sync("2026-11-16", late, workbook)
    assert again.success and checks(again) == {
        "sheet_reconciled": True,
        "no_duplicate_sheet_keys": True,
        "rows_in_order": True,
    }
    metadata = again.asset_materializations_for_node("messages_sheet")[0].metadata
    assert metadata["inserted"].value == 1 and metadata["placed_in_order"].value == 1
    assert metadata["unchanged"].value == 2 and metadata["sheet_cells"].value > 0
    sheet = openpyxl.load_workbook(tmp_path / "wa.xlsx")["Messages"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["a1", "a2", "a3", "b1"]


def test_rows_in_order_fails_when_a_chat_is_out_of_send_order(tmp_path):
    path = tmp_path / "wa.xlsx"
    workbook = WorkbookSinkResource(path=str(path))
    day = "2026-11-16"
    sync(day, rows_of(day, [("a1", "09:00", "Shop"), ("a2", "10:00", "Shop"), ("x1", "09:30", "Alice")]), workbook)
    book = openpyxl.load_workbook(path)
    sheet = book["Messages"]
    # Someone swaps Shop's two rows by hand (a1 09:00 on row 2, a2 10:00 on row 4; Alice's x1 between them).
    first, second = [[c.value for c in sheet[row]] for row in (2, 4)]
    for column, (a, b) in enumerate(zip(first, second), start=1):
        sheet.cell(row=2, column=column, value=b)
        sheet.cell(row=4, column=column, value=a)
    book.save(path)
    result = sync(
        day, rows_of(day, [("a1", "09:00", "Shop"), ("a2", "10:00", "Shop"), ("x1", "09:30", "Alice")]), workbook
    )
    assert checks(result)["rows_in_order"] is False
    evaluation = [e for e in result.get_asset_check_evaluations() if e.asset_check_key.name == "rows_in_order"][0]
    assert evaluation.metadata["rows_out_of_order"].value == 1
    assert checks(result)["sheet_reconciled"] is True  # the content is all there; only the order is off


def test_an_open_circuit_breaker_fails_the_step_at_once_with_what_to_do(fake, account, key, tmp_path):
    fake.interceptors.append(lambda request: transient_error(503) if request.path.startswith("/v4/") else None)
    google = GoogleSheetsSinkResource(
        credentials_path=str(account.path),
        spreadsheet_key=key,
        endpoint=fake.endpoint,
        state_dir=str(tmp_path),
        max_attempts=1,
        breaker_failures=1,
        breaker_cooldown_s=600,
        backoff_base_s=0.0,
        backoff_cap_s=0.0,
    )
    day = "2026-11-16"
    with pytest.raises(SheetsUnavailable):
        google.get_sink().upsert(
            "Messages", MESSAGES.columns, "message_id", rows_of(day, [("a1", "09:00", "Shop")]).values.tolist()
        )
    result = sync(day, rows_of(day, [("a1", "09:00", "Shop")]), google)
    assert not result.success
    failure = [e for e in result.all_events if e.is_step_failure and e.step_key == "messages_sheet"][0]
    description = failure.step_failure_data.error.message
    assert "circuit breaker" in description and "re-run the sync after that" in description
    # Not retried by the RetryPolicy: the breaker's cool-down has to pass first.
    assert not [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]


def test_the_sync_step_runs_in_the_single_slot_sheets_pool_and_is_retried():
    # Runs of different days queue for the pool (limit 1 in dagster.yaml); the sink's lock holds outside Dagster too.
    assert messages_sheet.op.pool == "sheets"
    assert messages_sheet.op.retry_policy.max_retries == 3
