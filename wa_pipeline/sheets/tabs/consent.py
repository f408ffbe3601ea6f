"""The `Consent` tab: one row per marketing opt-out or opt-in, keyed by the event or message it came from."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.sheets.tab_spec import TabSpec, empty_rows

_COLUMNS = ("reference", "at", "date", "customer", "change", "source", "message")
_CHANGES = {"opted_out": "opted out", "opted_in": "opted in"}
_SOURCES = {"user_preferences": "WhatsApp marketing setting", "message": "customer's message"}


def _build(ledger: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """Rows for a day's consent ledger (`privacy.consent.consent_frame`), oldest first."""
    if ledger.empty:
        return empty_rows(_COLUMNS)
    ordered = ledger.sort_values(["at", "reference"], kind="stable")
    local = pd.to_datetime(ordered["at"], utc=True).dt.tz_convert(tz)
    return pd.DataFrame(
        {
            "reference": ordered["reference"].to_numpy(),
            "at": local.dt.tz_localize(None).to_numpy(),
            "date": [moment.date().isoformat() for moment in local],
            "customer": ordered["customer"].to_numpy(),
            "change": [_CHANGES.get(state, state) for state in ordered["state"]],
            "source": [_SOURCES.get(source, source) for source in ordered["source"]],
            "message": ordered["text"].fillna("").to_numpy(),
        },
        columns=list(_COLUMNS),
    )


CONSENT = TabSpec(
    name="Consent",
    key="reference",
    columns=_COLUMNS,
    build=_build,
    description="The Consent tab of the output sheet: every marketing opt-out and opt-in, when, and how we know.",
    order_by=("at",),
    headers={
        "reference": "Reference",
        "at": "When",
        "date": "Date",
        "customer": "Customer",
        "change": "Change",
        "source": "Source",
        "message": "Their words",
    },
)
