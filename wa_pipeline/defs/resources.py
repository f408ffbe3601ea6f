"""Resources: the storage, the enrichment settings and the sheet sink, chosen from the settings in one place."""

from abc import ABC, abstractmethod
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from wa_pipeline.settings import get_settings
from wa_pipeline.sheets.sink import SheetSink
from wa_pipeline.sheets.workbook_sink import WorkbookSink
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.landing import LandingStore
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.defs.parquet_io_manager import ParquetFrameIOManager


class PipelineStorage(dg.ConfigurableResource):
    """The data directory: landing store, media store and dead-letter queue."""

    data_dir: str

    @property
    def root(self) -> Path:
        return Path(self.data_dir)

    def landing(self) -> LandingStore:
        return LandingStore(self.root / "landing.sqlite3")

    def media(self) -> MediaStore:
        return MediaStore(self.root / "media")

    def dead_letters(self) -> DeadLetterQueue:
        return DeadLetterQueue(self.root / "landing.sqlite3")


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
    """A Google spreadsheet through gspread, authenticated with a service account."""

    credentials_path: str
    spreadsheet_key: str
    endpoint: str = "https://sheets.googleapis.com"

    def get_sink(self) -> SheetSink:
        # Imported here: gspread and google-auth load only when this backend is chosen.
        from wa_pipeline.sheets.google_sink import GoogleSheetsSink

        return GoogleSheetsSink(Path(self.credentials_path), self.spreadsheet_key, endpoint=self.endpoint)


def sheet_sink_resource() -> SheetSinkResource:
    settings = get_settings()
    if settings.sheet_backend == "google":
        return GoogleSheetsSinkResource(
            credentials_path=dg.EnvVar("WA_GOOGLE_CREDENTIALS"),
            spreadsheet_key=dg.EnvVar("WA_SPREADSHEET_KEY"),
            endpoint=settings.sheets_endpoint,
        )
    return WorkbookSinkResource(path=str(settings.resolved_workbook_path.resolve()))


@dg.definitions
def resources() -> dg.Definitions:
    settings = get_settings()
    data_dir = settings.data_dir.resolve()
    return dg.Definitions(
        resources={
            "storage": PipelineStorage(data_dir=str(data_dir)),
            "locale": Locale(timezone=settings.timezone, default_region=settings.default_region),
            "sheet_sink": sheet_sink_resource(),
            "io_manager": ParquetFrameIOManager(base_dir=str(data_dir / "frames")),
        }
    )
