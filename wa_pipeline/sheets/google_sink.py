"""The Google Sheets backend: idempotent, batched upserts through gspread, a constant number of API calls per upsert.

One upsert: the tab's properties (one read), its header and key column plus the rows it may change (one batched
read, two when the ledger's row hints are stale), then one batched write (new and changed rows to explicit
ranges, in bodies under 2 MB), preceded by one spreadsheet batchUpdate when the grid must grow or a late row must
be inserted between existing ones. Every request goes through `ResilientAdapter` (throttle, timeout, retries,
circuit breaker). Writes are journalled in the `WriteLedger`; an upsert that fails part-way is planned again
from a fresh read-back, so nothing is written twice however the failure fell.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

import gspread
from google.auth.exceptions import RefreshError
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError, SpreadsheetNotFound
from gspread.http_client import HTTPClient
from requests.exceptions import ChunkedEncodingError, Timeout
from requests.exceptions import ConnectionError as RequestsConnectionError

from wa_pipeline.sheets.cell_safety import safe_cell
from wa_pipeline.sheets.circuit_breaker import CircuitBreaker
from wa_pipeline.sheets.endpoint_session import GOOGLE_SHEETS_ENDPOINT, EndpointSession, check_endpoint
from wa_pipeline.sheets.errors import CircuitOpenError, SheetConfigError, SheetsUnavailable
from wa_pipeline.sheets.resilient_adapter import ResilientAdapter
from wa_pipeline.sheets.retry import TRANSIENT_STATUSES, Backoff
from wa_pipeline.sheets.sheet_limits import CellUsage, grid_cells
from wa_pipeline.sheets.sink import Cell, TabContents, UpsertResult
from wa_pipeline.sheets.state_db import STATE_DB_NAME
from wa_pipeline.sheets.sync_tuning import SyncTuning
from wa_pipeline.sheets.throttle import Throttle
from wa_pipeline.sheets.upsert_plan import (
    HEADER_ROW,
    Insertion,
    TabSnapshot,
    UpsertPlan,
    content_hash,
    layout_managed_columns,
    plan_upsert,
    prepare_rows,
    rows_to_compare,
)
from wa_pipeline.sheets.write_ledger import WriteLedger
from wa_pipeline.sheets.writer_lock import exclusive, lock_path

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
# Google advises keeping a request under 2 MB; past that latency and timeouts climb.
MAX_REQUEST_BYTES = 2_000_000
# Grow the grid with room to spare, so most upserts need no resize call at all.
ROW_HEADROOM = 1000
NEW_TAB_ROWS = 1000
# batchGet carries its ranges in the URL; past this many row ranges, read one range spanning them instead.
MAX_READ_RANGES = 40


@dataclass
class _Attempts:
    """What the attempts of one upsert call share: the first plan (the changes this call makes, counted once however
    many attempts it took) and the ledger writes begun by this call (not "reconciled" when a later attempt finds them)."""

    first_plan: UpsertPlan | None = None
    own_writes: set[int] = field(default_factory=set)
    reconciled: int = 0


@dataclass(frozen=True)
class _Outcome:
    plan: UpsertPlan
    usage: CellUsage


class GoogleSheetsSink:
    """A `SheetSink` on one Google spreadsheet, authenticated as a service account.

    Nothing touches the network until the first upsert or read; configuration problems then raise
    `SheetConfigError` saying what to fix, and an API that keeps failing raises `SheetsUnavailable`
    (`CircuitOpenError` while the breaker is open). With `state_dir`, the write ledger, the throttle's buckets
    and the breaker live in `state_dir/sheets_state.sqlite3`, shared with every run on the machine, and an
    exclusive lock file keeps one writer per spreadsheet; without it they last as long as this object.
    `clock`, `sleep` and `rng` are injectable so tests of quotas and backoff run fast and repeatably.
    """

    def __init__(
        self,
        credentials_path: Path,
        spreadsheet_key: str,
        endpoint: str = GOOGLE_SHEETS_ENDPOINT,
        *,
        state_dir: Path | None = None,
        tuning: SyncTuning | None = None,
        ledger: WriteLedger | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.credentials_path = Path(credentials_path)
        self.spreadsheet_key = spreadsheet_key
        try:
            self.endpoint = check_endpoint(endpoint)
        except ValueError as error:
            raise SheetConfigError(f"WA_SHEETS_ENDPOINT: {error}") from None
        self.tuning = tuning or SyncTuning()
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self._state_path = self.state_dir / STATE_DB_NAME if self.state_dir is not None else None
        self.ledger = ledger if ledger is not None else WriteLedger(self._state_path)
        self.clock, self.sleep = clock, sleep
        self.backoff = Backoff(
            max_attempts=self.tuning.max_attempts,
            base_s=self.tuning.backoff_base_s,
            cap_s=self.tuning.backoff_cap_s,
            sleep=sleep,
            rng=rng or random.Random(),
        )
        self.breaker = CircuitBreaker(
            self._state_path,
            name=f"sheets:{spreadsheet_key}",
            failure_threshold=self.tuning.breaker_failures,
            cooldown_s=self.tuning.breaker_cooldown_s,
            clock=clock,
        )
        self._throttle: Throttle | None = None
        self._session: EndpointSession | None = None
        self._http: HTTPClient | None = None
        self._account = "the service account"

    @property
    def location(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_key}"

    def upsert(
        self, tab: str, columns: Sequence[str], key: str, rows: Sequence[Sequence[Cell]], order_by: Sequence[str] = ()
    ) -> UpsertResult:
        wanted = prepare_rows(columns, key, rows, stored=safe_cell, order_by=order_by)
        with self._config_errors():
            http = self._client()
            adapter = self._adapter()
            calls, retries = adapter.sent, adapter.retries
            throttled, backed_off = self._throttled(), self.backoff.waited_s
            attempts = _Attempts()
            with exclusive(lock_path(self.state_dir, self.spreadsheet_key) if self.state_dir else None):
                outcome = self._with_replans(
                    tab, lambda: self._upsert_once(http, tab, columns, key, wanted, order_by, attempts)
                )
        plan = attempts.first_plan or outcome.plan
        return UpsertResult(
            inserted=plan.inserted,
            updated=plan.updated,
            unchanged=plan.unchanged,
            api_calls=adapter.sent - calls,
            placed_in_order=sum(len(i.rows) for i in plan.insertions),
            reconciled=attempts.reconciled,
            retries=adapter.retries - retries,
            throttled_s=round(self._throttled() - throttled, 3),
            backoff_s=round(self.backoff.waited_s - backed_off, 3),
            sheet_cells=outcome.usage.cells,
            warnings=(outcome.usage.warning,) if outcome.usage.warning else (),
        )

    def read_tab(self, tab: str) -> TabContents:
        with self._config_errors():
            http = self._client()

            def read() -> list[list[Any]]:
                properties = _find_tab(self._sheet_properties(http), tab)
                if properties is None:
                    return []
                reply = http.values_get(
                    self.spreadsheet_key, _a1(properties["title"]), params={"valueRenderOption": "FORMATTED_VALUE"}
                )
                return reply.get("values", [])

            values = self._with_replans(tab, read)
        if not values:
            return TabContents(header=[], rows=[])
        header = [str(cell) for cell in values[0]]
        # Converted in place: a whole tab read back is held once, not once as JSON values and once as text.
        del values[0]
        for index, row in enumerate(values):
            values[index] = [str(cell) for cell in row] + [""] * (len(header) - len(row))
        return TabContents(header=header, rows=values)

    # ---- one attempt at an upsert, planned from what the sheet holds now

    def _with_replans(self, tab: str, attempt: Callable[[], Any]) -> Any:
        """Run `attempt`, starting over after a transient failure; each start re-reads, so nothing is done twice."""
        number = 0
        while True:
            number += 1
            try:
                return attempt()
            except CircuitOpenError:
                raise
            except Exception as error:
                if not _transient(error):
                    raise
                if number >= self.tuning.replans:
                    raise SheetsUnavailable(
                        f"Google Sheets kept failing while syncing tab {tab!r} of {self.location} "
                        f"({_describe(error)}, {number} attempts, each with up to {self.tuning.max_attempts} sends). "
                        "Rows already written stay as they are and are not written again: re-run the sync later."
                    ) from None
                self.backoff.pause(number)

    def _upsert_once(
        self,
        http: HTTPClient,
        tab: str,
        columns: Sequence[str],
        key: str,
        wanted: Mapping[str, list[Cell]],
        order_by: Sequence[str],
        attempts: _Attempts,
    ) -> _Outcome:
        sheets = self._sheet_properties(http)
        usage = grid_cells(sheets)
        properties = _find_tab(sheets, tab)
        pending = self.ledger.pending(self.spreadsheet_key, tab)
        if properties is None:
            # A tab deleted by someone: whatever the ledger remembers of it is gone with it.
            self.ledger.forget_tab(self.spreadsheet_key, tab)
            self._settle(pending, {}, attempts)
            plan = plan_upsert(TabSnapshot(header=[], order=[] if order_by else None), columns, key, wanted, order_by)
            attempts.first_plan = attempts.first_plan or plan
            grid = self._new_tab_grid(plan, usage, tab)
            write_id = self._begin(tab, plan, attempts)
            sheet_id = self._add_tab(http, tab, grid)
            title, old = tab, (0, 0)
        else:
            title, sheet_id = properties["title"], properties["sheetId"]
            snapshot, found = self._read_snapshot(http, tab, properties, columns, key, wanted, order_by, pending)
            self._settle(pending, found, attempts)
            plan = plan_upsert(snapshot, columns, key, wanted, order_by)
            attempts.first_plan = attempts.first_plan or plan
            grid_properties = properties["gridProperties"]
            old = (int(grid_properties["rowCount"]), int(grid_properties["columnCount"]))
            # Journalled before the first request that writes: inserted rows go in with the grid batch.
            write_id = self._begin(tab, plan, attempts)
            grid = self._grow_grid(http, title, sheet_id, grid_properties, plan, usage)
        usage = usage.after_growth(grid[0] * grid[1] - old[0] * old[1])

        for body in _write_requests(title, plan):
            http.values_batch_update(self.spreadsheet_key, body=body)
        self.ledger.confirm(
            write_id,
            self.spreadsheet_key,
            tab,
            plan.final,
            inserted_at=[(insertion.before_row, len(insertion.rows)) for insertion in plan.insertions],
        )
        return _Outcome(plan=plan, usage=usage)

    def _begin(self, tab: str, plan: UpsertPlan, attempts: _Attempts) -> int | None:
        written = plan.written
        if not written:
            return None
        write_id = self.ledger.begin(self.spreadsheet_key, tab, written)
        attempts.own_writes.add(write_id)
        return write_id

    def _settle(self, pending: Mapping[int, Mapping[str, str]], found: Mapping[str, str], attempts: _Attempts) -> None:
        """Close interrupted writes; those of earlier runs that the sheet holds count as reconciled."""
        earlier = {write_id: rows for write_id, rows in pending.items() if write_id not in attempts.own_writes}
        own = {write_id: rows for write_id, rows in pending.items() if write_id in attempts.own_writes}
        if earlier:
            attempts.reconciled += self.ledger.settle(earlier, found).reconciled
        if own:
            self.ledger.settle(own, found)

    def _sheet_properties(self, http: HTTPClient) -> list[dict[str, Any]]:
        # Fresh every time: people resize, rename and freeze tabs between our runs.
        metadata = http.fetch_sheet_metadata(
            self.spreadsheet_key, params={"includeGridData": "false", "fields": "sheets.properties"}
        )
        return [sheet["properties"] for sheet in metadata.get("sheets", [])]

    def _read_snapshot(
        self,
        http: HTTPClient,
        tab: str,
        properties: dict[str, Any],
        columns: Sequence[str],
        key: str,
        wanted: Mapping[str, list[Cell]],
        order_by: Sequence[str],
        pending: Mapping[int, Mapping[str, str]],
    ) -> tuple[TabSnapshot, dict[str, str]]:
        """The header, key and order columns, and the cells of every row the plan compares: one batched read,
        a second only for rows the ledger had no (or a stale) row number for."""
        title = properties["title"]
        grid_rows = int(properties["gridProperties"]["rowCount"])
        grid_columns = int(properties["gridProperties"]["columnCount"])
        index_names = [key, *order_by]
        # Where our own layout puts them; a user who moved columns costs one more read below.
        span = min(max(list(columns).index(name) for name in index_names) + 1, grid_columns)
        pending_keys = {row_key for rows in pending.values() for row_key in rows}
        hints = self.ledger.positions(self.spreadsheet_key, tab, set(wanted) | pending_keys)
        hinted = _row_ranges(sorted({row for row in hints.values() if HEADER_ROW < row <= grid_rows}))

        has_data_rows = grid_rows > HEADER_ROW
        ranges = [_a1(title, f"{HEADER_ROW}:{HEADER_ROW}")]
        if has_data_rows:
            ranges.append(_a1(title, f"A{HEADER_ROW + 1}:{_letters(span)}"))
        ranges += [_a1(title, f"{first}:{last}") for first, last in hinted]
        replies = self._batch_read(http, ranges)
        header = replies[0][0] if replies[0] else []
        block = replies[1] if has_data_rows else []
        known = _rows_from(hinted, replies[2 if has_data_rows else 1 :])

        layout = layout_managed_columns(header, columns)
        in_header = len(layout.header) - len(layout.added)
        at = [layout.position(columns, name) for name in index_names]
        if has_data_rows and any(span <= position < min(in_header, grid_columns) for position in at):
            # The key or order column is further right than our layout would put it.
            wider = min(max(at) + 1, grid_columns)
            (block,) = self._batch_read(http, [_a1(title, f"A{HEADER_ROW + 1}:{_letters(wider)}")])
        keys = [_at(row, at[0]) for row in block]
        order = [[_at(row, position) for position in at[1:]] for row in block] if order_by else None
        snapshot = TabSnapshot(header=header, keys=keys, order=order, rows=known)

        owner = snapshot.owner
        needed = rows_to_compare(snapshot, wanted) | {owner[k] for k in pending_keys if k in owner}
        missing = sorted(needed - set(known))
        if missing:
            extra = _row_ranges(missing)
            known.update(_rows_from(extra, self._batch_read(http, [_a1(title, f"{a}:{b}") for a, b in extra])))
        found = {
            row_key: content_hash([_at(known[owner[row_key]], p) for p in layout.positions])
            for row_key in pending_keys
            if row_key in owner
        }
        return snapshot, found

    def _batch_read(self, http: HTTPClient, ranges: list[str]) -> list[list[list[Any]]]:
        # Unformatted: numbers and booleans come back typed, so unchanged rows compare equal to what we'd write.
        reply = http.values_batch_get(
            self.spreadsheet_key, ranges, params={"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "ROWS"}
        )
        found = [value_range.get("values", []) for value_range in reply.get("valueRanges", [])]
        return found + [[]] * (len(ranges) - len(found))

    def _new_tab_grid(self, plan: UpsertPlan, usage: CellUsage, tab: str) -> tuple[int, int]:
        columns = plan.layout.width
        rows = max(NEW_TAB_ROWS, plan.rows_after + ROW_HEADROOM)
        if usage.cells + rows * columns > usage.limit:
            # Near the limit, no headroom: only the rows we write.
            rows = max(plan.rows_after, HEADER_ROW + 1)
        usage.require_room(rows * columns, f"Adding tab {tab!r} with {plan.inserted:,} rows")
        return rows, columns

    def _add_tab(self, http: HTTPClient, tab: str, grid: tuple[int, int]) -> int:
        # One request creates the tab at its final size with the header already frozen.
        reply = http.batch_update(
            self.spreadsheet_key,
            {
                "requests": [
                    {
                        "addSheet": {
                            "properties": {
                                "title": tab,
                                "sheetType": "GRID",
                                "gridProperties": {
                                    "rowCount": grid[0],
                                    "columnCount": grid[1],
                                    "frozenRowCount": HEADER_ROW,
                                },
                            }
                        }
                    }
                ]
            },
        )
        return int(reply["replies"][0]["addSheet"]["properties"]["sheetId"])

    def _grow_grid(
        self, http: HTTPClient, title: str, sheet_id: int, grid: dict[str, Any], plan: UpsertPlan, usage: CellUsage
    ) -> tuple[int, int]:
        """Resize and refreeze the grid as the plan needs, and insert late rows where they belong: one
        spreadsheets.batchUpdate (more only past 2 MB). Returns the grid's (rows, columns) afterwards."""
        rows, columns = int(grid["rowCount"]), int(grid["columnCount"])
        inserted = sum(len(insertion.rows) for insertion in plan.insertions)
        wanted: dict[str, int] = {}
        width = max(columns, plan.layout.width)
        if plan.layout.width > columns:
            wanted["columnCount"] = plan.layout.width
        if plan.rows_after > rows + inserted:
            # Sized before the insertions in the same batch add their rows.
            wanted["rowCount"] = plan.rows_after - inserted + ROW_HEADROOM
            if usage.cells + (wanted["rowCount"] + inserted) * width - rows * columns > usage.limit:
                wanted["rowCount"] = plan.rows_after - inserted
        if grid.get("frozenRowCount", 0) < HEADER_ROW:
            wanted["frozenRowCount"] = HEADER_ROW
            # Sheets refuses to freeze every row of a tab, so a header-only grid gets rows to scroll.
            if wanted.get("rowCount", rows) <= HEADER_ROW:
                wanted["rowCount"] = HEADER_ROW + ROW_HEADROOM
        after = (wanted.get("rowCount", rows) + inserted, width)
        usage.require_room(after[0] * after[1] - rows * columns, f"Writing {plan.inserted:,} new rows to {title!r}")
        requests: list[dict[str, Any]] = []
        if wanted:
            requests.append(
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": sheet_id, "gridProperties": wanted},
                        "fields": ",".join(f"gridProperties.{name}" for name in wanted),
                    }
                }
            )
        for insertion in plan.insertions:
            requests += _insertion_requests(sheet_id, plan, insertion)
        for body in _batches(requests):
            http.batch_update(self.spreadsheet_key, body)
        return after

    # ---- connection and errors

    def _client(self) -> HTTPClient:
        if self._http is None:
            credentials = self._credentials()
            self._throttle = self._make_throttle()
            adapter = ResilientAdapter(
                GOOGLE_SHEETS_ENDPOINT,
                self.endpoint,
                throttle=self._throttle,
                backoff=self.backoff,
                breaker=self.breaker,
                timeout=(self.tuning.connect_timeout_s, self.tuning.read_timeout_s),
            )
            self._session = EndpointSession(
                credentials, self.endpoint, adapter=adapter, refresh_timeout=self.tuning.read_timeout_s
            )
            client = gspread.Client(auth=credentials, session=self._session)
            client.set_timeout((self.tuning.connect_timeout_s, self.tuning.read_timeout_s))
            self._http = client.http_client
        return self._http

    def _make_throttle(self) -> Throttle:
        # Google's quota is per service account, so that is the bucket every process on the machine shares.
        return Throttle(
            self._state_path,
            scope=f"sheets:{self._account}",
            reads_per_minute=self.tuning.reads_per_minute,
            writes_per_minute=self.tuning.writes_per_minute,
            burst=self.tuning.burst,
            clock=self.clock,
            sleep=self.sleep,
        )

    def _adapter(self) -> ResilientAdapter:
        assert self._session is not None
        return self._session.adapter  # type: ignore[return-value]

    def _throttled(self) -> float:
        return self._throttle.waited_s if self._throttle is not None else 0.0

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
            raise SheetConfigError(
                f"The private_key in Google credentials file {path} cannot be loaded: {fix}"
            ) from None

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
        self._http = None
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


def _find_tab(sheets: list[dict[str, Any]], tab: str) -> dict[str, Any] | None:
    exact = [properties for properties in sheets if properties.get("title") == tab]
    # Sheet names are unique ignoring case, so a differently cased name is the same tab.
    return (exact or [p for p in sheets if str(p.get("title", "")).lower() == tab.lower()] or [None])[0]


def _transient(error: BaseException) -> bool:
    """Failures a later attempt may get past: 429/5xx answers (JSON or the front end's HTML pages), 409 ABORTED
    (a collision with a concurrent change: retried from a fresh read), timeouts, connections dropped before or
    during an answer, a token refresh Google asked us to retry. Everything else (400s, configuration) is for a person."""
    if isinstance(error, APIError):
        status = _http_status(error)
        return status in TRANSIENT_STATUSES or (status == HTTPStatus.CONFLICT and _api_status(error) == "ABORTED")
    if isinstance(error, RefreshError):
        return bool(getattr(error, "retryable", False))
    return isinstance(error, (Timeout, RequestsConnectionError, ChunkedEncodingError))


def _http_status(error: APIError) -> int:
    # gspread reports an answer that is not JSON (Google's front end sends some 5xx as HTML pages) as code -1;
    # the response's own status still says what happened.
    status = getattr(getattr(error, "response", None), "status_code", None)
    return status if isinstance(status, int) else error.code


def _api_status(error: APIError) -> str:
    return str(error.error.get("status", "")) if isinstance(error.error, dict) else ""


def _describe(error: BaseException) -> str:
    if isinstance(error, APIError):
        status = _api_status(error) if error.code != -1 else "(an HTML page, not the API's JSON)"
        return f"last answer {_http_status(error)} {status}".strip()
    return f"last error {type(error).__name__}"


def _row_ranges(rows: list[int]) -> list[tuple[int, int]]:
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


def _rows_from(ranges: list[tuple[int, int]], replies: list[list[list[Any]]]) -> dict[int, list[Any]]:
    """Sheet row -> cells, for row ranges read back (trailing empty rows are left out of replies: empty here)."""
    found: dict[int, list[Any]] = {}
    for (first, last), values in zip(ranges, replies):
        for offset in range(last - first + 1):
            found[first + offset] = list(values[offset]) if offset < len(values) else []
    return found


def _at(row: Sequence[Any], position: int) -> Any:
    return row[position] if position < len(row) else None


def _insertion_requests(sheet_id: int, plan: UpsertPlan, insertion: Insertion) -> list[dict[str, Any]]:
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
        row_size = len(json.dumps(cells)) + 40 * len(cells)
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


def _cell_data(value: Cell) -> dict[str, Any]:
    # stringValue is never parsed as a formula: the same guarantee as a RAW values write.
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, (int, float)):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def _batches(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
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


def _write_requests(tab: str, plan: UpsertPlan) -> Iterator[dict[str, Any]]:
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
        row = [writes[number][i] for i in indexes]
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
