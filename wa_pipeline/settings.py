"""Every setting the pipeline reads, from WA_* environment variables and an optional .env file."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PrivateAttr, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.sync_tuning import SheetSyncSettings, SyncTuning

PiiMode = Literal["keep", "mask", "hash", "drop"]


class PiiSettings(BaseSettings):
    """The PII policy: what each destination keeps of each class of personal data (WA_PII_<DESTINATION>_<CLASS>).

    keep: as written; mask: partly hidden (`+254 7•• ••• 678`); hash: a salted digest, stable so counts and joins
    still work; drop: empty. The sheet keeps what the business acts on; logs never hold numbers or message text.
    """

    model_config = SettingsConfigDict(env_prefix="WA_PII_", env_file=".env", extra="ignore")

    sheet_phones: PiiMode = "keep"
    sheet_emails: PiiMode = "keep"
    sheet_names: PiiMode = "keep"
    sheet_places: PiiMode = "keep"
    sheet_payments: PiiMode = "keep"
    sheet_free_text: PiiMode = "keep"
    report_phones: PiiMode = "mask"
    report_emails: PiiMode = "mask"
    report_names: PiiMode = "keep"
    report_places: PiiMode = "keep"
    report_payments: PiiMode = "mask"
    report_free_text: PiiMode = "drop"
    logs_phones: PiiMode = "hash"
    logs_emails: PiiMode = "hash"
    logs_names: PiiMode = "hash"
    logs_places: PiiMode = "drop"
    logs_payments: PiiMode = "drop"
    logs_free_text: PiiMode = "drop"
    salt: SecretStr | None = Field(
        None, description="Secret for `hash`; unset: a random one kept in DATA_DIR/pii.salt (set it to share digests)."
    )


# Below this confidence a message's intent is `other`; the intent model's default and the setting's are this one.
DEFAULT_INTENT_THRESHOLD = 0.5


class Settings(BaseSettings):
    """Configuration; the README lists each variable with its default (the WA_SHEETS_* ones are in `sheets`)."""

    model_config = SettingsConfigDict(env_prefix="WA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Where the landing store, media, Parquet and the workbook live.")
    timezone: str = Field(
        "UTC", description="IANA timezone whose local date partitions messages (default: what `import` inferred)."
    )
    partition_start: date = Field(
        date(2009, 1, 1), description="First daily partition: WhatsApp's first year, so any real export fits."
    )
    default_region: str = Field(
        "US", description="Phone region for numbers written without a country code (default: what `import` inferred)."
    )
    backfill_days_per_run: int = Field(
        30, ge=1, description="Days one backfill run (UI or `wa-pipeline run`) materializes together."
    )

    sheet_backend: Literal["workbook", "google"] = Field("workbook", description="Where rows are synced.")
    workbook_path: Path | None = Field(
        None, description="The .xlsx file for the workbook backend (default DATA_DIR/output/wa_pipeline.xlsx)."
    )
    google_credentials: Path | None = Field(None, description="Service-account JSON for the google backend.")
    spreadsheet_key: str | None = Field(None, description="Key of the Google spreadsheet to sync into.")
    sheets_endpoint: str = Field(
        "https://sheets.googleapis.com", description="Sheets API base URL (a local stand-in in tests)."
    )
    sheets: SheetSyncSettings = Field(
        default_factory=SheetSyncSettings, description="The Google Sheets sync's quota, timeouts, retries and breaker."
    )

    whisper_model_path: str = Field("", description="CTranslate2 Whisper model folder; empty: the bundled tiny.en.")
    whisper_model_size: str = Field("tiny.en", description="Label of the Whisper model (reports and cache keys).")
    whisper_compute_type: str = Field("int8", description="CTranslate2 compute type for transcription.")
    media_language: str = Field("en", description="Language of voice notes and OCR'd text for transcription.")
    max_audio_seconds: float = Field(600, description="Longer audio is not transcribed (dead letter with the reason).")
    tesseract_lang: str = Field("eng", description="Tesseract language data to OCR with (e.g. 'eng+swa').")
    ocr_timeout_s: float = Field(60, description="One image's OCR time limit; past it the item is retried later.")
    document_timeout_s: float = Field(30, description="Wall-clock limit of the PDF/DOCX parser subprocess.")
    document_memory_mb: int = Field(1536, description="Memory limit of the PDF/DOCX parser subprocess.")
    pdf_max_pages: int = Field(50, description="Pages read per PDF.")
    max_media_bytes: int = Field(100 * 1024 * 1024, description="Larger media files are not processed.")
    media_workers: int = Field(2, description="Processes for OCR/documents and threads for transcription.")
    import_workers: int = Field(
        # A second process only pays where there is a second core to run it.
        default_factory=lambda: min(2, os.cpu_count() or 1),
        ge=1,
        description="Processes that read one long export at once (a range of whole days each); 1: one.",
    )
    media_max_attempts: int = Field(3, description="Engine timeouts retried this often before a dead letter.")
    media_min_success_rate: float = Field(0.8, description="Below this share of media extracted, the check warns.")
    media_max_pending_days: int = Field(3, description="Media pending longer than this fails the staleness check.")

    app_secret: SecretStr | None = Field(None, description="Meta app secret: verifies X-Hub-Signature-256.")
    verify_token: SecretStr | None = Field(None, description="Token Meta echoes when verifying the webhook.")
    access_token: SecretStr | None = Field(None, description="Graph API bearer token for media downloads.")
    webhook_max_body_bytes: int = Field(
        3 * 1024 * 1024, ge=1024, description="Largest webhook body accepted (Meta sends up to 3 MB); larger is 413."
    )
    webhook_acknowledge: Literal["inbox", "landed"] = Field(
        "inbox",
        description="When the receiver answers 200: once the raw body is in the durable inbox (the lander maps and"
        " lands it right after), or only once every record of it is in the landing store (slower under a burst).",
    )
    webhook_max_backlog_age_s: float = Field(
        300, gt=0, description="/healthz is 503 when the oldest body in the inbox has waited longer than this."
    )
    webhook_server: Literal["fast", "uvicorn"] = Field(
        "fast",
        description="The HTTP server of serve-webhook: its own (httptools on uvloop, less CPU a request) or uvicorn.",
    )
    webhook_request_timeout_s: float = Field(
        30, gt=0, description="serve-webhook closes a connection whose request has not fully arrived after this."
    )
    webhook_lander_nice: int = Field(
        10, ge=0, le=19, description="How much lower the lander process's CPU priority is than the receiver's."
    )

    default_currency: str = Field(
        "", description='ISO 4217 code for "$", "/=", "Rs" in messages; empty: the region\'s currency.'
    )
    date_order: Literal["DMY", "MDY", "YMD"] = Field("DMY", description="How a date like 03/04 in a message reads.")
    patterns_path: str = Field(
        "", description="YAML file of the business's own entities (see wa_pipeline/nlp/patterns.example.yaml)."
    )
    intent_examples: list[str] = Field(
        [], description="Extra labelled intent-example files (JSON list of paths), added to the shipped ones."
    )
    intent_threshold: float = Field(
        DEFAULT_INTENT_THRESHOLD, ge=0, le=1, description="Below this confidence a message's intent is 'other'."
    )
    thread_gap_hours: float = Field(4.0, gt=0, description="Silence in a chat that starts a new conversation thread.")
    business_senders: list[str] = Field([], description="Sender names or ids that speak for the business (JSON list).")
    message_rates: dict[str, float] = Field(
        {}, description='What Meta charges per billable message by pricing category (JSON, e.g. {"marketing": 0.0225}).'
    )
    message_rates_currency: str = Field("USD", description="ISO 4217 code of WA_MESSAGE_RATES (the Deliveries cost).")

    pii: PiiSettings = Field(
        default_factory=PiiSettings, description="The PII policy per destination and class (the WA_PII_* variables)."
    )
    retention_days: int | None = Field(
        None, ge=1, description="Messages, media and records older than this many days are removed daily; unset: kept."
    )

    landing_url: SecretStr | None = Field(
        None,
        description="postgresql://user:password@host:port/db: the landing store on PostgreSQL (default: SQLite in DATA_DIR).",
    )
    executor: Literal["default", "celery", "in_process"] = Field(
        "default",
        description="How a run's steps execute: Dagster's default (multiprocess), on Celery workers, or all in the run's process.",
    )
    celery_broker: SecretStr = Field(
        SecretStr("redis://127.0.0.1:6379/0"),
        description="Celery broker URL (also the result backend) for executor=celery.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"WA_TIMEZONE={value!r} is not an IANA timezone (e.g. 'Africa/Nairobi')") from exc
        return value

    # The fields whose value came from the data (an earlier `import`), not from a variable, .env or the code.
    _from_data: frozenset[str] = PrivateAttr(default=frozenset())

    @model_validator(mode="after")
    def _defaults_from_the_data(self) -> Settings:
        """Below a variable or .env line, the region and timezone an earlier `import` inferred from the exports."""
        saved = inferred_defaults(self.layout.inferred_defaults)
        taken = set()
        for name, value in saved.items():
            if name not in self.model_fields_set:
                setattr(self, name, value)
                taken.add(name)
        # setattr marks a field as set; it was not set by the person, so it is not explicit.
        self.__pydantic_fields_set__.difference_update(taken)
        self._from_data = frozenset(taken)
        return self

    def explicit(self, name: str) -> bool:
        """Whether a person set this field (a WA_* variable or the .env file), so the data must not override it."""
        return name in self.model_fields_set

    def from_data(self, name: str) -> bool:
        """Whether this field's value is a default an earlier `import` inferred from the exports."""
        return name in self._from_data

    @property
    def sync_tuning(self) -> SyncTuning:
        return self.sheets.tuning()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def layout(self) -> DataLayout:
        """Every path under the data directory."""
        return DataLayout(self.data_dir, self.workbook_path)


# The settings `import` may infer from the data, and what a saved value must look like to be used.
INFERRED_FIELDS = ("default_region", "timezone")
_REGION = re.compile(r"[A-Z]{2}")


def inferred_defaults(path: Path) -> dict[str, str]:
    """The saved inferred values that are still valid; a missing or damaged file is no defaults (`doctor` says so)."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(saved, dict):
        return {}
    found = {}
    region, zone = saved.get("default_region"), saved.get("timezone")
    if isinstance(region, str) and _REGION.fullmatch(region):
        found["default_region"] = region
    if isinstance(zone, str):
        try:
            ZoneInfo(zone)
            found["timezone"] = zone
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return found


def save_inferred_defaults(path: Path, values: dict[str, str]) -> None:
    """Remember inferred values for later runs (merged with those saved before), atomically."""
    merged = {**inferred_defaults(path), **{name: value for name, value in values.items() if name in INFERRED_FIELDS}}
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temp, path)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    # WA_ENV_FILE names another .env file, or none at all when empty (the tests do that, to never read a developer's).
    return Settings(_env_file=os.environ.get("WA_ENV_FILE", ".env") or None)
