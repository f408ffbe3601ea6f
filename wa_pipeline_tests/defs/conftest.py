from pathlib import Path

import pytest

from wa_pipeline.settings import get_settings
# The landing store's tests run on the SQLite file and on a throwaway PostgreSQL (see throwaway_postgres).
from wa_pipeline_tests.deploy.throwaway_postgres import landing_target, landing_url, postgres  # noqa: F401 - fixtures

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DATA = REPO / "sample_data"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh data directory that the settings, and so the loaded definitions, point at."""
    directory = tmp_path / "data"
    monkeypatch.setenv("WA_DATA_DIR", str(directory))
    monkeypatch.setenv("WA_SHEET_BACKEND", "workbook")
    monkeypatch.delenv("WA_WORKBOOK_PATH", raising=False)
    get_settings.cache_clear()
    yield directory
    get_settings.cache_clear()
