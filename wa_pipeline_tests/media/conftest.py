from pathlib import Path

import pytest

from wa_pipeline.media.engine_settings import MediaEngineSettings
from wa_pipeline_tests.media import make_fixtures


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media-fixtures")


@pytest.fixture(scope="session")
def receipts(fixture_dir):
    return make_fixtures.make_receipts(fixture_dir / "receipts")


@pytest.fixture(scope="session")
def voice_notes(fixture_dir):
    return make_fixtures.make_voice_notes(fixture_dir / "voice")


@pytest.fixture(scope="session")
def audio_formats(fixture_dir):
    return make_fixtures.make_audio_formats(fixture_dir / "audio")


@pytest.fixture(scope="session")
def documents(fixture_dir):
    return make_fixtures.make_documents(fixture_dir / "documents")


@pytest.fixture(scope="session")
def bad_inputs(fixture_dir):
    return make_fixtures.make_bad_inputs(fixture_dir / "bad")


@pytest.fixture(scope="session")
def settings() -> MediaEngineSettings:
    return MediaEngineSettings()
