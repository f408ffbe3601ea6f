import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pandas.testing as pdt
import pytest

from wa_pipeline.message import MESSAGE_COLUMNS, MediaRef, Message
from wa_pipeline.nlp.enrich import enrich_messages
from wa_pipeline.nlp.enriched_schema import ENRICHED_COLUMNS

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def message(n, kind="text", **fields):
    return Message(
        message_id=f"m{n}",
        chat_id="chat-1",
        sent_at=T0 + timedelta(minutes=n),
        kind=kind,
        source="chat_export",
        sender_name="Mary",
        **fields,
    )


def frame(messages, index=None):
    return pd.DataFrame([m.to_record() for m in messages], columns=list(MESSAGE_COLUMNS), index=index)


def sample():
    return frame(
        [
            message(1, text="Hi John, send 5 bags of maize to Nairobi. Call 0722 123456 or +254 712 345 678"),
            message(
                2,
                kind="image",
                caption="Receipt attached, email jane@shop.co.ke",
                media=MediaRef(sha256="ab" * 32, mime="image/jpeg"),
            ),
            message(3, kind="system", text="Messages are end-to-end encrypted. Terrible! Call 0722 123456"),
            message(4, text="Order never arrived. Terrible!"),
            message(5, text="Thanks 👍", caption="Peter will collect it in Mombasa"),
            message(6, kind="deleted", text="This message was deleted"),
        ],
        index=[40, 10, 30, 20, 10, 0],
    )


def test_columns_are_the_contract():
    out = enrich_messages(sample(), "KE")
    assert tuple(out.columns) == (*MESSAGE_COLUMNS, *ENRICHED_COLUMNS)
    assert out["sentiment_score"].dtype == "float64"


def test_rows_order_and_index_are_kept():
    inp = sample()
    out = enrich_messages(inp, "KE")
    assert list(out.index) == [40, 10, 30, 20, 10, 0]
    assert list(out["message_id"]) == ["m1", "m2", "m3", "m4", "m5", "m6"]
    pdt.assert_frame_equal(out[list(MESSAGE_COLUMNS)], inp)


def test_values():
    out = enrich_messages(sample(), "KE").reset_index(drop=True)
    assert out.loc[0, "phones"] == "+254722123456; +254712345678"
    assert out.loc[0, "persons"] == "John"
    assert out.loc[0, "places"] == "Nairobi"
    assert out.loc[1, "emails"] == "jane@shop.co.ke"
    assert out.loc[1, "phones"] == ""
    assert out.loc[3, "sentiment_label"] == "negative"
    assert out.loc[4, "sentiment_label"] == "positive"
    # Caption is analysed after the text, on its own line, and offsets point into that join.
    entities = json.loads(out.loc[4, "entities"])
    assert [(e["label"], e["text"]) for e in entities] == [("PERSON", "Peter"), ("GPE", "Mombasa")]
    assert "Thanks 👍\nPeter will collect it in Mombasa"[entities[0]["start"] : entities[0]["end"]] == "Peter"


def test_system_and_deleted_messages_are_neutral_and_empty():
    out = enrich_messages(sample(), "KE").reset_index(drop=True)
    for row in (2, 5):
        assert out.loc[row, "entities"] == "[]"
        assert out.loc[row, "phones"] == ""
        assert out.loc[row, "sentiment_label"] == "neutral"
        assert out.loc[row, "sentiment_score"] == 0.0


def test_input_is_not_mutated():
    inp = sample()
    before = inp.copy(deep=True)
    enrich_messages(inp, "KE")
    pdt.assert_frame_equal(inp, before)
    assert tuple(inp.columns) == MESSAGE_COLUMNS


def test_empty_frame():
    out = enrich_messages(frame([]), "KE")
    assert len(out) == 0
    assert tuple(out.columns) == (*MESSAGE_COLUMNS, *ENRICHED_COLUMNS)
    assert out["sentiment_score"].dtype == "float64"
    numbers = {"sentiment_score", "intent_confidence"}
    assert all(out[c].dtype == "float64" for c in numbers)
    assert out["is_english"].dtype == "boolean"
    assert all(pd.api.types.is_string_dtype(out[c]) for c in ENRICHED_COLUMNS if c not in numbers | {"is_english"})


def test_message_without_words():
    out = enrich_messages(frame([message(1, kind="sticker")]), "KE")
    assert out.loc[0, ["entities", "persons", "sentiment_label", "intent", "language"]].tolist() == [
        "[]",
        "",
        "neutral",
        "other",
        "",
    ]
    assert out.loc[0, "intent_confidence"] == 0.0 and out.loc[0, "is_english"] is pd.NA


def test_re_enriching_replaces_the_columns():
    once = enrich_messages(sample(), "KE")
    pdt.assert_frame_equal(enrich_messages(once, "KE"), once)


def test_amounts_quantities_references_dates_intent_and_language():
    sent = datetime(2026, 11, 16, 6, 15, tzinfo=UTC)  # 09:15 in Nairobi, a Monday
    messages = [
        Message(
            message_id="a",
            chat_id="c",
            sent_at=sent,
            kind="text",
            source="chat_export",
            text="Please send 20 loaves and 3 cakes tomorrow 5pm",
        ),
        Message(
            message_id="b",
            chat_id="c",
            sent_at=sent + timedelta(hours=14),
            kind="text",
            source="chat_export",
            text="Paid KES 5,800 via M-Pesa, ref QK7XZ12AB3. Balance on delivery.",
        ),
        Message(
            message_id="c",
            chat_id="c",
            sent_at=sent,
            kind="text",
            source="chat_export",
            text="Habari, nataka mkate kumi na maziwa kesho asubuhi",
        ),
    ]
    out = enrich_messages(frame(messages), "KE", timezone="Africa/Nairobi").reset_index(drop=True)
    assert out.loc[0, "quantities"] == "20 loaf; 3 cake"
    assert out.loc[0, "dates"] == "2026-11-17T17:00:00+03:00"
    assert out.loc[0, "intent"] == "order" and 0.5 <= out.loc[0, "intent_confidence"] <= 1
    assert out.loc[1, "amounts"] == "KES 5800.00"
    assert out.loc[1, "references"] == "transaction:QK7XZ12AB3"
    assert out.loc[1, "intent"] == "payment"
    assert (out.loc[0, "language"], bool(out.loc[0, "is_english"])) == ("en", True)
    assert (out.loc[2, "language"], bool(out.loc[2, "is_english"])) == ("sw", False)
    # "kesho" (tomorrow) is read from the message's own local date.
    assert out.loc[2, "dates"] == "2026-11-17"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("KES 3,200 each, total KES 9,600", "KES 9600.00"),
        # A total written without its currency takes the currency of the price before it.
        ("Mkate KES 1,500 x 3, jumla 4,500", "KES 4500.00"),
        ("Paid KES 5,800 and KES 200 for delivery", "KES 5800.00"),
        ("Please send 20 loaves", ""),
    ],
)
def test_the_amount_is_the_total_a_message_states_else_its_first_amount(text, amount):
    out = enrich_messages(frame([message(1, text=text)]), "KE").reset_index(drop=True)
    assert out.loc[0, "amount"] == amount


def test_media_text_is_analysed_after_text_and_caption():
    base = frame([message(1, kind="image", caption="Receipt attached")])
    with_media = base.assign(media_text=["M-PESA Confirmed. QL3RT56UV8 Ksh2,300.00 paid to MAMA MBOGA BAKERY"])
    out = enrich_messages(with_media, "KE").reset_index(drop=True)
    assert out.loc[0, "amounts"] == "KES 2300.00" and out.loc[0, "amount"] == "KES 2300.00"
    assert out.loc[0, "references"] == "transaction:QL3RT56UV8"
    entities = json.loads(out.loc[0, "entities"])
    joined = "Receipt attached\nM-PESA Confirmed. QL3RT56UV8 Ksh2,300.00 paid to MAMA MBOGA BAKERY"
    assert all(joined[e["start"] : e["end"]] == e["text"] for e in entities)
    assert "media_text" in out.columns
    assert enrich_messages(base, "KE").loc[:, "amounts"].tolist() == [""]


def test_currency_and_date_conventions_are_parameters():
    sent = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
    inp = frame(
        [
            Message(
                message_id="x",
                chat_id="c",
                sent_at=sent,
                kind="text",
                source="chat_export",
                text="That's $20, due 03/04",
            )
        ]
    )
    us = enrich_messages(inp, "US", timezone="America/New_York", date_order="MDY").reset_index(drop=True)
    assert (us.loc[0, "amounts"], us.loc[0, "dates"]) == ("USD 20.00", "2027-03-04")
    ca = enrich_messages(inp, "KE", default_currency="CAD").reset_index(drop=True)
    assert (ca.loc[0, "amounts"], ca.loc[0, "dates"]) == ("CAD 20.00", "2027-04-03")


def test_enriching_in_chunks_gives_the_same_frame_as_all_at_once():
    # Repeated texts across chunks, media text, silent kinds and a repeated index: nothing may depend on the cut.
    messages = sample()
    day = pd.concat([messages, messages.assign(message_id=lambda f: f["message_id"] + "b")])
    day = day.assign(media_text=["", "Ksh2,300.00 paid to MAMA MBOGA BAKERY", "", "", "", ""] * 2)
    whole = enrich_messages(day, "KE", chunk_size=len(day))
    for size in (1, 4, 5):
        pdt.assert_frame_equal(enrich_messages(day, "KE", chunk_size=size), whole)
    assert whole.loc[10, "amounts"].tolist() == ["KES 2300.00", "", "KES 2300.00", ""]


def test_chunk_size_must_be_positive():
    with pytest.raises(ValueError, match="chunk_size"):
        enrich_messages(sample(), "KE", chunk_size=0)


def test_a_short_line_takes_its_chats_configured_language_even_one_outside_the_defaults():
    # Dutch is not among the default languages: configured, a Dutch chat's line too short to tell takes the chat's
    # Dutch, where the default set would leave it undetermined as another language's words.
    lines = (
        "Goedemorgen, kunnen jullie vandaag het brood bezorgen?",
        "Ja, wij bezorgen het vanmiddag",
        "niet voor",
    )
    messages = [
        Message(
            message_id=f"nl{n}",
            chat_id="winkel",
            sent_at=T0 + timedelta(minutes=n),
            kind="text",
            source="chat_export",
            text=text,
        )
        for n, text in enumerate(lines)
    ]
    configured = enrich_messages(frame(messages), "NL", languages=("en", "de", "nl")).reset_index(drop=True)
    assert configured["language"].tolist() == ["nl", "nl", "nl"]
    default = enrich_messages(frame(messages), "NL").reset_index(drop=True)
    assert default.loc[2, "language"] == ""
