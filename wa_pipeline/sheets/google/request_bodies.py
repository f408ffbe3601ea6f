"""The bodies of the Sheets API requests an upsert sends: A1 ranges, row ranges to read, value writes and grid
insertions, each packed under Google's advised 2 MB per request, and the formatting that makes a tab readable."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from wa_pipeline.sheets.cell_types import is_date_value, number_format, serial
from wa_pipeline.sheets.sink import Cell
from wa_pipeline.sheets.upsert_plan import HEADER_ROW, Insertion, UpsertPlan

# Google advises keeping a request under 2 MB; past that latency and timeouts climb.
MAX_REQUEST_BYTES = 2_000_000
# batchGet carries its ranges in the URL; past this many row ranges, read one range spanning them instead.
MAX_READ_RANGES = 40
# Column widths as the workbook sizes them (characters, within limits), in Google's pixels (about 7 a character
# in the default 10 pt Arial).
MIN_WIDTH_CHARS, MAX_WIDTH_CHARS, PIXELS_PER_CHAR = 8, 50, 7
# Rows sampled to size a column: enough to see its typical cells; a 100,000-row first sync need not measure each.
WIDTH_SAMPLE_ROWS = 200


def row_ranges(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted sheet row numbers as (first, last) runs of adjacent rows; past MAX_READ_RANGES runs, the smallest
    gaps are read across (a few extra rows beat a URL too long to send)."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    excess = len(runs) - MAX_READ_RANGES
    if excess > 0:
        by_gap = sorted(range(len(runs) - 1), key=lambda i: (runs[i + 1][0] - runs[i][1], i))
        bridged = set(by_gap[:excess])
        merged = [runs[0]]
        for i, run in enumerate(runs[1:]):
            if i in bridged:
                merged[-1][1] = run[1]
            else:
                merged.append(run)
        runs = merged
    return [(first, last) for first, last in runs]


def rows_from(ranges: list[tuple[int, int]], replies: list[list[list[Any]]]) -> dict[int, list[Any]]:
    """Sheet row -> cells, for row ranges read back (trailing empty rows are left out of replies: empty here)."""
    found: dict[int, list[Any]] = {}
    for (first, last), values in zip(ranges, replies):
        for offset in range(last - first + 1):
            found[first + offset] = list(values[offset]) if offset < len(values) else []
    return found


def cell_at(row: Sequence[Any], position: int) -> Any:
    return row[position] if position < len(row) else None


def insertion_requests(sheet_id: int, plan: UpsertPlan, insertion: Insertion) -> list[dict[str, Any]]:
    """Insert empty rows before `before_row` and fill their managed cells, each block in one atomic batch: a
    retry after an ambiguous failure reads the keys back, so the rows are never inserted twice.

    A block too big for one request is split; the parts go in bottom part first, all at the same place, so
    each pushes the ones inserted before it down and they end up in order.
    """
    start = insertion.before_row - 1  # 0-based
    by_position = {position: index for index, position in enumerate(plan.layout.positions)}
    runs = _adjacent_runs(sorted(plan.layout.positions))
    parts: list[list[list[Cell]]] = [[]]
    size = 0
    for cells in insertion.rows:
        row_size = len(json.dumps([sheet_value(cell) for cell in cells])) + 40 * len(cells)
        if parts[-1] and size + row_size > MAX_REQUEST_BYTES // 2:
            parts.append([])
            size = 0
        parts[-1].append(cells)
        size += row_size
    requests: list[dict[str, Any]] = []
    for part in reversed(parts):
        requests.append(
            {
                "insertDimension": {
                    "range": {
                        "sheetId": sheet_id,
                        "dimension": "ROWS",
                        "startIndex": start,
                        "endIndex": start + len(part),
                    },
                    # Formatting comes from the row above, unless that is the header.
                    "inheritFromBefore": start > HEADER_ROW,
                }
            }
        )
        for run in runs:
            requests.append(
                {
                    "updateCells": {
                        "start": {"sheetId": sheet_id, "rowIndex": start, "columnIndex": run[0]},
                        "rows": [{"values": [_cell_data(cells[by_position[p]]) for p in run]} for cells in part],
                        "fields": "userEnteredValue",
                    }
                }
            )
    return requests


def sheet_value(value: Cell) -> Cell:
    """A cell as a RAW write sends it: a date as its serial number (shown as a date by `date_format_requests`),
    so no text is ever parsed the way USER_ENTERED would parse a person's words."""
    return serial(value) if is_date_value(value) else value


def date_format_requests(sheet_id: int, plan: UpsertPlan) -> list[dict[str, Any]]:
    """Show every managed column that holds dates with its date format, over the tab's data rows (one repeatCell
    per column: a format set once on the column's rows, whichever way the rows were written)."""
    formats: dict[int, str] = {}
    written = [*plan.writes.values(), *(cells for insertion in plan.insertions for cells in insertion.rows)]
    for cells in written:
        for index, value in enumerate(cells):
            if index not in formats and is_date_value(value):
                formats[index] = number_format(value)
    requests = []
    for index, pattern in sorted(formats.items()):
        column = plan.layout.positions[index]
        requests.append(
            {
                "repeatCell": {
                    "range": {
                        "sheetId": sheet_id,
                        "startRowIndex": HEADER_ROW,
                        "endRowIndex": plan.last_row,
                        "startColumnIndex": column,
                        "endColumnIndex": column + 1,
                    },
                    "cell": {
                        "userEnteredFormat": {
                            "numberFormat": {"type": "DATE_TIME" if "h" in pattern else "DATE", "pattern": pattern}
                        }
                    },
                    "fields": "userEnteredFormat.numberFormat",
                }
            }
        )
    return requests


def tab_format_requests(
    sheet_id: int, plan: UpsertPlan, key_position: int, added: Mapping[int, str]
) -> list[dict[str, Any]]:
    """What makes a tab read like the workbook's, for when its header is written (a new tab, or new managed
    columns): a bold header row, a basic filter over the managed columns, the key column hidden (it stays the
    upsert's anchor) and widths for the `added` columns (position -> name: the plan's, and any whose header an
    earlier upsert wrote without seeing their formatting applied). The header is frozen when the tab is created or
    grown. Formatting a person changes afterwards (widths, a filter) is theirs: it is sent only with a header write."""
    width = plan.layout.width
    header = {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": HEADER_ROW, "startColumnIndex": 0}
    requests: list[dict[str, Any]] = [
        {
            "repeatCell": {
                "range": {**header, "endColumnIndex": width},
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "userEnteredFormat.textFormat.bold",
            }
        },
        {
            "setBasicFilter": {
                "filter": {"range": {"sheetId": sheet_id, "startColumnIndex": 0, "endColumnIndex": width}}
            }
        },
    ]
    for position, pixels in column_pixels(plan, added).items():
        requests.append(_dimension_properties(sheet_id, position, {"pixelSize": pixels}))
    if key_position in added:
        requests.append(_dimension_properties(sheet_id, key_position, {"hiddenByUser": True}))
    return requests


def column_pixels(plan: UpsertPlan, added: Mapping[int, str]) -> dict[int, int]:
    """Widths (pixels) of the `added` columns that show their header and the plan's typical cells whole."""
    rows = [row for insertion in plan.insertions for row in insertion.rows][:WIDTH_SAMPLE_ROWS]
    rows += list(plan.writes.values())[:WIDTH_SAMPLE_ROWS]
    widths = {}
    for index, position in enumerate(plan.layout.positions):
        if position not in added:
            continue
        longest = max([len(plan.layout.header[position])] + [len(_shown_width(row[index])) for row in rows])
        widths[position] = min(max(longest + 2, MIN_WIDTH_CHARS), MAX_WIDTH_CHARS) * PIXELS_PER_CHAR
    return widths


def _shown_width(value: Cell) -> str:
    if value is None:
        return ""
    if is_date_value(value):
        return number_format(value)  # a date shows as its pattern's length
    return str(value)


def _dimension_properties(sheet_id: int, column: int, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": column, "endIndex": column + 1},
            "properties": properties,
            "fields": ",".join(properties),
        }
    }


def _cell_data(value: Cell) -> dict[str, Any]:
    # stringValue is never parsed as a formula: the same guarantee as a RAW values write.
    value = sheet_value(value)
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, (int, float)):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def batches(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """spreadsheets.batchUpdate bodies under MAX_REQUEST_BYTES; an insertion and the updateCells that fill it
    stay in one body, so each body leaves the sheet consistent on its own."""
    groups: list[list[dict[str, Any]]] = []
    for request in requests:
        if "updateCells" in request and groups:
            groups[-1].append(request)
        else:
            groups.append([request])
    bodies: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    size = 0
    for group in groups:
        group_size = len(json.dumps(group)) + 2
        if batch and size + group_size > MAX_REQUEST_BYTES:
            bodies.append({"requests": batch})
            batch, size = [], 0
        batch += group
        size += group_size
    if batch:
        bodies.append({"requests": batch})
    return bodies


def write_requests(tab: str, plan: UpsertPlan) -> Iterator[dict[str, Any]]:
    """Every cell to write, as explicit A1 ranges, packed into as few values:batchUpdate bodies as fit in 2 MB.

    Explicit ranges make a retried write land on the same cells (an append would add the rows again).
    Adjacent rows share one range; managed columns split apart by user columns get one range per run,
    so a user's cells between them are never written. Bodies are made as they are sent: a 100,000-row day
    never holds all of its request bodies at once.
    """
    layout = plan.layout

    def ranges() -> Iterator[dict[str, Any]]:
        for run in _adjacent_runs(sorted(layout.added)):
            yield _value_range(tab, HEADER_ROW, run[0], run[-1], [[layout.added[p] for p in run]])
        by_position = {position: index for index, position in enumerate(layout.positions)}
        for run in _adjacent_runs(sorted(layout.positions)):
            yield from _row_blocks(tab, plan.writes, run, [by_position[p] for p in run])

    batch: list[dict[str, Any]] = []
    size = 0
    for value_range in ranges():
        range_size = len(json.dumps(value_range)) + 2
        if batch and size + range_size > MAX_REQUEST_BYTES:
            yield {"valueInputOption": "RAW", "data": batch}
            batch, size = [], 0
        batch.append(value_range)
        size += range_size
    if batch:
        yield {"valueInputOption": "RAW", "data": batch}


def _row_blocks(
    tab: str, writes: dict[int, list[Cell]], run: list[int], indexes: list[int]
) -> Iterator[dict[str, Any]]:
    """Ranges over the sheet columns `run` (cells taken from managed `indexes`), one per block of adjacent rows."""
    block: list[list[Cell]] = []
    block_start = previous = -1
    size = 0
    for number in sorted(writes):
        row = [sheet_value(writes[number][i]) for i in indexes]
        row_size = len(json.dumps(row))
        # Half the request budget per range, so a huge block still splits into requests under the limit.
        if block and (number != previous + 1 or size + row_size > MAX_REQUEST_BYTES // 2):
            yield _value_range(tab, block_start, run[0], run[-1], block)
            block, size = [], 0
        if not block:
            block_start = number
        block.append(row)
        size += row_size
        previous = number
    if block:
        yield _value_range(tab, block_start, run[0], run[-1], block)


def _value_range(tab: str, start_row: int, first: int, last: int, block: list[list[Cell]]) -> dict[str, Any]:
    """`first`/`last` are 0-based sheet columns; rows are sheet row numbers."""
    cells = f"{column_letters(first + 1)}{start_row}:{column_letters(last + 1)}{start_row + len(block) - 1}"
    return {"range": a1(tab, cells), "majorDimension": "ROWS", "values": block}


def _adjacent_runs(positions: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for position in positions:
        if runs and position == runs[-1][-1] + 1:
            runs[-1].append(position)
        else:
            runs.append([position])
    return runs


def a1(tab: str, cells: str | None = None) -> str:
    quoted = "'" + tab.replace("'", "''") + "'"
    return f"{quoted}!{cells}" if cells else quoted


def column_letters(column: int) -> str:
    """1-based column number to letters: 1 -> A, 27 -> AA."""
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
