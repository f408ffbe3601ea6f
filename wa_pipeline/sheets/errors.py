"""Errors a sheet backend raises that a person, not a retry, has to fix."""

from __future__ import annotations


class SheetConfigError(Exception):
    """The sheet backend is misconfigured (credentials, spreadsheet key, sharing); the message says what to change.

    Never carries secrets: no private keys, no tokens.
    """
