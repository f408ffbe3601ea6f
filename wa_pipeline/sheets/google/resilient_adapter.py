"""The transport every Sheets API request of the gspread client goes through: breaker, throttle, timeout, retries.

gspread sends everything through one `requests` session; mounting this adapter on it puts the policies under the
real client without wrapping its API. Per logical request: the circuit breaker may refuse it outright; each
attempt takes a token from the throttle, is sent with an explicit timeout, and a 429/5xx/timeout is retried with
backoff when the request is safe to send twice (see `retry.safe_to_resend`). The final outcome is reported to the
breaker once. A request that is not safe to resend comes back with its error: the sink re-reads and re-plans.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from requests import PreparedRequest, Response
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ConnectTimeout, Timeout

from wa_pipeline.sheets.google.circuit_breaker import CircuitBreaker
from wa_pipeline.sheets.google.endpoint_session import EndpointAdapter
from wa_pipeline.sheets.google.retry import TRANSIENT_STATUSES, Backoff, retry_after_seconds, safe_to_resend
from wa_pipeline.sheets.google.throttle import Throttle

# (connect, read) seconds: requests has no default timeout, and a hung connection would hold the sheets pool.
DEFAULT_TIMEOUT = (10.0, 60.0)


class ResilientAdapter(EndpointAdapter):
    def __init__(
        self,
        origin: str,
        endpoint: str,
        *,
        throttle: Throttle | None = None,
        backoff: Backoff | None = None,
        breaker: CircuitBreaker | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        **kwargs: Any,
    ) -> None:
        super().__init__(origin, endpoint, **kwargs)
        self.throttle = throttle
        self.backoff = backoff or Backoff(max_attempts=1)
        self.breaker = breaker
        self.timeout = timeout
        self.retries = 0

    def send(self, request: PreparedRequest, **kwargs: Any) -> Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        method = (request.method or "GET").upper()
        kind = "read" if method in ("GET", "HEAD") else "write"
        resendable = safe_to_resend(method, request.url or "", request.body)
        if self.breaker is not None:
            self.breaker.before_request()
        attempt = 0
        while True:
            attempt += 1
            if self.throttle is not None:
                self.throttle.acquire(kind)
            try:
                response = super().send(request, **kwargs)
            except ConnectTimeout as error:
                # Nothing reached the server: safe to send again whatever the request is.
                failure, retry_after, may_resend = error, None, True
            except (Timeout, RequestsConnectionError) as error:
                failure, retry_after, may_resend = error, None, resendable
            else:
                if response.status_code not in TRANSIENT_STATUSES:
                    if self.breaker is not None:
                        self.breaker.record_success()
                    return response
                failure, may_resend = response, resendable
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            if not (may_resend and self.backoff.may_retry(attempt, retry_after)):
                if self.breaker is not None:
                    self.breaker.record_failure(_describe(failure, request))
                if isinstance(failure, Exception):
                    raise failure
                return failure
            if isinstance(failure, Response):
                failure.close()
            self.retries += 1
            self.backoff.pause(attempt, retry_after)


def _describe(failure: Response | Exception, request: PreparedRequest) -> str:
    # The API method, not the URL: "POST values:batchUpdate", "GET spreadsheets.get".
    tail = urlsplit(request.url or "").path.split("/spreadsheets/", 1)[-1]
    method = tail.split("/", 1)[1] if "/" in tail else (tail.split(":", 1)[1] if ":" in tail else "spreadsheets.get")
    what = f"{request.method} {unquote(method)}"
    if isinstance(failure, Response):
        return f"{failure.status_code} {failure.reason or ''} on {what}".replace("  ", " ")
    return f"{type(failure).__name__} on {what}"
