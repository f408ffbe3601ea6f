"""A click-to-WhatsApp ad in a cell: in words when it is the referral our parser wrote, as stored otherwise."""

from __future__ import annotations

import json

import pytest

from wa_pipeline.sheets.tabs.ads import ad_in_words


def test_an_ad_reads_as_its_headline_and_which_ad_it_was():
    referral = json.dumps({"headline": "Fresh bread daily", "source_type": "ad", "source_id": "1203"})
    assert ad_in_words(referral) == "Fresh bread daily (ad 1203)"
    assert ad_in_words(json.dumps({"source_url": "https://fb.me/x"})) == "https://fb.me/x (ad)"
    assert ad_in_words(None) == "" and ad_in_words("") == ""


@pytest.mark.parametrize("stored", ["not json at all", "[1, 2]", '"just a string"', "  {broken  "])
def test_a_referral_that_is_not_an_ad_record_shows_as_stored_and_never_fails_the_tab(stored):
    assert ad_in_words(stored) == stored.strip()
