"""Regenerate wa_pipeline/nlp/gazetteer/products.txt: the product lines of scripts/build_organisations.py.

Usage: .venv/bin/python scripts/build_organisations.py   (it writes both lists; this file names the products'
script in their header, so the provenance test regenerates each list from its own `build()`)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_organisations import build_products


def build() -> str:
    """The text of products.txt."""
    return build_products()
