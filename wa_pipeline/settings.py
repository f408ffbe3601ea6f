"""Every setting the pipeline reads, from WA_* environment variables and an optional .env file."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration; the README lists each variable with its default."""

    model_config = SettingsConfigDict(env_prefix="WA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Where the landing store, media, Parquet and the workbook live.")
    timezone: str = Field("UTC", description="IANA timezone whose local date partitions messages.")
    partition_start: date = Field(date(2024, 1, 1), description="First daily partition.")
    default_region: str = Field("US", description="Phone region for numbers written without a country code.")

    sheet_backend: Literal["workbook", "google"] = Field("workbook", description="Where rows are synced.")
    workbook_path: Path | None = Field(None, description="The .xlsx file for the workbook backend (default DATA_DIR/output/wa_pipeline.xlsx).")
    google_credentials: Path | None = Field(None, description="Service-account JSON for the google backend.")
    spreadsheet_key: str | None = Field(None, description="Key of the Google spreadsheet to sync into.")
    sheets_endpoint: str = Field("https://sheets.googleapis.com", description="Sheets API base URL (a local stand-in in tests).")

    app_secret: SecretStr | None = Field(None, description="Meta app secret: verifies X-Hub-Signature-256.")
    verify_token: SecretStr | None = Field(None, description="Token Meta echoes when verifying the webhook.")
    access_token: SecretStr | None = Field(None, description="Graph API bearer token for media downloads.")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"WA_TIMEZONE={value!r} is not an IANA timezone (e.g. 'Africa/Nairobi')") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def landing_db(self) -> Path:
        return self.data_dir / "landing.sqlite3"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def frames_dir(self) -> Path:
        return self.data_dir / "frames"

    @property
    def resolved_workbook_path(self) -> Path:
        return self.workbook_path or self.data_dir / "output" / "wa_pipeline.xlsx"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
