"""The Messages tab's rows as a shop owner reads them: the amount a message states, and what a reply answers."""

from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline_tests.sheets.test_workbook_as_a_person_sees_it import NAIROBI, enriched_day


def test_the_amount_is_the_one_the_enrichment_states_and_every_amount_is_counted():
    day = enriched_day()
    day.loc[1, "amounts"] = "KES 3200.00; KES 9600.00"
    day.loc[1, "amount"] = "KES 9600.00"
    reply = MESSAGES.rows(day, ZoneInfo(NAIROBI)).iloc[1]
    assert (reply["amount"], reply["currency"], reply["amount_count"]) == (9600.0, "KES", 2)
    assert reply["amounts"] == "KES 3200.00; KES 9600.00"


def test_a_day_enriched_before_the_amount_column_keeps_its_first_amount():
    day = enriched_day().drop(columns="amount")
    day.loc[1, "amounts"] = "KES 3200.00; KES 9600.00"
    reply = MESSAGES.rows(day, ZoneInfo(NAIROBI)).iloc[1]
    assert (reply["amount"], reply["currency"], reply["amount_count"]) == (3200.0, "KES", 2)


def test_a_message_without_a_total_keeps_its_first_amount():
    reply = MESSAGES.rows(enriched_day(), ZoneInfo(NAIROBI)).iloc[1]
    assert (reply["amount"], reply["currency"]) == (65.0, "KES")


def test_a_reply_says_what_it_answers_as_whatsapp_shows_it():
    day = enriched_day()
    day["reply_to"] = [None, "m1"]
    rows = MESSAGES.rows(day, ZoneInfo(NAIROBI))
    assert MESSAGES.header("in_reply_to") == "In reply to"
    assert list(rows["in_reply_to"]) == ["", "“Please send 20 loaves” — Wanjiku Kamau"]


def test_a_reply_to_a_message_of_another_day_names_its_id_and_a_long_or_wordless_one_is_cut_or_named():
    day = enriched_day()
    day.loc[0, "text"] = "Please send 20 loaves of brown bread,\n6 queen cakes and a birthday cake for Saturday"
    day.loc[1, "kind"] = "image"
    day.loc[1, "text"] = None
    day["reply_to"] = ["wamid.EARLIER", "m1"]
    day = pd.concat([day, day.iloc[[1]].assign(message_id="m3", kind="reaction", text="👍", reply_to="m2")])
    rows = MESSAGES.rows(day, ZoneInfo(NAIROBI)).set_index("message_id")["in_reply_to"]
    assert rows["m1"] == "wamid.EARLIER"
    assert rows["m2"] == "“Please send 20 loaves of brown bread, 6 queen cakes and a…” — Wanjiku Kamau"
    assert rows["m3"] == "[image] — Mama Mboga Bakery"


def test_a_workbook_from_before_gains_the_column_after_a_persons_own_and_keeps_their_notes(tmp_path):
    import openpyxl

    from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink

    day = enriched_day()
    day["reply_to"] = [None, "m1"]
    rows = MESSAGES.rows(day, ZoneInfo(NAIROBI))
    sink = WorkbookSink(tmp_path / "wa.xlsx")
    before = MESSAGES.sheet_columns[:-1]
    sink.upsert(MESSAGES.name, before, MESSAGES.sheet_key, [cells[:-1] for cells in MESSAGES.cells(rows)])
    book = openpyxl.load_workbook(sink.path)
    sheet = book[MESSAGES.name]
    sheet.cell(1, len(before) + 1, "My notes")
    sheet.cell(3, len(before) + 1, "call her back")
    book.save(sink.path)

    result = sink.upsert(MESSAGES.name, MESSAGES.sheet_columns, MESSAGES.sheet_key, MESSAGES.cells(rows))
    sheet = openpyxl.load_workbook(sink.path)[MESSAGES.name]
    header = [cell.value for cell in sheet[1]]
    assert header == [*before, "My notes", "In reply to"]
    assert [cell.value for cell in sheet[3]][-2:] == ["call her back", "“Please send 20 loaves” — Wanjiku Kamau"]
    assert any("'In reply to'" in warning for warning in result.warnings), result.warnings
