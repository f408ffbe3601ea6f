"""Stream one worksheet of an .xlsx: read what an upsert needs to plan, then write the tab again with the plan
applied, one row at a time.

openpyxl's normal mode holds every cell of every tab as a Python object (about 300 bytes a cell: 1.4 GB for the
Messages and Entities tabs of a 100,000-message day) just to change a few rows of one tab. Here a tab is read
twice as a stream and only the cells an upsert compares or writes are kept. The rewrite does what openpyxl's
`insert_rows` and cell assignment did: every cell of a row (user columns included) moves with its row, a
managed cell keeps its style, an empty managed cell is left out, text is an inline string (never a formula),
and references in formulas, merged ranges and the like are left as they are. Shared formulas are written out
per cell (as openpyxl does on save), so inserted rows cannot split a formula group.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import IO

from lxml import etree
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601

from wa_pipeline.sheets.cell_types import is_date_value, number_format, serial
from wa_pipeline.sheets.sink import Cell
from wa_pipeline.sheets.upsert_plan import HEADER_ROW, TabSnapshot, UpsertPlan, key_text, layout_managed_columns
from wa_pipeline.sheets.xlsx.package import DOC_REL_NS, MAIN_NS, CellFormats

ROW = f"{{{MAIN_NS}}}row"
CELL = f"{{{MAIN_NS}}}c"
VALUE = f"{{{MAIN_NS}}}v"
FORMULA = f"{{{MAIN_NS}}}f"
INLINE = f"{{{MAIN_NS}}}is"
TEXT = f"{{{MAIN_NS}}}t"
RUN = f"{{{MAIN_NS}}}r"
SHEET_DATA = f"{{{MAIN_NS}}}sheetData"
SHEET_VIEWS = f"{{{MAIN_NS}}}sheetViews"
SHEET_VIEW = f"{{{MAIN_NS}}}sheetView"
PANE = f"{{{MAIN_NS}}}pane"
SELECTION = f"{{{MAIN_NS}}}selection"
DIMENSION = f"{{{MAIN_NS}}}dimension"
SHEET_PR = f"{{{MAIN_NS}}}sheetPr"
SHARED_ITEM = f"{{{MAIN_NS}}}si"
COLS = f"{{{MAIN_NS}}}cols"
COL = f"{{{MAIN_NS}}}col"
AUTO_FILTER = f"{{{MAIN_NS}}}autoFilter"
# What may stand between sheetData and autoFilter in a worksheet (the schema's order).
_BEFORE_FILTER = frozenset(
    f"{{{MAIN_NS}}}{name}" for name in ("sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios")
)
XML_NS = "http://www.w3.org/XML/1998/namespace"

# A new tab as openpyxl starts one: default view, row height and margins, no rows yet.
EMPTY_SHEET = (
    f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{DOC_REL_NS}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
    '<pageSetUpPr/></sheetPr><dimension ref="A1:A1"/><sheetViews><sheetView workbookViewId="0">'
    '<selection activeCell="A1" sqref="A1"/></sheetView></sheetViews><sheetFormatPr baseColWidth="8" '
    'defaultRowHeight="15"/><sheetData/><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
    'footer="0.5"/></worksheet>'
).encode()

_FLUSH_CHARS = 1 << 20
_DECLARATION = re.compile(r'\sxmlns(?::([^=\s]+))?="([^"]*)"')
_REF = re.compile(r"^([A-Z]+)(\d+)$")
_REF_ROWS = re.compile(r"([A-Z]+\$?)(\d+)")
_column_numbers: dict[str, int] = {}

SharedStrings = Callable[[], Sequence[str]]
PLAIN = CellFormats()


@dataclass(frozen=True)
class TabScan:
    """What a streaming read of a tab found: the snapshot an upsert plans from, and the tab's extent and view."""

    snapshot: TabSnapshot
    # Last row and column (1-based) holding a cell, with a value or only formatting; 0 on an empty tab.
    max_row: int
    max_column: int
    # Whether the first view has its panes set (openpyxl's `freeze_panes` is not None).
    frozen: bool


@dataclass(frozen=True)
class TabEdit:
    """What a rewrite writes: managed cells by final row number, the rows inserted, the view and the extent."""

    # Final sheet row -> (0-based columns, values) written there; other cells of an existing row stay.
    cells: Mapping[int, tuple[Sequence[int], Sequence[Cell]]]
    # (before_row, count) of each block of inserted rows, numbered as the tab was before the edit.
    inserted: Sequence[tuple[int, int]]
    freeze: bool
    max_row: int
    max_column: int
    # Number format -> the cell style showing it, for the dates written (see `cell_types`).
    date_styles: Mapping[str, str] = field(default_factory=dict)
    # The style of header cells written (bold); column widths for a tab that has none set yet (0-based column ->
    # characters); whether the header carries a filter over the tab's rows.
    header_style: str | None = None
    widths: Mapping[int, float] = field(default_factory=dict)
    filter: bool = False
    # Columns hidden in a tab that has no widths yet (the upsert key: an id people need not read).
    hidden: frozenset[int] = frozenset()
    # The style of unstyled cells written with text of several lines (wrapped, from the top); None when no cell
    # written holds a line break.
    wrap_style: str | None = None
    # The workbook's shared strings, to read the text a rewritten row held (whose height may be ours to change).
    strings: SharedStrings = tuple

    @classmethod
    def from_plan(
        cls,
        plan: UpsertPlan,
        scan: TabScan,
        date_styles: Mapping[str, str] | None = None,
        *,
        header_style: str | None = None,
        widths: Mapping[int, float] | None = None,
        filter: bool = False,
        hidden: Collection[int] = (),
        wrap_style: str | None = None,
        strings: SharedStrings = tuple,
    ) -> TabEdit:
        positions = plan.layout.positions
        cells: dict[int, tuple[Sequence[int], Sequence[Cell]]] = {}
        if plan.layout.added:
            cells[HEADER_ROW] = (list(plan.layout.added), list(plan.layout.added.values()))
        shift = 0
        for insertion in sorted(plan.insertions, key=lambda i: i.before_row):
            start = insertion.before_row + shift
            for offset, row in enumerate(insertion.rows):
                cells[start + offset] = (positions, row)
            shift += len(insertion.rows)
        for number, row in plan.writes.items():
            cells[number] = (positions, row)
        inserted = [(i.before_row, len(i.rows)) for i in plan.insertions]
        widest = max((max(columns) + 1 for columns, _ in cells.values() if columns), default=0)
        return cls(
            cells=cells,
            inserted=inserted,
            freeze=not scan.frozen,
            max_row=max(_Shift(inserted)(scan.max_row), max(cells, default=0), 1),
            max_column=max(scan.max_column, widest, 1),
            date_styles=dict(date_styles or {}),
            header_style=header_style,
            widths=dict(widths or {}),
            filter=filter,
            hidden=frozenset(hidden),
            wrap_style=wrap_style,
            strings=strings,
        )

    @property
    def changes(self) -> bool:
        return bool(self.cells or self.inserted or self.freeze)


class _Shift:
    """Old row number -> new, once the inserted blocks are in."""

    def __init__(self, inserted: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(inserted)
        self._before = [before for before, _ in ordered]
        self._moved = [0, *accumulate(count for _, count in ordered)]

    def __call__(self, row: int) -> int:
        return row + self._moved[bisect_right(self._before, row)]


class _Rows:
    """The <row> elements of a worksheet stream with their numbers, each freed once the next is asked for."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._parser = etree.iterparse(
            stream, events=("end",), tag=ROW, resolve_entities=False, no_network=True, load_dtd=False
        )
        self.root: etree._Element | None = None

    def __iter__(self) -> Iterator[tuple[etree._Element, int]]:
        previous = 0
        for _, row in self._parser:
            if self.root is None:
                self.root = row.getparent().getparent()
            number = int(row.get("r") or previous + 1)
            previous = number
            yield row, number
            row.clear()
            parent = row.getparent()
            while row.getprevious() is not None:
                del parent[0]
        if self.root is None:
            self.root = self._parser.root


def _column(ref: str) -> int:
    """0-based column of a cell reference ("AB12" -> 27)."""
    letters = ref.rstrip("0123456789")
    found = _column_numbers.get(letters)
    if found is None:
        found = 0
        for char in letters.upper():
            found = found * 26 + ord(char) - 64
        found -= 1
        if len(letters) <= 3:  # every real column (A to XFD); anything else is not worth remembering
            _column_numbers[letters] = found
    return found


def _cells(row: etree._Element) -> list[tuple[int, etree._Element]]:
    found = []
    column = -1
    for cell in row:
        if cell.tag != CELL:
            continue
        ref = cell.get("r")
        column = _column(ref) if ref else column + 1
        found.append((column, cell))
    return found


def cell_value(cell: etree._Element | None, strings: SharedStrings, formats: CellFormats = PLAIN) -> object:
    """A cell's value as openpyxl reads it in read-only mode: text, number, bool, date, "=formula", or None."""
    if cell is None or not len(cell):
        return None
    # Children are few and in schema order (f, v, is): look at them directly, ElementPath costs more than the cell.
    first = cell[0]
    tag = first.tag
    if tag == FORMULA:
        return "=" + (first.text or "")
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        for child in cell:
            if child.tag == INLINE:
                if len(child) == 1 and child[0].tag == TEXT:
                    return child[0].text or ""
                return _rich_text(child)
        return None
    raw = first.text if tag == VALUE else cell.findtext(VALUE)
    if not raw:
        return None
    if kind == "n":
        try:
            number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
        except ValueError:
            return raw
        style = cell.get("s") if formats.dates else None
        if style and int(style) in formats.dates:
            try:
                return from_excel(number, formats.epoch, timedelta=int(style) in formats.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number
    if kind == "s":
        return strings()[int(raw)]
    if kind == "b":
        return raw.strip() not in ("0", "")
    if kind == "d":
        try:
            return from_ISO8601(raw)
        except ValueError:
            return raw
    return raw


def _rich_text(element: etree._Element) -> str:
    # Plain text first, then the runs' text; phonetic runs (rPh) are not part of the value.
    plain = []
    runs = []
    for child in element:
        if child.tag == TEXT:
            plain.append(child.text or "")
        elif child.tag == RUN:
            runs.append(child.findtext(TEXT) or "")
    return "".join(plain + runs)


def read_shared_strings(stream: IO[bytes]) -> list[str]:
    """The shared strings table of a workbook saved by Excel or LibreOffice (openpyxl writes inline strings)."""
    strings = []
    for _, item in etree.iterparse(
        stream, events=("end",), tag=SHARED_ITEM, resolve_entities=False, no_network=True, load_dtd=False
    ):
        strings.append(_rich_text(item))
        item.clear()
        while item.getprevious() is not None:
            del item.getparent()[0]
    return strings


def _values(
    cells: list[tuple[int, etree._Element]], strings: SharedStrings, formats: CellFormats = PLAIN
) -> list[object]:
    if not cells:
        return []
    values: list[object] = [None] * (max(column for column, _ in cells) + 1)
    for column, cell in cells:
        values[column] = cell_value(cell, strings, formats)
    return values


def read_rows(stream: IO[bytes], strings: SharedStrings, formats: CellFormats = PLAIN) -> Iterator[list[object]]:
    """Every row's values from the first row on, a row without cells as [] (openpyxl's read-only iter_rows)."""
    expected = 1
    for row, number in _Rows(stream):
        if number < expected:
            continue
        while expected < number:
            yield []
            expected += 1
        yield _values(_cells(row), strings, formats)
        expected += 1


def _has_value(cells: list[tuple[int, etree._Element]], strings: SharedStrings) -> bool:
    return any(len(cell) and cell_value(cell, strings) is not None for _, cell in cells)


def _is_frozen(root: etree._Element | None) -> bool:
    view = root.find(f"{SHEET_VIEWS}/{SHEET_VIEW}") if root is not None else None
    pane = view.find(PANE) if view is not None else None
    return pane is not None and pane.get("topLeftCell") is not None


def scan_tab(
    stream: IO[bytes],
    columns: Sequence[str],
    key: str,
    order_by: Sequence[str],
    wanted: Collection[str],
    strings: SharedStrings,
    formats: CellFormats = PLAIN,
) -> TabScan:
    """Read a tab as `TabSnapshot.whole` would see it, keeping the cells of only the rows whose key is in `wanted`."""
    rows = _Rows(stream)
    header: list[object] = []
    keys: list[object] = []
    order: list[list[object]] = []
    compared: dict[int, list[object]] = {}
    key_at: int | None = None
    order_at: list[int] = []
    last_valued = max_row = max_column = 0
    frozen: bool | None = None
    for row, number in rows:
        if frozen is None:
            frozen = _is_frozen(rows.root)
        cells = _cells(row)
        if cells:
            max_row = max(max_row, number)
            max_column = max(max_column, max(column for column, _ in cells) + 1)
        if number <= HEADER_ROW:
            if number == HEADER_ROW:
                header = _values(cells, strings, formats)
            continue
        if key_at is None:
            layout = layout_managed_columns(header, columns)
            key_at = layout.position(columns, key)
            order_at = [layout.position(columns, name) for name in order_by]
        gap = number - HEADER_ROW - 1 - len(keys)
        keys.extend([None] * gap)
        order.extend([[None] * len(order_at) for _ in range(gap)])
        by_column = dict(cells)
        row_key = cell_value(by_column.get(key_at), strings, formats)
        keys.append(row_key)
        order.append([cell_value(by_column.get(at), strings, formats) for at in order_at])
        if key_text(row_key) in wanted:
            compared[number] = _values(cells, strings, formats)
        if _has_value(cells, strings):
            last_valued = number
    if frozen is None:
        frozen = _is_frozen(rows.root)
    # Rows that are only formatted are not data: new rows go right after the last row with a value.
    data_rows = max(0, last_valued - HEADER_ROW)
    snapshot = TabSnapshot(
        header=header,
        keys=keys[:data_rows],
        order=order[:data_rows] if order_by else None,
        rows={number: cells for number, cells in compared.items() if number <= last_valued},
    )
    return TabScan(snapshot=snapshot, max_row=max_row, max_column=max_column, frozen=frozen)


def tab_extent(stream: IO[bytes]) -> tuple[int, int]:
    """(rows, columns) of a tab's used range from its <dimension>; (0, 0) when it has none (see `scanned_extent`)."""
    for _, element in etree.iterparse(
        stream, events=("start",), resolve_entities=False, no_network=True, load_dtd=False
    ):
        if element.tag == DIMENSION:
            last = (element.get("ref") or "A1").split(":")[-1]
            match = _REF.match(last.replace("$", ""))
            if match:
                return int(match.group(2)), _column(match.group(1)) + 1
            break
        if element.tag == SHEET_DATA:
            break
    return 0, 0


def scanned_extent(stream: IO[bytes]) -> tuple[int, int]:
    """(rows, columns) of a tab counted from its cells."""
    max_row = max_column = 0
    for row, number in _Rows(stream):
        cells = _cells(row)
        if cells:
            max_row = max(max_row, number)
            max_column = max(max_column, max(column for column, _ in cells) + 1)
    return max_row, max_column


class _Xml:
    """Serialises elements of one worksheet without repeating the namespace declarations of its root."""

    def __init__(self, root: etree._Element) -> None:
        self.nsmap = dict(root.nsmap)
        self.prefixes = {uri: prefix for prefix, uri in self.nsmap.items()}
        self.prefixes[XML_NS] = "xml"
        if MAIN_NS not in self.prefixes:
            raise ValueError("the worksheet is not in the SpreadsheetML main namespace")
        main = self.prefixes[MAIN_NS]
        self.main = f"{main}:" if main else ""

    def element(self, element: etree._Element) -> str:
        text = etree.tostring(element, encoding="unicode", with_tail=False)
        end = text.index(">")
        start = _DECLARATION.sub(lambda m: "" if self.nsmap.get(m.group(1)) == m.group(2) else m.group(0), text[:end])
        return start + text[end:]

    def name(self, clark: str) -> str:
        if clark.startswith("{"):
            uri, local = clark[1:].split("}", 1)
            prefix = self.prefixes.get(uri)
            return f"{prefix}:{local}" if prefix else local
        return clark

    def attributes(self, attributes: Mapping[str, str]) -> str:
        written = []
        for number, (name, value) in enumerate(attributes.items()):
            if name.startswith("{") and name[1:].split("}", 1)[0] not in self.prefixes:
                # A namespace the root does not declare: declare it on this element.
                uri, local = name[1:].split("}", 1)
                written.append(f' xmlns:ns{number}="{_escape_attribute(uri)}" ns{number}:{local}')
            else:
                written.append(f" {self.name(name)}")
            written.append(f'="{_escape_attribute(value)}"')
        return "".join(written)

    def root_start(self, root: etree._Element) -> str:
        declarations = "".join(
            f' xmlns="{_escape_attribute(uri)}"' if prefix is None else f' xmlns:{prefix}="{_escape_attribute(uri)}"'
            for prefix, uri in self.nsmap.items()
        )
        return f"<{self.name(root.tag)}{declarations}{self.attributes(root.attrib)}>"


def _escape_attribute(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def _escape_text(value: str) -> str:
    # A bare CR would be read back as LF; written as a reference it survives.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


# A row's height in points per line of text (Calibri 11, the default font), and the most lines a row is made tall
# for: a longer message wraps inside its cell and shows the rest when the row is opened up.
_LINE_HEIGHT = 15
_MOST_LINES = 8


def _lines(value: Cell) -> int:
    return value.count("\n") + 1 if isinstance(value, str) else 1


def _row_height(values: Sequence[Cell]) -> int | None:
    """The height that shows every line of the row's tallest text (up to `_MOST_LINES`); None for one line."""
    lines = max((_lines(v) for v in values), default=1)
    return _LINE_HEIGHT * min(lines, _MOST_LINES) if lines > 1 else None


def _new_cell(xml: _Xml, ref: str, value: Cell, style: str | None, date_styles: Mapping[str, str]) -> str:
    name = f"{xml.main}c"
    if is_date_value(value):
        # A date is its serial number shown through a date format: the style is the date's, whatever was there.
        date_style = date_styles[number_format(value)]
        return f'<{name} r="{ref}" s="{date_style}" t="n"><{xml.main}v>{serial(value)!r}</{xml.main}v></{name}>'
    styled = f' s="{style}"' if style else ""
    if value is None or value == "":
        # An emptied cell keeps its formatting; an unformatted empty cell is not written at all.
        return f'<{name} r="{ref}"{styled}/>' if style else ""
    if isinstance(value, bool):
        return f'<{name} r="{ref}"{styled} t="b"><{xml.main}v>{int(value)}</{xml.main}v></{name}>'
    if isinstance(value, (int, float)):
        return f'<{name} r="{ref}"{styled} t="n"><{xml.main}v>{value:.16g}</{xml.main}v></{name}>'
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return (
        f'<{name} r="{ref}"{styled} t="inlineStr"><{xml.main}is><{xml.main}t{space}>{_escape_text(text)}'
        f"</{xml.main}t></{xml.main}is></{name}>"
    )


class _Formulas:
    """Shared formulas written out per cell, translated from their group's first cell (as openpyxl does)."""

    def __init__(self) -> None:
        self._groups: dict[str | None, tuple[str, str]] = {}

    def unshare(self, row: etree._Element) -> None:
        for formula in row.iterfind(f"{CELL}/{FORMULA}[@t='shared']"):
            ref = formula.getparent().get("r")
            group = formula.get("si")
            if formula.text:
                self._groups[group] = (formula.text, ref)
            elif group in self._groups and ref:
                text, origin = self._groups[group]
                formula.text = Translator("=" + text, origin=origin).translate_formula(ref)[1:]
            else:
                continue
            for name in ("t", "ref", "si"):
                formula.attrib.pop(name, None)


def _shift_rows(ref: str, delta: int) -> str:
    return _REF_ROWS.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + delta}", ref)


class _Output:
    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= _FLUSH_CHARS:
            self.flush()

    def flush(self) -> None:
        self._out.write("".join(self._parts).encode("utf-8"))
        self._parts, self._size = [], 0


def _set_freeze(root: etree._Element) -> None:
    """Freeze the header row in the first view, the way openpyxl's `freeze_panes = "A2"` does."""
    views = root.find(SHEET_VIEWS)
    if views is None:
        views = etree.Element(SHEET_VIEWS)
        anchor = root.find(DIMENSION)
        anchor = anchor if anchor is not None else root.find(SHEET_PR)
        (anchor.addnext(views) if anchor is not None else root.insert(0, views))
    view = views.find(SHEET_VIEW)
    if view is None:
        view = etree.SubElement(views, SHEET_VIEW, workbookViewId="0")
    old = view.find(PANE)
    if old is not None:
        view.remove(old)
    view.insert(0, etree.Element(PANE, ySplit="1", topLeftCell="A2", activePane="bottomLeft", state="frozen"))
    selection = view.find(SELECTION)
    if selection is None:
        selection = etree.Element(SELECTION, activeCell="A1", sqref="A1")
        view.insert(1, selection)
    selection.set("pane", "bottomLeft")


def _set_dimension(root: etree._Element, ref: str) -> None:
    dimension = root.find(DIMENSION)
    if dimension is None:
        dimension = etree.Element(DIMENSION)
        sheet_pr = root.find(SHEET_PR)
        (sheet_pr.addnext(dimension) if sheet_pr is not None else root.insert(0, dimension))
    dimension.set("ref", ref)


def rewrite_tab(stream: IO[bytes], out: IO[bytes], edit: TabEdit) -> None:
    """Write the tab read from `stream` to `out` with `edit` applied, holding one source row at a time."""
    rows = _Rows(stream)
    shift = _Shift(edit.inserted)
    pending = sorted(edit.cells)
    formulas = _Formulas()
    output = _Output(out)
    xml: _Xml | None = None
    sheet_data: etree._Element | None = None
    next_pending = 0

    def start(root: etree._Element, data: etree._Element | None) -> tuple[_Xml, etree._Element]:
        if data is None:
            raise ValueError("the worksheet has no <sheetData>")
        if edit.freeze:
            _set_freeze(root)
        if edit.widths and root.find(COLS) is None:
            # Widths only for a tab without any: a person's own widths are theirs.
            cols = etree.Element(COLS)
            for column, width in sorted(edit.widths.items()):
                hidden = {"hidden": "1"} if column in edit.hidden else {}
                etree.SubElement(
                    cols, COL, min=str(column + 1), max=str(column + 1), width=f"{width:g}", customWidth="1", **hidden
                )
            data.addprevious(cols)
        _set_dimension(root, f"A1:{get_column_letter(edit.max_column)}{edit.max_row}")
        writer = _Xml(root)
        output.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n')
        output.write(writer.root_start(root))
        for element in root:
            if element is data:
                break
            output.write(writer.element(element))
        output.write(f"<{writer.main}sheetData>")
        return writer, data

    def new_row(number: int) -> None:
        columns, values = edit.cells[number]
        style = edit.header_style if number == HEADER_ROW else None
        cells = "".join(
            _new_cell(
                xml,
                f"{get_column_letter(column + 1)}{number}",
                value,
                style or (edit.wrap_style if _lines(value) > 1 else None),
                edit.date_styles,
            )
            for column, value in sorted(zip(columns, values), key=lambda pair: pair[0])
        )
        height = _row_height(values)
        attributes = f' ht="{height}" customHeight="1"' if height else ""
        output.write(f'<{xml.main}row r="{number}"{attributes}>{cells}</{xml.main}row>' if cells else "")

    for row, number in rows:
        if xml is None:
            xml, sheet_data = start(rows.root, row.getparent())
        new = shift(number)
        while next_pending < len(pending) and pending[next_pending] < new:
            new_row(pending[next_pending])
            next_pending += 1
        formulas.unshare(row)
        if new != number:
            for formula in row.iterfind(f"{CELL}/{FORMULA}[@ref]"):
                formula.set("ref", _shift_rows(formula.get("ref"), new - number))
        patch = None
        if next_pending < len(pending) and pending[next_pending] == new:
            patch = edit.cells[new]
            next_pending += 1
        output.write(_existing_row(xml, row, number, new, patch, edit))
    if xml is None:
        root = rows.root
        xml, sheet_data = start(root, root.find(SHEET_DATA) if root is not None else None)
    for number in pending[next_pending:]:
        new_row(number)
    output.write(f"</{xml.main}sheetData>")
    if edit.filter:
        _set_filter(sheet_data, f"A1:{get_column_letter(edit.max_column)}{edit.max_row}")
    for element in sheet_data.itersiblings():
        output.write(xml.element(element))
    output.write(f"</{xml.name(rows.root.tag)}>")
    output.flush()


def _set_filter(sheet_data: etree._Element, ref: str) -> None:
    """A filter on the header over every row (kept, and stretched to new rows, if a person already set one)."""
    existing = next((e for e in sheet_data.itersiblings() if e.tag == AUTO_FILTER), None)
    if existing is not None:
        existing.set("ref", ref)
        return
    anchor = sheet_data
    for element in sheet_data.itersiblings():
        if element.tag not in _BEFORE_FILTER:
            break
        anchor = element
    anchor.addnext(etree.Element(AUTO_FILTER, ref=ref))


def _existing_row(
    xml: _Xml,
    row: etree._Element,
    number: int,
    new: int,
    patch: tuple[Sequence[int], Sequence[Cell]] | None,
    edit: TabEdit,
) -> str:
    cells = _cells(row)
    if patch is None:
        if new != number:
            row.set("r", str(new))
            for column, cell in cells:
                cell.set("r", f"{get_column_letter(column + 1)}{new}")
        return xml.element(row)
    attributes = {name: value for name, value in row.attrib.items() if name != "spans"}
    attributes["r"] = str(new)
    written = dict(zip(*patch))
    existing = dict(cells)
    if "ht" not in attributes or _height_was_ours(attributes, existing, written, edit.strings):
        # A height a person gave the row is theirs; a row without one, or with the height this sink gave it for the
        # lines it held, is made as tall as its lines now are (or left to the default for one line).
        attributes.pop("ht", None)
        attributes.pop("customHeight", None)
        if height := _row_height(patch[1]):
            attributes.update(ht=str(height), customHeight="1")
    parts = []
    for column in sorted(set(existing) | set(written)):
        ref = f"{get_column_letter(column + 1)}{new}"
        cell = existing.get(column)
        if column in written:
            style = cell.get("s") if cell is not None else None
            if new == HEADER_ROW and style is None:
                style = edit.header_style
            if style is None and _lines(written[column]) > 1:
                style = edit.wrap_style
            parts.append(_new_cell(xml, ref, written[column], style, edit.date_styles))
        else:
            cell.set("r", ref)
            parts.append(xml.element(cell))
    name = f"{xml.main}row"
    extra = [child for child in row if child.tag != CELL]
    return f"<{name}{xml.attributes(attributes)}>{''.join(parts)}{''.join(xml.element(e) for e in extra)}</{name}>"


def _height_was_ours(
    attributes: Mapping[str, str],
    existing: Mapping[int, etree._Element],
    written: Mapping[int, Cell],
    strings: SharedStrings,
) -> bool:
    """Whether a row's height is the one this sink set for the lines of the managed cells it held: a row keeps no
    mark of who set its height, but a person's is rarely exactly the height of the row's own lines."""
    if attributes.get("customHeight") not in ("1", "true"):
        return False
    try:
        held = [cell_value(existing.get(column), strings) for column in written]
        return float(attributes["ht"]) == _row_height(held)
    except (IndexError, ValueError):
        return False
