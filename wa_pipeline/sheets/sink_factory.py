"""Pick the sheet backend the settings ask for; the one place that knows both backends exist."""

from __future__ import annotations

from wa_pipeline.settings import Settings
from wa_pipeline.sheets.errors import SheetConfigError
from wa_pipeline.sheets.google.sink import GoogleSheetsSink
from wa_pipeline.sheets.sink import SheetSink
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink


def make_sink(settings: Settings) -> SheetSink:
    """The workbook backend by default; the Google backend when WA_SHEET_BACKEND=google and it is configured."""
    if settings.sheet_backend == "workbook":
        return WorkbookSink(settings.layout.workbook)
    if settings.sheet_backend == "google":
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
        assert settings.google_credentials is not None and settings.spreadsheet_key is not None
        # The ledger, the shared request quota and the breaker live in the data directory, beside the landing store.
        return GoogleSheetsSink(
            settings.google_credentials,
            settings.spreadsheet_key,
            endpoint=settings.sheets_endpoint,
            state_dir=settings.data_dir,
            tuning=settings.sync_tuning,
        )
    raise SheetConfigError(f"WA_SHEET_BACKEND={settings.sheet_backend!r} is not a backend: use 'workbook' or 'google'")
