"""Phone numbers written in chat text, normalised to E.164."""

from __future__ import annotations

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from wa_pipeline.nlp.entity import Entity

PHONE = "PHONE"


def find_phones(text: str | None, region: str | None) -> list[Entity]:
    """Valid phone numbers in `text`; local forms ("0722 123456") are read as numbers of `region`.

    `region` is an ISO 3166 alpha-2 code ("KE"); without one only international forms are found.
    """
    # Every number the matcher reads holds a digit (its pattern's \d); str.isdigit takes in every such digit.
    if not text or not any(map(str.isdigit, text)):
        return []
    default_region = region.upper() if region else None
    return [
        Entity(
            label=PHONE,
            text=match.raw_string,
            start=match.start,
            end=match.end,
            value=phonenumbers.format_number(match.number, PhoneNumberFormat.E164),
            source="rule",
        )
        for match in PhoneNumberMatcher(text, default_region, leniency=Leniency.VALID)
    ]
