import multiprocessing
import zipfile
from pathlib import Path

import openpyxl
import pytest

from wa_pipeline.sheets.sink import SheetSink
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink

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
    # Code points no XML can hold are dropped too: written, they would leave a file nothing can open.
    assert sink.upsert("T", ["k", "text"], "k", [["d", "no\ufffe\ud800 way"]]).inserted == 1
    assert sink.read_tab("T").records()[3]["text"] == "no way"


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


# ---- the streaming upsert: one tab rewritten row by row, every other part of the file copied as it was

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ORDERED = ["message_id", "sent_at", "text"]


def message(n, minute, text=None):
    return [f"w{n}", f"2026-11-16 00:{minute:02d}:00", text or f"message {n}"]


def _excel_like(path: Path) -> None:
    """A workbook as Excel saves it: shared strings (one rich), a shared formula group, a calc chain, x: prefixes."""
    sheet = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="{MAIN}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
 xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac">
<x:dimension ref="A1:D4"/><x:sheetViews><x:sheetView workbookViewId="0"/></x:sheetViews><x:sheetData>
<x:row r="1" spans="1:4" x14ac:dyDescent="0.25"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c>
<x:c r="C1" t="s"><x:v>2</x:v></x:c><x:c r="D1" t="s"><x:v>3</x:v></x:c></x:row>
<x:row r="2"><x:c r="A2" t="s"><x:v>4</x:v></x:c><x:c r="B2" t="s"><x:v>5</x:v></x:c><x:c r="C2" t="s"><x:v>6</x:v></x:c>
<x:c r="D2"><x:f t="shared" ref="D2:D4" si="0">LEN(C2)</x:f><x:v>4</x:v></x:c></x:row>
<x:row r="3" ht="30" customHeight="1"><x:c r="A3" t="s"><x:v>7</x:v></x:c><x:c r="B3" t="s"><x:v>8</x:v></x:c>
<x:c r="C3" t="s"><x:v>6</x:v></x:c><x:c r="D3"><x:f t="shared" si="0"/><x:v>4</x:v></x:c></x:row>
<x:row r="4"><x:c r="A4" t="s"><x:v>9</x:v></x:c><x:c r="B4" t="s"><x:v>10</x:v></x:c><x:c r="C4"><x:v>42</x:v></x:c>
<x:c r="D4"><x:f t="shared" si="0"/><x:v>2</x:v></x:c></x:row>
</x:sheetData></x:worksheet>'''
    strings = [
        "message_id",
        "sent_at",
        "text",
        "length",
        "w1",
        "2026-11-16 00:10:00",
        None,
        "w3",
        "2026-11-16 00:30:00",
        "w5",
        "2026-11-16 00:50:00",
    ]
    items = "".join(
        f"<si><t>{s}</t></si>" if s else "<si><r><t>he</t></r><r><rPr><b/></rPr><t>llo</t></r></si>" for s in strings
    )
    book = openpyxl.Workbook()
    book.active.title = "Messages"
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{items}</sst>'.encode()
    parts["xl/calcChain.xml"] = (
        f'<calcChain xmlns="{MAIN}"><c r="D2" i="1"/><c r="D3"/><c r="D4"/></calcChain>'.encode()
    )
    kinds = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kinds}.sharedStrings+xml"/>'
        f'<Override PartName="/xl/calcChain.xml" ContentType="{kinds}.calcChain+xml"/></Types>'.encode(),
    )
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rId90" Type="{relations}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId91" Type="{relations}/calcChain" Target="calcChain.xml"/></Relationships>'.encode(),
    )
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_a_workbook_saved_by_excel_keeps_its_rows_formulas_and_strings(sink):
    sink.path.parent.mkdir(parents=True)
    _excel_like(sink.path)
    result = sink.upsert(
        "Messages",
        ORDERED,
        "message_id",
        [message(1, 10, "hello"), message(2, 20), message(5, 50, 42)],
        order_by=["sent_at"],
    )
    # Rows stored as shared strings (one of them rich text) are recognised: only the late row is new.
    assert (result.inserted, result.updated, result.unchanged, result.placed_in_order) == (1, 0, 2, 1)
    book = openpyxl.load_workbook(sink.path)
    sheet = book["Messages"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["message_id", "sent_at", "text", "length"],
        ["w1", "2026-11-16 00:10:00", "hello", "=LEN(C2)"],
        ["w2", "2026-11-16 00:20:00", "message 2", None],
        # The shared formula is written out per cell, as it read before the insertion (references are not moved).
        ["w3", "2026-11-16 00:30:00", "hello", "=LEN(C3)"],
        ["w5", "2026-11-16 00:50:00", 42, "=LEN(C4)"],
    ]
    assert sheet.row_dimensions[4].height == 30  # the row's own height moved with it
    assert sheet.freeze_panes == "A2"
    with zipfile.ZipFile(sink.path) as archive:
        assert "xl/calcChain.xml" not in archive.namelist()  # it named cells by position; Excel rebuilds it
        assert b"calcChain" not in archive.read("[Content_Types].xml")


def test_an_upsert_copies_the_other_tabs_untouched(sink):
    sink.upsert("Entities", ["k", "v"], "k", [[f"e{i}", i] for i in range(50)])
    sink.upsert("Messages", COLUMNS, "message_id", rows(3))
    with zipfile.ZipFile(sink.path) as archive:
        entities_before = archive.read("xl/worksheets/sheet1.xml")
    sink.upsert("Messages", COLUMNS, "message_id", rows(6, text="changed"))
    with zipfile.ZipFile(sink.path) as archive:
        assert archive.read("xl/worksheets/sheet1.xml") == entities_before
    assert [row[0] for row in sink.read_tab("Messages").rows] == [f"wamid.{i}" for i in range(6)]


def test_formatting_and_user_cells_move_with_their_row_when_a_late_row_is_inserted(sink):
    from openpyxl.styles import Font

    sink.upsert("Messages", ORDERED, "message_id", [message(1, 10), message(3, 30)], order_by=["sent_at"])
    book = openpyxl.load_workbook(sink.path)
    sheet = book["Messages"]
    sheet["D1"], sheet["D3"] = "notes", "paid"
    sheet["D3"].font = Font(bold=True)
    sheet["C3"].font = Font(italic=True)
    book.save(sink.path)
    sink.upsert("Messages", ORDERED, "message_id", [message(2, 20), message(3, 30, "edited")], order_by=["sent_at"])
    sheet = openpyxl.load_workbook(sink.path)["Messages"]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == ["w1", "w2", "w3"]
    assert (sheet["C4"].value, sheet["C4"].font.i) == ("edited", True)  # a managed cell keeps its style
    assert (sheet["D4"].value, sheet["D4"].font.b) == ("paid", True)
    assert sheet["D3"].value is None


def test_dates_a_user_typed_read_back_as_dates(sink):
    from datetime import datetime

    sink.upsert("T", ["k", "n"], "k", [["a", 1]])
    book = openpyxl.load_workbook(sink.path)
    book["T"]["C1"], book["T"]["C2"] = "when", datetime(2026, 11, 16, 9, 30)
    book.save(sink.path)
    # Shown as the sheet's date-time format shows it (ISO order, no "T").
    assert sink.read_tab("T").records()[0]["when"] == "2026-11-16 09:30:00"
    assert sink.upsert("T", ["k", "n"], "k", [["a", 1]]).unchanged == 1


def test_the_cell_count_is_every_tabs_used_range(sink):
    sink.upsert("Entities", ["k", "v", "w"], "k", [[f"e{i}", i, ""] for i in range(40)])
    result = sink.upsert("Messages", COLUMNS, "message_id", rows(10))
    book = openpyxl.load_workbook(sink.path)
    assert result.sheet_cells == sum(sheet.max_row * sheet.max_column for sheet in book.worksheets) == 41 * 3 + 11 * 4


def test_a_row_height_the_workbook_set_follows_the_message_and_a_persons_stays(sink):
    def write(first, second, third):
        sink.upsert("Messages", COLUMNS, "message_id", [["w1", "Shop", first, 1], ["w2", "Shop", second, 2]])
        sink.upsert("Messages", COLUMNS, "message_id", [["w3", "Shop", third, 3]])

    write("a\nb\nc", "a\nb", "a\nb\nc")
    # A person makes the second row 50 points tall; openpyxl's save stores every text as a shared string.
    book = openpyxl.load_workbook(sink.path)
    book["Messages"].row_dimensions[3].height = 50
    book.save(sink.path)
    write("a\nb\nc\nd", "a\nb\nc\nd", "one line now")
    heights = openpyxl.load_workbook(sink.path)["Messages"].row_dimensions
    # Ours grows with the fourth line (before, it stayed 45), the person's stays, ours shrinks back for one line.
    assert (heights[2].height, heights[3].height, heights[4].height) == (60, 50, None)
