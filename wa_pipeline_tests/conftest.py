import os
import tempfile

# Nothing of the developer's machine reaches a test: no WA_* variable from the shell, no .env file from the checkout
# (subprocesses inherit both choices). Definitions read settings when loaded, so this happens before any import of
# them, and the data directory points away from the checkout, one per process (pytest-xdist workers included).
for name in [name for name in os.environ if name.startswith("WA_")]:
    del os.environ[name]
os.environ["WA_ENV_FILE"] = ""
os.environ["WA_DATA_DIR"] = tempfile.mkdtemp(prefix="wa-tests-data-")

import pytest  # noqa: E402 (after the environment is cleaned)

from wa_pipeline.settings import get_settings  # noqa: E402


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


@pytest.fixture(autouse=True)
def no_dagster_instance_left_entered():
    """A test that leaves a Dagster instance entered (its defs-state storage set in this context) fails here, since
    every later test loading definitions in the same process would read that instance's deleted files."""
    # No public API tells which instance is entered; this is the context variable `with instance:` sets.
    from dagster._core.storage.defs_state.base import DefsStateStorage

    before = DefsStateStorage.get()
    yield
    assert DefsStateStorage.get() is before, "the test left a Dagster instance entered (use `with instance:`)"


def pytest_sessionstart(session):
    """Before pytest-xdist starts its workers, its controller (or a run without workers) puts the shipped intent and
    sentiment models in the shared models folder, training them the first time on a machine: four workers each
    training the same model at once on two cores took longer than a test may run."""
    if hasattr(session.config, "workerinput"):
        return
    from wa_pipeline.nlp.intent import shipped_intent_model
    from wa_pipeline.nlp.sentiment import shipped_sentiment_model

    shipped_intent_model()
    shipped_sentiment_model()
