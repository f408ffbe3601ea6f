"""Resources: the storage, the enrichment settings and the sheet sink, chosen from the settings in one place."""

from abc import ABC, abstractmethod
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.defs.parquet_io_manager import ParquetFrameIOManager
from wa_pipeline.settings import get_settings
from wa_pipeline.sheets.sink import SheetSink
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.landing_factory import AnyLandingStore, open_landing_store
from wa_pipeline.store.media_store import MediaStore


class PipelineStorage(dg.ConfigurableResource):
    """The data directory (media store, dead-letter queue) and the landing store: a SQLite file there, or PostgreSQL."""

    data_dir: str
    # A postgresql:// URL moves the landing store (only it) to PostgreSQL; unset, it is the file in data_dir.
    landing_url: str | None = None

    @property
    def layout(self) -> DataLayout:
        return DataLayout(Path(self.data_dir))

    def landing(self) -> AnyLandingStore:
        return open_landing_store(self.landing_url or self.layout.landing_db)

    def media(self) -> MediaStore:
        return MediaStore(self.layout.media_dir)

    def dead_letters(self) -> DeadLetterQueue:
        return DeadLetterQueue(self.layout.landing_db)


class Locale(dg.ConfigurableResource):
    """Where the business is: the timezone of its days and the region of its phone numbers."""

    timezone: str
    default_region: str

    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SheetSinkResource(dg.ConfigurableResource, ABC):
    """Where rows are synced; one interface, a workbook and a Google Sheets implementation."""

    @abstractmethod
    def get_sink(self) -> SheetSink: ...


class WorkbookSinkResource(SheetSinkResource):
    """A local .xlsx workbook: the default, no credentials needed."""

    path: str

    def get_sink(self) -> SheetSink:
        return WorkbookSink(Path(self.path))


class GoogleSheetsSinkResource(SheetSinkResource):
    """A Google spreadsheet through gspread, authenticated with a service account.

    `state_dir` holds the write ledger, the shared request quota and the circuit breaker (the data directory);
    the other fields are the client-side quota, timeouts, retries and breaker (see `SyncTuning`).
    """

    credentials_path: str
    spreadsheet_key: str
    endpoint: str = "https://sheets.googleapis.com"
    state_dir: str | None = None
    reads_per_minute: int = 60
    writes_per_minute: int = 60
    burst: int = 10
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0
    max_attempts: int = 6
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 64.0
    breaker_failures: int = 5
    breaker_cooldown_s: float = 60.0

    def get_sink(self) -> SheetSink:
        # Imported here: gspread and google-auth load only when this backend is chosen.
        from wa_pipeline.sheets.google.sink import GoogleSheetsSink
        from wa_pipeline.sync_tuning import SyncTuning

        tuning = SyncTuning(
            reads_per_minute=self.reads_per_minute,
            writes_per_minute=self.writes_per_minute,
            burst=self.burst,
            connect_timeout_s=self.connect_timeout_s,
            read_timeout_s=self.read_timeout_s,
            max_attempts=self.max_attempts,
            backoff_base_s=self.backoff_base_s,
            backoff_cap_s=self.backoff_cap_s,
            breaker_failures=self.breaker_failures,
            breaker_cooldown_s=self.breaker_cooldown_s,
        )
        return GoogleSheetsSink(
            Path(self.credentials_path),
            self.spreadsheet_key,
            endpoint=self.endpoint,
            state_dir=Path(self.state_dir) if self.state_dir else None,
            tuning=tuning,
        )


def sheet_sink_resource() -> SheetSinkResource:
    settings = get_settings()
    if settings.sheet_backend == "google":
        tuning = settings.sync_tuning
        return GoogleSheetsSinkResource(
            credentials_path=dg.EnvVar("WA_GOOGLE_CREDENTIALS"),
            spreadsheet_key=dg.EnvVar("WA_SPREADSHEET_KEY"),
            endpoint=settings.sheets_endpoint,
            state_dir=str(settings.data_dir.resolve()),
            reads_per_minute=tuning.reads_per_minute,
            writes_per_minute=tuning.writes_per_minute,
            burst=tuning.burst,
            connect_timeout_s=tuning.connect_timeout_s,
            read_timeout_s=tuning.read_timeout_s,
            max_attempts=tuning.max_attempts,
            backoff_base_s=tuning.backoff_base_s,
            backoff_cap_s=tuning.backoff_cap_s,
            breaker_failures=tuning.breaker_failures,
            breaker_cooldown_s=tuning.breaker_cooldown_s,
        )
    return WorkbookSinkResource(path=str(settings.layout.workbook.resolve()))


@dg.definitions
def resources() -> dg.Definitions:
    settings = get_settings()
    data_dir = settings.data_dir.resolve()
    return dg.Definitions(
        resources={
            # The URL holds a password: the resource names the variable, and the UI never shows an EnvVar's value.
            "storage": PipelineStorage(
                data_dir=str(data_dir), landing_url=dg.EnvVar("WA_LANDING_URL") if settings.landing_url else None
            ),
            "locale": Locale(timezone=settings.timezone, default_region=settings.default_region),
            "sheet_sink": sheet_sink_resource(),
            "io_manager": ParquetFrameIOManager(data_dir=str(data_dir)),
        }
    )
