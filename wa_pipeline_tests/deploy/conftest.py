import pytest

# Package scope: the servers start for the first deploy test and stop after the last, not at the end of the session.
from wa_pipeline_tests.deploy.throwaway_postgres import landing_target, landing_url, postgres  # noqa: F401 - fixtures
from wa_pipeline_tests.deploy.throwaway_redis import throwaway_redis


@pytest.fixture(scope="package")
def redis_url() -> str:
    with throwaway_redis() as url:
        yield url
