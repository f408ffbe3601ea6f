import pytest

from wa_pipeline.defs.backends import make_sink
from wa_pipeline.settings import Settings
from wa_pipeline.sheets.errors import SheetConfigError
from wa_pipeline.sheets.google.sink import GoogleSheetsSink
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink


@pytest.fixture(autouse=True)
def no_wa_environment(monkeypatch):
    import os

    for name in [name for name in os.environ if name.startswith("WA_")]:
        monkeypatch.delenv(name)


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_the_workbook_is_the_default(tmp_path):
    sink = make_sink(settings(data_dir=tmp_path))
    assert isinstance(sink, WorkbookSink)
    assert sink.path == tmp_path / "output" / "wa_pipeline.xlsx"


def test_google_needs_credentials_and_a_spreadsheet_key():
    with pytest.raises(SheetConfigError) as error:
        make_sink(settings(sheet_backend="google"))
    assert "WA_GOOGLE_CREDENTIALS" in str(error.value) and "WA_SPREADSHEET_KEY" in str(error.value)
    with pytest.raises(SheetConfigError, match="WA_SPREADSHEET_KEY"):
        make_sink(settings(sheet_backend="google", google_credentials="sa.json"))


def test_google_when_configured(tmp_path):
    sink = make_sink(
        settings(
            sheet_backend="google",
            google_credentials=tmp_path / "sa.json",
            spreadsheet_key="1abc",
            sheets_endpoint="http://127.0.0.1:9",
        )
    )
    assert isinstance(sink, GoogleSheetsSink)
    assert sink.location == "https://docs.google.com/spreadsheets/d/1abc"
    assert sink.endpoint == "http://127.0.0.1:9"


def test_a_malformed_endpoint_is_a_config_error():
    with pytest.raises(SheetConfigError, match="WA_SHEETS_ENDPOINT"):
        make_sink(
            settings(
                sheet_backend="google",
                google_credentials="sa.json",
                spreadsheet_key="k",
                sheets_endpoint="localhost:80",
            )
        )


def test_google_reads_the_sync_knobs_from_wa_sheets_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("WA_SHEETS_WRITES_PER_MINUTE", "30")
    monkeypatch.setenv("WA_SHEETS_BREAKER_COOLDOWN_S", "300")
    sink = make_sink(
        settings(
            sheet_backend="google", google_credentials=tmp_path / "sa.json", spreadsheet_key="1abc", data_dir=tmp_path
        )
    )
    assert sink.tuning.writes_per_minute == 30 and sink.tuning.breaker_cooldown_s == 300
    assert sink.tuning.reads_per_minute == 60  # Google's default where nothing is set
    assert sink.state_dir == tmp_path  # ledger, quota and breaker beside the landing store
    monkeypatch.setenv("WA_SHEETS_WRITES_PER_MINUTE", "1")
    with pytest.raises(ValueError, match="sheets_writes_per_minute"):
        make_sink(settings(sheet_backend="google", google_credentials=tmp_path / "sa.json", spreadsheet_key="1abc"))
