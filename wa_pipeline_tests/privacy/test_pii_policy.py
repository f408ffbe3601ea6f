"""The PII policy: every mode on every class for the sheet, applied once before the sink (the read-back agrees),
and the logs' and the report's defaults with a non-default mode each."""

import json
import logging
import re

import openpyxl
import pandas as pd
import pytest

from wa_pipeline.privacy.pii_policy import CLASSES, PiiPolicy, install_log_policy
from wa_pipeline.settings import PiiSettings, get_settings

# For each class: a value, the same value written another way (same digest), and the value's mask.
SAMPLES = {
    "phones": ("+254 712 345 678", "+254712345678", "+254 7•• ••• 678"),
    "emails": ("Amina.W@duka.co.ke", "amina.w@DUKA.co.ke", "A••••••@duka.co.ke"),
    "names": ("Wanjiru Achieng", "wanjiru  ACHIENG", "W•••••• A••••••"),
    "places": ("Lavington Green", "lavington green", "L•••••••• G••••"),
    "payments": ("QK7XZ12AB3", "qk7xz12ab3", "••••••2AB3"),
    "free_text": (
        "Call me on 0712 345 678 or amina@duka.co.ke",
        "call me on 0712 345 678 or amina@duka.co.ke",
        "Call me on 0712 ••• 678 or a••••@duka.co.ke",
    ),
}
DIGEST = re.compile(r"^#[0-9a-f]{12}$")


def policy(tmp_path, **modes) -> PiiPolicy:
    return PiiPolicy(PiiSettings(_env_file=None, **modes), tmp_path / "pii.salt")


@pytest.mark.parametrize("destination", ["sheet", "report", "logs"])
@pytest.mark.parametrize("pii_class", CLASSES)
@pytest.mark.parametrize("mode", ["keep", "mask", "hash", "drop"])
def test_each_mode_on_each_class_for_each_destination(destination, pii_class, mode, tmp_path):
    value, same, masked = SAMPLES[pii_class]
    chosen = policy(tmp_path, **{f"{destination}_{pii_class}": mode})
    got = chosen.apply(destination, pii_class, value)
    if mode == "keep":
        assert got == value
    elif mode == "drop":
        assert got == ""
    elif mode == "mask":
        assert got == masked
    else:
        assert DIGEST.match(got), got
        # Stable and salted: the same value however written joins; another value or another salt does not.
        again = policy(tmp_path, **{f"{destination}_{pii_class}": mode})
        assert again.apply(destination, pii_class, same) == got
        assert chosen.apply(destination, pii_class, value + "1") != got
        elsewhere = policy(tmp_path / "elsewhere", **{f"{destination}_{pii_class}": mode})
        assert elsewhere.apply(destination, pii_class, value) != got
    # Only this class's mode changed: the other classes are as the destination's defaults say.
    others = [c for c in CLASSES if c != pii_class]
    defaults = policy(tmp_path)
    assert [chosen.apply(destination, c, SAMPLES[c][0]) for c in others] == [
        defaults.apply(destination, c, SAMPLES[c][0]) for c in others
    ]


def test_several_values_in_one_cell_are_each_masked_and_empty_or_numeric_cells_pass(tmp_path):
    chosen = policy(tmp_path, sheet_phones="mask")
    assert chosen.apply("sheet", "phones", "+254 712 345 678; +254 722 000 111") == "+254 7•• ••• 678; +254 7•• ••• 111"
    assert chosen.apply("sheet", "phones", "") == "" and chosen.apply("sheet", "phones", 42) == 42


def test_the_sheet_defaults_keep_what_the_business_acts_on(tmp_path):
    defaults = policy(tmp_path)
    assert all(defaults.apply("sheet", c, SAMPLES[c][0]) == SAMPLES[c][0] for c in CLASSES)
    assert not (tmp_path / "pii.salt").exists()  # nothing hashed, no salt made


def test_the_tab_factory_writes_rows_as_the_policy_says_and_its_read_back_agrees(fresh_settings, tmp_path):
    from wa_pipeline.defs.resources import WorkbookSinkResource
    from wa_pipeline.sheets.tabs.entities import ENTITIES
    from wa_pipeline.sheets.tabs.messages import MESSAGES
    from wa_pipeline_tests.sheets.test_tab_factory import TABS, read_back, sync_and_check

    fresh_settings.setenv("WA_PII_SHEET_NAMES", "hash")
    fresh_settings.setenv("WA_PII_SHEET_PAYMENTS", "mask")
    fresh_settings.setenv("WA_PII_SHEET_FREE_TEXT", "drop")
    get_settings.cache_clear()  # read anew: importing the definitions above read the settings
    path = tmp_path / "wa.xlsx"
    for name in ("Messages", "Entities"):
        result = sync_and_check(TABS[name], WorkbookSinkResource(path=str(path)))
        assert result.success and all(e.passed for e in read_back(result).values())

    book = openpyxl.load_workbook(path)

    def column(tab: str, header: str) -> list:
        rows = list(book[tab].iter_rows(values_only=True))
        return [row[rows[0].index(header)] for row in rows[1:]]

    senders = column("Messages", MESSAGES.header("sender"))
    assert senders and all(DIGEST.match(s) for s in senders)
    assert len(set(senders)) == 2  # two people: two digests, one per person on every row
    assert set(column("Messages", MESSAGES.header("text"))) == {None}
    references = [r for r in column("Messages", MESSAGES.header("references")) if r]
    assert references and all(r.endswith("2AB3") and "QK7" not in r for r in references)
    labels = column("Entities", ENTITIES.header("label"))
    values = column("Entities", ENTITIES.header("value"))
    [reference] = [v for label, v in zip(labels, values) if label == "Reference"]
    assert reference.endswith("2AB3") and "QK7" not in reference
    assert any(
        label not in ("Phone", "Person", "Email", "Place", "Reference") and v for label, v in zip(labels, values)
    )
    assert get_settings().pii.sheet_names == "hash"


@pytest.fixture
def log_lines(caplog):
    """What a `wa_pipeline` logger's handlers receive once a policy is installed (the factory restored after)."""
    factory = logging.getLogRecordFactory()
    caplog.set_level(logging.INFO)

    def emit(chosen: PiiPolicy, line: str) -> str:
        install_log_policy(chosen)
        caplog.clear()
        logging.getLogger("wa_pipeline.whatsapp.webhook_app").info("refused %s", line)
        logging.getLogger("some.library").info("untouched %s", line)
        return caplog.records[0].getMessage(), caplog.records[1].getMessage()

    yield emit
    logging.setLogRecordFactory(factory)


LINE = (
    "wamid.HBgMMjU0NzMzMTExMjIyFQIAEhgg from +254 733 111 222 (amina@duka.co.ke), 5 bags for KES 4500"
    " on 2026-11-16 09:15 via 127.0.0.1"
)


def test_logs_hold_no_number_email_or_wamid_by_default(log_lines, tmp_path):
    ours, theirs = log_lines(policy(tmp_path), LINE)
    assert "733 111 222" not in ours and "amina" not in ours and "HBgM" not in ours
    assert re.search(r"wamid#[0-9a-f]{12} from #[0-9a-f]{12} \(#[0-9a-f]{12}\)", ours), ours
    # A quantity, a price, a date and an address are not numbers someone can call.
    assert ours.endswith("5 bags for KES 4500 on 2026-11-16 09:15 via 127.0.0.1")
    assert theirs == f"untouched {LINE}"


# What a line of the logs or the report shows of a number or an address found in it, for each mode.
FOUND_IN_A_LINE = {
    "phones": ("+254 733 111 222", "+254 7•• ••• 222", "[phone]"),
    "emails": ("amina@duka.co.ke", "a••••@duka.co.ke", "[email]"),
}


@pytest.mark.parametrize("destination", ["report", "logs"])
@pytest.mark.parametrize("pii_class", sorted(FOUND_IN_A_LINE))
@pytest.mark.parametrize("mode", ["keep", "mask", "hash", "drop"])
def test_each_mode_on_the_numbers_and_addresses_a_line_of_the_logs_or_the_report_carries(
    destination, pii_class, mode, log_lines, tmp_path
):
    value, masked, dropped = FOUND_IN_A_LINE[pii_class]
    chosen = policy(tmp_path, **{f"{destination}_{pii_class}": mode})
    if destination == "logs":
        line, _ = log_lines(chosen, LINE)
    else:
        line = chosen.scrub_text("report", LINE)
    shown = {"keep": value, "mask": masked, "drop": dropped}.get(mode)
    if mode == "hash":
        shown = chosen.digest(pii_class, value)
        assert DIGEST.match(shown)
    assert f"{shown}" in line
    if mode != "keep":
        assert value not in line


def test_logs_can_mask_numbers_instead(log_lines, tmp_path):
    ours, _ = log_lines(policy(tmp_path, logs_phones="mask", logs_emails="drop"), LINE)
    assert "[wamid] from +254 7•• ••• 222 ([email])" in ours


def test_the_reports_defaults_mask_numbers_and_drop_text_and_can_be_changed(tmp_path):
    defaults = policy(tmp_path)
    assert defaults.scrub_text("report", "call +254 733 111 222") == "call +254 7•• ••• 222"
    assert defaults.apply("report", "free_text", "I need cement") == ""
    assert defaults.apply("report", "names", "Wanjiru Achieng") == "Wanjiru Achieng"
    changed = policy(tmp_path, report_phones="drop", report_names="mask")
    assert changed.scrub_text("report", "call +254 733 111 222") == "call [phone]"
    assert changed.apply("report", "names", "Wanjiru Achieng") == "W•••••• A••••••"


def test_the_quote_of_the_message_a_reply_answers_is_held_as_the_message_itself_is(tmp_path):
    rows = pd.DataFrame(
        {"text": ["Yes, 20 loaves"], "in_reply_to": ["\u201cPlease send 20 loaves to Kilimani\u201d \u2014 Wanjiku"]}
    )
    assert policy(tmp_path).sheet_rows("Messages", rows).equals(rows)  # the default keeps both
    dropped = policy(tmp_path, sheet_free_text="drop").sheet_rows("Messages", rows)
    assert dropped["in_reply_to"].tolist() == dropped["text"].tolist() != rows["text"].tolist()


def test_a_request_line_s_status_and_duration_are_not_taken_for_a_phone_number(log_lines, tmp_path):
    # The webhook server's access line: a status then milliseconds read as eight digits in a row.
    line, _ = log_lines(policy(tmp_path), '127.0.0.1 "GET /healthz" 200 1234.5ms from +254 733 111 222')
    assert '"GET /healthz" 200 1234.5ms' in line
    assert "733 111 222" not in line  # the number beside it is still scrubbed


def test_the_date_in_a_whatsapp_file_name_is_not_taken_for_a_phone_number(log_lines, tmp_path):
    line, _ = log_lines(policy(tmp_path), "PTT-20261116-WA0001.opus gave no text; call 0733 111 222")
    assert "PTT-20261116-WA0001.opus" in line
    assert "0733 111 222" not in line


def test_a_policy_mode_outside_the_four_is_refused_with_the_variable_named(fresh_settings):
    fresh_settings.setenv("WA_PII_SHEET_PHONES", "blur")
    with pytest.raises(ValueError, match="sheet_phones"):
        get_settings()


def test_check_descriptions_name_a_wamid_by_its_tail_without_the_number_inside_it():
    import dagster as dg

    from wa_pipeline.defs._shared.day_range import naming_day
    from wa_pipeline_tests.sheets.test_write_ledger import PHONE, WAMID, base64_forms

    result = dg.AssetCheckResult(
        passed=False,
        description=f"sent after an opt-out: {WAMID}, o2",
        metadata={"examples": dg.MetadataValue.json([WAMID, "o2"]), "first": WAMID, "flagged": 2},
    )
    named = naming_day("2026-11-16", result)
    assert named.description == f"2026-11-16: sent after an opt-out: wamid.…{WAMID[-12:]}, o2"
    assert named.metadata["examples"].data == [f"wamid.…{WAMID[-12:]}", "o2"] and named.metadata["flagged"].value == 2
    said = named.description + json.dumps(named.metadata["examples"].data) + named.metadata["first"].value
    assert WAMID not in said and [form for form in base64_forms(PHONE) if form.decode() in said] == []
