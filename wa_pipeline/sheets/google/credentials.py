"""A service account's JSON key read and checked, with a message that says what to fix when it is not usable."""

from __future__ import annotations

import json
from pathlib import Path

from google.oauth2.service_account import Credentials

from wa_pipeline.sheets.errors import SheetConfigError

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)


def load_service_account(path: Path) -> tuple[Credentials, str]:
    """The credentials in the key file at `path` and the service account's e-mail address."""
    fix = (
        "set WA_GOOGLE_CREDENTIALS to the JSON key of a service account "
        "(Google Cloud console > IAM & Admin > Service accounts > Keys > Add key > JSON)"
    )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SheetConfigError(f"Cannot read Google credentials file {path} ({error.strerror}): {fix}") from None
    try:
        info = json.loads(text)
    except ValueError:
        raise SheetConfigError(f"Google credentials file {path} is not JSON: {fix}") from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        kind = info.get("type") if isinstance(info, dict) else None
        raise SheetConfigError(f"Google credentials file {path} is not a service-account key (type is {kind!r}): {fix}")
    missing = [name for name in ("client_email", "private_key", "token_uri") if not info.get(name)]
    if missing:
        raise SheetConfigError(f"Google credentials file {path} lacks {', '.join(missing)}: {fix}")
    account = str(info["client_email"])
    try:
        return Credentials.from_service_account_info(info, scopes=list(SCOPES)), account
    except (ValueError, TypeError):
        # The parser's message may quote the key material; say which field is wrong instead.
        raise SheetConfigError(f"The private_key in Google credentials file {path} cannot be loaded: {fix}") from None
