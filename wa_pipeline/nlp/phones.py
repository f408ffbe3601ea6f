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
    found = []
    for match in PhoneNumberMatcher(text, default_region, leniency=Leniency.VALID):
        start = match.start
        # The matcher keeps an opening bracket whose closing one is after the number ("(256772123456)" of a mobile
        # money SMS): the bracket encloses the number, it is no part of it; "(0722) 123456" keeps its own.
        if match.raw_string.startswith("(") and ")" not in match.raw_string:
            start += 1
        value = phonenumbers.format_number(match.number, PhoneNumberFormat.E164)
        found.append(Entity(PHONE, text[start : match.end], start, match.end, value, "rule"))
    return found
