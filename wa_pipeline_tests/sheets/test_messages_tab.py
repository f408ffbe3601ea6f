"""The Messages tab's rows as a shop owner reads them: the amount a message states."""

from zoneinfo import ZoneInfo

from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline_tests.sheets.test_workbook_as_a_person_sees_it import NAIROBI, enriched_day


def test_a_message_that_states_a_total_has_the_total_as_its_amount():
    day = enriched_day()
    day.loc[1, "text"] = "KES 3,200 each, total KES 9,600"
    day.loc[1, "amounts"] = "KES 3200.00; KES 9600.00"
    rows = MESSAGES.rows(day, ZoneInfo(NAIROBI))
    reply = rows.iloc[1]
    # Before, the first amount: 3200, the price of one.
    assert (reply["amount"], reply["currency"], reply["amount_count"]) == (9600.0, "KES", 2)
    assert reply["amounts"] == "KES 3200.00; KES 9600.00"


def test_a_total_written_without_its_currency_takes_the_currency_of_the_price_before_it():
    day = enriched_day()
    day.loc[1, "text"] = "Mkate KES 1,500 x 3, jumla 4,500"
    day.loc[1, "amounts"] = "KES 1500.00"
    reply = MESSAGES.rows(day, ZoneInfo(NAIROBI)).iloc[1]
    assert (reply["amount"], reply["currency"], reply["amount_count"]) == (4500.0, "KES", 1)


def test_a_message_without_a_total_keeps_its_first_amount():
    reply = MESSAGES.rows(enriched_day(), ZoneInfo(NAIROBI)).iloc[1]
    assert (reply["amount"], reply["currency"]) == (65.0, "KES")
