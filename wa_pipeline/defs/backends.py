"""Every backend choice, made once from the settings: the sheet sink, the executor, the landing store's URL and the
media downloader. Nothing else asks which backend is configured; the CLI asks `make_sink` for the same sink."""

import dataclasses
import os

import dagster as dg

from wa_pipeline.defs._shared.parquet_io_manager import ParquetFrameIOManager
from wa_pipeline.defs.resources import (
    TOKEN_VARIABLE,
    TUNING_FIELDS,
    GoogleSheetsSinkResource,
    GraphApi,
    Locale,
    PipelineStorage,
    SheetSinkResource,
    WorkbookSinkResource,
)
from wa_pipeline.settings import Settings, get_settings
from wa_pipeline.sheets.errors import SheetConfigError
from wa_pipeline.sheets.sink import SheetSink

BROKER_VARIABLE = "WA_CELERY_BROKER"
LANDING_URL_VARIABLE = "WA_LANDING_URL"


def sheet_sink_resource(settings: Settings) -> SheetSinkResource:
    """The workbook by default; Google Sheets when WA_SHEET_BACKEND=google (credentials named, not copied)."""
    if settings.sheet_backend == "google":
        return GoogleSheetsSinkResource(
            credentials_path=dg.EnvVar("WA_GOOGLE_CREDENTIALS"),
            spreadsheet_key=dg.EnvVar("WA_SPREADSHEET_KEY"),
            **_google_options(settings),
        )
    return WorkbookSinkResource(path=str(settings.layout.workbook.resolve()))


def make_sink(settings: Settings) -> SheetSink:
    """The sink `sheet_sink_resource` configures, for code outside a run (the CLI, the doctor); a Google backend
    that lacks a setting raises SheetConfigError saying which."""
    if settings.sheet_backend != "google":
        return sheet_sink_resource(settings).get_sink()
    missing = [
        name
        for name, value in (
            ("WA_GOOGLE_CREDENTIALS (path to the service-account JSON key)", settings.google_credentials),
            ("WA_SPREADSHEET_KEY (the id in the spreadsheet's URL)", settings.spreadsheet_key),
        )
        if not value
    ]
    if missing:
        raise SheetConfigError(
            "WA_SHEET_BACKEND=google needs " + " and ".join(missing) + "; or set WA_SHEET_BACKEND=workbook "
            "to write a local .xlsx instead"
        )
    return GoogleSheetsSinkResource(
        credentials_path=str(settings.google_credentials),
        spreadsheet_key=str(settings.spreadsheet_key),
        **_google_options(settings),
    ).get_sink()


def _google_options(settings: Settings) -> dict:
    # The ledger, the shared request quota and the breaker live in the data directory, beside the landing store.
    tuning = dataclasses.asdict(settings.sync_tuning)
    return {
        "endpoint": settings.sheets_endpoint,
        "state_dir": str(settings.layout.sheet_state_dir.resolve()),
        **{name: tuning[name] for name in TUNING_FIELDS},
    }


def executor_definition(settings: Settings) -> dg.ExecutorDefinition | None:
    """Dagster's default (multiprocess) unless WA_EXECUTOR names celery or in_process."""
    if settings.executor == "celery":
        return _celery_executor(settings)
    if settings.executor == "in_process":
        # One process per run: no per-step start-up or model loads, no parallelism (small machines, tests).
        return dg.in_process_executor
    # No executor named: Dagster's default, multiprocess (in-process for execute_in_process).
    return None


def _celery_executor(settings: Settings) -> dg.ExecutorDefinition:
    """Steps go to Celery workers (`dagster-celery worker start -A dagster_celery.app -y deploy/celery.yaml`)."""
    # Imported here: celery and its broker client load only when this executor is chosen.
    from dagster_celery import celery_executor as dagster_celery_executor

    # A broker URL may hold a password: from the environment, the config names the variable, never its value.
    if os.environ.get(BROKER_VARIABLE):
        broker = {"env": BROKER_VARIABLE}
    else:
        broker = settings.celery_broker.get_secret_value()
    # The broker doubles as the result backend: Redis holds both, and the workers read the same deploy/celery.yaml.
    return dagster_celery_executor.configured({"broker": broker, "backend": broker}, name="celery")


def storage_resource(settings: Settings) -> PipelineStorage:
    """The landing store on PostgreSQL when WA_LANDING_URL is set, else the SQLite file in the data directory."""
    # The URL holds a password: the resource names the variable, and the UI never shows an EnvVar's value.
    url = dg.EnvVar(LANDING_URL_VARIABLE) if settings.landing_url else None
    return PipelineStorage(data_dir=str(settings.data_dir.resolve()), landing_url=url)


def graph_api_resource() -> GraphApi:
    """Media downloads through the Graph API when WA_ACCESS_TOKEN is set; without it the asset says what to set."""
    # Named only when the variable exists: an unset EnvVar would fail, at config time, every run that includes the
    # asset (the daily job too).
    return GraphApi(access_token=dg.EnvVar(TOKEN_VARIABLE) if os.environ.get(TOKEN_VARIABLE) else None)


@dg.definitions
def backends() -> dg.Definitions:
    settings = get_settings()
    return dg.Definitions(
        resources={
            "storage": storage_resource(settings),
            "locale": Locale(timezone=settings.timezone, default_region=settings.default_region),
            "sheet_sink": sheet_sink_resource(settings),
            "graph_api": graph_api_resource(),
            "io_manager": ParquetFrameIOManager(data_dir=str(settings.data_dir.resolve())),
        },
        executor=executor_definition(settings),
    )
