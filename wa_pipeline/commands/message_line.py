"""One canonical message as the flat dict the `parse-*` commands print."""

from __future__ import annotations

from wa_pipeline.message import Message


def message_line(message: Message) -> dict:
    media = message.media
    return {
        "record": "message",
        "message_id": message.message_id,
        "chat_id": message.chat_id,
        "chat_name": message.chat_name,
        "sent_at": message.sent_at.isoformat(),
        "sender": message.sender_id,
        "sender_name": message.sender_name,
        "kind": message.kind,
        "event": message.event,
        "text": message.text,
        "caption": message.caption,
        "reply_to": message.reply_to,
        "forwarded": message.forwarded,
        "attachment": (media.filename or media.remote_id) if media else None,
        "media_id": media.remote_id if media else None,
        "mime": media.mime if media else None,
        "sha256": media.sha256 if media else None,
        "filename": media.filename if media else None,
        "source": message.source,
    }
