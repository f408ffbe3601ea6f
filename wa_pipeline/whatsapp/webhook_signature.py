"""Meta's X-Hub-Signature-256: an HMAC-SHA256 of the raw request bytes, keyed by the app secret.

Always over the bytes as received: Meta escapes non-ASCII text and '@' (\\u0040) in the JSON it signs, so a
body parsed and serialised again no longer matches its signature.
"""

from __future__ import annotations

import hashlib
import hmac

_PREFIX = "sha256="


def sign(raw_body: bytes, app_secret: str) -> str:
    """The header value Meta would send for these bytes."""
    return _PREFIX + hmac.new(app_secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()


def verify_signature(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """True only when the header is `sha256=<hex>` and matches; compared in constant time."""
    if not header or not app_secret:
        return False
    header = header.strip()
    if header[: len(_PREFIX)].lower() != _PREFIX:
        return False
    given = header[len(_PREFIX) :].strip().lower().encode("utf-8", "replace")
    expected = sign(raw_body, app_secret)[len(_PREFIX) :].encode("ascii")
    return hmac.compare_digest(expected, given)
