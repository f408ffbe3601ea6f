import os
import tempfile

# Definitions read settings when loaded: point the data directory away from the checkout before any test imports them.
os.environ.setdefault("WA_DATA_DIR", tempfile.mkdtemp(prefix="wa-tests-data-"))

import pytest

from wa_pipeline.settings import get_settings


@pytest.fixture
def fresh_settings(tmp_path, monkeypatch):
    """WA_* variables set through the returned monkeypatch are read anew: settings are cached per process."""
    monkeypatch.setenv("WA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


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
