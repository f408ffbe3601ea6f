import os
import tempfile

# Definitions read settings when loaded: point the data directory away from the checkout before any test imports them.
os.environ.setdefault("WA_DATA_DIR", tempfile.mkdtemp(prefix="wa-tests-data-"))

import pytest  # noqa: E402

from wa_pipeline.settings import get_settings  # noqa: E402


@pytest.fixture
def fresh_settings(tmp_path, monkeypatch):
    """WA_* variables set through the returned monkeypatch are read anew: settings are cached per process."""
    monkeypatch.setenv("WA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()
