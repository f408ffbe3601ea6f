"""How two names are compared: as people read them, not as bytes."""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
)
_SPACE = re.compile(r"\s+")


def name_key(name: str) -> str:
    """Names compared as people read them: same letters, any case, spacing or invisible marks."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", name).translate(_INVISIBLE)).strip().casefold()
