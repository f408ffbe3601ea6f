"""Regenerate wa_pipeline/nlp/gazetteer/shops.txt: the shops and services of scripts/build_organisations.py.

Usage: .venv/bin/python scripts/build_organisations.py   (it writes all three lists; this file names the shops'
script in their header, so the provenance test regenerates each list from its own `build()`)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_organisations import build_shops


def build() -> str:
    """The text of shops.txt."""
    return build_shops()
