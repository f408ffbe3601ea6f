"""The App Dashboard's "Test" button: Meta's sample payload is not a customer writing to the shop.

Meta's WhatsApp > Configuration page sends, for each field, a sample body with the same placeholder metadata
(phone_number_id 123456123, display number 16505551111): for `messages`, a text "this is a text message" from
"test user name" (16315551181) dated 2017-09-08. Landed as a message, it put a customer who does not exist in the
owner's sheet and a 2017 day in every run.
"""

from datetime import UTC, datetime

from wa_pipeline.whatsapp.cloud_api import parse_webhook

SAMPLE_METADATA = {"display_phone_number": "16505551111", "phone_number_id": "123456123"}


def body(value: dict, metadata: dict = SAMPLE_METADATA) -> dict:
    change = {"field": "messages", "value": {"messaging_product": "whatsapp", "metadata": metadata, **value}}
    return {"entry": [{"id": "0", "time": 1796540000, "changes": [change]}], "object": "whatsapp_business_account"}


DASHBOARD_MESSAGE = {
    "contacts": [{"profile": {"name": "test user name"}, "wa_id": "16315551181"}],
    "messages": [
        {
            "from": "16315551181",
            "id": "ABGGFlA5Fpa",
            "timestamp": "1504902988",
            "type": "text",
            "text": {"body": "this is a text message"},
        }
    ],
}
NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


def test_the_dashboard_test_message_is_an_account_event_not_a_customer_message():
    parsed = parse_webhook(body(DASHBOARD_MESSAGE), now=NOW)
    assert parsed.messages == [] and parsed.statuses == [] and parsed.sightings == [] and parsed.rejects == []
    [event] = parsed.events
    assert event.kind == "account" and event.field == "messages"
    assert "App Dashboard test" in event.summary
    # Kept whole, so nothing Meta sent is lost; timed when it was sent, not in 2017.
    assert event.data["messages"][0]["id"] == "ABGGFlA5Fpa"
    assert event.occurred_at == datetime.fromtimestamp(1796540000, tz=UTC)
    # The same message to a real business number is a customer's message.
    real = {"display_phone_number": "254711000999", "phone_number_id": "109876543210001"}
    parsed = parse_webhook(body(DASHBOARD_MESSAGE, metadata=real), now=NOW)
    assert [m.message_id for m in parsed.messages] == ["ABGGFlA5Fpa"] and parsed.events == []
