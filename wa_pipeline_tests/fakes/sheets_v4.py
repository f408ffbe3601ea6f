"""A local stand-in for Google's OAuth2 token endpoint and the Sheets v4 API, served over real HTTP.

Tests run the real gspread client (and google-auth) against it, so it answers like the published API:
https://developers.google.com/sheets/api/reference/rest - same paths, JSON shapes, A1 ranges, grid limits,
and Google-style errors. Every request goes through `FakeGoogleSheets.handle`, the one dispatch place, and is
recorded so a test can count API calls. Interceptors run first there (answer instead of the API), after-interceptors
run once the API has answered (and may replace the answer, e.g. "commit then fail"): the hooks for fault injection.

Quotas (https://developers.google.com/sheets/api/limits): with `quota` set, each service account gets so many read
and write requests per rolling minute, the project so many in all, and a request over it is answered 429
RESOURCE_EXHAUSTED with Google's error body. The minute is measured on `clock`, which a test can drive by hand.
`RandomFaults` answers 429/500/503 at a rate (some after committing the write), `CommitThenFail` applies a write and
answers 503, `SlowResponses` delays answers past a client's timeout. Quotas are on by default (Google's defaults);
`quota=None` turns them off.

As hard as Google's front end: a request body over `max_body_bytes` is refused with Google's 400 (Google's hard cap is
10 MiB, "Request payload size exceeds the limit: 10485760 bytes."; the default here is the 2 MB that Google recommends
and the sink promises, so a body the sink did not split is caught), a request target over `max_url_bytes` gets the
front end's HTML 414. `html_error` answers a 5xx as the front end's HTML page (gspread then reports code -1),
`aborted` is the 409 ABORTED of a concurrent modification, `reset_mid_response` sends part of an answer and then a
TCP reset. Requests interleave: interceptors, body parsing and the answer's delivery run outside the lock; only the
spreadsheet state is read and changed under it, one request at a time, as Google applies each request atomically.

Not modelled: formula evaluation (a formula's value renders as "#N/A"), number formats, dates, formatting,
named ranges, R1C1 notation, field masks on reads (`fields` is ignored: whole resources are returned).
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
import random
import re
import secrets
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

MAX_CELL_CHARS = 50_000
MAX_WORKBOOK_CELLS = 10_000_000
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
MAX_COLUMNS = 18_278  # ZZZ
TOKEN_LIFETIME_S = 3599
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_AUDIENCES = {
    "https://oauth2.googleapis.com/token",
    "https://www.googleapis.com/oauth2/v4/token",
    "https://accounts.google.com/o/oauth2/token",
}
WRITE_SCOPES = {
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive",
    "https://www.googleapis.com/auth/drive.file",
}
READ_SCOPES = WRITE_SCOPES | {
    "https://www.googleapis.com/auth/spreadsheets.readonly",
    "https://www.googleapis.com/auth/drive.readonly",
}
# Formulas are stored, never evaluated; this is what a reader sees instead of a result.
FORMULA_PLACEHOLDER = "#N/A"
# Google's hard cap on a request body is 10 MiB; it recommends 2 MB, which the sink promises to keep to.
GOOGLE_MAX_BODY_BYTES = 10_485_760
RECOMMENDED_MAX_BODY_BYTES = 2_000_000
# Google does not publish its front end's URL limit; past about 16 KiB it answers 414 (an assumption, not a figure).
MAX_URL_BYTES = 16_384
JSON_CONTENT = "application/json; charset=UTF-8"


# --------------------------------------------------------------------------------------------- wire types


@dataclass(frozen=True)
class FakeRequest:
    method: str
    path: str  # still percent-encoded, without the query string
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    target_bytes: int = 0  # length of the request target (path and query) as sent

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default


@dataclass(frozen=True)
class FakeResponse:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds the server waits before answering (outside its lock), to make a client's read timeout fire.
    delay_s: float = 0.0
    content_type: str = JSON_CONTENT
    raw: bytes | None = None  # a body that is not JSON (the front end's HTML error pages)
    # Send the headers and this many bytes of the body, then reset the connection (RST) instead of finishing.
    reset_after_bytes: int | None = None

    def encoded(self) -> bytes:
        return self.raw if self.raw is not None else json.dumps(self.body).encode("utf-8")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # decoded
    query: dict[str, list[str]]
    body_size: int
    status: int
    caller: str | None  # the service account the token belonged to, when there was one
    at: float = 0.0  # when it was handled, on the fake's clock
    kind: str | None = None  # "read" or "write" for Sheets API requests (the quota it counts against)
    committed: bool = False  # the request changed the spreadsheet (even if the answer says otherwise)
    operations: tuple[str, ...] = ()  # for spreadsheets.batchUpdate: the kinds of its requests, in order


class ApiError(Exception):
    """An error answered the way Google answers: {"error": {"code", "message", "status"}}."""

    def __init__(self, code: int, message: str, status: str) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status

    def response(self) -> FakeResponse:
        return FakeResponse(self.code, {"error": {"code": self.code, "message": self.message, "status": self.status}})


class OAuthError(Exception):
    """Token endpoint errors use OAuth2's shape (RFC 6749 5.2), not Google's API error shape."""

    def __init__(self, error: str, description: str, code: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.code = error, description, code

    def response(self) -> FakeResponse:
        return FakeResponse(self.code, {"error": self.error, "error_description": self.description})


def invalid(message: str) -> ApiError:
    return ApiError(400, message, "INVALID_ARGUMENT")


# --------------------------------------------------------------------------------------------- state


@dataclass(frozen=True)
class StoredCell:
    value: str | float | bool
    formula: bool = False
    # userEnteredFormat.numberFormat as (type, pattern), e.g. ("DATE", "yyyy-mm-dd"); a value write keeps it.
    number_format: tuple[str, str] | None = None
    # userEnteredFormat.textFormat.bold; a value write keeps it, as it keeps the number format.
    bold: bool = False


@dataclass
class Tab:
    sheet_id: int
    title: str
    index: int
    row_count: int = DEFAULT_ROWS
    column_count: int = DEFAULT_COLUMNS
    frozen_rows: int = 0
    frozen_columns: int = 0
    hidden: bool = False
    # The tab's basic filter (its FilterView-less `basicFilter`: a range, no criteria), columns a person hid and
    # column widths in pixels (DimensionProperties). Handlers replace these, never mutate them: a batch's draft
    # shares them with the spreadsheet until it is swapped in.
    basic_filter: dict[str, Any] | None = None
    hidden_columns: frozenset[int] = frozenset()
    column_pixels: dict[int, int] = field(default_factory=dict)
    # (row, column), both 0-based. Structural edits replace the dict (a batch works on a draft and is swapped in
    # whole); value writes, validated before anything is applied, update it in place.
    cells: dict[tuple[int, int], StoredCell] = field(default_factory=dict)
    # (the cells dict it describes, highest occupied row): appends find the table's end without a scan.
    _extent: tuple[dict, int] | None = field(default=None, repr=False, compare=False)

    def last_row(self) -> int:
        """The highest 0-based row holding a cell (-1 when empty), cached until the cells change."""
        if self._extent is None or self._extent[0] is not self.cells:
            self._extent = (self.cells, max((r for r, _ in self.cells), default=-1))
        return self._extent[1]

    def properties(self) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.row_count, "columnCount": self.column_count}
        # Google leaves zero-valued fields out of its JSON.
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_columns:
            grid["frozenColumnCount"] = self.frozen_columns
        properties: dict[str, Any] = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        if self.hidden:
            properties["hidden"] = True
        return properties


@dataclass
class Book:
    spreadsheet_id: str
    title: str
    tabs: list[Tab]
    editors: set[str] | None  # None: any authenticated caller may edit
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"

    def tab_named(self, title: str) -> Tab | None:
        # Sheet names are unique ignoring case, and ranges resolve them ignoring case.
        for tab in self.tabs:
            if tab.title.lower() == title.lower():
                return tab
        return None

    def tab_with_id(self, sheet_id: object) -> Tab | None:
        return next((tab for tab in self.tabs if tab.sheet_id == sheet_id), None)

    def cell_total(self) -> int:
        return sum(tab.row_count * tab.column_count for tab in self.tabs)

    def copy(self, with_cells: bool = False) -> Book:
        """A draft to change and swap in; `with_cells` gives it its own cell dicts, to edit in place."""
        tabs = [copy.copy(tab) for tab in self.tabs]
        if with_cells:
            for tab in tabs:
                tab.cells = dict(tab.cells)
        return Book(
            spreadsheet_id=self.spreadsheet_id,
            title=self.title,
            tabs=tabs,
            editors=self.editors,
            locale=self.locale,
            time_zone=self.time_zone,
        )


@dataclass
class Grant:
    email: str
    scopes: set[str]
    expires_at: float


@dataclass(frozen=True)
class ServiceAccount:
    """A test service account: its key file on disk, registered with the fake's token endpoint."""

    email: str
    key_id: str
    path: Path


# --------------------------------------------------------------------------------------------- A1 notation


_CELLS = re.compile(r"^(?P<c1>[A-Za-z]{1,3})?(?P<r1>[0-9]+)?(?::(?P<c2>[A-Za-z]{1,3})?(?P<r2>[0-9]+)?)?$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class GridRange:
    """A parsed A1 range: 0-based, inclusive ends; None ends are open (to the edge of the grid)."""

    tab: Tab
    row0: int
    col0: int
    row1: int | None
    col1: int | None
    anchor: bool  # a single cell: for writes, where the data starts


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + (ord(letter) - 64)
    return index - 1


def quote_title(title: str) -> str:
    return title if _PLAIN_TITLE.match(title) else "'" + title.replace("'", "''") + "'"


def format_a1(title: str, row0: int, col0: int, row1: int, col1: int) -> str:
    start = f"{column_letters(col0)}{row0 + 1}"
    if (row0, col0) == (row1, col1):
        return f"{quote_title(title)}!{start}"
    return f"{quote_title(title)}!{start}:{column_letters(col1)}{row1 + 1}"


def parse_a1(text: str, book: Book) -> GridRange:
    failure = invalid(f"Unable to parse range: {text}")
    title, cells = _split_sheet(text, book)
    if title is None:
        first = next((tab for tab in sorted(book.tabs, key=lambda t: t.index) if not tab.hidden), book.tabs[0])
        tab = first
    else:
        found = book.tab_named(title)
        if found is None:
            raise failure
        tab = found
    if cells is None:
        return GridRange(tab, 0, 0, None, None, anchor=False)
    match = _CELLS.match(cells)
    if not match:
        raise failure
    c1, r1, c2, r2 = match.group("c1", "r1", "c2", "r2")
    has_end = ":" in cells
    if not (c1 or r1) or (has_end and not (c2 or r2)) or (not has_end and not (c1 and r1)):
        raise failure
    if any(row is not None and int(row) == 0 for row in (r1, r2)):
        raise failure
    if any(col is not None and column_index(col) >= MAX_COLUMNS for col in (c1, c2)):
        raise failure
    row0 = int(r1) - 1 if r1 else 0
    col0 = column_index(c1) if c1 else 0
    if not has_end:
        return GridRange(tab, row0, col0, row0, col0, anchor=True)
    row_end = int(r2) - 1 if r2 else None
    col_end = column_index(c2) if c2 else None
    # "C10:A1" means A1:C10.
    if row_end is not None and row_end < row0 and r1:
        row0, row_end = row_end, row0
    if col_end is not None and col_end < col0 and c1:
        col0, col_end = col_end, col0
    return GridRange(tab, row0, col0, row_end, col_end, anchor=False)


def _split_sheet(text: str, book: Book) -> tuple[str | None, str | None]:
    if text.startswith("'"):
        match = re.match(r"^'((?:[^']|'')+)'(?:!(.*))?$", text, re.S)
        if not match:
            raise invalid(f"Unable to parse range: {text}")
        return match.group(1).replace("''", "'"), match.group(2)
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells
    # Without "!", an existing sheet's name wins over a cell reference (the API's documented ambiguity).
    if book.tab_named(text) is not None:
        return text, None
    return None, text


def read_bounds(grid: GridRange) -> tuple[int, int, int, int]:
    """The cells a read or clear covers; a bounded range past the grid's edge is an error, as in the API."""
    tab = grid.tab
    row1 = grid.row1 if grid.row1 is not None else tab.row_count - 1
    col1 = grid.col1 if grid.col1 is not None else tab.column_count - 1
    if max(grid.row0, row1) >= tab.row_count or max(grid.col0, col1) >= tab.column_count:
        raise _exceeds(tab, grid.row0, grid.col0, max(grid.row0, row1), max(grid.col0, col1))
    return grid.row0, grid.col0, row1, col1


def _exceeds(tab: Tab, row0: int, col0: int, row1: int, col1: int) -> ApiError:
    return invalid(
        f"Range ({format_a1(tab.title, row0, col0, row1, col1)}) exceeds grid limits. "
        f"Max rows: {tab.row_count}, max columns: {tab.column_count}"
    )


# --------------------------------------------------------------------------------------------- values


def render(cell: StoredCell | None, option: str) -> Any:
    if cell is None:
        return ""
    if cell.formula:
        return cell.value if option == "FORMULA" else FORMULA_PLACEHOLDER
    value = cell.value
    if option == "FORMATTED_VALUE":
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float) and cell.number_format and cell.number_format[0] in ("DATE", "DATE_TIME"):
            return _formatted_date(value, cell.number_format[1])
        if isinstance(value, float):
            return _formatted_number(value)
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# The date tokens of a Sheets number-format pattern, longest first ("mm" after "hh" is minutes, else the month).
_DATE_TOKENS = (("yyyy", "%Y"), ("hh:mm:ss", "%H:%M:%S"), ("hh:mm", "%H:%M"), ("mm", "%m"), ("dd", "%d"))
_SERIAL_EPOCH = datetime(1899, 12, 30)


def _formatted_date(value: float, pattern: str) -> str:
    """A serial number shown through a date pattern (the tokens above; enough for the patterns we write)."""
    moment = _SERIAL_EPOCH + timedelta(seconds=round(value * 86_400))
    for token, directive in _DATE_TOKENS:
        pattern = pattern.replace(token, directive)
    return moment.strftime(pattern)


def _formatted_number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}".upper()


_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def parse_input(value: Any, option: str, where: str) -> StoredCell | None:
    """One input value as the API stores it; None means "leave this cell alone" (nulls are skipped)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return StoredCell(value)
    if isinstance(value, (int, float)):
        return StoredCell(float(value))
    if not isinstance(value, str):
        raise invalid(f"Invalid {where}: {json.dumps(value)[:100]}")
    if len(value) > MAX_CELL_CHARS:
        raise invalid(f"Your input contains more than the maximum of {MAX_CELL_CHARS} characters in a single cell.")
    if option == "RAW" or value == "":
        return StoredCell(value)
    # USER_ENTERED: parsed as if typed into the UI.
    if value.startswith("="):
        return StoredCell(value, formula=True)
    if value.startswith("'"):
        return StoredCell(value[1:])
    stripped = value.strip()
    if _NUMBER.match(stripped):
        return StoredCell(float(stripped))
    if stripped.upper() in ("TRUE", "FALSE"):
        return StoredCell(stripped.upper() == "TRUE")
    return StoredCell(value)


def _value_input_option(option: str | None) -> str:
    if option is None:
        raise invalid("'valueInputOption' is required but not specified")
    if option not in ("RAW", "USER_ENTERED"):
        raise invalid(
            "Invalid value at 'value_input_option' "
            f'(type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "{option}"'
        )
    return option


def _render_option(option: str | None) -> str:
    option = option or "FORMATTED_VALUE"
    if option not in ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"):
        raise invalid(
            "Invalid value at 'value_render_option' "
            f'(type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), "{option}"'
        )
    return option


def _dimension(option: str | None) -> str:
    option = option or "ROWS"
    if option not in ("ROWS", "COLUMNS"):
        raise invalid(
            f"Invalid value at 'major_dimension' (type.googleapis.com/google.apps.sheets.v4.Dimension), \"{option}\""
        )
    return option


@dataclass(frozen=True)
class PlannedWrite:
    tab: Tab
    cells: dict[tuple[int, int], StoredCell]
    summary: dict[str, Any]


# --------------------------------------------------------------------------------------------- the fake


Interceptor = Callable[[FakeRequest], "FakeResponse | None"]
AfterInterceptor = Callable[[FakeRequest, "FakeResponse"], "FakeResponse | None"]


@dataclass(frozen=True)
class Quota:
    """Sheets API request quotas per rolling minute (Google's defaults), per service account and per project."""

    reads_per_user: int = 60
    writes_per_user: int = 60
    reads_per_project: int = 300
    writes_per_project: int = 300
    window_s: float = 60.0


DEFAULT_QUOTA = Quota()


def request_kind(request: FakeRequest) -> str | None:
    """Which Sheets quota a request counts against; None for requests that are not Sheets API calls."""
    if not request.path.startswith("/v4/"):
        return None
    # Reads: GETs and the POST that reads by data filter; every other POST/PUT writes.
    if request.method == "GET" or request.path.endswith("values:batchGetByDataFilter"):
        return "read"
    return "write"


def quota_exceeded(kind: str, per: str, limit: int) -> FakeResponse:
    """The 429 Google answers when a per-minute quota is used up (error body as the API sends it)."""
    metric = "Read requests" if kind == "read" else "Write requests"
    limit_name = f"{'Read' if kind == 'read' else 'Write'}RequestsPerMinutePer{'User' if per == 'user' else 'Project'}"
    return FakeResponse(
        429,
        {
            "error": {
                "code": 429,
                "message": (
                    f"Quota exceeded for quota metric '{metric}' and limit '{metric} per minute per {per}' of service "
                    "'sheets.googleapis.com' for consumer 'project_number:123456789012'."
                ),
                "status": "RESOURCE_EXHAUSTED",
                "details": [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "RATE_LIMIT_EXCEEDED",
                        "domain": "googleapis.com",
                        "metadata": {
                            "service": "sheets.googleapis.com",
                            "quota_metric": f"sheets.googleapis.com/{kind}_requests",
                            "quota_limit": limit_name,
                            "quota_limit_value": str(limit),
                            "quota_location": "global",
                            "consumer": "projects/123456789012",
                        },
                    },
                    {
                        "@type": "type.googleapis.com/google.rpc.Help",
                        "links": [
                            {
                                "description": "Request a higher quota limit.",
                                "url": "https://cloud.google.com/docs/quotas/help/request_increase",
                            }
                        ],
                    },
                ],
            }
        },
    )


_TRANSIENT_ERRORS = {
    429: ("Resource has been exhausted (e.g. check quota).", "RESOURCE_EXHAUSTED"),
    500: ("Internal error encountered.", "INTERNAL"),
    502: ("Bad Gateway", "UNAVAILABLE"),
    503: ("The service is currently unavailable.", "UNAVAILABLE"),
    504: ("The request timed out. Please try again.", "DEADLINE_EXCEEDED"),
}


def html_error(status: int) -> FakeResponse:
    """A 5xx (or 414) as Google's front end sends it: an HTML page, not the API's JSON error."""
    reason = HTTPStatus(status).phrase
    page = (
        "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n"
        f"  <title>Error {status} ({reason})!!1</title>\n"
        f"  <p><b>{status}.</b> <ins>That\u2019s an error.</ins>\n"
        "  <p>The server encountered a temporary error and could not complete your request."
        "<p>Please try again in 30 seconds.  <ins>That\u2019s all we know.</ins>\n"
    )
    return FakeResponse(status, {}, content_type="text/html; charset=UTF-8", raw=page.encode("utf-8"))


def aborted() -> FakeResponse:
    """The 409 Google answers when a request collided with a concurrent change: to be retried from a fresh read."""
    message = "The operation was aborted due to a concurrent modification. Please retry."
    return FakeResponse(409, {"error": {"code": 409, "message": message, "status": "ABORTED"}})


def reset_mid_response(response: FakeResponse, after_bytes: int = 10) -> FakeResponse:
    """The same answer, cut off after `after_bytes` bytes of its body by a connection reset."""
    return dataclasses.replace(response, reset_after_bytes=after_bytes)


def transient_error(status: int, retry_after: float | None = None) -> FakeResponse:
    message, state = _TRANSIENT_ERRORS[status]
    headers = {"Retry-After": str(int(retry_after))} if retry_after is not None else {}
    return FakeResponse(status, {"error": {"code": status, "message": message, "status": state}}, headers=headers)


class RandomFaults:
    """Answers a share of Sheets requests with 429/500/503, seeded so a test is repeatable.

    Of the failed writes, `commit_share` are applied first and fail afterwards: the caller sees an error for a
    write that happened, as Google's API can do (it has no idempotency key). Install with `fake.add_faults(...)`.
    """

    def __init__(
        self,
        rate: float,
        statuses: tuple[int, ...] = (429, 500, 503),
        commit_share: float = 0.5,
        seed: int = 0,
        retry_after: float | None = None,
    ) -> None:
        self.rate, self.statuses, self.commit_share, self.retry_after = rate, statuses, commit_share, retry_after
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._fail_after: set[int] = set()
        self.injected = 0

    def before(self, request: FakeRequest) -> FakeResponse | None:
        kind = request_kind(request)
        if kind is None:
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            status = self._random.choice(self.statuses)
            self.injected += 1
            if kind == "write" and self._random.random() < self.commit_share:
                self._fail_after.add(id(request))
                return None
        return transient_error(status, self.retry_after)

    def after(self, request: FakeRequest, response: FakeResponse) -> FakeResponse | None:
        with self._lock:
            if id(request) not in self._fail_after:
                return None
            self._fail_after.discard(id(request))
        return transient_error(503, self.retry_after)


class CommitThenFail:
    """The next `times` requests matching `match` are applied, then answered with `status`."""

    def __init__(self, match: Callable[[FakeRequest], bool], times: int = 1, status: int = 503) -> None:
        self.match, self.remaining, self.status = match, times, status
        self.fired = 0

    def before(self, request: FakeRequest) -> FakeResponse | None:
        return None

    def after(self, request: FakeRequest, response: FakeResponse) -> FakeResponse | None:
        if self.remaining <= 0 or response.status != 200 or not self.match(request):
            return None
        self.remaining -= 1
        self.fired += 1
        return transient_error(self.status)


class SlowResponses:
    """The next `times` requests matching `match` are handled (writes applied), then answered after `delay_s`."""

    def __init__(self, match: Callable[[FakeRequest], bool], delay_s: float, times: int = 1) -> None:
        self.match, self.delay_s, self.remaining = match, delay_s, times
        self.fired = 0

    def before(self, request: FakeRequest) -> FakeResponse | None:
        return None

    def after(self, request: FakeRequest, response: FakeResponse) -> FakeResponse | None:
        if self.remaining <= 0 or not self.match(request):
            return None
        self.remaining -= 1
        self.fired += 1
        return dataclasses.replace(response, delay_s=self.delay_s)


class FakeGoogleSheets:
    """The stand-in server. Use as a context manager, or `start()` / `stop()`.

    `endpoint` is the base URL to give the Sheets client; `token_uri` goes into service-account files
    (see `write_service_account`). Create spreadsheets with `create_spreadsheet`. `clock` measures quota minutes
    and stamps the request log (tokens always expire on real time: google-auth signs with it).
    """

    def __init__(
        self,
        quota: Quota | None = DEFAULT_QUOTA,
        clock: Callable[[], float] = time.time,
        max_body_bytes: int = RECOMMENDED_MAX_BODY_BYTES,
        max_url_bytes: int = MAX_URL_BYTES,
    ) -> None:
        self._lock = threading.RLock()
        self.max_body_bytes, self.max_url_bytes = max_body_bytes, max_url_bytes
        self._books: dict[str, Book] = {}
        self._keys: dict[str, dict[str, rsa.RSAPublicKey]] = {}
        self._grants: dict[str, Grant] = {}
        self._log: list[RecordedRequest] = []
        self.interceptors: list[Interceptor] = []
        self.after_interceptors: list[AfterInterceptor] = []
        self.internal_errors: list[Exception] = []
        self.quota = quota
        self.clock = clock
        # Seconds spent answering (a benchmark subtracts the stand-in's own work from a client's wall time).
        self.busy_s = 0.0
        # (time, caller) of requests the quota let through, per kind: the rolling windows.
        self._admitted: dict[str, deque[tuple[float, str]]] = {"read": deque(), "write": deque()}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        # Set when the stand-in stops: a response held back (SlowResponses) is let go rather than outliving the test.
        self.stopping = threading.Event()

    # ---- lifecycle

    def start(self) -> FakeGoogleSheets:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        self.stopping.clear()
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeGoogleSheets:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def endpoint(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token_uri(self) -> str:
        return self.endpoint + "/token"

    # ---- test set-up

    def write_service_account(self, path: Path, email: str | None = None) -> ServiceAccount:
        """Write a service-account key file whose token_uri is this fake, and trust its key."""
        email = email or f"wa-pipeline-{secrets.token_hex(3)}@fake-project.iam.gserviceaccount.com"
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_id = secrets.token_hex(20)
        pem = private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")
        info = {
            "type": "service_account",
            "project_id": "fake-project",
            "private_key_id": key_id,
            "private_key": pem,
            "client_email": email,
            "client_id": str(secrets.randbelow(10**20)),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{email}",
            "universe_domain": "googleapis.com",
        }
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(info, indent=2))
        with self._lock:
            self._keys.setdefault(email, {})[key_id] = private_key.public_key()
        return ServiceAccount(email=email, key_id=key_id, path=path)

    def delete_service_account(self, email: str) -> None:
        """Forget an account's keys and tokens, as when it is deleted in the Cloud console."""
        with self._lock:
            self._keys.pop(email, None)
            for token in [token for token, grant in self._grants.items() if grant.email == email]:
                del self._grants[token]

    def expire_tokens(self) -> None:
        with self._lock:
            for grant in self._grants.values():
                grant.expires_at = 0.0

    def create_spreadsheet(
        self,
        title: str = "Untitled spreadsheet",
        tabs: Iterable[str] = ("Sheet1",),
        editors: Iterable[str] | None = None,
    ) -> str:
        """Create a spreadsheet and return its key; `editors` (emails) may open it, None means anyone."""
        key = "1" + secrets.token_urlsafe(32)[:43]
        titles = list(tabs) or ["Sheet1"]
        book = Book(
            spreadsheet_id=key,
            title=title,
            tabs=[Tab(sheet_id=0 if i == 0 else self._new_sheet_id(), title=t, index=i) for i, t in enumerate(titles)],
            editors=set(editors) if editors is not None else None,
        )
        with self._lock:
            self._books[key] = book
        return key

    def share(self, spreadsheet_id: str, email: str) -> None:
        with self._lock:
            book = self._books[spreadsheet_id]
            if book.editors is not None:
                book.editors.add(email)

    # ---- inspection

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._log)

    def sheets_api_calls(self) -> int:
        """Requests made to the Sheets API (the token endpoint does not count against Sheets quota)."""
        return sum(1 for request in self.requests if request.path.startswith("/v4/"))

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def add_faults(self, faults: Any) -> Any:
        """Install an object with `before(request)` and `after(request, response)` hooks; returns it."""
        with self._lock:
            self.interceptors.append(faults.before)
            self.after_interceptors.append(faults.after)
        return faults

    def remove_faults(self, faults: Any) -> None:
        with self._lock:
            self.interceptors = [hook for hook in self.interceptors if hook != faults.before]
            self.after_interceptors = [hook for hook in self.after_interceptors if hook != faults.after]

    def data_rows(self, spreadsheet_id: str, title: str) -> list[list[Any]]:
        """The stored values below the header row."""
        return self.values(spreadsheet_id, title)[1:]

    def tab_properties(self, spreadsheet_id: str, title: str) -> dict[str, Any] | None:
        with self._lock:
            tab = self._books[spreadsheet_id].tab_named(title)
            return tab.properties() if tab else None

    def tab_format(self, spreadsheet_id: str, title: str) -> dict[str, Any]:
        """How a tab looks: frozen rows, bold header cells, basic filter, hidden columns, column widths."""
        tab = self._books[spreadsheet_id].tab_named(title)
        assert tab is not None, title
        return {
            "frozen_rows": tab.frozen_rows,
            "bold_header": sorted(c for (r, c), cell in tab.cells.items() if r == 0 and cell.bold),
            "basic_filter": tab.basic_filter,
            "hidden_columns": sorted(tab.hidden_columns),
            "column_pixels": dict(sorted(tab.column_pixels.items())),
        }

    def cell(self, spreadsheet_id: str, a1: str) -> StoredCell | None:
        """The stored cell at an A1 reference like "'My Tab'!B2" (None when empty)."""
        with self._lock:
            grid = parse_a1(a1, self._books[spreadsheet_id])
            return grid.tab.cells.get((grid.row0, grid.col0))

    def formula_cells(self, spreadsheet_id: str) -> list[str]:
        with self._lock:
            return [
                format_a1(tab.title, row, col, row, col)
                for tab in self._books[spreadsheet_id].tabs
                for (row, col), cell in sorted(tab.cells.items())
                if cell.formula
            ]

    def values(self, spreadsheet_id: str, title: str) -> list[list[Any]]:
        """A tab's stored values (formulas as their text), trailing empties trimmed, as the API would return."""
        with self._lock:
            book = self._books[spreadsheet_id]
            return self._value_range(parse_a1(quote_title(title), book), "FORMULA", "ROWS").get("values", [])

    # ---- the one dispatch place

    def handle(self, request: FakeRequest) -> FakeResponse:
        started = time.perf_counter()
        try:
            return self._handle(request)
        finally:
            with self._lock:
                self.busy_s += time.perf_counter() - started

    def _handle(self, request: FakeRequest) -> FakeResponse:
        # Outside the lock: a request held by an interceptor (a gate, a slow front end) does not hold up the others.
        early = self._oversized(request) or self._intercepted(request)
        with self._lock:
            caller: list[str] = []
            kind = request_kind(request)
            now = self.clock()
            committed = False
            try:
                response = early or self._over_quota(request, kind, now)
                if response is None:
                    response = self._dispatch(request, caller)
                    committed = kind == "write" and response.status == 200
            except (ApiError, OAuthError) as error:
                response = error.response()
            except Exception as error:  # a bug in the stand-in: answer 500 and keep it for the test to see
                self.internal_errors.append(error)
                response = ApiError(500, f"stand-in failure: {error!r}", "INTERNAL").response()
            for hook in self.after_interceptors:
                response = hook(request, response) or response
            self._log.append(
                RecordedRequest(
                    method=request.method,
                    path=unquote(request.path),
                    query=request.query,
                    body_size=len(request.body),
                    status=response.status,
                    caller=caller[0] if caller else self._token_owner(request),
                    at=now,
                    kind=kind,
                    committed=committed,
                    operations=_operations(request),
                )
            )
            return response

    def _oversized(self, request: FakeRequest) -> FakeResponse | None:
        if request.target_bytes > self.max_url_bytes:
            return html_error(414)
        if len(request.body) > self.max_body_bytes:
            limit = self.max_body_bytes
            return ApiError(
                400, f"Request payload size exceeds the limit: {limit} bytes.", "INVALID_ARGUMENT"
            ).response()
        return None

    def _over_quota(self, request: FakeRequest, kind: str | None, now: float) -> FakeResponse | None:
        """A 429 when this request would exceed a per-minute quota; otherwise it is counted and let through."""
        quota = self.quota
        caller = self._token_owner(request)
        if quota is None or kind is None or caller is None:
            return None
        admitted = self._admitted[kind]
        while admitted and admitted[0][0] <= now - quota.window_s:
            admitted.popleft()
        per_user = quota.reads_per_user if kind == "read" else quota.writes_per_user
        per_project = quota.reads_per_project if kind == "read" else quota.writes_per_project
        if sum(1 for _, who in admitted if who == caller) >= per_user:
            return quota_exceeded(kind, "user", per_user)
        if len(admitted) >= per_project:
            return quota_exceeded(kind, "project", per_project)
        admitted.append((now, caller))
        return None

    def _token_owner(self, request: FakeRequest) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        grant = self._grants.get(token.strip()) if scheme.lower() == "bearer" else None
        return grant.email if grant is not None and grant.expires_at > time.time() else None

    def _intercepted(self, request: FakeRequest) -> FakeResponse | None:
        with self._lock:
            interceptors = list(self.interceptors)
        for interceptor in interceptors:
            response = interceptor(request)
            if response is not None:
                return response
        return None

    def _dispatch(self, request: FakeRequest, caller: list[str]) -> FakeResponse:
        for method, pattern, name, needs_write in _ROUTES:
            match = pattern.match(request.path)
            if match is None:
                continue
            if method != request.method:
                continue
            if name == "token":
                return FakeResponse(200, self._token(request))
            if name == "allowed_locations":
                return FakeResponse(200, self._allowed_locations(request, caller, unquote(match.group("email"))))
            params = {key: unquote(value) for key, value in match.groupdict().items()}
            grant = self._authenticate(request, needs_write)
            caller.append(grant.email)
            book = self._open(params.pop("spreadsheet_id"), grant)
            body = getattr(self, "_" + name)(book, request, **params)
            return FakeResponse(200, body)
        raise ApiError(404, f"Method not found: {request.method} {request.path}", "NOT_FOUND")

    # ---- OAuth2

    def _token(self, request: FakeRequest) -> dict[str, Any]:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            form = {key: str(value) for key, value in _json_body(request).items()}
        else:
            form = {key: values[-1] for key, values in parse_qs(request.body.decode("utf-8")).items()}
        grant_type = form.get("grant_type")
        if grant_type != JWT_GRANT:
            raise OAuthError("unsupported_grant_type", f"Invalid grant_type: {grant_type or ''}")
        assertion = form.get("assertion", "")
        claims = self._verified_claims(assertion)
        scopes = set(str(claims.get("scope", "")).split())
        if not scopes:
            raise OAuthError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        token = "ya29.fake-" + secrets.token_urlsafe(32)
        self._grants[token] = Grant(email=claims["iss"], scopes=scopes, expires_at=time.time() + TOKEN_LIFETIME_S)
        return {"access_token": token, "expires_in": TOKEN_LIFETIME_S, "token_type": "Bearer"}

    def _verified_claims(self, assertion: str) -> dict[str, Any]:
        try:
            header_b64, claims_b64, signature_b64 = assertion.split(".")
            header = json.loads(_b64decode(header_b64))
            claims = json.loads(_b64decode(claims_b64))
            signature = _b64decode(signature_b64)
        except ValueError:
            raise OAuthError("invalid_grant", "Invalid JWT: could not parse the assertion.") from None
        if header.get("alg") != "RS256":
            raise OAuthError("invalid_grant", "Invalid JWT: only RS256 is accepted.")
        keys = self._keys.get(str(claims.get("iss")))
        if not keys:
            raise OAuthError("invalid_grant", "Invalid grant: account not found")
        candidates = [keys[header["kid"]]] if header.get("kid") in keys else list(keys.values())
        signed = f"{header_b64}.{claims_b64}".encode("ascii")
        if not any(_signature_ok(key, signature, signed) for key in candidates):
            raise OAuthError("invalid_grant", "Invalid JWT Signature.")
        # google-auth always addresses the assertion to Google's token URL, wherever it sends it.
        if claims.get("aud") not in GOOGLE_TOKEN_AUDIENCES | {self.token_uri}:
            raise OAuthError("invalid_grant", "Invalid JWT: Failed audience check.")
        now = time.time()
        issued, expires = claims.get("iat"), claims.get("exp")
        if (
            not isinstance(issued, (int, float))
            or not isinstance(expires, (int, float))
            or expires - issued > 3600
            or not issued - 300 <= now < expires
        ):
            raise OAuthError(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
                "Check your iat and exp values in the JWT claim.",
            )
        return claims

    def _allowed_locations(self, request: FakeRequest, caller: list[str], email: str) -> dict[str, Any]:
        """IAM credentials' regional access boundary lookup, which google-auth makes after each token refresh."""
        grant = self._authenticate(request, needs_write=False, scoped=False)
        caller.append(grant.email)
        if email != grant.email and email not in self._keys:
            raise ApiError(404, f"Service account {email} not found.", "NOT_FOUND")
        return {"locations": [], "encodedLocations": "0x0"}

    def _authenticate(self, request: FakeRequest, needs_write: bool, scoped: bool = True) -> Grant:
        authorization = request.headers.get("authorization", "")
        if not authorization:
            raise ApiError(
                401,
                "Request is missing required authentication credential. Expected OAuth 2 access token, login "
                "cookie or other valid authentication credential. "
                "See https://developers.google.com/identity/sign-in/web/devconsole-project.",
                "UNAUTHENTICATED",
            )
        scheme, _, token = authorization.partition(" ")
        grant = self._grants.get(token.strip()) if scheme.lower() == "bearer" else None
        if grant is None or grant.expires_at <= time.time():
            raise ApiError(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
                "other valid authentication credential. "
                "See https://developers.google.com/identity/sign-in/web/devconsole-project.",
                "UNAUTHENTICATED",
            )
        if scoped and not grant.scopes & (WRITE_SCOPES if needs_write else READ_SCOPES):
            raise ApiError(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED")
        return grant

    def _open(self, spreadsheet_id: str, grant: Grant) -> Book:
        book = self._books.get(spreadsheet_id)
        if book is None:
            raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")
        if book.editors is not None and grant.email not in book.editors:
            raise ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")
        return book

    # ---- spreadsheets

    def _get_spreadsheet(self, book: Book, request: FakeRequest) -> dict[str, Any]:
        if (request.param("includeGridData") or "false").lower() == "true":
            raise ApiError(501, "The stand-in does not implement includeGridData=true", "UNIMPLEMENTED")
        return {
            "spreadsheetId": book.spreadsheet_id,
            "properties": {
                "title": book.title,
                "locale": book.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": book.time_zone,
            },
            "sheets": [{"properties": tab.properties()} for tab in sorted(book.tabs, key=lambda t: t.index)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit",
        }

    def _batch_update(self, book: Book, request: FakeRequest) -> dict[str, Any]:
        body = _json_body(request)
        operations = body.get("requests")
        if not isinstance(operations, list) or not operations:
            raise invalid("Must specify at least one request.")
        # All or nothing, as the API applies a batch: work on a copy and swap it in at the end.
        draft = book.copy(with_cells=True)
        replies = []
        for number, operation in enumerate(operations):
            if not isinstance(operation, dict) or len(operation) != 1:
                raise invalid(f"Invalid requests[{number}]: exactly one kind of request must be set.")
            ((kind, spec),) = operation.items()
            handler = _BATCH_OPERATIONS.get(kind)
            if handler is None:
                raise ApiError(501, f"The stand-in does not implement requests[{number}].{kind}", "UNIMPLEMENTED")
            where = f"Invalid requests[{number}].{kind}"
            reply = handler(self, draft, spec if isinstance(spec, dict) else {}, where)
            if draft.cell_total() > MAX_WORKBOOK_CELLS:
                raise invalid(
                    f"{where}: This action would increase the number of cells in the workbook above the limit "
                    f"of {MAX_WORKBOOK_CELLS} cells."
                )
            replies.append(reply)
        self._books[book.spreadsheet_id] = draft
        return {"spreadsheetId": book.spreadsheet_id, "replies": replies}

    def _add_sheet(self, book: Book, spec: dict[str, Any], where: str) -> dict[str, Any]:
        properties = spec.get("properties") or {}
        title = properties.get("title")
        if title is None:
            number = len(book.tabs) + 1
            while book.tab_named(f"Sheet{number}") is not None:
                number += 1
            title = f"Sheet{number}"
        if not isinstance(title, str) or not title.strip():
            raise invalid(f"{where}: The sheet name cannot be empty.")
        if book.tab_named(title) is not None:
            raise invalid(f'{where}: A sheet with the name "{title}" already exists. Please enter another name.')
        if properties.get("sheetType", "GRID") != "GRID":
            raise ApiError(501, f"The stand-in only implements GRID sheets ({where})", "UNIMPLEMENTED")
        sheet_id = properties.get("sheetId")
        if sheet_id is None:
            sheet_id = self._new_sheet_id()
        elif book.tab_with_id(sheet_id) is not None:
            raise invalid(f"{where}: Sheet with id {sheet_id} already exists.")
        grid = properties.get("gridProperties") or {}
        tab = Tab(
            sheet_id=int(sheet_id),
            title=title,
            index=len(book.tabs),
            row_count=int(grid.get("rowCount", DEFAULT_ROWS)),
            column_count=int(grid.get("columnCount", DEFAULT_COLUMNS)),
            frozen_rows=int(grid.get("frozenRowCount", 0)),
            frozen_columns=int(grid.get("frozenColumnCount", 0)),
            hidden=bool(properties.get("hidden", False)),
        )
        _check_grid(tab, where)
        index = min(int(properties.get("index", len(book.tabs))), len(book.tabs))
        ordered = sorted(book.tabs, key=lambda t: t.index)
        ordered.insert(index, tab)
        for position, each in enumerate(ordered):
            each.index = position
        book.tabs = ordered
        return {"addSheet": {"properties": tab.properties()}}

    def _delete_sheet(self, book: Book, spec: dict[str, Any], where: str) -> dict[str, Any]:
        tab = book.tab_with_id(spec.get("sheetId"))
        if tab is None:
            raise invalid(f"{where}: No sheet with id: {spec.get('sheetId')}")
        if len(book.tabs) == 1:
            raise invalid(f"{where}: You can't remove all the sheets in a document.")
        book.tabs = [each for each in sorted(book.tabs, key=lambda t: t.index) if each is not tab]
        for position, each in enumerate(book.tabs):
            each.index = position
        return {}

    def _update_sheet_properties(self, book: Book, spec: dict[str, Any], where: str) -> dict[str, Any]:
        properties = spec.get("properties") or {}
        tab = book.tab_with_id(properties.get("sheetId", 0))
        if tab is None:
            raise invalid(f"{where}: No grid with id: {properties.get('sheetId', 0)}")
        fields = [part.strip().replace("/", ".") for part in str(spec.get("fields") or "").split(",") if part.strip()]
        if not fields:
            raise invalid(f"{where}: At least one field must be specified in 'fields'.")
        grid = properties.get("gridProperties") or {}
        settable = {
            "title": lambda: setattr(tab, "title", properties.get("title", tab.title)),
            "hidden": lambda: setattr(tab, "hidden", bool(properties.get("hidden", False))),
            "gridProperties.rowCount": lambda: _resize(tab, rows=int(grid.get("rowCount", tab.row_count))),
            "gridProperties.columnCount": lambda: _resize(tab, columns=int(grid.get("columnCount", tab.column_count))),
            "gridProperties.frozenRowCount": lambda: setattr(tab, "frozen_rows", int(grid.get("frozenRowCount", 0))),
            "gridProperties.frozenColumnCount": lambda: setattr(
                tab, "frozen_columns", int(grid.get("frozenColumnCount", 0))
            ),
        }
        expanded: list[str] = []
        for name in fields:
            if name == "*":
                expanded += list(settable)
            elif name == "gridProperties":
                expanded += [key for key in settable if key.startswith("gridProperties.")]
            elif name in settable:
                expanded.append(name)
            elif name in ("index", "sheetId", "sheetType"):
                continue
            else:
                raise ApiError(501, f"The stand-in does not implement field '{name}' ({where})", "UNIMPLEMENTED")
        if "title" in expanded:
            other = book.tab_named(str(properties.get("title", tab.title)))
            if other is not None and other is not tab:
                raise invalid(
                    f'{where}: A sheet with the name "{other.title}" already exists. Please enter another name.'
                )
        for name in expanded:
            settable[name]()
        _check_grid(tab, where)
        return {}

    def _append_dimension(self, book: Book, spec: dict[str, Any], where: str) -> dict[str, Any]:
        tab = book.tab_with_id(spec.get("sheetId"))
        if tab is None:
            raise invalid(f"{where}: No grid with id: {spec.get('sheetId')}")
        length = spec.get("length")
        if not isinstance(length, int) or length <= 0:
            raise invalid(f"{where}: length must be greater than 0")
        if spec.get("dimension") == "ROWS":
            _resize(tab, rows=tab.row_count + length)
        elif spec.get("dimension") == "COLUMNS":
            _resize(tab, columns=tab.column_count + length)
        else:
            raise invalid(f"{where}: dimension must be ROWS or COLUMNS")
        _check_grid(tab, where)
        return {}

    def _insert_dimension(self, book: Book, spec: dict[str, Any], where: str) -> dict[str, Any]:
        """Insert empty rows/columns; everything at or after startIndex moves along (user cells included)."""
        tab, dimension, start, end = _dimension_range(book, spec.get("range"), where)
        size = tab.row_count if dimension == "ROWS" else tab.column_count
        if start > size:
            raise invalid(f"{where}: range.startIndex ({start}) must be at most the {dimension.lower()} count ({size})")
        if start == 0 and spec.get("inheritFromBefore"):
            raise invalid(f"{where}: Cannot inherit from before when inserting at the start.")
        count = end - start
        axis = 0 if dimension == "ROWS" else 1
        if axis == 0:
            tab.cells = {((r + count if r >= start else r), c): cell for (r, c), cell in tab.cells.items()}
        else:
            tab.cells = {(r, (c + count if c >= start else c)): cell for (r, c), cell in tab.cells.items()}
            # A column's properties (hidden, width) move with it.
            tab.hidden_columns = frozenset(c + count if c >= start else c for c in tab.hidden_columns)
            tab.column_pixels = {(c + count if c >= start else c): px for c, px in tab.column_pixels.items()}
        if dimension == "ROWS":
            tab.row_count += count
        else:
            tab.column_count += count
        _check_grid(tab, where)
        return {}

    def _delete_dimension(self, book: Book, spec: dict[str, Any], where: str) -> dict[str, Any]:
        tab, dimension, start, end = _dimension_range(book, spec.get("range"), where)
        size = tab.row_count if dimension == "ROWS" else tab.column_count
        if end > size:
            raise invalid(f"{where}: range.endIndex ({end}) must be at most the {dimension.lower()} count ({size})")
        count = end - start
        axis = 0 if dimension == "ROWS" else 1
        tab.cells = {
            _shifted(position, axis, end, -count): cell
            for position, cell in tab.cells.items()
            if not start <= position[axis] < end
        }
        if axis == 1:
            kept = lambda c: not start <= c < end  # noqa: E731
            tab.hidden_columns = frozenset(c - count if c >= end else c for c in tab.hidden_columns if kept(c))
            tab.column_pixels = {(c - count if c >= end else c): px for c, px in tab.column_pixels.items() if kept(c)}
        if dimension == "ROWS":
            tab.row_count -= count
        else:
            tab.column_count -= count
        _check_grid(tab, where)
        return {}

    def _update_cells(self, book: Book, spec: dict[str, Any], where: str) -> dict[str, Any]:
        """Write CellData rows from a start cell; with fields=userEnteredValue, a cell without one is cleared."""
        fields = {part.strip() for part in str(spec.get("fields") or "").split(",") if part.strip()}
        if not fields:
            raise invalid(f"{where}: At least one field must be specified in 'fields'.")
        if not fields <= {"userEnteredValue", "*"}:
            raise ApiError(501, f"The stand-in only implements fields=userEnteredValue ({where})", "UNIMPLEMENTED")
        if ("start" in spec) == ("range" in spec):
            raise invalid(f"{where}: Exactly one of start or range must be set.")
        rows = spec.get("rows") or []
        if not isinstance(rows, list):
            raise invalid(f"{where}: rows must be a list of RowData")
        if "start" in spec:
            start = spec["start"] or {}
            tab = book.tab_with_id(start.get("sheetId", 0))
            if tab is None:
                raise invalid(f"{where}: No grid with id: {start.get('sheetId', 0)}")
            row0, col0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
            row_end = row0 + len(rows)
            col_end = col0 + max((len((row or {}).get("values") or []) for row in rows), default=0)
        else:
            grid = spec["range"] or {}
            tab = book.tab_with_id(grid.get("sheetId", 0))
            if tab is None:
                raise invalid(f"{where}: No grid with id: {grid.get('sheetId', 0)}")
            row0, col0 = int(grid.get("startRowIndex", 0)), int(grid.get("startColumnIndex", 0))
            row_end = int(grid.get("endRowIndex", tab.row_count))
            col_end = int(grid.get("endColumnIndex", tab.column_count))
        if row_end > tab.row_count or col_end > tab.column_count:
            raise _exceeds(tab, row0, col0, max(row0, row_end - 1), max(col0, col_end - 1))
        updated = tab.cells  # the batch's draft owns it
        for i, row in enumerate(rows):
            if row_end <= row0 + i:
                break
            values = (row or {}).get("values") or []
            for j, data in enumerate(values):
                if col_end <= col0 + j:
                    break
                position = (row0 + i, col0 + j)
                stored = _extended_value((data or {}).get("userEnteredValue"), f"{where}.rows[{i}].values[{j}]")
                if stored is None:
                    updated.pop(position, None)
                else:
                    updated[position] = _keep_format(updated.get(position), stored)
        tab._extent = None
        return {}

    def _repeat_cell(self, book: Book, spec: dict[str, Any], where: str) -> dict[str, Any]:
        """Set a number format, or bold text, over a range. fields must be userEnteredFormat.numberFormat or
        userEnteredFormat.textFormat.bold (what we send), and only cells holding a value keep it (the stand-in
        stores no format-only cells)."""
        _known_fields(spec, {"range", "cell", "fields"}, where, "repeat_cell")
        fields = str(spec.get("fields") or "").strip()
        if fields not in ("userEnteredFormat.numberFormat", "userEnteredFormat.textFormat.bold"):
            raise ApiError(
                501,
                f"The stand-in only implements userEnteredFormat.numberFormat and userEnteredFormat.textFormat.bold "
                f"({where})",
                "UNIMPLEMENTED",
            )
        cell_spec = spec.get("cell") or {}
        _known_fields(cell_spec, {"userEnteredFormat"}, where, "repeat_cell.cell")
        entered = cell_spec.get("userEnteredFormat") or {}
        _known_fields(entered, _CELL_FORMAT_FIELDS, where, "repeat_cell.cell.user_entered_format")
        tab, row0, row_end, col0, col_end = _grid_range(book, spec.get("range"), where)
        if fields == "userEnteredFormat.textFormat.bold":
            text_format = entered.get("textFormat") or {}
            _known_fields(text_format, _TEXT_FORMAT_FIELDS, where, "repeat_cell.cell.user_entered_format.text_format")
            bold = text_format.get("bold", False)
            if not isinstance(bold, bool):
                raise invalid(f"{where}.cell.userEnteredFormat.textFormat.bold: a boolean is required, got {bold!r}")
            for position, cell in list(tab.cells.items()):
                if row0 <= position[0] < row_end and col0 <= position[1] < col_end:
                    tab.cells[position] = dataclasses.replace(cell, bold=bold)
            return {}
        number_format = entered.get("numberFormat")
        kept = None
        if number_format:
            kind, pattern = number_format.get("type"), number_format.get("pattern", "")
            if kind not in ("TEXT", "NUMBER", "PERCENT", "CURRENCY", "DATE", "TIME", "DATE_TIME", "SCIENTIFIC"):
                raise invalid(f"{where}.cell.userEnteredFormat.numberFormat.type: unknown type {kind!r}")
            kept = (kind, pattern)
        for position, cell in list(tab.cells.items()):
            if row0 <= position[0] < row_end and col0 <= position[1] < col_end:
                tab.cells[position] = dataclasses.replace(cell, number_format=kept)
        return {}

    def _set_basic_filter(self, book: Book, spec: dict[str, Any], where: str) -> dict[str, Any]:
        """Set (replace) the tab's basic filter over a range; criteria are not implemented."""
        _known_fields(spec, {"filter"}, where, "set_basic_filter")
        wanted = spec.get("filter")
        if not isinstance(wanted, dict) or "range" not in wanted:
            raise invalid(f"{where}: filter.range is required")
        _known_fields(
            wanted, {"range", "sortSpecs", "filterSpecs", "criteria", "tableId"}, where, "set_basic_filter.filter"
        )
        if set(wanted) - {"range"}:
            raise ApiError(501, f"The stand-in only implements a basic filter's range ({where})", "UNIMPLEMENTED")
        tab, row0, row_end, col0, col_end = _grid_range(book, wanted["range"], where + ".filter")
        # Stored as Google answers it: the range with its sheetId, open-ended bounds left out.
        stored = {"sheetId": tab.sheet_id, "startRowIndex": row0, "startColumnIndex": col0}
        for name in ("endRowIndex", "endColumnIndex"):
            if name in wanted["range"]:
                stored[name] = int(wanted["range"][name])
        tab.basic_filter = {"range": stored}
        return {}

    def _update_dimension_properties(self, book: Book, spec: dict[str, Any], where: str) -> dict[str, Any]:
        """Hide/show or size columns (rows are not implemented): fields hiddenByUser and/or pixelSize."""
        _known_fields(
            spec, {"range", "properties", "fields", "dataSourceSheetRange"}, where, "update_dimension_properties"
        )
        if "dataSourceSheetRange" in spec:
            raise ApiError(501, f"The stand-in has no data source sheets ({where})", "UNIMPLEMENTED")
        tab, dimension, start, end = _dimension_range(book, spec.get("range"), where)
        size = tab.row_count if dimension == "ROWS" else tab.column_count
        if end > size:
            raise invalid(f"{where}: range.endIndex ({end}) must be at most the {dimension.lower()} count ({size})")
        if dimension != "COLUMNS":
            raise ApiError(501, f"The stand-in only implements column properties ({where})", "UNIMPLEMENTED")
        properties = spec.get("properties")
        if not isinstance(properties, dict):
            raise invalid(f"{where}: properties is required")
        _known_fields(
            properties,
            {"hiddenByFilter", "hiddenByUser", "pixelSize", "developerMetadata", "dataSourceColumnReference"},
            where,
            "update_dimension_properties.properties",
        )
        fields = [part.strip() for part in str(spec.get("fields") or "").split(",") if part.strip()]
        if not fields:
            raise invalid(f"{where}: At least one field must be specified in 'fields'.")
        for name in fields:
            if name not in ("hiddenByUser", "pixelSize"):
                raise ApiError(501, f"The stand-in does not implement field '{name}' ({where})", "UNIMPLEMENTED")
        columns = range(start, end)
        if "hiddenByUser" in fields:
            hidden = properties.get("hiddenByUser", False)
            if not isinstance(hidden, bool):
                raise invalid(f"{where}.properties.hiddenByUser: a boolean is required, got {hidden!r}")
            tab.hidden_columns = (
                tab.hidden_columns | frozenset(columns) if hidden else tab.hidden_columns - frozenset(columns)
            )
        if "pixelSize" in fields:
            pixels = properties.get("pixelSize", 0)
            if not isinstance(pixels, int) or isinstance(pixels, bool) or pixels < 0:
                raise invalid(f"{where}.properties.pixelSize: a non-negative integer is required, got {pixels!r}")
            tab.column_pixels = {**tab.column_pixels, **dict.fromkeys(columns, pixels)}
        return {}

    def _update_spreadsheet_properties(self, book: Book, spec: dict[str, Any], where: str) -> dict[str, Any]:
        properties = spec.get("properties") or {}
        for name in [part.strip() for part in str(spec.get("fields") or "").split(",") if part.strip()]:
            if name in ("title", "*"):
                book.title = properties.get("title", book.title)
            if name in ("locale", "*"):
                book.locale = properties.get("locale", book.locale)
            if name in ("timeZone", "*"):
                book.time_zone = properties.get("timeZone", book.time_zone)
        return {}

    def _new_sheet_id(self) -> int:
        return 1 + secrets.randbelow(2**31 - 2)

    # ---- values

    def _values_get(self, book: Book, request: FakeRequest, range: str) -> dict[str, Any]:
        return self._value_range(
            parse_a1(range, book),
            _render_option(request.param("valueRenderOption")),
            _dimension(request.param("majorDimension")),
        )

    def _values_batch_get(self, book: Book, request: FakeRequest) -> dict[str, Any]:
        render_option = _render_option(request.param("valueRenderOption"))
        dimension = _dimension(request.param("majorDimension"))
        grids = [parse_a1(text, book) for text in request.query.get("ranges", [])]
        answer: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
        if grids:
            answer["valueRanges"] = [self._value_range(grid, render_option, dimension) for grid in grids]
        return answer

    def _value_range(self, grid: GridRange, render_option: str, dimension: str) -> dict[str, Any]:
        row0, col0, row1, col1 = read_bounds(grid)
        cells = grid.tab.cells
        if dimension == "ROWS":
            lines = [
                [render(cells.get((r, c)), render_option) for c in range(col0, col1 + 1)]
                for r in _occupied(cells, row0, row1, col0, col1, 0)
            ]
        else:
            lines = [
                [render(cells.get((r, c)), render_option) for r in range(row0, row1 + 1)]
                for c in _occupied(cells, col0, col1, row0, row1, 1)
            ]
        # Trailing empty cells and rows are left out of the reply, as the API does.
        for line in lines:
            while line and line[-1] == "":
                line.pop()
        while lines and not lines[-1]:
            lines.pop()
        answer: dict[str, Any] = {
            "range": format_a1(grid.tab.title, row0, col0, row1, col1),
            "majorDimension": dimension,
        }
        if lines:
            answer["values"] = lines
        return answer

    def _values_update(self, book: Book, request: FakeRequest, range: str) -> dict[str, Any]:
        option = _value_input_option(request.param("valueInputOption"))
        body = _json_body(request)
        if "range" in body and not _same_range(body["range"], range, book):
            raise invalid(f"Requested range [{range}] does not match value's range [{body['range']}]")
        planned = self._plan_write(book, range, body, option, "values")
        _apply(planned)
        return {"spreadsheetId": book.spreadsheet_id, **planned.summary}

    def _values_batch_update(self, book: Book, request: FakeRequest) -> dict[str, Any]:
        body = _json_body(request)
        option = _value_input_option(body.get("valueInputOption"))
        data = body.get("data") or []
        if not isinstance(data, list):
            raise invalid("Invalid value at 'data': must be a list of ValueRange")
        # Validate every range before writing any: a failed batch leaves the spreadsheet untouched.
        planned = []
        for number, value_range in enumerate(data):
            if not isinstance(value_range, dict) or not value_range.get("range"):
                raise invalid(f"Invalid data[{number}]: range is required")
            planned.append(self._plan_write(book, value_range["range"], value_range, option, f"data[{number}].values"))
        for each in planned:
            _apply(each)
        summaries = [each.summary for each in planned]
        answer: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
        if summaries:
            answer.update(
                totalUpdatedRows=sum(s.get("updatedRows", 0) for s in summaries),
                totalUpdatedColumns=sum(s.get("updatedColumns", 0) for s in summaries),
                totalUpdatedCells=sum(s.get("updatedCells", 0) for s in summaries),
                totalUpdatedSheets=len({each.tab.sheet_id for each in planned if each.cells}),
                responses=[{"spreadsheetId": book.spreadsheet_id, **s} for s in summaries],
            )
        return answer

    def _values_append(self, book: Book, request: FakeRequest, range: str) -> dict[str, Any]:
        option = _value_input_option(request.param("valueInputOption"))
        insert = request.param("insertDataOption") or "OVERWRITE"
        if insert not in ("OVERWRITE", "INSERT_ROWS"):
            raise invalid(f"Invalid value at 'insert_data_option', \"{insert}\"")
        body = _json_body(request)
        # Appending may grow the grid; do it on a copy so a rejected append changes nothing.
        draft = book.copy()
        grid = parse_a1(range, draft)
        tab = grid.tab
        col_end = grid.col1 if grid.col1 is not None else (grid.col0 if grid.anchor else tab.column_count - 1)
        # The "table" is the block of rows with data in the range's columns; new rows go after its last row.
        table_end = _table_end(tab, grid.row0, grid.col0, max(col_end, grid.col0))
        start = table_end + 1 if table_end is not None else grid.row0
        values = _oriented(body, "values")
        height = len(values)
        width = max((len(row) for row in values), default=0)
        if height:
            if insert == "INSERT_ROWS":
                tab.cells = {((r + height if r >= start else r), c): cell for (r, c), cell in tab.cells.items()}
                tab.row_count += height
            tab.row_count = max(tab.row_count, start + height)
            tab.column_count = max(tab.column_count, grid.col0 + width)
            _check_grid(tab, "Invalid append")
            if draft.cell_total() > MAX_WORKBOOK_CELLS:
                raise invalid(
                    f"This action would increase the number of cells in the workbook above the limit of {MAX_WORKBOOK_CELLS} cells."
                )
        anchored = GridRange(tab, start, grid.col0, start, grid.col0, anchor=True)
        planned = self._plan_write(draft, anchored, body, option, "values")
        _apply(planned)
        self._books[book.spreadsheet_id] = draft
        answer: dict[str, Any] = {
            "spreadsheetId": book.spreadsheet_id,
            "updates": {"spreadsheetId": book.spreadsheet_id, **planned.summary},
        }
        if table_end is not None:
            answer["tableRange"] = format_a1(tab.title, grid.row0, grid.col0, table_end, max(col_end, grid.col0))
        return answer

    def _values_clear(self, book: Book, request: FakeRequest, range: str) -> dict[str, Any]:
        return {"spreadsheetId": book.spreadsheet_id, "clearedRange": self._clear(parse_a1(range, book))}

    def _values_batch_clear(self, book: Book, request: FakeRequest) -> dict[str, Any]:
        ranges = _json_body(request).get("ranges") or []
        grids = [parse_a1(text, book) for text in ranges]
        bounds = [read_bounds(grid) for grid in grids]  # every range checked before anything is cleared
        cleared = [self._clear(grid) for grid, _ in zip(grids, bounds)]
        return {"spreadsheetId": book.spreadsheet_id, "clearedRanges": cleared}

    def _clear(self, grid: GridRange) -> str:
        row0, col0, row1, col1 = read_bounds(grid)
        grid.tab.cells = {
            (r, c): cell for (r, c), cell in grid.tab.cells.items() if not (row0 <= r <= row1 and col0 <= c <= col1)
        }
        return format_a1(grid.tab.title, row0, col0, row1, col1)

    def _plan_write(
        self, book: Book, target: str | GridRange, body: dict[str, Any], option: str, where: str
    ) -> PlannedWrite:
        grid = target if isinstance(target, GridRange) else parse_a1(target, book)
        tab = grid.tab
        values = _oriented(body, where)
        height = len(values)
        width = max((len(row) for row in values), default=0)
        summary: dict[str, Any] = {}
        if not height or not width:
            row1 = grid.row1 if grid.row1 is not None else grid.row0
            col1 = grid.col1 if grid.col1 is not None else grid.col0
            summary["updatedRange"] = format_a1(tab.title, grid.row0, grid.col0, row1, col1)
            return PlannedWrite(tab, {}, summary)
        label = target if isinstance(target, str) else format_a1(tab.title, grid.row0, grid.col0, grid.row0, grid.col0)
        last_row, last_col = grid.row0 + height - 1, grid.col0 + width - 1
        if not grid.anchor:
            if grid.row1 is not None and last_row > grid.row1:
                raise invalid(f"Requested writing within range [{label}], but tried writing to row [{last_row + 1}]")
            if grid.col1 is not None and last_col > grid.col1:
                raise invalid(
                    f"Requested writing within range [{label}], but tried writing to column [{column_letters(last_col)}]"
                )
        if last_row >= tab.row_count or last_col >= tab.column_count:
            raise _exceeds(tab, grid.row0, grid.col0, last_row, last_col)
        cells: dict[tuple[int, int], StoredCell] = {}
        rows_touched: set[int] = set()
        cols_touched: set[int] = set()
        for i, row in enumerate(values):
            if not isinstance(row, list):
                raise invalid(f"Invalid {where}[{i}]: expected a list of values")
            for j, value in enumerate(row):
                stored = parse_input(value, option, f"{where}[{i}][{j}]")
                if stored is None:
                    continue
                cells[(grid.row0 + i, grid.col0 + j)] = stored
                rows_touched.add(i)
                cols_touched.add(j)
        summary.update(
            updatedRange=format_a1(tab.title, grid.row0, grid.col0, last_row, last_col),
            updatedRows=len(rows_touched),
            updatedColumns=len(cols_touched),
            updatedCells=len(cells),
        )
        return PlannedWrite(tab, cells, summary)


_SHEET = r"^/v4/spreadsheets/(?P<spreadsheet_id>[^/:]+)"
# (method, path pattern, handler name, needs a write scope)
_ROUTES: list[tuple[str, re.Pattern[str], str, bool]] = [
    ("POST", re.compile(r"^/token$"), "token", False),
    (
        "GET",
        re.compile(r"^/v1/projects/-/serviceAccounts/(?P<email>[^/]+)/allowedLocations$"),
        "allowed_locations",
        False,
    ),
    ("GET", re.compile(_SHEET + r"$"), "get_spreadsheet", False),
    ("POST", re.compile(_SHEET + r":batchUpdate$"), "batch_update", True),
    ("GET", re.compile(_SHEET + r"/values:batchGet$"), "values_batch_get", False),
    ("POST", re.compile(_SHEET + r"/values:batchUpdate$"), "values_batch_update", True),
    ("POST", re.compile(_SHEET + r"/values:batchClear$"), "values_batch_clear", True),
    ("POST", re.compile(_SHEET + r"/values/(?P<range>[^/]+):append$"), "values_append", True),
    ("POST", re.compile(_SHEET + r"/values/(?P<range>[^/]+):clear$"), "values_clear", True),
    ("GET", re.compile(_SHEET + r"/values/(?P<range>[^/]+)$"), "values_get", False),
    ("PUT", re.compile(_SHEET + r"/values/(?P<range>[^/]+)$"), "values_update", True),
]

_BATCH_OPERATIONS: dict[str, Callable[[FakeGoogleSheets, Book, dict[str, Any], str], dict[str, Any]]] = {
    "addSheet": FakeGoogleSheets._add_sheet,
    "deleteSheet": FakeGoogleSheets._delete_sheet,
    "updateSheetProperties": FakeGoogleSheets._update_sheet_properties,
    "appendDimension": FakeGoogleSheets._append_dimension,
    "insertDimension": FakeGoogleSheets._insert_dimension,
    "deleteDimension": FakeGoogleSheets._delete_dimension,
    "updateCells": FakeGoogleSheets._update_cells,
    "repeatCell": FakeGoogleSheets._repeat_cell,
    "setBasicFilter": FakeGoogleSheets._set_basic_filter,
    "updateDimensionProperties": FakeGoogleSheets._update_dimension_properties,
    "updateSpreadsheetProperties": FakeGoogleSheets._update_spreadsheet_properties,
}


def _operations(request: FakeRequest) -> tuple[str, ...]:
    if not request.path.endswith(":batchUpdate") or "/values" in request.path:
        return ()
    try:
        return tuple(kind for operation in json.loads(request.body).get("requests") or [] for kind in operation)
    except (ValueError, AttributeError, TypeError):
        return ()


def _dimension_range(book: Book, spec: Any, where: str) -> tuple[Tab, str, int, int]:
    spec = spec if isinstance(spec, dict) else {}
    tab = book.tab_with_id(spec.get("sheetId", 0))
    if tab is None:
        raise invalid(f"{where}: No grid with id: {spec.get('sheetId', 0)}")
    dimension = spec.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise invalid(f"{where}: range.dimension must be ROWS or COLUMNS")
    start, end = spec.get("startIndex", 0), spec.get("endIndex")
    if not isinstance(start, int) or not isinstance(end, int) or start < 0 or end <= start:
        raise invalid(f"{where}: range.endIndex must be greater than range.startIndex")
    return tab, dimension, start, end


def _shifted(position: tuple[int, int], axis: int, start: int, count: int) -> tuple[int, int]:
    if position[axis] < start:
        return position
    return (position[0] + count, position[1]) if axis == 0 else (position[0], position[1] + count)


def _extended_value(value: Any, where: str) -> StoredCell | None:
    """An ExtendedValue as stored: stringValue is always literal text (formulas only via formulaValue)."""
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) != 1:
        raise invalid(f"Invalid {where}.userEnteredValue: exactly one kind of value must be set")
    ((kind, content),) = value.items()
    if kind == "stringValue" and isinstance(content, str):
        if len(content) > MAX_CELL_CHARS:
            raise invalid(f"Your input contains more than the maximum of {MAX_CELL_CHARS} characters in a single cell.")
        return StoredCell(content) if content != "" else None
    if kind == "numberValue" and isinstance(content, (int, float)) and not isinstance(content, bool):
        return StoredCell(float(content))
    if kind == "boolValue" and isinstance(content, bool):
        return StoredCell(content)
    if kind == "formulaValue" and isinstance(content, str):
        return StoredCell(content, formula=True)
    raise invalid(f"Invalid {where}.userEnteredValue.{kind}: {json.dumps(content)[:100]}")


def _occupied(
    cells: dict[tuple[int, int], StoredCell], lo: int, hi: int, other_lo: int, other_hi: int, axis: int
) -> range:
    """Lines from `lo` up to the last one holding a cell in the range: reading 1000 empty rows costs nothing."""
    last = lo - 1
    for key in cells:
        line, other = key[axis], key[1 - axis]
        if lo <= line <= hi and other_lo <= other <= other_hi and line > last:
            last = line
    return range(lo, last + 1)


def _oriented(body: dict[str, Any], where: str) -> list[list[Any]]:
    values = body.get("values") or []
    if not isinstance(values, list):
        raise invalid(f"Invalid {where}: expected a list of lists")
    if _dimension(body.get("majorDimension")) == "COLUMNS":
        height = max((len(column) for column in values if isinstance(column, list)), default=0)
        values = [[column[r] if r < len(column) else None for column in values] for r in range(height)]
    return values


def _table_end(tab: Tab, row0: int, col0: int, col1: int) -> int | None:
    """The last row at or below row0 with a cell in columns col0..col1, scanning up from the tab's last row."""
    for row in range(tab.last_row(), row0 - 1, -1):
        if any((row, column) in tab.cells for column in range(col0, col1 + 1)):
            return row
    return None


def _apply(planned: PlannedWrite) -> None:
    if not planned.cells:
        return
    tab = planned.tab
    cells = tab.cells
    cleared = False
    for position, cell in planned.cells.items():
        if cell.value == "" and not cell.formula:
            cleared = cells.pop(position, None) is not None or cleared
        else:
            cells[position] = _keep_format(cells.get(position), cell)
    if cleared:
        tab._extent = None
    elif tab._extent is not None and tab._extent[0] is cells:
        tab._extent = (cells, max(tab._extent[1], max(r for r, _ in planned.cells)))


# The CellFormat and TextFormat fields of the Sheets v4 reference; any other name is refused as Google refuses it.
_CELL_FORMAT_FIELDS = {
    "numberFormat",
    "backgroundColor",
    "backgroundColorStyle",
    "borders",
    "padding",
    "horizontalAlignment",
    "verticalAlignment",
    "wrapStrategy",
    "textDirection",
    "textFormat",
    "hyperlinkDisplayType",
    "textRotation",
}
_TEXT_FORMAT_FIELDS = {
    "foregroundColor",
    "foregroundColorStyle",
    "fontFamily",
    "fontSize",
    "bold",
    "italic",
    "strikethrough",
    "underline",
    "link",
}
_GRID_RANGE_FIELDS = {"sheetId", "startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"}


def _known_fields(spec: Any, known: set[str], where: str, path: str) -> None:
    """Google's answer to a JSON field its schema does not have: 400, naming the field and where it was."""
    if not isinstance(spec, dict):
        raise invalid(f"{where}: {path} must be an object")
    for name in spec:
        if name not in known:
            number = where.split("requests[", 1)[1].split("]", 1)[0] if "requests[" in where else "0"
            raise invalid(
                f"Invalid JSON payload received. Unknown name \"{name}\" at 'requests[{number}].{path}': "
                "Cannot find field."
            )


def _grid_range(book: Book, spec: Any, where: str) -> tuple[Tab, int, int, int, int]:
    """A GridRange resolved on its tab: (tab, startRow, endRow, startColumn, endColumn), end bounds exclusive and
    defaulting to the grid's; a range past the grid or ending before it starts is refused."""
    _known_fields(spec if spec is not None else {}, _GRID_RANGE_FIELDS, where, "range")
    grid = spec or {}
    tab = book.tab_with_id(grid.get("sheetId", 0))
    if tab is None:
        raise invalid(f"{where}: No grid with id: {grid.get('sheetId', 0)}")
    bounds = [grid.get(name) for name in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")]
    if any(
        value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0) for value in bounds
    ):
        raise invalid(f"{where}: range indexes must be non-negative integers")
    row0, col0 = bounds[0] or 0, bounds[2] or 0
    row_end = tab.row_count if bounds[1] is None else bounds[1]
    col_end = tab.column_count if bounds[3] is None else bounds[3]
    if row_end < row0 or col_end < col0:
        raise invalid(f"{where}: range end index must not be less than its start index")
    if row_end > tab.row_count or col_end > tab.column_count:
        raise _exceeds(tab, row0, col0, max(row0, row_end - 1), max(col0, col_end - 1))
    return tab, row0, row_end, col0, col_end


def _keep_format(old: StoredCell | None, new: StoredCell) -> StoredCell:
    # A value write changes the value only: the cell's number format and boldness stay, as in Sheets.
    if old is None:
        return new
    if old.number_format is not None and new.number_format is None:
        new = dataclasses.replace(new, number_format=old.number_format)
    return dataclasses.replace(new, bold=old.bold) if old.bold and not new.bold else new


def _resize(tab: Tab, rows: int | None = None, columns: int | None = None) -> None:
    if rows is not None:
        tab.row_count = rows
    if columns is not None:
        tab.column_count = columns
    # Shrinking the grid deletes what fell off it.
    tab.cells = {(r, c): cell for (r, c), cell in tab.cells.items() if r < tab.row_count and c < tab.column_count}


def _check_grid(tab: Tab, where: str) -> None:
    if tab.row_count < 1 or tab.column_count < 1:
        raise invalid(f"{where}: rowCount and columnCount must be greater than 0")
    if tab.column_count > MAX_COLUMNS:
        raise invalid(f"{where}: This action would increase the number of columns above the limit of {MAX_COLUMNS}.")
    if tab.frozen_rows >= tab.row_count and tab.frozen_rows:
        raise invalid(f"{where}: You can't freeze all visible rows on the sheet.")
    if tab.frozen_columns >= tab.column_count and tab.frozen_columns:
        raise invalid(f"{where}: You can't freeze all visible columns on the sheet.")


def _same_range(left: str, right: str, book: Book) -> bool:
    a, b = parse_a1(left, book), parse_a1(right, book)
    return (a.tab.sheet_id, a.row0, a.col0, a.row1, a.col1) == (b.tab.sheet_id, b.row0, b.col0, b.row1, b.col1)


def _json_body(request: FakeRequest) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except ValueError:
        raise invalid("Invalid JSON payload received. Unexpected token.") from None
    if not isinstance(body, dict):
        raise invalid("Invalid JSON payload received. Expected an object.")
    return body


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _signature_ok(key: rsa.RSAPublicKey, signature: bytes, signed: bytes) -> bool:
    try:
        key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ESF"
    timeout = 60
    # Headers and body go out in separate writes; without TCP_NODELAY each reply waits ~40 ms on delayed ACKs.
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = FakeRequest(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            target_bytes=len(self.path.encode("latin-1", "replace")),
        )
        response = self.server.fake.handle(request)  # type: ignore[attr-defined]
        if response.delay_s:
            self.server.fake.stopping.wait(response.delay_s)  # type: ignore[attr-defined]
        payload = response.encoded()
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if response.reset_after_bytes is not None:
                self.wfile.write(payload[: response.reset_after_bytes])
                self.wfile.flush()
                # SO_LINGER with a zero timeout: close() sends a RST, the way a dropped connection looks to a client.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up waiting (its timeout fired); what it asked for has been applied all the same.
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass
