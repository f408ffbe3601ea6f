# forget runs on the SQLite landing file and on a throwaway PostgreSQL (see throwaway_postgres).
from wa_pipeline_tests.deploy.throwaway_postgres import landing_target, landing_url, postgres  # noqa: F401 - fixtures
