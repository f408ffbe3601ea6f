"""The core resources: storage, locale, the sheet sink (one interface, two classes) and the Graph API.

Which of them a deployment gets, and with what, is decided in `backends`.
"""

import dataclasses
from abc import ABC, abstractmethod
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.sheets.sink import SheetSink
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.landing_factory import open_landing_store
from wa_pipeline.store.landing_store import LandingStore
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.sync_tuning import SyncTuning
from wa_pipeline.whatsapp.graph_media import GraphMediaClient

TOKEN_VARIABLE = "WA_ACCESS_TOKEN"
# The sync knobs a Google sink resource carries, named as SyncTuning names them (replans is not a setting).
TUNING_FIELDS = tuple(field.name for field in dataclasses.fields(SyncTuning) if field.name != "replans")
# Their defaults are SyncTuning's: the resource declares the fields (Dagster config is typed), never other values.
_TUNING = SyncTuning()


class PipelineStorage(dg.ConfigurableResource):
    """The data directory (media store, dead-letter queue) and the landing store: a SQLite file there, or PostgreSQL."""

    data_dir: str
    # A postgresql:// URL moves the landing store (only it) to PostgreSQL; unset, it is the file in data_dir.
    landing_url: str | None = None

    @property
    def layout(self) -> DataLayout:
        return DataLayout(Path(self.data_dir))

    def landing(self) -> LandingStore:
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
    reads_per_minute: int = _TUNING.reads_per_minute
    writes_per_minute: int = _TUNING.writes_per_minute
    burst: int = _TUNING.burst
    connect_timeout_s: float = _TUNING.connect_timeout_s
    read_timeout_s: float = _TUNING.read_timeout_s
    max_attempts: int = _TUNING.max_attempts
    backoff_base_s: float = _TUNING.backoff_base_s
    backoff_cap_s: float = _TUNING.backoff_cap_s
    breaker_failures: int = _TUNING.breaker_failures
    breaker_cooldown_s: float = _TUNING.breaker_cooldown_s

    def get_sink(self) -> SheetSink:
        # Imported here: gspread and google-auth load only when this backend is chosen.
        from wa_pipeline.sheets.google.sink import GoogleSheetsSink

        tuning = SyncTuning(**{name: getattr(self, name) for name in TUNING_FIELDS})
        return GoogleSheetsSink(
            Path(self.credentials_path),
            self.spreadsheet_key,
            endpoint=self.endpoint,
            state_dir=Path(self.state_dir) if self.state_dir else None,
            tuning=tuning,
        )


class GraphApi(dg.ConfigurableResource):
    """The WhatsApp Cloud (Graph) API that hands out media download URLs; the token comes from WA_ACCESS_TOKEN."""

    access_token: str | None = None
    base_url: str = "https://graph.facebook.com"
    api_version: str = "v21.0"
    timeout_s: float = 30
    concurrent_downloads: int = 4

    @property
    def configured(self) -> bool:
        return bool(self.access_token)

    def client(self) -> GraphMediaClient:
        if not self.access_token:
            raise dg.Failure(description=f"{TOKEN_VARIABLE} is not set: media downloads need a Graph API token.")
        return GraphMediaClient(
            self.access_token, base_url=self.base_url, api_version=self.api_version, timeout=self.timeout_s
        )
