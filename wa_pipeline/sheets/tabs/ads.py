"""A click-to-WhatsApp ad as a person reads it in a cell: what it said and which ad it was."""

from __future__ import annotations

import json


def ad_in_words(referral: object) -> str:
    """'<headline> (<source type> <source id>)' from a message's `referral` JSON; '' when it came from no ad."""
    if not isinstance(referral, str) or not referral:
        return ""
    try:
        ad = json.loads(referral)
    except ValueError:
        ad = None
    if not isinstance(ad, dict):
        # Not what our parser writes (a record edited by hand, another tool's row): shown as stored, never a failure
        # that would stop the whole tab.
        return referral.strip()
    said = ad.get("headline") or ad.get("body") or ad.get("source_url") or ""
    return f"{said} ({ad.get('source_type') or 'ad'} {ad.get('source_id') or ''})".replace(" )", ")").strip()
