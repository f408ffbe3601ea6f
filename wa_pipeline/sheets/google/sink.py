"""The Google Sheets backend: idempotent, batched upserts through gspread, a constant number of API calls per upsert.

One upsert: the tab's properties (one read), its header and key column plus the rows it may change (one batched
read, two when the ledger's row hints are stale, and one of the rows below the keys when rows are added), then one
batched write (new and changed rows to explicit
ranges, in bodies under 2 MB), preceded by one spreadsheet batchUpdate when the grid must grow or a late row must
be inserted between existing ones. Every request goes through `ResilientAdapter` (throttle, timeout, retries,
circuit breaker). Writes are journalled in the `WriteLedger`; an upsert that fails part-way is planned again
from a fresh read-back, so nothing is written twice however the failure fell.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any

from gspread.http_client import HTTPClient

from wa_pipeline.sheets.cell_safety import safe_cell
from wa_pipeline.sheets.errors import CircuitOpenError, SheetConfigError, SheetsUnavailable
from wa_pipeline.sheets.google.circuit_breaker import CircuitBreaker
from wa_pipeline.sheets.google.connection import SheetsConnection, describe, transient
from wa_pipeline.sheets.google.endpoint_session import GOOGLE_SHEETS_ENDPOINT, check_endpoint
from wa_pipeline.sheets.google.request_bodies import (
    a1,
    batches,
    cell_at,
    column_letters,
    date_format_requests,
    insertion_requests,
    row_ranges,
    rows_from,
    tab_format_requests,
    write_requests,
)
from wa_pipeline.sheets.google.retry import Backoff
from wa_pipeline.sheets.google.state_db import STATE_DB_NAME
from wa_pipeline.sheets.google.tab_ids import Located, TabIds
from wa_pipeline.sheets.google.write_ledger import WriteLedger
from wa_pipeline.sheets.google.writer_lock import exclusive, lock_path
from wa_pipeline.sheets.sheet_limits import GOOGLE_MAX_CELL_CHARS, CellUsage, grid_cells
from wa_pipeline.sheets.sink import Cell, TabContents, UpsertResult
from wa_pipeline.sheets.upsert_plan import (
    HEADER_ROW,
    TabSnapshot,
    UpsertPlan,
    content_hash,
    key_text,
    layout_managed_columns,
    plan_upsert,
    prepare_rows,
    rows_to_compare,
)
from wa_pipeline.sync_tuning import SyncTuning

# Grow the grid with room to spare, so most upserts need no resize call at all.
ROW_HEADROOM = 1000
NEW_TAB_ROWS = 1000


@dataclass
class _Attempts:
    """What the attempts of one upsert call share: the first plan (the changes this call makes, counted once however
    many attempts it took) and the ledger writes begun by this call (not "reconciled" when a later attempt finds them)."""

    first_plan: UpsertPlan | None = None
    own_writes: set[int] = field(default_factory=set)
    reconciled: int = 0
    # What a person should know about where the tab was found (renamed, or gone and created anew), said once.
    found: list[str] = field(default_factory=list)


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
        self.tab_ids = TabIds(self._state_path)
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
        self._connection = SheetsConnection(
            self.credentials_path,
            spreadsheet_key,
            self.endpoint,
            tuning=self.tuning,
            state_path=self._state_path,
            backoff=self.backoff,
            breaker=self.breaker,
            clock=clock,
            sleep=sleep,
        )

    @property
    def location(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_key}"

    @property
    def max_cell_chars(self) -> int:
        return GOOGLE_MAX_CELL_CHARS

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
        wanted = prepare_rows(columns, key, rows, stored=safe_cell, order_by=order_by)
        with self._connection.config_errors():
            http = self._connection.client()
            adapter = self._connection.adapter
            calls, retries = adapter.sent, adapter.retries
            throttled, backed_off = self._connection.throttled(), self.backoff.waited_s
            attempts = _Attempts()
            with exclusive(lock_path(self.state_dir, self.spreadsheet_key) if self.state_dir else None):
                outcome = self._with_replans(
                    tab, lambda: self._upsert_once(http, tab, columns, key, wanted, order_by, attempts, position, tz)
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
            throttled_s=round(self._connection.throttled() - throttled, 3),
            backoff_s=round(self.backoff.waited_s - backed_off, 3),
            sheet_cells=outcome.usage.cells,
            warnings=(
                *attempts.found,
                *plan.layout.warnings(tab),
                *((outcome.usage.warning,) if outcome.usage.warning else ()),
            ),
            rewritten=plan.rewritten_cells(),
        )

    def read_tab(self, tab: str) -> TabContents:
        with self._connection.config_errors():
            http = self._connection.client()

            def read() -> list[list[Any]]:
                properties = self._locate(http, tab).properties
                if properties is None:
                    return []
                reply = http.values_get(
                    self.spreadsheet_key, a1(properties["title"]), params={"valueRenderOption": "FORMATTED_VALUE"}
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

    def delete_rows(self, tab: str, key: str, keys: Collection[str]) -> int:
        """Delete the rows whose `key` cell is one of `keys`, with one spreadsheets.batchUpdate of deleteDimension.

        Each attempt reads the tab afresh and deletes only rows still there, so a retry after a reply that was lost
        deletes nothing twice. Row positions the write ledger remembered for the tab are dropped: they moved.
        """
        wanted = set(keys)
        if not wanted:
            return 0
        with self._connection.config_errors():
            http = self._connection.client()

            def attempt() -> int:
                properties = self._locate(http, tab).properties
                if properties is None:
                    return 0
                values = http.values_get(
                    self.spreadsheet_key, a1(properties["title"]), params={"valueRenderOption": "FORMATTED_VALUE"}
                ).get("values", [])
                if not values or key not in [str(cell) for cell in values[0]]:
                    return 0
                column = [str(cell) for cell in values[0]].index(key)
                doomed = [
                    index
                    for index, row in enumerate(values[1:], start=HEADER_ROW)
                    if column < len(row) and str(row[column]) in wanted
                ]
                if doomed:
                    # Bottom up, so each request's indices still name the rows read.
                    requests = [
                        {
                            "deleteDimension": {
                                "range": {
                                    "sheetId": properties["sheetId"],
                                    "dimension": "ROWS",
                                    "startIndex": start,
                                    "endIndex": end,
                                }
                            }
                        }
                        for start, end in reversed(_runs(doomed))
                    ]
                    http.batch_update(self.spreadsheet_key, {"requests": requests})
                return len(doomed)

            with exclusive(lock_path(self.state_dir, self.spreadsheet_key) if self.state_dir else None):
                deleted = self._with_replans(tab, attempt)
                self.ledger.forget_tab(self.spreadsheet_key, tab)
        return deleted

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
                if not transient(error):
                    raise
                if number >= self.tuning.replans:
                    raise SheetsUnavailable(
                        f"Google Sheets kept failing while syncing tab {tab!r} of {self.location} "
                        f"({describe(error)}, {number} attempts, each with up to {self.tuning.max_attempts} sends). "
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
        position: int | None = None,
        tz: tzinfo | None = None,
    ) -> _Outcome:
        sheets = self._sheet_properties(http)
        usage = grid_cells(sheets)
        located = self.tab_ids.locate(self.spreadsheet_key, tab, sheets)
        if located.warning and located.warning not in attempts.found:
            attempts.found.append(located.warning)
        properties = located.properties
        pending = self.ledger.pending(self.spreadsheet_key, tab)
        if properties is None:
            # A tab deleted by someone: whatever the ledger remembers of it is gone with it.
            self.ledger.forget_tab(self.spreadsheet_key, tab)
            self._settle(pending, {}, attempts)
            empty = TabSnapshot(header=[], order=[] if order_by else None)
            plan = plan_upsert(empty, columns, key, wanted, order_by, tab=tab, tz=tz)
            attempts.first_plan = attempts.first_plan or plan
            grid = self._new_tab_grid(plan, usage, tab)
            write_id = self._begin(tab, plan, attempts)
            index = None if position is None else min(position, len(sheets))
            sheet_id = self._add_tab(http, tab, grid, index)
            self.tab_ids.remember(self.spreadsheet_key, tab, sheet_id, tab)
            title, old = tab, (0, 0)
        else:
            title, sheet_id = properties["title"], properties["sheetId"]
            snapshot, found = self._read_snapshot(http, tab, properties, columns, key, wanted, order_by, pending)
            self._settle(pending, found, attempts)
            plan = plan_upsert(snapshot, columns, key, wanted, order_by, tab=tab, tz=tz)
            attempts.first_plan = attempts.first_plan or plan
            grid_properties = properties["gridProperties"]
            old = (int(grid_properties["rowCount"]), int(grid_properties["columnCount"]))
            # Journalled before the first request that writes: inserted rows go in with the grid batch.
            write_id = self._begin(tab, plan, attempts)
            grid = self._grow_grid(http, title, sheet_id, grid_properties, plan, usage)
        usage = usage.after_growth(grid[0] * grid[1] - old[0] * old[1])

        # Owed from an upsert that wrote a header and failed before Google applied its formatting.
        owed = [name for name in self.ledger.formatting_due(self.spreadsheet_key, tab) if name in columns]
        if plan.layout.added:
            self.ledger.format_due(self.spreadsheet_key, tab, plan.layout.added.values())
        for body in write_requests(title, plan):
            http.values_batch_update(self.spreadsheet_key, body=body)
        formats = date_format_requests(sheet_id, plan)
        formatting = {plan.layout.position(columns, name): name for name in owed} | plan.layout.added
        if formatting:
            # With the header it goes with: bold, filter, hidden key, widths (request_bodies.tab_format_requests).
            formats += tab_format_requests(sheet_id, plan, plan.layout.position(columns, key), formatting)
        if formats:
            # After the values: rows appended by the writes above get the format too. Idempotent, so a retry is safe.
            http.batch_update(self.spreadsheet_key, {"requests": formats})
        if formatting:
            self.ledger.formatted(self.spreadsheet_key, tab)
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

    def _locate(self, http: HTTPClient, tab: str) -> Located:
        return self.tab_ids.locate(self.spreadsheet_key, tab, self._sheet_properties(http))

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
        # The ledger names interrupted writes' rows by digest only; their rows are found by the key column below.
        pending_keys = {row_digest for rows in pending.values() for row_digest in rows}
        hints = self.ledger.positions(self.spreadsheet_key, tab, wanted)
        hinted = row_ranges(sorted({row for row in hints.values() if HEADER_ROW < row <= grid_rows}))

        has_data_rows = grid_rows > HEADER_ROW
        ranges = [a1(title, f"{HEADER_ROW}:{HEADER_ROW}")]
        if has_data_rows:
            ranges.append(a1(title, f"A{HEADER_ROW + 1}:{column_letters(span)}"))
        ranges += [a1(title, f"{first}:{last}") for first, last in hinted]
        replies = self._batch_read(http, ranges)
        header = replies[0][0] if replies[0] else []
        block = replies[1] if has_data_rows else []
        known = rows_from(hinted, replies[2 if has_data_rows else 1 :])

        layout = layout_managed_columns(header, columns)
        in_header = len(layout.header) - len(layout.appended)
        at = [layout.position(columns, name) for name in index_names]
        if has_data_rows and any(span <= position < min(in_header, grid_columns) for position in at):
            # The key or order column is further right than our layout would put it.
            wider = min(max(at) + 1, grid_columns)
            (block,) = self._batch_read(http, [a1(title, f"A{HEADER_ROW + 1}:{column_letters(wider)}")])
        keys = [cell_at(row, at[0]) for row in block]
        order = [[cell_at(row, position) for position in at[1:]] for row in block] if order_by else None
        below = HEADER_ROW + len(block) + 1
        if below <= grid_rows and not set(wanted) <= {key_text(row_key) for row_key in keys}:
            # New rows go after the last row holding anything, in any column: a person's row below ours with cells
            # only in their own columns (or ours, without a key) must not be written over. One read of the rows below
            # the key block, across the grid's width, only when rows are added; normally it comes back empty.
            (under,) = self._batch_read(http, [a1(title, f"A{below}:{column_letters(grid_columns)}{grid_rows}")])
            keys += [None] * len(under)
            if order is not None:
                order += [[None] * len(at[1:]) for _ in under]
        snapshot = TabSnapshot(header=header, keys=keys, order=order, rows=known)

        owner = snapshot.owner
        by_digest = {self.ledger.digest(str(k)): row for k, row in owner.items()} if pending_keys else {}
        needed = rows_to_compare(snapshot, wanted) | {by_digest[k] for k in pending_keys if k in by_digest}
        missing = sorted(needed - set(known))
        if missing:
            extra = row_ranges(missing)
            known.update(rows_from(extra, self._batch_read(http, [a1(title, f"{a}:{b}") for a, b in extra])))
        found = {
            row_digest: content_hash([cell_at(known[by_digest[row_digest]], p) for p in layout.positions])
            for row_digest in pending_keys
            if row_digest in by_digest
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

    def _add_tab(self, http: HTTPClient, tab: str, grid: tuple[int, int], index: int | None = None) -> int:
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
                                **({} if index is None else {"index": index}),
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
            requests += insertion_requests(sheet_id, plan, insertion)
        for body in batches(requests):
            http.batch_update(self.spreadsheet_key, body)
        return after


def _runs(indices: Sequence[int]) -> list[tuple[int, int]]:
    """Ascending row indices as [start, end) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for index in indices:
        if runs and runs[-1][1] == index:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    return runs
