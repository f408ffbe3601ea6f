"""The WA_* variables set how messages are read; the resource's defaults agree with the library's."""

from datetime import timedelta

import pytest

from wa_pipeline.defs.nlp.resources import NlpSettings, nlp_resources
from wa_pipeline.nlp.intent import DEFAULT_THRESHOLD
from wa_pipeline.nlp.threads import DEFAULT_GAP
from wa_pipeline.settings import Settings, get_settings


def test_without_variables_the_settings_are_the_librarys_defaults(fresh_settings):
    for name in ("WA_DEFAULT_CURRENCY", "WA_DATE_ORDER", "WA_INTENT_THRESHOLD", "WA_THREAD_GAP_HOURS"):
        fresh_settings.delenv(name, raising=False)
    nlp = nlp_resources().resources["nlp"]
    assert nlp.intent_threshold == DEFAULT_THRESHOLD == NlpSettings().intent_threshold
    assert nlp.gap() == DEFAULT_GAP == NlpSettings().gap()
    assert nlp.currency() is None and nlp.date_order == "DMY"


def test_variables_reach_the_resource_every_run_uses(fresh_settings, tmp_path):
    patterns = tmp_path / "patterns.yaml"
    patterns.write_text("patterns: []\n")
    fresh_settings.setenv("WA_DEFAULT_CURRENCY", "UGX")
    fresh_settings.setenv("WA_DATE_ORDER", "MDY")
    fresh_settings.setenv("WA_PATTERNS_PATH", str(patterns))
    fresh_settings.setenv("WA_INTENT_THRESHOLD", "0.7")
    fresh_settings.setenv("WA_THREAD_GAP_HOURS", "2")
    fresh_settings.setenv("WA_BUSINESS_SENDERS", '["Juma Hardware", "+254700000000"]')
    get_settings.cache_clear()
    nlp = nlp_resources().resources["nlp"]
    assert (nlp.currency(), nlp.date_order, nlp.patterns(), nlp.intent_threshold) == ("UGX", "MDY", str(patterns), 0.7)
    assert nlp.gap() == timedelta(hours=2)
    assert nlp.business_senders == ["Juma Hardware", "+254700000000"]


def test_a_bad_date_order_is_refused_with_the_variable_named(fresh_settings):
    fresh_settings.setenv("WA_DATE_ORDER", "DDMM")
    with pytest.raises(ValueError, match="date_order"):
        Settings()
