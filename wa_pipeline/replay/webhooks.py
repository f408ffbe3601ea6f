"""Replaying "webhook" letters: the stored element is parsed again into the landing store."""

from __future__ import annotations

import base64
from typing import Any

from wa_pipeline.replay.outcome import ReplayOutcome, ReplayScope
from wa_pipeline.store.contacts import ContactStore
from wa_pipeline.store.dead_letters import DeadLetter, Stage
from wa_pipeline.store.events import EventStore
from wa_pipeline.whatsapp.cloud_api import parse_webhook
from wa_pipeline.whatsapp.lander import file_under_first_key, known_chat_keys, known_name, name_customer_chats


def reparse(scope: ReplayScope, letters: list[DeadLetter]) -> list[ReplayOutcome]:
    return [_reparse(scope, letter) for letter in letters]


def _reparse(scope: ReplayScope, letter: DeadLetter) -> ReplayOutcome:
    parsed = parse_webhook(webhook_body(letter.payload))
    # A replayed body lands where the receiver's lander would have put it: a BSUID-only message in the chat its
    # customer was first known by, an echo or history line under the name the chat goes by.
    file_under_first_key([parsed], lambda user_ids: known_chat_keys(scope.landing, user_ids))
    name_customer_chats([parsed], lambda customer: known_name(scope.landing, customer))
    added = scope.landing.add_messages(parsed.messages).added if parsed.messages else 0
    statuses = scope.landing.add_statuses(parsed.statuses) if parsed.statuses else 0
    # Events, the status history and customer sightings live in the landing database, as the receiver writes them.
    event_store, contacts = EventStore(scope.landing.database()), ContactStore(scope.landing.database())
    try:
        events = event_store.add(events=parsed.events, statuses=parsed.statuses)
        contacts.observe(parsed.sightings)
    finally:
        event_store.close()
        contacts.close()
    for reject in parsed.rejects:
        scope.queue.add(
            Stage.WEBHOOK, reject.item_key, reject.reason, payload=reject.payload(), partition=letter.partition
        )
    if parsed.rejects and not (parsed.messages or parsed.statuses or parsed.events):
        return ReplayOutcome(letter.id, letter.stage, letter.item_key, "failed", parsed.rejects[0].reason)
    return ReplayOutcome(
        letter.id,
        letter.stage,
        letter.item_key,
        "reparsed",
        f"{added} messages, {statuses} statuses and {len(parsed.events)} events landed ({events} new records)",
    )


def webhook_body(payload: dict) -> Any:
    """A webhook body to re-parse from a stored reject: the body itself, or its element wrapped the way Meta sends it.

    A stored element may carry the change's `metadata` and `contacts` beside it ({"element", "metadata",
    "contacts"}); without them a message element cannot name its chat and is rejected again.
    """
    if not isinstance(payload, dict):
        return payload
    if "body_base64" in payload:
        # The element's exact bytes in their context, as the receiver kept them (see cloud_api.Reject).
        return base64.b64decode(payload["body_base64"])
    if "object" in payload:
        return payload
    value: dict[str, Any]
    if "changes" in payload:
        return {"object": "whatsapp_business_account", "entry": [payload]}
    if "field" in payload and "value" in payload:
        return {"object": "whatsapp_business_account", "entry": [{"id": "replay", "changes": [payload]}]}
    element = payload.get("element", payload.get("item", payload))
    kind = "statuses" if isinstance(element, dict) and "status" in element and "recipient_id" in element else "messages"
    value = {"messaging_product": "whatsapp", "metadata": payload.get("metadata") or {}, kind: [element]}
    if payload.get("contacts"):
        value["contacts"] = payload["contacts"]
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "replay", "changes": [{"field": "messages", "value": value}]}],
    }
