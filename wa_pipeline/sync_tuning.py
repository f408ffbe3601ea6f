"""The knobs of the Google Sheets sync: quota, timeouts, retries and the circuit breaker, with Google's defaults.

`SyncTuning` is what the sink takes; `SheetSyncSettings` reads it from the WA_SHEETS_* variables (and .env), and the
one `Settings` object composes it. It sits beside the settings, below every package, so both can name it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


@dataclass(frozen=True)
class SyncTuning:
    """reads/writes_per_minute: the client-side quota per service account, shared by every process on the machine
    (Google allows 60 each per user, 300 per project); burst: how many may go at once before the steady rate.
    connect/read_timeout_s: per HTTP request. max_attempts: sends of one request before giving up on it (429, 5xx,
    timeouts; only for requests safe to resend), with exponential backoff from backoff_base_s to backoff_cap_s.
    replans: times an upsert starts over from a read-back after a request that cannot be resent failed.
    breaker_failures: requests failing in a row (after retries) that open the circuit breaker; breaker_cooldown_s:
    how long it stays open before one probe request is let through.
    """

    reads_per_minute: int = 60
    writes_per_minute: int = 60
    burst: int = 10
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0
    max_attempts: int = 6
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 64.0
    replans: int = 4
    breaker_failures: int = 5
    breaker_cooldown_s: float = 60.0


# The defaults, written once above: the settings' fields start from them.
_DEFAULT = SyncTuning()


class SheetSyncSettings(BaseSettings):
    """The WA_SHEETS_* variables; `tuning()` is the sink's `SyncTuning`."""

    model_config = SettingsConfigDict(env_prefix="WA_", env_file=".env", extra="ignore")

    sheets_reads_per_minute: int = Field(
        _DEFAULT.reads_per_minute,
        ge=2,
        description="Sheets read requests per minute per service account, across every run on the machine.",
    )
    sheets_writes_per_minute: int = Field(
        _DEFAULT.writes_per_minute,
        ge=2,
        description="Sheets write requests per minute per service account, across every run on the machine.",
    )
    sheets_burst: int = Field(
        _DEFAULT.burst, ge=1, description="Requests that may go at once before the steady per-minute rate applies."
    )
    sheets_connect_timeout_s: float = Field(
        _DEFAULT.connect_timeout_s, gt=0, description="Seconds to open a connection to the Sheets API."
    )
    sheets_timeout_s: float = Field(
        _DEFAULT.read_timeout_s, gt=0, description="Seconds to wait for a Sheets API answer before retrying."
    )
    sheets_max_attempts: int = Field(
        _DEFAULT.max_attempts, ge=1, description="Sends of one request (429, 5xx, timeouts) before giving up on it."
    )
    sheets_backoff_base_s: float = Field(
        _DEFAULT.backoff_base_s, ge=0, description="First retry waits about this long; each next one twice as long."
    )
    sheets_backoff_cap_s: float = Field(_DEFAULT.backoff_cap_s, gt=0, description="Longest wait between two retries.")
    sheets_breaker_failures: int = Field(
        _DEFAULT.breaker_failures,
        ge=1,
        description="Requests failing in a row (after retries) that open the circuit breaker.",
    )
    sheets_breaker_cooldown_s: float = Field(
        _DEFAULT.breaker_cooldown_s, gt=0, description="Seconds the breaker stays open before one probe request."
    )

    def tuning(self) -> SyncTuning:
        return SyncTuning(
            reads_per_minute=self.sheets_reads_per_minute,
            writes_per_minute=self.sheets_writes_per_minute,
            burst=self.sheets_burst,
            connect_timeout_s=self.sheets_connect_timeout_s,
            read_timeout_s=self.sheets_timeout_s,
            max_attempts=self.sheets_max_attempts,
            backoff_base_s=self.sheets_backoff_base_s,
            backoff_cap_s=max(self.sheets_backoff_cap_s, self.sheets_backoff_base_s),
            breaker_failures=self.sheets_breaker_failures,
            breaker_cooldown_s=self.sheets_breaker_cooldown_s,
        )
