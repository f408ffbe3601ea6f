"""A message longer than a backend's cell holds: cut to that backend's limit with a visible marker, the same in what
is written and in what the read-back expects, so the check passes, and still fails when a person edits the cell."""

import dataclasses

import openpyxl
import pytest

from wa_pipeline.defs.resources import GoogleSheetsSinkResource, WorkbookSinkResource
from wa_pipeline.sheets.cell_safety import truncate
from wa_pipeline.sheets.sheet_limits import EXCEL_MAX_CELL_CHARS, GOOGLE_MAX_CELL_CHARS
from wa_pipeline.sheets.tab_spec import TabSpec
from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline_tests.nlp.test_tab_rows import enriched
from wa_pipeline_tests.sheets.test_google_sink import user_worksheet
from wa_pipeline_tests.sheets.test_tab_factory import NAIROBI, TABS, read_back, sync_and_check

# 40,000 characters: over Excel's 32,767, under Google's 50,000.
LONG = ("Order list: 2 trays, 30 loaves, 5 kg sugar; " * 1000)[:40_000]


def long_message_tab():
    frame = enriched()
    frame.loc[frame.index[0], "text"] = LONG
    rows = MESSAGES.rows(frame, NAIROBI)
    assert rows.loc[0, "text"] == LONG  # under Google's limit: the computed row holds it whole
    return dataclasses.replace(TABS["Messages"], upstream=lambda: rows)


def check_of(result):
    [evaluation] = read_back(result).values()
    return evaluation


def test_the_limits_are_per_backend_in_one_place():
    assert WorkbookSinkResource(path="x.xlsx").get_sink().max_cell_chars == EXCEL_MAX_CELL_CHARS == 32_767
    assert GOOGLE_MAX_CELL_CHARS == 50_000


def test_a_text_cut_again_counts_what_was_cut_from_the_original():
    once = truncate("y" * 60_000, GOOGLE_MAX_CELL_CHARS)
    twice = truncate(once, EXCEL_MAX_CELL_CHARS)
    assert twice == truncate("y" * 60_000, EXCEL_MAX_CELL_CHARS)
    assert len(twice) == EXCEL_MAX_CELL_CHARS and twice.endswith(f"…[truncated {60_000 - twice.index('…')} chars]")
    rows = MESSAGES.rows(enriched(), NAIROBI).assign(text=[once] + [""] * (len(enriched()) - 1))
    assert TabSpec.within(rows, EXCEL_MAX_CELL_CHARS).loc[0, "text"] == twice


def test_a_40000_character_message_in_the_workbook_is_cut_visibly_and_reconciles(tmp_path):
    tab = long_message_tab()
    path = tmp_path / "wa.xlsx"
    workbook = WorkbookSinkResource(path=str(path))
    first = sync_and_check(tab, workbook)
    assert first.success and check_of(first).passed, check_of(first).metadata

    sheet = openpyxl.load_workbook(path)["Messages"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index(MESSAGES.header("text")) + 1)
    kept = cell.value.index("…[truncated")
    assert len(cell.value) == EXCEL_MAX_CELL_CHARS and cell.value[:kept] == LONG[:kept]
    assert cell.value.endswith(f"…[truncated {40_000 - kept} chars]")

    # A person edits the cut cell: the read-back sees it.
    cell.value = "edited " + cell.value[7:]
    cell.parent.parent.save(path)
    evaluation = check_of(sync_and_check(tab, workbook, check_only=True))
    assert not evaluation.passed and evaluation.metadata["mismatched"].value == 1


@pytest.mark.usefixtures("key")
def test_a_40000_character_message_in_google_sheets_is_whole_and_reconciles(fake, account, key, tmp_path):
    tab = long_message_tab()
    google = GoogleSheetsSinkResource(
        credentials_path=str(account.path), spreadsheet_key=key, endpoint=fake.endpoint, state_dir=str(tmp_path)
    )
    first = sync_and_check(tab, google)
    assert first.success and check_of(first).passed, check_of(first).metadata
    worksheet = user_worksheet(fake, account, key, "Messages")
    header = worksheet.row_values(1)
    column = header.index(MESSAGES.header("text")) + 1
    assert worksheet.cell(2, column).value == LONG  # Google holds 50,000: nothing cut

    worksheet.update_cell(2, column, "edited " + LONG[7:])
    evaluation = check_of(sync_and_check(tab, google, check_only=True))
    assert not evaluation.passed and evaluation.metadata["mismatched"].value == 1
