"""Recognising one message seen through two sources (a webhook and a chat export) without a shared id.

Exports carry no wamid, so the same message arriving both ways is matched on what both sources show:
the minute it was sent, who sent it (by name or by phone number) and its content (text, or media hash).
Matching is deliberately conservative: a pair is only merged when all three agree.

Two exports of one chat (from Android and from an iPhone, or without media and with it) give one message two ids;
`export_slot` is what both show of it, and `richer_copy` the message as the copy that says more improves it.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from wa_pipeline.message import Message, cloud_chat_parts

_INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff"), None)
# Phone numbers compared on their last 9 digits: local (0722…) and international (+254 722…) forms agree there.
_PHONE_TAIL = 9


def _normal_text(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    # str.split() splits on the whitespace \s matches, and drops it at both ends: one space between words.
    return " ".join(text.split()).casefold()


@lru_cache(maxsize=4096)
def _keys_of(sender_name: str | None, sender_id: str | None) -> tuple[str, ...]:
    # A chat has few senders and a batch many messages from each: their keys are worked out once.
    keys = set()
    if sender_name:
        keys.add("name:" + _normal_text(sender_name))
    for candidate in (sender_id, sender_name):
        digits = re.sub(r"\D", "", candidate or "")
        if len(digits) >= _PHONE_TAIL:
            keys.add("phone:" + digits[-_PHONE_TAIL:])
    return tuple(keys)


@lru_cache(maxsize=4096)
def _sender_keys_of(
    source: str, chat_id: str, chat_name: str | None, sender_name: str | None, sender_id: str | None
) -> tuple[str, ...]:
    # Worked out once per sender of a chat: an import asks for every message, and most are from a few senders.
    return _keys_of(sender_name, sender_id) + tuple(
        "to:" + key for key in _recipient_keys(source, chat_id, chat_name, sender_name, sender_id)
    )


def _recipient_keys(
    source: str, chat_id: str, chat_name: str | None, sender_name: str | None, sender_id: str | None
) -> tuple[str, ...]:
    """Who the business wrote to, for a message the business sent; () for the customer's own."""
    # The business shows under a different name in each source (its number id in a webhook echo, the owner's
    # profile name in an export), so its messages are matched on the customer they went to instead.
    if source == "cloud_api":
        parts = cloud_chat_parts(chat_id)
        if parts is not None and sender_id == parts[0]:
            return _keys_of(chat_name, parts[1])
    elif source == "chat_export" and sender_name and chat_name:
        # In a one-to-one export the chat is named after the customer; whoever else writes in it is the business.
        if _normal_text(sender_name) != _normal_text(chat_name):
            return _keys_of(chat_name, None)
    return ()


# WhatsApp's own lines, deletions and reactions: another source's copy of one is never matched on its content.
_UNPRINTED_KINDS = frozenset({"system", "deleted", "reaction"})
_sha256 = hashlib.sha256


def fingerprints(message: Message, sent_at: str | None = None) -> list[str]:
    """Keys under which another source's copy of this message would be found; empty when too ambiguous.

    `sent_at`, when given, is `message.sent_at.isoformat()` already worked out by the caller.
    """
    if message.kind in _UNPRINTED_KINDS:
        return []
    media = message.media
    if media is not None and media.sha256:
        content = "media:" + media.sha256
    else:
        # The text and the caption, each only when not empty, joined by a space (one of them most often).
        text, caption = message.text, message.caption
        joined = (f"{text} {caption}" if text else caption) if caption else text
        normal = _normal_text(joined) if joined else ""
        if not normal:
            return []
        content = "text:" + normal
    # sent_at is in UTC (see Message): its ISO text up to the minute, as strftime("%Y-%m-%dT%H:%M") writes it.
    minute = (sent_at or message.sent_at.isoformat())[:16]
    # Worked out once per sender of a chat (`_sender_keys_of`): an import asks for every message.
    keys = _sender_keys_of(message.source, message.chat_id, message.chat_name, message.sender_name, message.sender_id)
    prints = [_sha256(f"{minute}\x1f{key}\x1f{content}".encode()).hexdigest() for key in keys]
    prints.sort()
    return prints


# The kinds an export shows as a file, or as the placeholder a "without media" export writes in the file's place.
_MEDIA_SLOT_KINDS = frozenset({"image", "audio", "voice", "video", "document", "sticker", "media_omitted"})
# WhatsApp's own lines whose event code is all they say, the same to every member of the chat. Other events name
# people or values (who added whom, the old and new subject), or say "you" for whichever member exported ("You're
# now an admin"): their code alone cannot tell two lines apart.
_SUBJECTLESS_EVENTS = frozenset({"encryption_notice"})
# WhatsApp's own lines told apart by what they name (`Message.event_subjects`, in any phone language): the roles
# that say which event of its kind a line is, named alike by every language's phrase that names them. A line naming
# fewer (Spanish "Añadiste a Ana" leaves out who added: the exporter), or the exporter ("you": another member's
# export names them), is told by nothing. Events whose code stands for several things one actor can do (an icon
# changed or deleted, settings turned on or off, a timer set) are left out, as are lines only some members' phones
# show (calls, "You're now an admin").
_NAMED_EVENTS = {
    "group_created": ("actor",),
    "member_added": ("actor", "subject"),
    "member_removed": ("actor", "subject"),
    "member_left": ("actor",),
    "joined_by_link": ("actor",),
    "subject_changed": ("actor", "new"),
    "description_changed": ("actor",),
    "number_changed": ("actor", "new"),
    "security_code_changed": ("name",),
}


def _event_content(record: dict) -> str | None:
    """What another export shows of the event of WhatsApp's own line whose record this is; None when nothing tells it
    from another line of its code (see `_SUBJECTLESS_EVENTS` and `_NAMED_EVENTS`)."""
    event = record.get("event")
    if event in _SUBJECTLESS_EVENTS:
        return "event:" + event
    roles = _NAMED_EVENTS.get(event)
    subjects = record.get("event_subjects")
    if roles is None or subjects is None:
        # (Records landed before subjects were kept have none: matched by their code alone, or not at all, as then.)
        return None
    named = json.loads(subjects)
    values = [_named_as(named, role) for role in roles]
    if not all(values):
        return None
    return "\x1f".join(["event:" + event, *values])


def _named_as(named: dict, role: str) -> str | None:
    # Members a line lists ("Ann, Ben and Carl", "Ann, Ben y Carl") are compared as a set of names: each phone's
    # language joins the list its own way (`Message.event_subjects` keeps them apart as "members").
    members = named.get("members") if role == "subject" else None
    if members:
        return "\x1e".join(sorted({_normal_text(member) for member in members}))
    value = named.get(role)
    return _normal_text(value) if value else None


# (chat, minute, sender, content): see `export_slot`.
Slot = tuple[str, str, str, str]


def export_slot(record: dict) -> Slot | None:
    """(chat, minute, sender, content) under which another export of the same chat shows the message whose landing
    record (`Message.to_record`, as stored) this is; None when it shows nothing to be told by.

    Android writes send times to the minute and iOS to the second, and a "without media" export writes a placeholder
    where the other has the file: so the content of a file is only that it is one (its name and caption differ).
    WhatsApp's own line is its event, with what it names where that tells it apart (see `_event_content`). Copies
    in one slot are told apart by their order in it, the n-th meeting the n-th (see `landing_sql`). Read from
    the record, not a `Message`: a batch's records are matched before any of them is built.
    """
    kind = record["kind"]
    if record["source"] != "chat_export" or kind == "reaction":
        return None
    if kind == "system":
        # Each phone words its own lines apart (Android adds "Tap to learn more.", or writes another language): only
        # their meaning is compared.
        content = _event_content(record)
        if content is None:
            return None
        return record["chat_id"], record["sent_at"][:16], "", content
    if kind in _MEDIA_SLOT_KINDS:
        content = "media"
    elif kind == "deleted":
        content = "deleted"
    else:
        text = _normal_text(" ".join(filter(None, (record["text"], record["caption"]))))
        if not text:
            return None
        content = "text:" + text
    # sent_at is stored in UTC, as isoformat writes it: its first 16 characters are its minute.
    return record["chat_id"], record["sent_at"][:16], _normal_text(record["sender_name"] or ""), content


# A sender shown by a number on one phone and a name on another is taken as one person only when at least this many
# of their messages (slots: minute and content) pair up, and at least this share of the number's messages that
# could pair (sent in a minute the other side holds messages of the chat in) do: one "ok" proves nothing.
_ALIAS_PAIRS = 3
_ALIAS_SHARE = 0.9


@lru_cache(maxsize=4096)
def _is_number(sender: str) -> bool:
    """Whether an export shows a sender (as `export_slot` keys it) by their phone number: unsaved on that phone."""
    return not any(character.isalpha() for character in sender) and len(re.sub(r"\D", "", sender)) >= _PHONE_TAIL


def sender_aliases(landed: Iterable[Slot | None], incoming: Iterable[Slot | None]) -> dict[tuple[str, str], str]:
    """{(chat, sender shown as a number): the name it is shown by in the other export} for the senders of one chat
    that one phone saved under a name and another did not, read from the slots (`export_slot`) of the landed
    records and of one export's batch.

    A number and a name are one person when their messages pair in the same minutes with the same content, for
    enough messages (`_ALIAS_PAIRS`, `_ALIAS_SHARE`), the name never writes in the number's export nor the number
    in the name's, and each pairs with the other alone. Two names are never merged, nor two numbers.
    """
    landed, incoming = [slot for slot in landed if slot], [slot for slot in incoming if slot]
    # Most batches show no sender by number (a sender's messages are many, their forms few): nothing to pair.
    if not any(map(_is_number, {slot[2] for slot in landed} | {slot[2] for slot in incoming})):
        return {}
    sides = []
    for slots in (landed, incoming):
        senders: dict[str, set[str]] = {}
        keys: dict[tuple[str, str, str], set[str]] = {}
        for slot in slots:
            if not slot[2]:
                continue
            senders.setdefault(slot[0], set()).add(slot[2])
            keys.setdefault((slot[0], slot[1], slot[3]), set()).add(slot[2])
        sides.append((senders, keys))
    candidates: dict[tuple[str, str], set[str]] = {}
    for (senders, keys), (other_senders, other_keys) in (sides, sides[::-1]):
        other_cells = {(chat, minute) for chat, minute, _ in other_keys}
        pairs: dict[tuple[str, str, str], int] = {}
        could_pair: dict[tuple[str, str], int] = {}
        for key, here in keys.items():
            if (key[0], key[1]) not in other_cells:
                continue
            there = other_keys.get(key, set())
            for number in filter(_is_number, here):
                could_pair[key[0], number] = could_pair.get((key[0], number), 0) + 1
                for name in there:
                    if not _is_number(name):
                        pairs[key[0], number, name] = pairs.get((key[0], number, name), 0) + 1
        for (chat, number, name), count in pairs.items():
            if (
                count >= _ALIAS_PAIRS
                and count >= _ALIAS_SHARE * could_pair[chat, number]
                and name not in senders.get(chat, ())
                and number not in other_senders.get(chat, ())
            ):
                candidates.setdefault((chat, number), set()).add(name)
    names_taken: dict[tuple[str, str], int] = {}
    for (chat, _), names in candidates.items():
        for name in names:
            names_taken[chat, name] = names_taken.get((chat, name), 0) + 1
    return {
        key: next(iter(names))
        for key, names in candidates.items()
        if len(names) == 1 and names_taken[key[0], next(iter(names))] == 1
    }


def _to_the_second(record: dict) -> bool:
    # A minute-only header reads as second 0; a seconds header that says :00 is taken as minute-only too, which
    # only ever lets it be improved by a copy that says more. ("2023-03-12T07:15:05+00:00", ".123456" when any.)
    sent_at = record["sent_at"]
    return sent_at[17:19] != "00" or sent_at[19:20] == "."


def _media_detail(record: dict) -> int:
    """0: no file (a placeholder, or not media); 1: a file named but not in the export; 2: its bytes stored."""
    kind = record["kind"]
    if kind not in _MEDIA_SLOT_KINDS or kind == "media_omitted":
        return 0
    return 2 if record["media_sha256"] else 1


def same_export_message(landed: dict, incoming: dict) -> bool:
    """Whether two records in the same slot, the n-th of each, can be one message: their times agree to what both
    say, and the exports show it differently (seconds, the file, the header's layout, WhatsApp's own words in the
    phone's language). Two copies one export layout shows alike would have one id: under two ids they are two
    messages (two "ok" in a minute, landed in two batches or two imports)."""
    if landed["sent_at"] != incoming["sent_at"] and _to_the_second(landed) and _to_the_second(incoming):
        return False
    return _shown_as(landed) != _shown_as(incoming)


_DIGIT = re.compile(r"\d")


def _shown_as(record: dict) -> tuple[bool, int, str, str, bool]:
    # The header's opening with its digits blanked tells Android's "12/03/2023, 10:15 - " from iOS's "[12/03/2023, ".
    opening = (record.get("raw") or "").lstrip("\u200e")[:12]
    # WhatsApp's own line is worded by the phone's language: two phones in two languages show one event differently.
    wording = _normal_text(record["text"] or "") if record["kind"] == "system" else ""
    # One export shows a sender one way: by name where that phone saved them, by number where it did not.
    by_number = not _by_name(record)
    return _to_the_second(record), _media_detail(record), _DIGIT.sub("0", opening), wording, by_number


def richer_copy(landed: dict, incoming: dict) -> tuple[dict, str] | None:
    """(The record kept, the send time it takes) when the incoming copy improves the landed message (its file, its
    seconds, its sender's name where the landed copy shows a number); None when it adds nothing. The kept record lands under the landed message's id.

    The copy with more of the file is taken whole (its kind, media, caption and line), with the send time to the
    second when either copy has it.
    """
    landed_media, incoming_media = _media_detail(landed), _media_detail(incoming)
    named = _by_name(incoming) and not _by_name(landed)
    if incoming_media <= landed_media and (_to_the_second(landed) or not _to_the_second(incoming)) and not named:
        return None
    base, other = (incoming, landed) if incoming_media >= landed_media else (landed, incoming)
    sent_at = base["sent_at"] if _to_the_second(base) or not _to_the_second(other) else other["sent_at"]
    if _by_name(other) and not _by_name(base):
        # The sender as the phone that saved them names them (see `sender_aliases`), not by their number.
        base = base | {"sender_name": other["sender_name"], "sender_id": other["sender_id"]}
    return base, sent_at


def _by_name(record: dict) -> bool:
    return not _named_by_number(record["sender_name"] or "")


@lru_cache(maxsize=4096)
def _named_by_number(sender_name: str) -> bool:
    # A chat has few senders and an export many messages from each: each is told once.
    return _is_number(_normal_text(sender_name))
