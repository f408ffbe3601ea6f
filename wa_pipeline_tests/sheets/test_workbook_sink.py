import multiprocessing
from pathlib import Path

import openpyxl
import pytest

from wa_pipeline.sheets.sink import SheetSink
from wa_pipeline.sheets.workbook_sink import WorkbookSink

COLUMNS = ["message_id", "chat", "text", "amount"]
FORMULA = '=IMPORTXML("http://x","//a")'


def rows(n, text="hello"):
    return [[f"wamid.{i}", "Shop", f"{text} {i}", i * 1.5] for i in range(n)]


@pytest.fixture
def sink(tmp_path) -> WorkbookSink:
    return WorkbookSink(tmp_path / "output" / "wa.xlsx")


def test_is_a_sheet_sink(sink):
    assert isinstance(sink, SheetSink)
    assert sink.location.endswith("wa.xlsx")


def test_upserting_twice_never_duplicates(sink):
    first = sink.upsert("Messages", COLUMNS, "message_id", rows(5))
    second = sink.upsert("Messages", COLUMNS, "message_id", rows(5))
    assert (first.inserted, first.updated, first.unchanged) == (5, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 5)
    tab = sink.read_tab("Messages")
    assert tab.header == COLUMNS
    assert [row[0] for row in tab.rows] == [f"wamid.{i}" for i in range(5)]


def test_an_unchanged_upsert_does_not_rewrite_the_file(sink):
    sink.upsert("Messages", COLUMNS, "message_id", rows(3))
    before = sink.path.stat().st_mtime_ns
    sink.upsert("Messages", COLUMNS, "message_id", rows(3))
    assert sink.path.stat().st_mtime_ns == before


def test_changed_rows_are_updated_in_place_and_new_ones_appended(sink):
    sink.upsert("Messages", COLUMNS, "message_id", rows(3))
    changed = rows(3)
    changed[1][2] = "edited"
    result = sink.upsert("Messages", COLUMNS, "message_id", changed + [["wamid.new", "Shop", "late", None]])
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 2)
    records = sink.read_tab("Messages").records()
    assert [r["message_id"] for r in records] == ["wamid.0", "wamid.1", "wamid.2", "wamid.new"]
    assert records[1]["text"] == "edited"
    assert records[3]["amount"] == ""


def test_the_last_row_for_a_repeated_key_wins(sink):
    result = sink.upsert("Messages", COLUMNS, "message_id", [["k", "a", "first", 1], ["k", "a", "second", 2]])
    assert result.inserted == 1
    assert sink.read_tab("Messages").records()[0]["text"] == "second"


def test_user_columns_and_their_cells_survive(sink):
    sink.upsert("Messages", COLUMNS, "message_id", rows(3))
    book = openpyxl.load_workbook(sink.path)
    sheet = book["Messages"]
    sheet["E1"] = "notes"
    sheet["E2"] = "call back"
    sheet["E3"] = "=1+1"  # a user's own formula is theirs to keep
    book.save(sink.path)

    changed = rows(3, text="changed")
    sink.upsert("Messages", COLUMNS, "message_id", changed)
    # A managed column added by a later version goes after the user's column, not over it.
    sink.upsert("Messages", COLUMNS + ["intent"], "message_id", [r + ["order"] for r in changed])

    tab = sink.read_tab("Messages")
    assert tab.header == COLUMNS + ["notes", "intent"]
    records = tab.records()
    assert records[0]["notes"] == "call back" and records[0]["text"] == "changed 0"
    assert records[1]["notes"] == "=1+1"
    assert [r["intent"] for r in records] == ["order"] * 3


def test_new_rows_follow_the_last_row_with_values_not_formatting(sink):
    from openpyxl.styles import Font

    sink.upsert("Messages", COLUMNS, "message_id", rows(2))
    book = openpyxl.load_workbook(sink.path)
    for row in range(2, 50):
        book["Messages"].cell(row=row, column=3).font = Font(bold=True)
    book.save(sink.path)
    sink.upsert("Messages", COLUMNS, "message_id", rows(3))
    assert openpyxl.load_workbook(sink.path)["Messages"]["A4"].value == "wamid.2"


def test_formula_text_is_stored_as_a_string_cell(sink):
    sink.upsert("Messages", COLUMNS, "message_id", [["wamid.f", "Shop", FORMULA, "-1+2"], ["#N/A", "x", "@me", "+7"]])
    sheet = openpyxl.load_workbook(sink.path)["Messages"]
    assert sheet["C2"].value == "'" + FORMULA and sheet["C2"].data_type == "s"
    assert sheet["A3"].value == "#N/A" and sheet["A3"].data_type == "s"
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
    assert sink.read_tab("Messages").records()[0]["text"] == "'" + FORMULA


def test_header_is_frozen(sink):
    sink.upsert("Messages", COLUMNS, "message_id", rows(1))
    assert openpyxl.load_workbook(sink.path)["Messages"].freeze_panes == "A2"


def test_tabs_are_independent_and_no_stray_default_sheet(sink):
    sink.upsert("Messages", COLUMNS, "message_id", rows(2))
    sink.upsert("Media", ["sha256", "mime"], "sha256", [["abc", "image/jpeg"]])
    assert openpyxl.load_workbook(sink.path).sheetnames == ["Messages", "Media"]
    assert sink.read_tab("Media").rows == [["abc", "image/jpeg"]]


def test_reading_what_is_not_there_is_empty(sink):
    assert sink.read_tab("Messages").rows == []
    sink.upsert("Messages", COLUMNS, "message_id", rows(1))
    assert sink.read_tab("Nope").header == []


def test_values_read_back_as_a_sheet_shows_them(sink):
    sink.upsert("T", ["k", "n", "f", "b", "e"], "k", [["a", 3, 2.5, True, None]])
    assert sink.read_tab("T").rows == [["a", "3", "2.5", "TRUE", ""]]


def test_text_excel_cannot_hold_is_cleaned_not_fatal(sink):
    result = sink.upsert("T", ["k", "text"], "k", [["a", "bell\x07 =x"], ["b", "\x01=cmd"], ["c", "x" * 40_000]])
    assert result.inserted == 3
    again = sink.upsert("T", ["k", "text"], "k", [["a", "bell\x07 =x"], ["b", "\x01=cmd"], ["c", "x" * 40_000]])
    assert again.unchanged == 3
    records = sink.read_tab("T").records()
    assert records[0]["text"] == "bell =x"
    assert records[1]["text"] == "'=cmd"  # the control character hid a formula trigger
    assert len(records[2]["text"]) == 32_767 and "[truncated" in records[2]["text"]


def test_bad_input_is_refused_before_anything_is_written(sink):
    with pytest.raises(ValueError, match="cells"):
        sink.upsert("T", ["k", "v"], "k", [["a"]])
    with pytest.raises(ValueError, match="key"):
        sink.upsert("T", ["k", "v"], "missing", [["a", 1]])
    with pytest.raises(ValueError, match="empty"):
        sink.upsert("T", ["k", "v"], "k", [[None, 1]])
    assert not sink.path.exists()


def test_saves_leave_no_temporary_files(sink):
    for i in range(3):
        sink.upsert("Messages", COLUMNS, "message_id", rows(i + 1))
    leftovers = [p.name for p in sink.path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def _writer(path: str, worker: int, count: int) -> None:
    sink = WorkbookSink(Path(path))
    for i in range(count):
        sink.upsert("Messages", ["message_id", "worker"], "message_id", [[f"w{worker}-{i}", worker]])


def test_concurrent_writers_do_not_lose_rows(sink):
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(sink.path), w, 8)) for w in range(3)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=60)
        assert process.exitcode == 0
    keys = [row[0] for row in sink.read_tab("Messages").rows]
    assert sorted(keys) == sorted(f"w{w}-{i}" for w in range(3) for i in range(8))
