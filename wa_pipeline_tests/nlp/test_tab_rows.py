import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from wa_pipeline.message import MESSAGE_COLUMNS, Message
from wa_pipeline.nlp.enrich import enrich_messages
from wa_pipeline.nlp.threads import conversation_threads
from wa_pipeline.sheets.tabs.entities import ENTITIES, entity_id, plain_label
from wa_pipeline.sheets.tabs.messages import MESSAGES, first_amount
from wa_pipeline.sheets.tabs.orders import ORDERS
from wa_pipeline.sheets.tabs.threads import THREADS
from wa_pipeline.store.frames import read_frame, write_frame
from wa_pipeline_tests.nlp.test_threads import AD

NAIROBI = ZoneInfo("Africa/Nairobi")
T0 = datetime(2026, 11, 16, 6, 15, tzinfo=UTC)


def enriched():
    messages = [
        Message(
            message_id="m1",
            chat_id="c1",
            chat_name="Mama Mboga Bakery",
            sender_name="Wanjiku",
            sent_at=T0,
            kind="text",
            source="chat_export",
            text="=Please send 20 loaves, pay KES 1,300 tomorrow",
        ),
        Message(
            message_id="m2",
            chat_id="c1",
            chat_name="Mama Mboga Bakery",
            sender_name="Mama Mboga Bakery",
            sent_at=T0.replace(minute=45),
            kind="text",
            source="chat_export",
            text="Noted, ref QK7XZ12AB3",
        ),
    ]
    frame = pd.DataFrame([m.to_record() for m in messages], columns=list(MESSAGE_COLUMNS))
    return enrich_messages(frame, "KE", timezone="Africa/Nairobi")


def test_entity_rows_one_per_entity_with_stable_ids_and_safe_cells():
    rows = ENTITIES.rows(enriched(), NAIROBI)
    assert tuple(rows.columns) == ENTITIES.columns
    assert [(r["label"], r["value"]) for r in rows.to_dict(orient="records")] == [
        ("Quantity", "20 loaf"),
        ("Money", "KES 1300.00"),
        ("Date", "2026-11-17"),
        ("Reference", "transaction:QK7XZ12AB3"),
    ]
    assert set(rows["source"]) == {"pattern"}
    first = rows.iloc[0]
    assert first["entity_id"] == entity_id("m1", "QUANTITY", 13, 22)
    # Local dates and times as real date values (09:15 in Nairobi), not text.
    assert (first["date"], first["sent_at"], first["chat"], first["sender"]) == (
        date(2026, 11, 16),
        datetime(2026, 11, 16, 9, 15),
        "Mama Mboga Bakery",
        "Wanjiku",
    )
    assert list(ENTITIES.rows(enriched(), NAIROBI)["entity_id"]) == list(rows["entity_id"])
    assert rows["entity_id"].is_unique


def test_thread_rows_in_minutes_with_typed_flags_and_times():
    rows = THREADS.rows(conversation_threads(enriched()), NAIROBI)
    assert tuple(rows.columns) == THREADS.columns
    [row] = rows.to_dict(orient="records")
    assert row["first_response_min"] == 30.0 and row["awaiting_reply"] is False
    assert row["messages"] == 2 and row["participants"] == "Wanjiku; Mama Mboga Bakery"
    # Formula triggers are neutralised in every text cell.
    assert row["first_message"].startswith("'=Please")
    assert (row["started_at"], row["date"]) == (datetime(2026, 11, 16, 9, 15), date(2026, 11, 16))


def test_a_thread_from_an_ad_names_the_ad_in_the_words_of_the_orders_tab():
    day = enriched()
    day.loc[0, ["referral", "intent"]] = [AD, "order"]
    [thread] = THREADS.rows(conversation_threads(day), NAIROBI).to_dict(orient="records")
    [order] = ORDERS.rows(day, NAIROBI).to_dict(orient="records")
    assert thread["ad"] == order["ad"] == "Fresh mandazi, 10 for KES 100 (ad 120226305854810726)"
    assert THREADS.header("ad") == ORDERS.header("ad") == "Ad"
    assert THREADS.sheet_columns[-1] == "Ad"  # after the columns a sheet made before it already has
    [plain] = THREADS.rows(conversation_threads(enriched()), NAIROBI).to_dict(orient="records")
    assert plain["ad"] == ""


def test_a_thread_frame_stored_before_threads_carried_their_ad_still_makes_rows(tmp_path):
    day = enriched()
    day.loc[0, "referral"] = AD
    threads = conversation_threads(day)
    write_frame(threads, tmp_path / "now.parquet")
    write_frame(threads.drop(columns="referral"), tmp_path / "older.parquet")
    now = THREADS.rows(read_frame(tmp_path / "now.parquet"), NAIROBI)
    older = THREADS.rows(read_frame(tmp_path / "older.parquet"), NAIROBI)
    assert now.loc[0, "ad"].startswith("Fresh mandazi") and older.loc[0, "ad"] == ""
    assert older.drop(columns="ad").equals(now.drop(columns="ad"))


def test_message_rows_end_with_the_new_columns():
    rows = MESSAGES.rows(enriched(), NAIROBI)
    assert tuple(rows.columns) == MESSAGES.columns
    assert MESSAGES.columns[-10:] == (
        "intent",
        "amount",
        "currency",
        "amount_count",
        "amounts",
        "references",
        "dates",
        "language",
        "media_text",
        "in_reply_to",
    )
    assert rows.loc[0, "amounts"] == "KES 1300.00" and rows.loc[1, "references"] == "transaction:QK7XZ12AB3"
    # The first amount as a number with its currency beside it; a message without one has neither.
    assert (rows.loc[0, "amount"], rows.loc[0, "currency"], rows.loc[0, "amount_count"]) == (1300.0, "KES", 1)
    assert rows.loc[1, "amount_count"] == 0
    assert (rows.loc[1, "amount"], rows.loc[1, "currency"]) == (None, "")
    assert rows.loc[0, "sent_at"] == datetime(2026, 11, 16, 9, 15) and rows.loc[0, "date"] == date(2026, 11, 16)


def test_a_stated_total_read_by_the_enrichment_is_the_amount_of_the_messages_and_orders_tabs():
    # The enrichment reads the total; the tabs only read the column it wrote (sheets never read language).
    sent = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)
    said = ("3 crates of eggs please", "Sent KES 3,200 each, total KES 9,600, ref QK1AB23CD4")
    messages = [
        Message(
            message_id=f"t{i}",
            chat_id="c2",
            chat_name="Kuku Farm",
            sender_name="Ann",
            sent_at=sent.replace(minute=i),
            kind="text",
            source="chat_export",
            text=text,
        )
        for i, text in enumerate(said)
    ]
    frame = pd.DataFrame([m.to_record() for m in messages], columns=list(MESSAGE_COLUMNS))
    day = enrich_messages(frame, "KE", timezone="Africa/Nairobi")
    assert day["amount"].tolist() == ["", "KES 9600.00"]
    rows = MESSAGES.rows(day, NAIROBI)
    # Before, the first amount: 3200, the price of one crate.
    assert (rows.loc[1, "amount"], rows.loc[1, "currency"], rows.loc[1, "amount_count"]) == (9600.0, "KES", 2)
    [order] = ORDERS.rows(day, NAIROBI).to_dict(orient="records")
    assert (order["paid"], order["currency"]) == (9600.0, "KES")


def test_the_first_amount_of_several_and_its_currency():
    assert first_amount("KES 65.00; KES 1500.00") == (65.0, "KES")
    assert first_amount("USD -12.50") == (-12.5, "USD")
    assert first_amount("") == (None, "") and first_amount(None) == (None, "")


def test_empty_partitions_have_the_columns():
    empty = enriched().iloc[0:0]
    assert tuple(ENTITIES.rows(empty, NAIROBI).columns) == ENTITIES.columns
    assert tuple(THREADS.rows(conversation_threads(empty), NAIROBI).columns) == THREADS.columns
    assert json.loads(enriched().loc[0, "entities"])


def test_entity_labels_read_in_plain_words():
    assert [plain_label(label) for label in ("PERSON", "GPE", "FAC", "LOC", "ORG", "PRODUCT", "PHONE")] == [
        "Person",
        "Place",
        "Place",
        "Place",
        "Business",
        "Product",
        "Phone",
    ]
    assert plain_label("SOME_NEW_KIND") == "Some new kind"


def test_message_rows_survive_a_parquet_round_trip_with_their_types(tmp_path):
    # `sheet_rows` stores these rows as Parquet between the steps: each column must stay one type.
    rows = MESSAGES.rows(enriched(), NAIROBI)
    write_frame(rows, tmp_path / "rows.parquet")
    back = read_frame(tmp_path / "rows.parquet")
    assert back.loc[0, "amount"] == 1300.0 and pd.isna(back.loc[1, "amount"])
    assert back.loc[0, "sent_at"] == datetime(2026, 11, 16, 9, 15) and back.loc[0, "date"] == date(2026, 11, 16)
    assert (
        MESSAGES.cells(back)[1][MESSAGES.columns.index("amount")]
        != MESSAGES.cells(back)[0][MESSAGES.columns.index("amount")]
    )
