"""The Google Sheets backend: idempotent, batched upserts through gspread, a constant number of API calls per upsert."""

from __future__ import annotations

import json
from contextlib import contextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Any, Iterator, Sequence

import gspread
from google.auth.exceptions import RefreshError
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError, SpreadsheetNotFound
from gspread.spreadsheet import Spreadsheet

from wa_pipeline.sheets.endpoint_session import GOOGLE_SHEETS_ENDPOINT, EndpointSession, check_endpoint
from wa_pipeline.sheets.errors import SheetConfigError
from wa_pipeline.sheets.sink import Cell, TabContents, UpsertResult
from wa_pipeline.sheets.upsert_plan import HEADER_ROW, UpsertPlan, layout_managed_columns, plan_upsert

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
# Google advises keeping a request under 2 MB; past that latency and timeouts climb.
MAX_REQUEST_BYTES = 2_000_000
# Grow the grid with room to spare, so most upserts need no resize call at all.
ROW_HEADROOM = 1000
NEW_TAB_ROWS = 1000


class GoogleSheetsSink:
    """A `SheetSink` on one Google spreadsheet, authenticated as a service account.

    Nothing touches the network until the first upsert or read; configuration problems then raise
    `SheetConfigError` saying what to fix.
    """

    def __init__(
        self,
        credentials_path: Path,
        spreadsheet_key: str,
        endpoint: str = GOOGLE_SHEETS_ENDPOINT,
        timeout: float = 60,
    ) -> None:
        self.credentials_path = Path(credentials_path)
        self.spreadsheet_key = spreadsheet_key
        try:
            self.endpoint = check_endpoint(endpoint)
        except ValueError as error:
            raise SheetConfigError(f"WA_SHEETS_ENDPOINT: {error}") from None
        self.timeout = timeout
        self._session: EndpointSession | None = None
        self._book: Spreadsheet | None = None
        self._account = "the service account"

    @property
    def location(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_key}"

    def upsert(self, tab: str, columns: Sequence[str], key: str, rows: Sequence[Sequence[Cell]]) -> UpsertResult:
        with self._config_errors():
            calls_before = self._calls()
            book = self._spreadsheet()
            properties = self._tab_properties(book, tab)
            if properties is None:
                plan = plan_upsert([], [], columns, key, rows)
                self._add_tab(book, tab, plan)
            else:
                header, existing = self._read_managed(book, tab, properties, columns)
                plan = plan_upsert(header, existing, columns, key, rows)
                self._fit_grid(book, properties, plan)
            for body in _write_requests(tab, plan):
                book.values_batch_update(body=body)
            return UpsertResult(
                inserted=plan.inserted, updated=plan.updated, unchanged=plan.unchanged, api_calls=self._calls() - calls_before
            )

    def read_tab(self, tab: str) -> TabContents:
        with self._config_errors():
            book = self._spreadsheet()
            if self._tab_properties(book, tab) is None:
                return TabContents(header=[], rows=[])
            values = book.values_get(_a1(tab), params={"valueRenderOption": "FORMATTED_VALUE"}).get("values", [])
        if not values:
            return TabContents(header=[], rows=[])
        header = [str(cell) for cell in values[0]]
        rows = [[str(cell) for cell in row] + [""] * (len(header) - len(row)) for row in values[1:]]
        return TabContents(header=header, rows=rows)

    # ---- the steps of an upsert

    def _tab_properties(self, book: Spreadsheet, tab: str) -> dict[str, Any] | None:
        # Fresh every time: people resize, rename and freeze tabs between our runs.
        metadata = book.fetch_sheet_metadata(params={"includeGridData": "false", "fields": "sheets.properties"})
        sheets = [sheet["properties"] for sheet in metadata.get("sheets", [])]
        exact = [properties for properties in sheets if properties.get("title") == tab]
        # Sheet names are unique ignoring case, so a differently cased name is the same tab.
        return (exact or [p for p in sheets if str(p.get("title", "")).lower() == tab.lower()] or [None])[0]

    def _read_managed(
        self, book: Spreadsheet, tab: str, properties: dict[str, Any], columns: Sequence[str]
    ) -> tuple[list[Any], list[list[Any]]]:
        """The header and the managed columns' cells, in one batched read (two if the header was extended)."""
        grid_columns = int(properties["gridProperties"]["columnCount"])
        width = min(len(columns), grid_columns)
        header_rows, block = self._batch_read(book, [_a1(tab, "1:1"), _a1(tab, f"A:{_letters(width)}")])
        header = header_rows[0] if header_rows else []
        furthest = min(max(layout_managed_columns(header, columns).positions) + 1, grid_columns)
        if furthest > width:
            # A managed column was added after columns a user made: it lives further right.
            (block,) = self._batch_read(book, [_a1(tab, f"A:{_letters(furthest)}")])
        return header, block[HEADER_ROW:]

    def _batch_read(self, book: Spreadsheet, ranges: list[str]) -> list[list[list[Any]]]:
        # Unformatted: numbers and booleans come back typed, so unchanged rows compare equal to what we'd write.
        reply = book.values_batch_get(ranges, params={"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "ROWS"})
        found = [value_range.get("values", []) for value_range in reply.get("valueRanges", [])]
        return found + [[]] * (len(ranges) - len(found))

    def _add_tab(self, book: Spreadsheet, tab: str, plan: UpsertPlan) -> None:
        # One request creates the tab at its final size with the header already frozen.
        book.batch_update(
            {
                "requests": [
                    {
                        "addSheet": {
                            "properties": {
                                "title": tab,
                                "sheetType": "GRID",
                                "gridProperties": {
                                    "rowCount": max(NEW_TAB_ROWS, plan.last_row + ROW_HEADROOM),
                                    "columnCount": plan.layout.width,
                                    "frozenRowCount": HEADER_ROW,
                                },
                            }
                        }
                    }
                ]
            }
        )

    def _fit_grid(self, book: Spreadsheet, properties: dict[str, Any], plan: UpsertPlan) -> None:
        grid = properties["gridProperties"]
        wanted: dict[str, int] = {}
        if plan.last_row > grid["rowCount"]:
            wanted["rowCount"] = plan.last_row + ROW_HEADROOM
        if plan.layout.width > grid["columnCount"]:
            wanted["columnCount"] = plan.layout.width
        if grid.get("frozenRowCount", 0) < HEADER_ROW:
            wanted["frozenRowCount"] = HEADER_ROW
            # Sheets refuses to freeze every row of a tab, so a header-only grid gets rows to scroll.
            if wanted.get("rowCount", grid["rowCount"]) <= HEADER_ROW:
                wanted["rowCount"] = HEADER_ROW + ROW_HEADROOM
        if not wanted:
            return
        book.batch_update(
            {
                "requests": [
                    {
                        "updateSheetProperties": {
                            "properties": {"sheetId": properties["sheetId"], "gridProperties": wanted},
                            "fields": ",".join(f"gridProperties.{name}" for name in wanted),
                        }
                    }
                ]
            }
        )

    # ---- connection and errors

    def _spreadsheet(self) -> Spreadsheet:
        if self._book is None:
            credentials = self._credentials()
            self._session = EndpointSession(credentials, self.endpoint, refresh_timeout=self.timeout)
            client = gspread.Client(auth=credentials, session=self._session)
            client.set_timeout(self.timeout)
            self._book = client.open_by_key(self.spreadsheet_key)
        return self._book

    def _calls(self) -> int:
        return self._session.requests_sent if self._session is not None else 0

    def _credentials(self) -> Credentials:
        path = self.credentials_path
        fix = (
            "set WA_GOOGLE_CREDENTIALS to the JSON key of a service account "
            "(Google Cloud console > IAM & Admin > Service accounts > Keys > Add key > JSON)"
        )
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise SheetConfigError(f"Cannot read Google credentials file {path} ({error.strerror}): {fix}") from None
        try:
            info = json.loads(text)
        except ValueError:
            raise SheetConfigError(f"Google credentials file {path} is not JSON: {fix}") from None
        if not isinstance(info, dict) or info.get("type") != "service_account":
            kind = info.get("type") if isinstance(info, dict) else None
            raise SheetConfigError(
                f"Google credentials file {path} is not a service-account key (type is {kind!r}): {fix}"
            )
        missing = [name for name in ("client_email", "private_key", "token_uri") if not info.get(name)]
        if missing:
            raise SheetConfigError(f"Google credentials file {path} lacks {', '.join(missing)}: {fix}")
        self._account = str(info["client_email"])
        try:
            return Credentials.from_service_account_info(info, scopes=list(SCOPES))
        except (ValueError, TypeError):
            # The parser's message may quote the key material; say which field is wrong instead.
            raise SheetConfigError(f"The private_key in Google credentials file {path} cannot be loaded: {fix}") from None

    @contextmanager
    def _config_errors(self) -> Iterator[None]:
        """Turn the failures a person must fix into SheetConfigError; leave transient ones (429, 5xx) alone."""
        key, path = self.spreadsheet_key, self.credentials_path
        try:
            yield
        except RefreshError as error:
            if getattr(error, "retryable", False):
                raise
            self._forget_connection()
            reason = str(error.args[0]) if error.args else type(error).__name__
            raise SheetConfigError(
                f"Google refused the credentials of {self._account} from {path} ({reason}). The key may have been "
                "deleted or the service account disabled: create a new JSON key and point WA_GOOGLE_CREDENTIALS at it"
            ) from None
        except SpreadsheetNotFound:
            self._forget_connection()
            raise SheetConfigError(_not_found(key)) from None
        except PermissionError:
            # gspread raises a bare PermissionError when opening a spreadsheet answers 403.
            self._forget_connection()
            raise SheetConfigError(_no_access(self._account, key, "The caller does not have permission")) from None
        except APIError as error:
            code = error.code
            message = str(error.error.get("message", "")) if isinstance(error.error, dict) else ""
            if code == HTTPStatus.NOT_FOUND:
                self._forget_connection()
                raise SheetConfigError(_not_found(key)) from None
            if code == HTTPStatus.FORBIDDEN:
                self._forget_connection()
                raise SheetConfigError(_no_access(self._account, key, message)) from None
            if code == HTTPStatus.UNAUTHORIZED:
                self._forget_connection()
                raise SheetConfigError(
                    f"Google did not accept the access token of {self._account} ({message}): check the key in {path}"
                ) from None
            raise

    def _forget_connection(self) -> None:
        # After a configuration error the next call starts over, so a fixed setting takes effect.
        self._book = None
        if self._session is not None:
            self._session.close()
        self._session = None


def _not_found(key: str) -> str:
    return (
        f"Spreadsheet {key!r} was not found: set WA_SPREADSHEET_KEY to the id in the sheet's URL "
        "(https://docs.google.com/spreadsheets/d/<id>/edit)"
    )


def _no_access(account: str, key: str, message: str) -> str:
    return (
        f"{account} may not edit spreadsheet {key!r} ({message}): share the spreadsheet with {account} as Editor, "
        "and check that the Google Sheets API is enabled for the service account's project"
    )


def _write_requests(tab: str, plan: UpsertPlan) -> list[dict[str, Any]]:
    """Every cell to write, as explicit A1 ranges, packed into as few values:batchUpdate bodies as fit in 2 MB.

    Explicit ranges make a retried write land on the same cells (an append would add the rows again).
    Adjacent rows share one range; managed columns split apart by user columns get one range per run,
    so a user's cells between them are never written.
    """
    layout = plan.layout
    ranges = [
        _value_range(tab, HEADER_ROW, run[0], run[-1], [[layout.added[p] for p in run]])
        for run in _adjacent_runs(sorted(layout.added))
    ]
    by_position = {position: index for index, position in enumerate(layout.positions)}
    for run in _adjacent_runs(sorted(layout.positions)):
        ranges += _row_blocks(tab, plan.writes, run, [by_position[p] for p in run])

    bodies: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    size = 0
    for value_range in ranges:
        range_size = len(json.dumps(value_range)) + 2
        if batch and size + range_size > MAX_REQUEST_BYTES:
            bodies.append({"valueInputOption": "RAW", "data": batch})
            batch, size = [], 0
        batch.append(value_range)
        size += range_size
    if batch:
        bodies.append({"valueInputOption": "RAW", "data": batch})
    return bodies


def _row_blocks(tab: str, writes: dict[int, list[Cell]], run: list[int], indexes: list[int]) -> list[dict[str, Any]]:
    """Ranges over the sheet columns `run` (cells taken from managed `indexes`), one per block of adjacent rows."""
    found: list[dict[str, Any]] = []
    block: list[list[Cell]] = []
    block_start = previous = -1
    size = 0
    for number in sorted(writes):
        row = [writes[number][i] for i in indexes]
        row_size = len(json.dumps(row))
        # Half the request budget per range, so a huge block still splits into requests under the limit.
        if block and (number != previous + 1 or size + row_size > MAX_REQUEST_BYTES // 2):
            found.append(_value_range(tab, block_start, run[0], run[-1], block))
            block, size = [], 0
        if not block:
            block_start = number
        block.append(row)
        size += row_size
        previous = number
    if block:
        found.append(_value_range(tab, block_start, run[0], run[-1], block))
    return found


def _value_range(tab: str, start_row: int, first: int, last: int, block: list[list[Cell]]) -> dict[str, Any]:
    """`first`/`last` are 0-based sheet columns; rows are sheet row numbers."""
    cells = f"{_letters(first + 1)}{start_row}:{_letters(last + 1)}{start_row + len(block) - 1}"
    return {"range": _a1(tab, cells), "majorDimension": "ROWS", "values": block}


def _adjacent_runs(positions: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for position in positions:
        if runs and position == runs[-1][-1] + 1:
            runs[-1].append(position)
        else:
            runs.append([position])
    return runs


def _a1(tab: str, cells: str | None = None) -> str:
    quoted = "'" + tab.replace("'", "''") + "'"
    return f"{quoted}!{cells}" if cells else quoted


def _letters(column: int) -> str:
    """1-based column number to letters: 1 -> A, 27 -> AA."""
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
