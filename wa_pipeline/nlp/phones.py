"""Phone numbers written in chat text, normalised to E.164."""

from __future__ import annotations

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from wa_pipeline.nlp.entity import Entity

PHONE = "PHONE"
# The fewest digits of a valid number in any region (Austria's, Germany's, Niue's, ... shortest national numbers; a
# number written with its country code holds more): test_phones reads it off phonenumbers' metadata.
FEWEST_DIGITS = 4


def find_phones(text: str | None, region: str | None) -> list[Entity]:
    """Valid phone numbers in `text`; local forms ("0722 123456") are read as numbers of `region`.

    `region` is an ISO 3166 alpha-2 code ("KE"); without one only international forms are found.
    """
    # A valid number holds at least FEWEST_DIGITS digits (the matcher's \d, each one a str.isdigit character):
    # "2 bottles at 5pm" is not handed to the matcher, which costs some 0.2 ms a line.
    if not text or sum(map(str.isdigit, text)) < FEWEST_DIGITS:
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
