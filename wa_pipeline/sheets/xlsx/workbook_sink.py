"""The local sheet backend: upserts into an .xlsx workbook, safe against crashes and concurrent writers.

An upsert streams the one tab it changes (`xlsx_sheet_stream`) and copies the other parts of the file as they
are, so its memory follows the rows it writes, not the size of the workbook.
"""

from __future__ import annotations

import fcntl
import functools
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import tzinfo
from pathlib import Path
from typing import IO

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from wa_pipeline.sheets.cell_safety import safe_cell
from wa_pipeline.sheets.cell_types import is_date_value, number_format, shown
from wa_pipeline.sheets.sheet_limits import EXCEL_MAX_CELL_CHARS, CellUsage
from wa_pipeline.sheets.sink import Cell, TabContents, UpsertResult
from wa_pipeline.sheets.upsert_plan import plan_upsert, prepare_rows
from wa_pipeline.sheets.xlsx.package import XlsxPackage
from wa_pipeline.sheets.xlsx.sheet_stream import (
    EMPTY_SHEET,
    TabEdit,
    read_rows,
    read_shared_strings,
    rewrite_tab,
    scan_tab,
    scanned_extent,
    tab_extent,
)

# Code points XML 1.0 cannot hold at all, beyond the control characters openpyxl lists: written, they would make
# the file unreadable.
NOT_XML_CHARACTERS = re.compile("[\ud800-\udfff\ufffe\uffff]")


class WorkbookSink:
    """A `SheetSink` on one local .xlsx file: the offline stand-in for the Google spreadsheet."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def location(self) -> str:
        return str(self.path.resolve())

    @property
    def max_cell_chars(self) -> int:
        return EXCEL_MAX_CELL_CHARS

    def upsert(
        self,
        tab: str,
        columns: Sequence[str],
        key: str,
        rows: Sequence[Sequence[Cell]],
        order_by: Sequence[str] = (),
        position: int | None = None,
        tz: tzinfo | None = None,
    ) -> UpsertResult:
        wanted = prepare_rows(columns, key, rows, stored=_stored, order_by=order_by)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The lock spans read, plan and save: a second writer (another run, another day) waits for the whole upsert.
        with self._locked(fcntl.LOCK_EX), self._open(tab) as (archive, created):
            package = XlsxPackage.open(archive)
            strings = _SharedStrings(package)
            part = package.part_of(tab)
            found: list[str] = []
            if part is None:
                if not created:
                    found = _renamed_warnings(archive, package, strings, tab, key, columns)
                part = package.add_tab(tab)
                source: Callable[[], IO[bytes]] = functools.partial(io.BytesIO, EMPTY_SHEET)
                created = True
            else:
                source = functools.partial(archive.open, part)
            with source() as stream:
                scan = scan_tab(stream, columns, key, order_by, wanted, strings, package.cell_formats())
            plan = plan_upsert(scan.snapshot, columns, key, wanted, order_by, tab=tab, tz=tz)
            # Date formats are added to the stylesheet only by a write that holds dates.
            formats = {number_format(v) for cells in plan.writes.values() for v in cells if is_date_value(v)}
            formats |= {
                number_format(v) for i in plan.insertions for cells in i.rows for v in cells if is_date_value(v)
            }
            header_written = bool(plan.layout.added)
            # A wrapping style is added to the stylesheet only by a write that holds text of several lines.
            multi_line = any(
                isinstance(v, str) and "\n" in v
                for cells in [*plan.writes.values(), *(row for i in plan.insertions for row in i.rows)]
                for v in cells
            )
            edit = TabEdit.from_plan(
                plan,
                scan,
                {f: package.number_style(f) for f in sorted(formats)},
                header_style=package.header_style() if header_written else None,
                widths=_widths(plan) if created else None,
                filter=bool(plan.writes or plan.insertions or header_written),
                hidden=[plan.layout.position(columns, key)] if created else (),
                wrap_style=package.wrap_style() if multi_line else None,
                strings=strings,
            )

            moved = position is not None and package.place_tab(tab, position)
            if created or edit.changes or moved:
                package.drop_calc_chain()

                def write_tab(sink: IO[bytes]) -> None:
                    with source() as stream:
                        rewrite_tab(stream, sink, edit)

                self._save(lambda out: package.save(out, {part: write_tab}))
            # Counted against Google's limit: the workbook stands in for the spreadsheet the rows may move to.
            cells = edit.max_row * edit.max_column
            for _, other in package.tabs():
                if other != part:
                    cells += _extent(archive, other)
            usage = CellUsage(cells)
        return UpsertResult(
            inserted=plan.inserted,
            updated=plan.updated,
            unchanged=plan.unchanged,
            placed_in_order=sum(len(i.rows) for i in plan.insertions),
            sheet_cells=usage.cells,
            warnings=(*found, *plan.layout.warnings(tab), *((usage.warning,) if usage.warning else ())),
            rewritten=plan.rewritten_cells(),
        )

    def read_tab(self, tab: str) -> TabContents:
        if not self.path.exists():
            return TabContents(header=[], rows=[])
        with self._locked(fcntl.LOCK_SH), zipfile.ZipFile(self.path) as archive:
            package = XlsxPackage.open(archive)
            part = package.part_of(tab)
            if part is None:
                return TabContents(header=[], rows=[])
            strings, formats = _SharedStrings(package), package.cell_formats()
            with archive.open(part) as stream:
                shown = (_trim([_shown(value) for value in row]) for row in read_rows(stream, strings, formats))
                values = _shared_runs(shown)
        while values and not values[-1]:
            values.pop()
        if not values:
            return TabContents(header=[], rows=[])
        header, rows = values[0], values[1:]
        return TabContents(header=header, rows=[row + [""] * (len(header) - len(row)) for row in rows])

    def delete_rows(self, tab: str, key: str, keys: Collection[str]) -> int:
        """Delete the rows whose `key` cell is one of `keys`; the rest of the workbook is saved as it was.

        Rare (a customer forgotten), so the whole workbook goes through openpyxl once rather than the upsert's stream:
        rows below move up with their user cells, and the strings of deleted rows leave the shared-strings table.
        """
        wanted = set(keys)
        if not wanted or not self.path.exists():
            return 0
        with self._locked(fcntl.LOCK_EX):
            book = openpyxl.load_workbook(self.path)
            if tab not in book.sheetnames:
                return 0
            sheet = book[tab]
            header = [cell.value for cell in sheet[1]]
            if key not in header:
                return 0
            column = header.index(key) + 1
            doomed = [
                row for row in range(2, sheet.max_row + 1) if _shown(sheet.cell(row=row, column=column).value) in wanted
            ]
            # Bottom up, so each deletion leaves the rows still to delete where they were.
            for row in reversed(doomed):
                sheet.delete_rows(row)
            if doomed:
                self._save(book.save)
        return len(doomed)

    @contextmanager
    def _locked(self, mode: int) -> Iterator[None]:
        # A sidecar lock file: the workbook itself is replaced on every save, so a lock on it would not hold.
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        with open(lock_path, "a+b") as handle:
            fcntl.flock(handle, mode)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def _open(self, tab: str) -> Iterator[tuple[zipfile.ZipFile, bool]]:
        """The workbook's package, and whether it is new (then in memory, with `tab` as its only, empty tab)."""
        if self.path.exists():
            with zipfile.ZipFile(self.path) as archive:
                yield archive, False
            return
        book = openpyxl.Workbook()
        book.active.title = tab
        buffer = io.BytesIO()
        book.save(buffer)
        with zipfile.ZipFile(buffer) as archive:
            yield archive, True

    def _save(self, write: Callable[[IO[bytes]], None]) -> None:
        # Save beside the target and rename over it: a crash leaves the old workbook or the new one, never half.
        # mkstemp makes the file private; keep the mode the workbook had, or an ordinary file's.
        mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o644
        handle, temp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(handle, "wb") as temp:
                write(temp)
                temp.flush()
                os.fsync(temp.fileno())
            os.chmod(temp_name, mode)
            os.replace(temp_name, self.path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        _fsync_dir(self.path.parent)


class _SharedStrings:
    """The workbook's shared strings, read on first use: only files saved by Excel or LibreOffice have them."""

    def __init__(self, package: XlsxPackage) -> None:
        self._package = package
        self._strings: list[str] | None = None

    def __call__(self) -> list[str]:
        if self._strings is None:
            part = self._package.shared_strings_part()
            self._strings = []
            if part is not None:
                with self._package.archive.open(part) as stream:
                    self._strings = read_shared_strings(stream)
        return self._strings


def _renamed_warnings(
    archive: zipfile.ZipFile, package: XlsxPackage, strings: _SharedStrings, tab: str, key: str, columns: Sequence[str]
) -> list[str]:
    """When `tab` is missing from an existing workbook: a tab whose header holds all of its columns may be it, renamed
    (the key alone would name every other tab of ours that carries a message id).

    A workbook keeps no identity for a tab across renames (apps renumber sheetIds on save), so the tab is created
    anew and the person is told where the earlier rows are."""
    holding = []
    for name, part in package.tabs():
        with archive.open(part) as stream:
            header = next(iter(read_rows(stream, strings, package.cell_formats())), [])
        if set(columns) <= {_shown(value) for value in header}:
            holding.append(name)
    if not holding:
        return []
    return [
        f"tab {tab!r} was not in the workbook, so it was created anew with the rows of this sync; tab {name!r} has "
        f"our {key!r} column: if it is {tab!r} renamed, name it back (its rows are kept there until then)"
        for name in holding
    ]


def _extent(archive: zipfile.ZipFile, part: str) -> int:
    """Cells in a tab's used range, as openpyxl counts max_row * max_column."""
    with archive.open(part) as stream:
        rows, columns = tab_extent(stream)
    if not rows:
        with archive.open(part) as stream:
            rows, columns = scanned_extent(stream)
    return max(rows, 1) * max(columns, 1)


def _stored(value: object) -> Cell:
    """What the workbook keeps for a value, so rereading it compares equal to what we meant to write."""
    if isinstance(value, str):
        # Control characters are illegal in xlsx XML; drop them before deciding whether the text needs neutralising.
        value = NOT_XML_CHARACTERS.sub("", ILLEGAL_CHARACTERS_RE.sub("", value))
    return safe_cell(value, limit=EXCEL_MAX_CELL_CHARS)


def _shown(value: object) -> str:
    """A cell as a spreadsheet app displays it by default."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}".upper()
    if is_date_value(value):
        return shown(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _widths(plan) -> dict[int, float]:
    """Column widths (characters) that show a new tab's header and typical cells whole, within limits."""
    # A sample is enough to size a column; a 100,000-row first sync need not measure every cell.
    rows = [row for insertion in plan.insertions for row in insertion.rows][:200] + list(plan.writes.values())[:200]
    widths = {}
    for index, position in enumerate(plan.layout.positions):
        shown = [_shown(row[index]) for row in rows]
        longest = max([len(plan.layout.header[position])] + [len(text) for text in shown])
        widths[position] = float(min(max(longest + 2, 8), 50))
    return widths


def _shared_runs(rows: Iterable[list[str]]) -> list[list[str]]:
    """The rows, a cell equal to the one above it sharing its string: a day's date, chat or label, held once."""
    kept: list[list[str]] = []
    above: list[str] = []
    for row in rows:
        for position, text in enumerate(row[: len(above)]):
            if text and text == above[position]:
                row[position] = above[position]
        kept.append(row)
        above = row
    return kept


def _trim(row: list[str]) -> list[str]:
    while row and not row[-1]:
        row.pop()
    return row


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
