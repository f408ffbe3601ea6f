"""The Sheets sync's WA_SHEETS_* environment variables (and .env), read the way `Settings` reads the others.

Kept beside the sync until they join the one `Settings` object (same prefix, same .env: the fields can move over
unchanged, or `Settings` can inherit from this class).
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from wa_pipeline.sheets.sync_tuning import SyncTuning


class SheetSyncSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WA_", env_file=".env", extra="ignore")

    sheets_reads_per_minute: int = Field(
        60, ge=2, description="Sheets read requests per minute per service account, across every run on the machine."
    )
    sheets_writes_per_minute: int = Field(
        60, ge=2, description="Sheets write requests per minute per service account, across every run on the machine."
    )
    sheets_burst: int = Field(
        10, ge=1, description="Requests that may go at once before the steady per-minute rate applies."
    )
    sheets_connect_timeout_s: float = Field(10.0, gt=0, description="Seconds to open a connection to the Sheets API.")
    sheets_timeout_s: float = Field(60.0, gt=0, description="Seconds to wait for a Sheets API answer before retrying.")
    sheets_max_attempts: int = Field(
        6, ge=1, description="Sends of one request (429, 5xx, timeouts) before giving up on it."
    )
    sheets_backoff_base_s: float = Field(
        1.0, ge=0, description="First retry waits about this long; each next one twice as long."
    )
    sheets_backoff_cap_s: float = Field(64.0, gt=0, description="Longest wait between two retries.")
    sheets_breaker_failures: int = Field(
        5, ge=1, description="Requests failing in a row (after retries) that open the circuit breaker."
    )
    sheets_breaker_cooldown_s: float = Field(
        60.0, gt=0, description="Seconds the breaker stays open before one probe request."
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
