import json
import math
from datetime import UTC, datetime, timedelta

import pandas as pd

from wa_pipeline.business_senders import BusinessSenders
from wa_pipeline.message import MESSAGE_COLUMNS, Message
from wa_pipeline.nlp.threads import (
    THREAD_COLUMNS,
    assign_threads,
    conversation_threads,
    infer_business,
)

T0 = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
# As the Cloud API parser keeps a click-to-WhatsApp ad: the webhook's `referral` object as JSON text.
AD = json.dumps(
    {
        "ctwa_clid": "ARAkLkA8rmlFeiCktEJQ",
        "headline": "Fresh mandazi, 10 for KES 100",
        "source_id": "120226305854810726",
        "source_type": "ad",
        "source_url": "https://fb.me/3cr4Wqqkv",
    },
    sort_keys=True,
)


def msg(
    n,
    minutes,
    sender,
    text="hi",
    chat="Mama Mboga Bakery",
    kind="text",
    reply_to=None,
    source="chat_export",
    chat_id=None,
    sender_id=None,
    intent="",
    referral=None,
):
    record = Message(
        message_id=f"m{n}",
        chat_id=chat_id or f"chat-{chat}",
        chat_name=chat,
        sent_at=T0 + timedelta(minutes=minutes),
        kind=kind,
        source=source,
        sender_name=sender,
        sender_id=sender_id,
        text=text,
        reply_to=reply_to,
        referral=referral,
    ).to_record()
    record["intent"] = intent
    return record


def frame(records):
    return pd.DataFrame(records, columns=[*MESSAGE_COLUMNS, "intent"])


def test_time_gaps_split_a_chat_and_replies_join_their_thread():
    day = frame(
        [
            msg(1, 0, None, "Messages are end-to-end encrypted", kind="system"),
            msg(2, 5, "Wanjiku", "Please send 20 loaves", intent="order"),
            msg(3, 9, "Mama Mboga Bakery", "Noted, KES 1,300"),
            msg(4, 9 * 60, "Wanjiku", "Paid, ref QK7XZ12AB3", intent="payment"),
            msg(5, 9 * 60 + 3, "Brian", "Reply to the first", reply_to="m3", intent="inquiry"),
        ]
    )
    ids = assign_threads(day)
    assert ids.iloc[0] == ""
    assert ids.iloc[1] == ids.iloc[2] == ids.iloc[4]
    assert ids.iloc[3] not in ("", ids.iloc[1])
    assert list(assign_threads(day, gap=timedelta(hours=12))) == ["", *[ids.iloc[1]] * 4]


def test_thread_summary_response_time_and_awaiting_reply():
    day = frame(
        [
            msg(1, 0, "Wanjiku", "Please send 20 loaves", intent="order"),
            msg(2, 1, "Wanjiku", "and 3 cakes", intent="order"),
            msg(3, 16, "Mama Mboga Bakery", "Noted Wanjiku, KES 5,800", intent="payment"),
            msg(4, 20, "Wanjiku", "Asante", intent="greeting"),
            msg(5, 600, "Brian", "Do you do wedding cakes?", intent="inquiry"),
            msg(6, 601, "Brian", "👍", kind="reaction"),
        ]
    )
    threads = conversation_threads(day)
    assert tuple(threads.columns) == THREAD_COLUMNS
    first, second = threads.to_dict(orient="records")
    assert first["messages"] == 4 and first["participants"] == "Wanjiku; Mama Mboga Bakery"
    assert first["first_response_s"] == 16 * 60
    assert first["awaiting_reply"]
    assert first["intents"] == "order; payment; greeting"
    assert (first["first_message"], first["last_message"]) == ("Please send 20 loaves", "Asante")
    assert first["last_sender"] == "Wanjiku"
    # A reaction is not a turn: Brian is still waiting for an answer to his question.
    assert second["messages"] == 2 and second["awaiting_reply"] and math.isnan(second["first_response_s"])
    assert second["last_message"] == "👍"


def test_business_senders_are_configurable_and_cloud_api_outbound_is_the_business():
    day = frame(
        [
            msg(1, 0, "Amina", "Do you have trays?", chat="Juma Hardware"),
            msg(2, 30, "Juma", "Yes, KES 1,800", chat="Juma Hardware"),
        ]
    )
    assert conversation_threads(day).loc[0, "first_response_s"] != conversation_threads(day).loc[0, "first_response_s"]
    answered = conversation_threads(day, BusinessSenders.of(["juma"]))
    assert answered.loc[0, "first_response_s"] == 30 * 60 and not answered.loc[0, "awaiting_reply"]

    cloud = frame(
        [
            msg(
                1,
                0,
                "Achieng",
                "Bei gani?",
                chat="Achieng",
                source="cloud_api",
                chat_id="wa:1065:254700111222",
                sender_id="254700111222",
            ),
            msg(
                2,
                2,
                None,
                "Ni 1,800 bob",
                chat="Achieng",
                source="cloud_api",
                chat_id="wa:1065:254700111222",
                sender_id="1065",
            ),
        ]
    )
    thread = conversation_threads(cloud).iloc[0]
    assert thread["first_response_s"] == 120 and not thread["awaiting_reply"]


def test_chats_never_share_threads_and_ids_are_stable():
    day = frame([msg(1, 0, "A", chat="One"), msg(2, 1, "B", chat="Two"), msg(3, 2, "A", chat="One")])
    threads = conversation_threads(day)
    assert list(threads["messages"]) == [2, 1]
    assert list(conversation_threads(day.iloc[::-1])["thread_id"]) == list(threads["thread_id"])


def test_an_empty_day_has_no_threads_but_the_columns():
    empty = conversation_threads(frame([]))
    assert empty.empty and tuple(empty.columns) == THREAD_COLUMNS
    only_notes = conversation_threads(frame([msg(1, 0, None, "Messages are end-to-end encrypted", kind="system")]))
    assert only_notes.empty


def test_the_business_is_inferred_as_the_participant_of_the_most_chats():
    day = frame(
        [
            msg(1, 0, "Amina", "Do you have trays?", chat="Amina"),
            msg(2, 30, "Juma Hardware", "Yes, KES 1,800", chat="Amina"),
            msg(3, 40, "Otieno", "Cement bei gani?", chat="Otieno"),
            msg(4, 45, "Juma Hardware", "KES 750 per bag", chat="Otieno"),
            msg(5, 50, "Wekesa", "Mko open kesho?", chat="Wekesa"),
        ]
    )
    inferred = infer_business(day)
    assert (inferred.sender, inferred.chats, inferred.of_chats) == ("Juma Hardware", 2, 3)
    assert "'Juma Hardware'" in inferred.statement() and "2 of 3 chats" in inferred.statement()
    threads = conversation_threads(day).set_index("chat_name")
    assert list(threads["first_response_s"][["Amina", "Otieno"]]) == [30 * 60, 5 * 60]
    assert list(threads["awaiting_reply"]) == [False, False, True]
    # A configured sender wins; an ambiguous or single chat infers nobody.
    configured = conversation_threads(day, BusinessSenders.of(["Wekesa"])).set_index("chat_name")
    assert configured["awaiting_reply"]["Amina"] and not configured["awaiting_reply"]["Wekesa"]
    assert infer_business(day[day["chat_name"] == "Amina"]) is None
    two_everywhere = frame(
        [msg(1, 0, "A", chat="One"), msg(2, 1, "B", chat="One"), msg(3, 2, "A", chat="Two"), msg(4, 3, "B", chat="Two")]
    )
    assert infer_business(two_everywhere) is None


def test_a_conversation_across_midnight_is_one_thread_reported_whole_by_the_day_it_ends():
    night = T0.replace(hour=23, minute=50) - T0  # 23:50 on the first day
    first_day = frame(
        [
            msg(1, 60, "Amina", "Morning order: 2 trays", chat="Amina"),  # 09:00, its own thread
            msg(2, night.total_seconds() / 60, "Amina", "Are you still open?", chat="Amina"),
            msg(3, night.total_seconds() / 60 + 5, "Juma", "Yes, till midnight", chat="Amina"),
        ]
    )
    second_day = frame(
        [
            msg(4, night.total_seconds() / 60 + 20, "Amina", "Then send 3 bags please", chat="Amina"),  # 00:10
            msg(5, night.total_seconds() / 60 + 25, "Juma", "On the way", chat="Amina"),
        ]
    )
    business = BusinessSenders.of(["Juma"])
    before = conversation_threads(first_day, business)
    after = conversation_threads(second_day, business, earlier=first_day)
    assert len(after) == 1
    thread = after.iloc[0]
    assert thread["messages"] == 4 and thread["first_message_id"] == "m2" and thread["last_message_id"] == "m5"
    assert thread["started_at"] == first_day["sent_at"].iloc[1]
    # The same id the day before gave it, so the Threads tab's row is replaced, not duplicated.
    assert thread["thread_id"] == before.iloc[1]["thread_id"]
    # Without the day before, the second day would cut the conversation at midnight.
    assert conversation_threads(second_day, business).iloc[0]["messages"] == 2


def test_a_thread_started_from_an_ad_says_which_ad_and_one_without_says_nothing():
    cloud = {"source": "cloud_api", "chat": "Achieng", "chat_id": "wa:1065:254700111222"}
    day = frame(
        [
            # The business's greeting comes first; the customer's message from the ad carries the referral.
            msg(1, 0, None, "Karibu!", sender_id="1065", **cloud),
            msg(2, 1, "Achieng", "I saw your ad, 10 mandazi please", sender_id="254700111222", referral=AD, **cloud),
            msg(3, 5, None, "Sawa, KES 100", sender_id="1065", **cloud),
            msg(4, 6, "Achieng", "Asante", sender_id="254700111222", **cloud),
            # The same customer, hours later: a new conversation, not started from the ad.
            msg(5, 600, "Achieng", "Do you deliver?", sender_id="254700111222", **cloud),
            msg(6, 2, "Brian", "2 loaves please", chat="Brian"),
        ]
    )
    threads = conversation_threads(day)
    by_first = threads.set_index("first_message_id")["referral"]
    assert by_first["m1"] == AD
    assert json.loads(by_first["m1"])["ctwa_clid"] == "ARAkLkA8rmlFeiCktEJQ"
    assert by_first["m5"] == "" and by_first["m6"] == ""
    assert threads["referral"].dtype == threads["thread_id"].dtype
    # Messages from a frame that predates referrals (no column at all) make threads without an ad, not an error.
    older = conversation_threads(day.drop(columns="referral"))
    assert list(older["referral"]) == ["", "", ""] and list(older["thread_id"]) == list(threads["thread_id"])
    assert "referral" in conversation_threads(frame([])).columns


def test_a_thread_from_an_ad_keeps_its_ad_across_midnight():
    night = (T0.replace(hour=23, minute=50) - T0).total_seconds() / 60
    first_day = frame(
        [
            msg(1, 60, "Amina", "Morning order: 2 trays", chat="Amina"),
            msg(2, night, "Amina", "Saw your ad, still open?", chat="Amina", referral=AD),
            msg(3, night + 5, "Juma", "Yes, till midnight", chat="Amina"),
        ]
    )
    second_day = frame(
        [
            msg(4, night + 20, "Amina", "Then send 3 bags please", chat="Amina"),  # 00:10
            msg(5, night + 25, "Juma", "On the way", chat="Amina"),
        ]
    )
    business = BusinessSenders.of(["Juma"])
    [before_morning, before_night] = conversation_threads(first_day, business).to_dict(orient="records")
    assert (before_morning["referral"], before_night["referral"]) == ("", AD)
    [after] = conversation_threads(second_day, business, earlier=first_day).to_dict(orient="records")
    assert after["thread_id"] == before_night["thread_id"] and after["referral"] == AD
    # Without the day before, the second day's half of the conversation would not know its ad.
    assert conversation_threads(second_day, business).iloc[0]["referral"] == ""
    # The day before read from a frame stored before referrals were kept: the thread goes on, without an ad.
    [from_older] = conversation_threads(second_day, business, earlier=first_day.drop(columns="referral")).to_dict(
        orient="records"
    )
    assert from_older["messages"] == 4 and from_older["referral"] == ""
