"""The local sheet backend: upserts into an .xlsx workbook, safe against crashes and concurrent writers."""

from __future__ import annotations

import fcntl
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from wa_pipeline.sheets.cell_safety import safe_cell
from wa_pipeline.sheets.sheet_limits import CellUsage
from wa_pipeline.sheets.sink import Cell, TabContents, UpsertResult
from wa_pipeline.sheets.upsert_plan import HEADER_ROW, TabSnapshot, plan_upsert, prepare_rows

# Excel refuses to open a cell over 32,767 characters and openpyxl silently cuts there; cut visibly instead.
EXCEL_MAX_CELL_CHARS = 32_767


class WorkbookSink:
    """A `SheetSink` on one local .xlsx file: the offline stand-in for the Google spreadsheet."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def location(self) -> str:
        return str(self.path.resolve())

    def upsert(
        self, tab: str, columns: Sequence[str], key: str, rows: Sequence[Sequence[Cell]], order_by: Sequence[str] = ()
    ) -> UpsertResult:
        wanted = prepare_rows(columns, key, rows, stored=_stored, order_by=order_by)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The lock spans read, plan and save: a second writer (another run, another day) waits for the whole upsert.
        with self._locked(fcntl.LOCK_EX):
            book = self._load()
            created = tab not in book.sheetnames
            sheet = book[tab] if not created else _create_tab(book, tab)
            existing = list(sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=max(sheet.max_row, HEADER_ROW), values_only=True))
            # Rows that are only formatted count in max_row; new rows belong right after the last row with values.
            while existing and all(value is None for value in existing[-1]):
                existing.pop()
            header = next(sheet.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True), ())
            snapshot = TabSnapshot.whole(header, existing, columns, key, order_by)
            plan = plan_upsert(snapshot, columns, key, wanted, order_by)

            for position, name in plan.layout.added.items():
                _write(sheet, HEADER_ROW, position, name)
            # Bottom-up, so the rows of each insertion are numbered as planned; cells of user columns move along.
            for insertion in plan.insertions:
                sheet.insert_rows(insertion.before_row, amount=len(insertion.rows))
                for offset, cells in enumerate(insertion.rows):
                    for position, value in zip(plan.layout.positions, cells):
                        _write(sheet, insertion.before_row + offset, position, value)
            for row_number, cells in plan.writes.items():
                for position, value in zip(plan.layout.positions, cells):
                    _write(sheet, row_number, position, value)
            refroze = sheet.freeze_panes is None
            if refroze:
                sheet.freeze_panes = "A2"

            if created or refroze or plan.layout.added or plan.writes or plan.insertions:
                self._save(book)
            # Counted against Google's limit: the workbook stands in for the spreadsheet the rows may move to.
            usage = CellUsage(sum(each.max_row * each.max_column for each in book.worksheets))
        return UpsertResult(
            inserted=plan.inserted,
            updated=plan.updated,
            unchanged=plan.unchanged,
            placed_in_order=sum(len(i.rows) for i in plan.insertions),
            sheet_cells=usage.cells,
            warnings=(usage.warning,) if usage.warning else (),
        )

    def read_tab(self, tab: str) -> TabContents:
        if not self.path.exists():
            return TabContents(header=[], rows=[])
        with self._locked(fcntl.LOCK_SH):
            book = openpyxl.load_workbook(self.path, read_only=True)
            try:
                if tab not in book.sheetnames:
                    return TabContents(header=[], rows=[])
                values = [[_shown(value) for value in row] for row in book[tab].iter_rows(values_only=True)]
            finally:
                book.close()
        values = [_trim(row) for row in values]
        while values and not values[-1]:
            values.pop()
        if not values:
            return TabContents(header=[], rows=[])
        header, rows = values[0], values[1:]
        return TabContents(header=header, rows=[row + [""] * (len(header) - len(row)) for row in rows])

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

    def _load(self) -> Workbook:
        if self.path.exists():
            return openpyxl.load_workbook(self.path)
        book = openpyxl.Workbook()
        # A new workbook comes with an empty "Sheet"; only the tabs we write belong in ours.
        book.remove(book.active)
        return book

    def _save(self, book: Workbook) -> None:
        # Save beside the target and rename over it: a crash leaves the old workbook or the new one, never half.
        # mkstemp makes the file private; keep the mode the workbook had, or an ordinary file's.
        mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o644
        handle, temp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(handle, "wb") as temp:
                book.save(temp)
                temp.flush()
                os.fsync(temp.fileno())
            os.chmod(temp_name, mode)
            os.replace(temp_name, self.path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        _fsync_dir(self.path.parent)


def _create_tab(book: Workbook, tab: str) -> Worksheet:
    sheet = book.create_sheet(tab)
    sheet.freeze_panes = "A2"
    return sheet


def _stored(value: object) -> Cell:
    """What the workbook keeps for a value, so rereading it compares equal to what we meant to write."""
    if isinstance(value, str):
        # Control characters are illegal in xlsx XML; drop them before deciding whether the text needs neutralising.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return safe_cell(value, limit=EXCEL_MAX_CELL_CHARS)


def _write(sheet: Worksheet, row: int, position: int, value: Cell) -> None:
    cell = sheet.cell(row=row, column=position + 1)
    if value == "" or value is None:
        cell.value = None
        return
    cell.value = value
    if isinstance(value, str):
        # openpyxl infers formulas ("=...") and error codes ("#N/A") from text; ours is only ever text.
        cell.data_type = "s"


def _shown(value: object) -> str:
    """A cell as a spreadsheet app displays it by default."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}".upper()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


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
