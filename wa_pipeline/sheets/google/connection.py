"""The sink's connection to one spreadsheet: gspread over a throttled, retrying, breaker-guarded session, and what
its failures mean (a setting a person must fix, or a transient one a later attempt may get past)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http import HTTPStatus
from pathlib import Path

import gspread
from google.auth.exceptions import RefreshError
from gspread.exceptions import APIError, SpreadsheetNotFound
from gspread.http_client import HTTPClient
from requests.exceptions import ChunkedEncodingError, Timeout
from requests.exceptions import ConnectionError as RequestsConnectionError

from wa_pipeline.sheets.errors import SheetConfigError
from wa_pipeline.sheets.google.circuit_breaker import CircuitBreaker
from wa_pipeline.sheets.google.credentials import load_service_account
from wa_pipeline.sheets.google.endpoint_session import GOOGLE_SHEETS_ENDPOINT, EndpointSession
from wa_pipeline.sheets.google.resilient_adapter import ResilientAdapter
from wa_pipeline.sheets.google.retry import TRANSIENT_STATUSES, Backoff
from wa_pipeline.sheets.google.throttle import Throttle
from wa_pipeline.sync_tuning import SyncTuning


class SheetsConnection:
    """A gspread HTTP client made on first use, and made again after a configuration error so a fixed setting
    takes effect."""

    def __init__(
        self,
        credentials_path: Path,
        spreadsheet_key: str,
        endpoint: str,
        *,
        tuning: SyncTuning,
        state_path: Path | None,
        backoff: Backoff,
        breaker: CircuitBreaker,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.credentials_path = credentials_path
        self.spreadsheet_key = spreadsheet_key
        self.endpoint = endpoint
        self.tuning = tuning
        self.backoff, self.breaker = backoff, breaker
        self.clock, self.sleep = clock, sleep
        self._state_path = state_path
        self._throttle: Throttle | None = None
        self._session: EndpointSession | None = None
        self._http: HTTPClient | None = None
        self.account = "the service account"

    def client(self) -> HTTPClient:
        if self._http is None:
            credentials, self.account = load_service_account(self.credentials_path)
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

    @property
    def adapter(self) -> ResilientAdapter:
        assert self._session is not None
        return self._session.adapter  # type: ignore[return-value]

    def throttled(self) -> float:
        """Seconds spent waiting for the quota so far."""
        return self._throttle.waited_s if self._throttle is not None else 0.0

    def _make_throttle(self) -> Throttle:
        # Google's quota is per service account, so that is the bucket every process on the machine shares.
        return Throttle(
            self._state_path,
            scope=f"sheets:{self.account}",
            reads_per_minute=self.tuning.reads_per_minute,
            writes_per_minute=self.tuning.writes_per_minute,
            burst=self.tuning.burst,
            clock=self.clock,
            sleep=self.sleep,
        )

    @contextmanager
    def config_errors(self) -> Iterator[None]:
        """Turn the failures a person must fix into SheetConfigError; leave transient ones (429, 5xx) alone."""
        key, path = self.spreadsheet_key, self.credentials_path
        try:
            yield
        except RefreshError as error:
            if getattr(error, "retryable", False):
                raise
            self.forget()
            reason = str(error.args[0]) if error.args else type(error).__name__
            raise SheetConfigError(
                f"Google refused the credentials of {self.account} from {path} ({reason}). The key may have been "
                "deleted or the service account disabled: create a new JSON key and point WA_GOOGLE_CREDENTIALS at it"
            ) from None
        except SpreadsheetNotFound:
            self.forget()
            raise SheetConfigError(_not_found(key)) from None
        except PermissionError:
            # gspread raises a bare PermissionError when opening a spreadsheet answers 403.
            self.forget()
            raise SheetConfigError(_no_access(self.account, key, "The caller does not have permission")) from None
        except APIError as error:
            code = error.code
            message = str(error.error.get("message", "")) if isinstance(error.error, dict) else ""
            if code == HTTPStatus.NOT_FOUND:
                self.forget()
                raise SheetConfigError(_not_found(key)) from None
            if code == HTTPStatus.FORBIDDEN:
                self.forget()
                raise SheetConfigError(_no_access(self.account, key, message)) from None
            if code == HTTPStatus.UNAUTHORIZED:
                self.forget()
                raise SheetConfigError(
                    f"Google did not accept the access token of {self.account} ({message}): check the key in {path}"
                ) from None
            raise

    def forget(self) -> None:
        # After a configuration error the next call starts over, so a fixed setting takes effect.
        self._http = None
        if self._session is not None:
            self._session.close()
        self._session = None


def transient(error: BaseException) -> bool:
    """Failures a later attempt may get past: 429/5xx answers (JSON or the front end's HTML pages), 409 ABORTED
    (a collision with a concurrent change: retried from a fresh read), timeouts, connections dropped before or
    during an answer, a token refresh Google asked us to retry. Everything else (400s, configuration) is for a person."""
    if isinstance(error, APIError):
        status = _http_status(error)
        return status in TRANSIENT_STATUSES or (status == HTTPStatus.CONFLICT and _api_status(error) == "ABORTED")
    if isinstance(error, RefreshError):
        return bool(getattr(error, "retryable", False))
    return isinstance(error, (Timeout, RequestsConnectionError, ChunkedEncodingError))


def describe(error: BaseException) -> str:
    if isinstance(error, APIError):
        status = _api_status(error) if error.code != -1 else "(an HTML page, not the API's JSON)"
        return f"last answer {_http_status(error)} {status}".strip()
    return f"last error {type(error).__name__}"


def _http_status(error: APIError) -> int:
    # gspread reports an answer that is not JSON (Google's front end sends some 5xx as HTML pages) as code -1;
    # the response's own status still says what happened.
    status = getattr(getattr(error, "response", None), "status_code", None)
    return status if isinstance(status, int) else error.code


def _api_status(error: APIError) -> str:
    return str(error.error.get("status", "")) if isinstance(error.error, dict) else ""


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
