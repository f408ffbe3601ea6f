"""The two ways media extraction stops short: the input is bad (final), or an engine is unavailable (retry later)."""

from __future__ import annotations


class MediaFailed(Exception):
    """The bytes cannot be processed, now or ever (corrupt, unsupported, too large, hostile): dead-letter them."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class MediaPending(Exception):
    """An engine is missing or timed out: the item is fine, and a later run retries it.

    `code` is a short machine-readable word (`tesseract_missing`, `whisper_model_missing`, `ocr_timeout`...)
    that becomes the row status `pending:<code>`.
    """

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
