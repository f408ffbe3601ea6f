import base64
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.cloud_api import normalise_sha256, parse_webhook

PAYLOADS = Path(__file__).resolve().parent / "payloads"
PHONE_NUMBER_ID = "106540352242922"
CHAT = f"wa:{PHONE_NUMBER_ID}:16505551234"
SENT = datetime(2025, 6, 8, 20, 59, 43, tzinfo=UTC)


def load(name: str) -> dict:
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))


def element(name: str, index: int = 0) -> dict:
    return load(name)["entry"][0]["changes"][0]["value"]["messages"][index]


def only_message(name: str):
    parsed = parse_webhook(load(name))
    assert parsed.rejects == [] and parsed.statuses == []
    assert len(parsed.messages) == 1
    return parsed.messages[0]


def wamid(tag: str) -> str:
    return "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQ" + base64.b64encode(tag.encode()).decode().rstrip("=") + "AA=="


def test_every_fixture_parses_without_losing_an_element():
    for path in sorted(PAYLOADS.glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        if {c["field"] for e in body["entry"] for c in e["changes"]} != {"messages"}:
            continue  # the other fields have tests of their own (test_business_fields)
        parsed = parse_webhook(body)
        values = [c["value"] for e in body["entry"] for c in e["changes"]]
        sent = sum(len(v.get(k) or []) for v in values for k in ("messages", "statuses", "errors"))
        # A status of type payment is an order's payment moving on: it lands as a payment event instead; Meta's
        # statuses that are no step of delivery (warning, deleted) land as events too.
        payments = [e for e in parsed.events if e.kind == "payment" or e.data.get("status") in ("warning", "deleted")]
        assert len(parsed.messages) + len(parsed.statuses) + len(parsed.rejects) + len(payments) == sent, path.name


def test_text_message_maps_every_canonical_field():
    message = only_message("text")
    assert message.message_id == wamid("text-1")
    assert message.chat_id == CHAT
    assert (message.chat_name, message.sender_id, message.sender_name) == (
        "Sheena Nelson",
        "16505551234",
        "Sheena Nelson",
    )
    assert message.sent_at == SENT and message.sent_at.tzinfo is not None
    assert (message.kind, message.text, message.source) == ("text", "Does it come in another color?", "cloud_api")
    assert (message.media, message.reply_to, message.forwarded) == (None, None, False)
    assert json.loads(message.raw) == element("text")


@pytest.mark.parametrize(
    "name, kind, text, caption",
    [
        (
            "location",
            "location",
            "Philz Coffee\n1 Hacker Way, Menlo Park, CA 94025\nhttps://philzcoffee.com\n37.483307,-122.148981",
            None,
        ),
        (
            "contacts",
            "contacts",
            "Kerry Fisher (Lucky Shrub): +1 (940) 555-1234, +1 (650) 555-1234, kerry@example.com\nJuma: +254 712 345678",
            None,
        ),
        ("interactive_button_reply", "interactive", "Change", None),
        # A list row's description is part of what the customer chose (Meta shows it under the title).
        ("interactive_list_reply", "interactive", "Express Shipping — Next Day to 2 Days", None),
        ("button", "button", "Stop promotions", None),
        (
            "order",
            "order",
            "Order from catalog 194836987003835:\n2 x bread-white-800g @ 1.5 USD\n6 x croissant @ 0.9 USD\n"
            "Please deliver before noon",
            None,
        ),
        ("system", "system", "User Sheena Nelson changed from 16505551234 to 16505551235", None),
        ("unsupported", "unsupported", None, None),
        ("image", "image", None, "Receipt for order 1042"),
        ("video", "video", None, "The leak under the sink"),
        ("document", "document", None, "Invoice March"),
        ("sticker", "sticker", None, None),
        ("audio", "audio", None, None),
        ("audio_voice", "voice", None, None),
    ],
)
def test_each_message_type_maps_to_its_kind_and_text(name, kind, text, caption):
    message = only_message(name)
    assert (message.kind, message.text, message.caption) == (kind, text, caption)
    assert message.chat_id == CHAT and message.source == "cloud_api"
    assert json.loads(message.raw) == element(name)


def test_a_list_reply_without_a_description_reads_as_its_title():
    # Meta's list rows may leave the description out (it is optional when the business builds the list).
    body = load("interactive_list_reply")
    reply = body["entry"][0]["changes"][0]["value"]["messages"][0]["interactive"]["list_reply"]
    reply.update(title="Large", description="")
    assert parse_webhook(body).messages[0].text == "Large"
    del reply["description"]
    assert parse_webhook(body).messages[0].text == "Large"
    reply["description"] = 2  # not text: the title is still the answer, the number stays in raw
    assert (parse_webhook(body).messages[0].text, parse_webhook(body).messages[0].flags) == ("Large", None)


def test_a_list_reply_keeps_the_description_that_carries_the_choice():
    body = load("interactive_list_reply")
    reply = body["entry"][0]["changes"][0]["value"]["messages"][0]["interactive"]["list_reply"]
    reply.update(id="row-3", title="Large", description="2 litres, chilled")
    [message] = parse_webhook(body).messages
    assert (message.kind, message.text, message.flags) == ("interactive", "Large — 2 litres, chilled", None)


def test_a_shared_card_names_its_company_once_and_a_nameless_card_by_its_company():
    body = load("contacts")
    cards = body["entry"][0]["changes"][0]["value"]["messages"][0]["contacts"]
    cards[:] = [
        {
            "name": {"formatted_name": "Otieno Couriers"},
            "org": {"company": "otieno couriers"},
            "phones": [{"phone": "+254 700 111222"}],
        },
        {"name": {}, "org": {"company": "Kisumu Spares Ltd"}, "emails": [{"email": "sales@spares.example"}]},
        {"name": {"formatted_name": "Amina"}, "org": {"company": "  "}, "phones": [{"wa_id": "254700333444"}]},
    ]
    assert parse_webhook(body).messages[0].text == (
        "Otieno Couriers: +254 700 111222\nKisumu Spares Ltd: sales@spares.example\nAmina: 254700333444"
    )


def test_an_animated_sticker_is_flagged_and_a_still_one_is_not():
    still = only_message("sticker")
    assert (still.kind, still.flags) == ("sticker", None)
    body = load("sticker")
    body["entry"][0]["changes"][0]["value"]["messages"][0]["sticker"]["animated"] = True
    [moving] = parse_webhook(body).messages
    assert (moving.kind, moving.flags, moving.media.remote_id) == ("sticker", "animated sticker", "1237128234567890")


def test_flow_reply_reads_as_the_answers_a_person_gave_with_the_json_kept_in_raw():
    message = only_message("interactive_nfm_reply")
    assert message.kind == "interactive"
    # The flow_token is the business's own bookkeeping, not an answer.
    assert message.text == "delivery date: 2026-11-20\nloaves: 3"
    nfm = json.loads(message.raw)["interactive"]["nfm_reply"]
    assert json.loads(nfm["response_json"])["flow_token"] == "AQAAAAACS5FpgQ_cAAAAAD0QI3s."
    assert message.reply_to == wamid("flow-1")


def _flow_reply(response_json: str, name: str = "flow") -> dict:
    body = load("interactive_nfm_reply")
    body["entry"][0]["changes"][0]["value"]["messages"][0]["interactive"]["nfm_reply"].update(
        name=name, response_json=response_json
    )
    return body


@pytest.mark.parametrize(
    "answers, text",
    [
        # Lists, booleans and numbers as a person writes them.
        (
            {"flow_token": "t-9", "sizes": ["S", "M"], "gift_wrap": True, "quantity": 2},
            "sizes: S, M\ngift wrap: yes\nquantity: 2",
        ),
        # An address message's fields sit in `values`: one line each.
        # (an empty field is left out).
        (
            {"values": {"name": "Test Person", "building_name": "", "city": "Testville"}},
            "name: Test Person\ncity: Testville",
        ),
        # Only the token: the chat still shows the customer sent the form.
        ({"flow_token": "t-9"}, "Sent"),
    ],
)
def test_flow_answers_are_label_and_value_lines(answers, text):
    message = parse_webhook(_flow_reply(json.dumps(answers))).messages[0]
    assert message.text == text


def test_a_flow_reply_whose_json_is_not_an_object_keeps_the_text_as_sent():
    message = parse_webhook(_flow_reply("not json {")).messages[0]
    assert message.text == "not json {"


@pytest.mark.parametrize(
    "name, remote_id, mime, content, filename",
    [
        ("image", "1037543291543636", "image/jpeg", b"receipt-jpeg-bytes", None),  # sha256 sent as base64
        ("audio_voice", "1003383421387256", "audio/ogg; codecs=opus", b"voice-note-bytes", None),  # lowercase hex
        ("audio", "1683452792510394", "audio/mpeg", b"song-bytes", None),  # uppercase hex
        ("video", "1177485803880133", "video/mp4", b"video-bytes", None),
        ("document", "1090457849234567", "application/pdf", b"invoice-pdf-bytes", "invoice-2026-03.pdf"),
        ("sticker", "1237128234567890", "image/webp", b"sticker-bytes", None),
    ],
)
def test_media_reference_has_id_mime_lowercase_hex_sha256_and_filename(name, remote_id, mime, content, filename):
    media = only_message(name).media
    assert media.remote_id == remote_id and media.mime == mime and media.filename == filename
    assert media.sha256 == hashlib.sha256(content).hexdigest()


def test_sha256_normalisation_accepts_hex_and_base64_and_drops_what_is_neither():
    digest = hashlib.sha256(b"x").digest()
    assert normalise_sha256(digest.hex().upper()) == digest.hex()
    assert normalise_sha256(base64.b64encode(digest).decode()) == digest.hex()
    assert normalise_sha256(base64.urlsafe_b64encode(digest).decode().rstrip("=")) == digest.hex()
    assert normalise_sha256("lab") is None
    assert normalise_sha256(base64.b64encode(b"too short").decode()) is None
    assert normalise_sha256(None) is None and normalise_sha256(42) is None


def test_context_reply_forward_and_referred_product():
    assert only_message("text_reply").reply_to == wamid("business-offer-1")
    forwarded = only_message("text_forwarded")
    assert forwarded.forwarded is True and forwarded.reply_to is None
    enquiry = only_message("text_referred_product")
    assert enquiry.reply_to == wamid("catalog-msg-1")
    assert json.loads(enquiry.raw)["context"]["referred_product"]["product_retailer_id"] == "di9ozbzfi4"


def test_ad_referral_and_unknown_fields_survive_in_raw():
    body = load("text_from_ad")
    body["entry"][0]["changes"][0]["value"]["messages"][0]["field_meta_adds_next_year"] = {"nested": ["kept", 1]}
    [message] = parse_webhook(body).messages
    raw = json.loads(message.raw)
    assert raw["referral"]["ctwa_clid"].startswith("ARAkLkA8")
    assert raw["field_meta_adds_next_year"] == {"nested": ["kept", 1]}


def test_reaction_points_at_the_message_it_reacts_to_and_a_removal_says_it_was_removed():
    added, removed = only_message("reaction"), only_message("reaction_removed")
    assert (added.kind, added.text, added.reply_to) == ("reaction", "\U0001f44d", wamid("business-offer-1"))
    # Not a blank row, which reads as a reaction still standing.
    assert (removed.kind, removed.text, removed.reply_to) == ("reaction", "reaction removed", wamid("business-offer-1"))
    body = load("reaction")
    body["entry"][0]["changes"][0]["value"]["messages"][0]["reaction"]["emoji"] = ""
    assert parse_webhook(body).messages[0].text == "reaction removed"


def test_edits_and_revokes_refer_to_the_original():
    edit = only_message("edit")
    assert (edit.kind, edit.text, edit.reply_to) == (
        "text",
        "Does it come in another colour, e.g. blue?",
        wamid("text-1"),
    )
    assert edit.message_id == wamid("edit-1")
    caption_edit = only_message("edit_caption")
    assert (caption_edit.kind, caption_edit.text, caption_edit.reply_to) == (
        "text",
        "Receipt for order 1043 (corrected)",
        wamid("image-1"),
    )
    revoke = only_message("revoke")
    assert (revoke.kind, revoke.text, revoke.reply_to) == ("deleted", None, wamid("text-1"))


def test_an_edit_says_it_replaces_the_earlier_text():
    # Without the mark the new text reads as a reply quoting the original, two versions side by side in the sheet.
    assert only_message("edit").flags == f"edited: replaces the text of {wamid('text-1')}"
    assert only_message("edit_caption").flags == f"edited: replaces the text of {wamid('image-1')}"


def test_unsupported_message_keeps_meta_errors_in_raw():
    message = only_message("unsupported")
    assert json.loads(message.raw)["errors"][0]["code"] == 131051


def test_system_message_without_contacts_is_named_by_the_number():
    message = only_message("system")
    assert (message.chat_id, message.chat_name, message.sender_name) == (CHAT, "16505551234", None)


def test_username_user_without_phone_number_is_identified_by_business_scoped_id():
    message = only_message("text_bsuid")
    assert message.chat_id == f"wa:{PHONE_NUMBER_ID}:US.13491208655302741918"
    assert (message.sender_id, message.sender_name) == ("US.13491208655302741918", "Bob")


def test_group_message_belongs_to_the_group_chat():
    message = only_message("group_text")
    assert message.chat_id.startswith(f"wa:{PHONE_NUMBER_ID}:group:")
    assert message.sender_id == "16505551234"


@pytest.mark.parametrize(
    "name, status",
    [
        ("status_sent", "sent"),
        ("status_delivered", "delivered"),
        ("status_read", "read"),
        ("status_played", "played"),
        ("status_failed", "failed"),
    ],
)
def test_statuses_become_status_updates(name, status):
    parsed = parse_webhook(load(name))
    assert parsed.messages == [] and parsed.rejects == []
    [update] = parsed.statuses
    assert update.status == status and update.recipient_id == "16505551234" and update.at.tzinfo is not None
    assert json.loads(update.raw)["id"] == update.message_id


def test_failed_status_carries_its_errors():
    [update] = parse_webhook(load("status_failed")).statuses
    assert update.errors[0]["code"] == 131047


def test_statuses_only_move_forward_through_the_store(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    updates = {name: parse_webhook(load(f"status_{name}")).statuses for name in ("sent", "delivered", "read")}
    message_id = updates["read"][0].message_id
    # Meta does not order deliveries: read arrives first, the older statuses afterwards must not win.
    for name in ("read", "sent", "delivered"):
        store.add_statuses(updates[name])
    assert store.status_of(message_id) == "read"
    assert store.add_statuses(updates["delivered"]) == 0
    played = parse_webhook(load("status_played")).statuses
    store.add_statuses(played + played)
    assert store.status_of(played[0].message_id) == "played"


def test_one_malformed_element_never_drops_its_siblings():
    parsed = parse_webhook(load("malformed_sibling"))
    assert [m.text for m in parsed.messages] == ["First, fine", None, "Last, fine"]
    # A message whose content is malformed lands with its id, time and chat, flagged with what was wrong.
    assert (parsed.messages[1].message_id, parsed.messages[1].flags) == (wamid("bad-text"), "text.body is missing")
    assert [m.flags for m in (parsed.messages[0], parsed.messages[2])] == [None, None]
    assert [s.status for s in parsed.statuses] == ["delivered"]
    reasons = {r.item_key: r.reason for r in parsed.rejects}
    assert len(parsed.rejects) == 3
    assert "timestamp" in reasons[wamid("bad-ts")]
    assert "exploded" in reasons[wamid("out-4") + "#exploded"]
    [not_an_object] = [r for r in parsed.rejects if r.item == "not an object"]
    assert not_an_object.item_key.startswith("sha256:") and "not a JSON object" in not_an_object.reason


def test_reject_keys_are_stable_so_a_redelivery_updates_the_same_dead_letter():
    first, again = parse_webhook(load("malformed_sibling")), parse_webhook(load("malformed_sibling"))
    assert [r.item_key for r in first.rejects] == [r.item_key for r in again.rejects]


def test_errors_meta_reports_for_a_change_become_rejects():
    [reject] = parse_webhook(load("value_errors")).rejects
    assert "131000" in reject.reason and reject.item["code"] == 131000


def test_template_status_updates_are_kept_as_account_events():
    parsed = parse_webhook(load("template_status_update"))
    assert (parsed.messages, parsed.statuses, parsed.rejects) == ([], [], [])
    [event] = parsed.events
    assert (event.kind, event.field) == ("account", "message_template_status_update")
    assert json.loads(event.raw) == load("template_status_update")["entry"][0]["changes"][0]["value"]


@pytest.mark.parametrize(
    "body, reason",
    [
        ([], "not a JSON object"),
        ({"object": "page", "entry": []}, "not 'whatsapp_business_account'"),
        ({"object": "whatsapp_business_account", "entry": {"id": "1"}}, "entry is not a list"),
    ],
)
def test_a_body_of_the_wrong_shape_is_one_reject(body, reason):
    parsed = parse_webhook(body)
    assert parsed.messages == [] and len(parsed.rejects) == 1 and reason in parsed.rejects[0].reason


def test_a_message_without_phone_number_id_is_rejected_alone():
    body = load("text")
    del body["entry"][0]["changes"][0]["value"]["metadata"]
    [reject] = parse_webhook(body).rejects
    assert "phone_number_id" in reject.reason and reject.item_key == wamid("text-1")


def _template_echo(template) -> dict:
    body = load("smb_message_echoes")
    echo = body["entry"][0]["changes"][0]["value"]["message_echoes"][0]
    for key in ("text", "image", "document"):
        echo.pop(key, None)
    echo.update(type="template", template=template)
    body["entry"][0]["changes"][0]["value"]["message_echoes"] = [echo]
    return body


def test_a_template_the_owner_sent_reads_as_its_name_and_the_values_the_customer_saw():
    template = {
        "name": "order_ready",
        "language": {"code": "en"},
        "components": [
            {"type": "header", "parameters": [{"type": "document", "document": {"filename": "invoice-7.pdf"}}]},
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "A-100"},
                    {
                        "type": "currency",
                        "currency": {"fallback_value": "KES 900", "code": "KES", "amount_1000": 900000},
                    },
                    {"type": "date_time", "date_time": {"fallback_value": "8 December"}},
                ],
            },
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "0",
                "parameters": [{"type": "payload", "payload": "P1"}],
            },
        ],
    }
    parsed = parse_webhook(_template_echo(template))
    assert parsed.rejects == []
    message = parsed.messages[0]
    assert message.kind == "text"
    assert message.text == "template order_ready (en)\n[document: invoice-7.pdf]\nA-100\nKES 900\n8 December"
    assert "template message" in message.flags
    # A template without a name is still kept, flagged, not lost.
    nameless = parse_webhook(_template_echo({"components": []}))
    assert nameless.rejects == [] and nameless.messages[0].flags == "template.name is missing"
