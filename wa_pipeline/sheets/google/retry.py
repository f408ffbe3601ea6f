"""When and how long to wait before sending a Sheets request again, and which requests may be sent twice.

Google's advice for 429 and 5xx is truncated exponential backoff with random jitter; a Retry-After header, when
present, is a floor. A request may only be re-sent when a second delivery cannot change the result: reads, and
writes that set explicit cells or properties. An append or an insert is never re-sent blindly (the first may
have been applied before the error); the sink re-plans those from a read-back instead.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit

# 408 and 429 are "come back later"; 500/502/503/504 are Google's transient server errors.
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

# spreadsheets.batchUpdate requests that set state to a given value: applying one twice equals applying it once.
IDEMPOTENT_BATCH_REQUESTS = frozenset(
    {
        "updateSheetProperties",
        "updateSpreadsheetProperties",
        "updateDimensionProperties",
        "updateCells",
        "repeatCell",
        "updateBorders",
        "setBasicFilter",
        "clearBasicFilter",
        "setDataValidation",
        "autoResizeDimensions",
    }
)

# values endpoints whose effect is fixed by explicit ranges in the request.
_IDEMPOTENT_VALUE_CALLS = (
    "/values:batchUpdate",
    "/values:batchClear",
    "/values:batchGet",
    "/values:batchGetByDataFilter",
    "/values:batchUpdateByDataFilter",
    "/values:batchClearByDataFilter",
    ":clear",
)


def safe_to_resend(method: str, url: str, body: bytes | str | None) -> bool:
    """True when sending this request again cannot duplicate or shift anything."""
    method = method.upper()
    if method in ("GET", "HEAD", "PUT"):
        # PUT is values.update: an explicit range, written whole.
        return True
    path = unquote(urlsplit(url).path)
    if path.endswith(":append"):
        return False
    if path.endswith(_IDEMPOTENT_VALUE_CALLS):
        return True
    if path.endswith(":batchUpdate"):
        try:
            requests = json.loads(body or b"{}").get("requests") or []
        except (ValueError, AttributeError):
            return False
        return bool(requests) and all(
            isinstance(request, dict) and set(request) <= IDEMPOTENT_BATCH_REQUESTS for request in requests
        )
    return False


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds to wait: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, moment.timestamp() - current)


@dataclass
class Backoff:
    """Truncated exponential backoff with jitter, honouring Retry-After; the sleeper is injectable for tests.

    Attempt n (1-based) waits a random time in [c/2, c] with c = min(cap_s, base_s * 2**(n-1)) - "equal jitter":
    the wait still grows, while processes that failed together do not come back together. A Retry-After longer
    than `max_retry_after_s` is not waited out: the caller gives up and a later run tries again.
    """

    max_attempts: int = 6
    base_s: float = 1.0
    cap_s: float = 64.0
    max_retry_after_s: float = 300.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    waited_s: float = 0.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_s < 0 or self.cap_s < self.base_s:
            raise ValueError("backoff needs 0 <= base_s <= cap_s")

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        ceiling = min(self.cap_s, self.base_s * 2 ** max(0, attempt - 1))
        jittered = ceiling / 2 + self.rng.uniform(0, ceiling / 2)
        return max(jittered, retry_after or 0.0)

    def may_retry(self, attempt: int, retry_after: float | None = None) -> bool:
        """Whether attempt `attempt` (just failed) may be followed by another."""
        return attempt < self.max_attempts and (retry_after is None or retry_after <= self.max_retry_after_s)

    def pause(self, attempt: int, retry_after: float | None = None) -> float:
        seconds = self.delay(attempt, retry_after)
        self.sleep(seconds)
        self.waited_s += seconds
        return seconds
