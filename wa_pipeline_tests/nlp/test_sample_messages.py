"""The shipped sample chats are what every new user sees first: their messages get the intent and sentiment a
person reading them would give. Messages are found by sender and local time, read from the sample files."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.nlp.intent import shipped_intent_model
from wa_pipeline.nlp.sentiment import sentiments
from wa_pipeline.whatsapp.chat_export import ExportReader
from wa_pipeline.whatsapp.export_archive import read_export

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
NAIROBI = ZoneInfo("Africa/Nairobi")


@pytest.fixture(scope="module")
def enriched() -> dict[tuple[str, str], tuple[str, str]]:
    """(sender, local "dd/mm HH:MM") -> (intent, sentiment) of every text message of the sample chats."""
    messages = []
    for path in sorted(SAMPLE.glob("WhatsApp Chat with *")):
        export = read_export(path)
        reader = ExportReader(export.open_text, chat_name=export.chat_name, tz=NAIROBI, today=date(2026, 12, 1))
        messages += [m for m in reader.messages() if m.text]
    intents = shipped_intent_model().predict([m.text for m in messages])
    read = sentiments([m.text for m in messages], ["en"] * len(messages), [i.intent for i in intents])
    return {
        (message.sender_name, _local(message.sent_at)): (intent.intent, label)
        for message, intent, (label, _) in zip(messages, intents, read, strict=True)
    }


def _local(moment: datetime) -> str:
    return moment.astimezone(NAIROBI).strftime("%d/%m %H:%M")


@pytest.mark.parametrize(
    ("sender", "at", "intent", "sentiment"),
    [
        ("Amina Njeri", "18/11 10:35", "complaint", "negative"),  # a dent, politely, after thanks
        ("Brian Otieno", "16/11 12:30", "inquiry", None),  # thanks, then a request
        ("Juma Hardware", "17/11 10:00", "payment", "neutral"),  # the bill
        ("Wanjiku Kamau", "17/11 17:48", "complaint", "negative"),
        ("Juma Hardware", "17/11 10:25", "greeting", "positive"),  # thanks alone
        ("Wanjiku Kamau", "17/11 08:13", "greeting", "positive"),
    ],
)
def test_the_sample_messages_read_as_a_person_reads_them(enriched, sender, at, intent, sentiment):
    got_intent, got_sentiment = enriched[(sender, at)]
    assert got_intent == intent
    if sentiment is not None:
        assert got_sentiment == sentiment
