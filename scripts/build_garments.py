"""Regenerate wa_pipeline/nlp/gazetteer/garments.txt: the garments and cloths of scripts/build_dishes.py.

Usage: .venv/bin/python scripts/build_dishes.py   (it writes both lists; this file names the garments' script in
their header, so the provenance test regenerates each list from its own `build()`)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_dishes import build_list


def build() -> str:
    """The text of garments.txt."""
    return build_list("garments.txt")
