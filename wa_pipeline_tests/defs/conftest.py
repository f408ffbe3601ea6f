from pathlib import Path

# The landing store's tests run on the SQLite file and on a throwaway PostgreSQL (see throwaway_postgres).
from wa_pipeline_tests.deploy.throwaway_postgres import landing_target, landing_url, postgres  # noqa: F401 - fixtures

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DATA = REPO / "sample_data"
