import itertools

import pytest

from wa_pipeline_tests.deploy.throwaway_postgres import Postgres, throwaway_postgres
from wa_pipeline_tests.deploy.throwaway_redis import throwaway_redis

_databases = itertools.count(1)


# Package scope: the servers start for the first deploy test and stop after the last, not at the end of the session.
@pytest.fixture(scope="package")
def postgres() -> Postgres:
    with throwaway_postgres() as server:
        yield server


@pytest.fixture(scope="package")
def redis_url() -> str:
    with throwaway_redis() as url:
        yield url


@pytest.fixture
def landing_url(postgres) -> str:
    """A fresh, empty database for one test's landing store."""
    return postgres.create_database(f"landing_{next(_databases)}")
