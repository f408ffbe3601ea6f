"""Where everything lives under WA_DATA_DIR: the one object every caller asks for a path (and, beside it, the user's model cache)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataLayout:
    """The data directory's layout. `workbook_path` overrides where the workbook backend writes (WA_WORKBOOK_PATH)."""

    root: Path
    workbook_path: Path | None = None

    @property
    def landing_db(self) -> Path:
        """The SQLite landing store; the dead-letter queue and the media extraction cache live in it too."""
        return self.root / "landing.sqlite3"

    @property
    def webhook_inbox(self) -> Path:
        """Webhook bodies acknowledged and not landed yet: a SQLite file of its own, whatever the landing store."""
        return self.root / "webhook_inbox.sqlite3"

    @property
    def inferred_defaults(self) -> Path:
        """The phone region and timezone `import` inferred from the exports: defaults below WA_* settings."""
        return self.root / "inferred_defaults.json"

    @property
    def media_dir(self) -> Path:
        """Media bytes, content-addressed by sha256."""
        return self.root / "media"

    @property
    def frames_dir(self) -> Path:
        return self.root / "frames"

    def frame(self, asset: str | Sequence[str], partition: str | None) -> Path:
        """One asset partition's Parquet file (`all.parquet` for an unpartitioned asset)."""
        parts = [asset] if isinstance(asset, str) else list(asset)
        return self.frames_dir.joinpath(*parts, f"{partition or 'all'}.parquet")

    @property
    def intent_model_dir(self) -> Path:
        return self.root / "models" / "intent"

    @property
    def sentiment_model_dir(self) -> Path:
        return self.root / "models" / "sentiment"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def sheet_state_dir(self) -> Path:
        """The Google sink's write ledger, shared quota, breaker and writer locks."""
        return self.root

    @property
    def workbook(self) -> Path:
        return self.workbook_path or self.root / "output" / "wa_pipeline.xlsx"


def shared_models_dir() -> Path:
    """Where every data directory of this user finds the models trained for another (XDG cache, by fingerprint)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "wa_pipeline" / "models"
