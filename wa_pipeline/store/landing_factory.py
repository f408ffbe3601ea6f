"""Which landing store to open: the SQLite file in the data directory by default, PostgreSQL when a URL is set.

The landing tables (messages, fingerprints, cross-source duplicates, statuses) move to PostgreSQL, and with them the
media download ledger, which joins `messages` (it opens the store's `database()`). The dead letters and the sheet
write ledger stay in the SQLite files in the data directory either way.
"""

from __future__ import annotations

from pathlib import Path

from wa_pipeline.settings import Settings
from wa_pipeline.store.landing_store import LandingStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_landing_store(target: Settings | str | Path) -> LandingStore:
    """The store for the settings (WA_LANDING_URL, else DATA_DIR/landing.sqlite3), a postgresql:// URL or a path."""
    if isinstance(target, Settings):
        target = target.landing_url.get_secret_value() if target.landing_url else target.layout.landing_db
    if isinstance(target, str) and target.startswith(POSTGRES_SCHEMES):
        # Imported here: psycopg2 loads only when PostgreSQL is chosen.
        from wa_pipeline.store.postgres_landing import PostgresLandingStore

        return PostgresLandingStore(target)
    if isinstance(target, str) and "://" in target:
        scheme = target.split("://", 1)[0]
        raise ValueError(
            f"WA_LANDING_URL has scheme {scheme!r}: the landing store takes postgresql://user:password@host:port/db"
            " (unset it for the SQLite file in WA_DATA_DIR)"
        )
    return SqliteLandingStore(Path(target))
