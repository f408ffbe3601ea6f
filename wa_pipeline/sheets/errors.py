"""Errors a sheet backend raises: what a person has to fix, and what a later attempt may get past."""

from __future__ import annotations


class SheetConfigError(Exception):
    """The sheet backend is misconfigured (credentials, spreadsheet key, sharing); the message says what to change.

    Never carries secrets: no private keys, no tokens.
    """


class SheetsUnavailable(Exception):
    """Google Sheets kept failing (429, 5xx, timeouts) after every retry; nothing is lost, a later run resumes."""


class CircuitOpenError(SheetsUnavailable):
    """The circuit breaker is open: Sheets failed repeatedly, so no request is sent until the cool-down ends."""


class SheetLimitError(Exception):
    """The write would take the spreadsheet past a Google Sheets limit (10 million cells); a person must make room."""


class SheetLayoutError(Exception):
    """A person changed a tab so that the sync cannot tell its rows apart (the key column is gone); the message names
    the tab and the column, and nothing was written."""
