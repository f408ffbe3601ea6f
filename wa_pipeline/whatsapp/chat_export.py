"""Parsing the text of a WhatsApp "Export chat" file (Android or iOS, any common locale) into canonical messages."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import PurePath
from typing import Literal

from wa_pipeline.message import MediaRef, Message, stable_id

DateOrder = Literal["dmy", "mdy", "ymd"]

# Exports sprinkle direction marks, bidi isolates (around phone numbers) and narrow no-break spaces
# (before "am"/"pm") depending on phone locale; none of them is content, and leaving them in would make
# the same message parse differently from two phones.
_INVISIBLE = str.maketrans(
    {
        "\u200e": None, "\u200f": None, "\ufeff": None,
        "\u202a": None, "\u202b": None, "\u202c": None, "\u202d": None, "\u202e": None,
        "\u2066": None, "\u2067": None, "\u2068": None, "\u2069": None,
        "\u202f": " ", "\u00a0": " ", "\u2007": " ",
    }
)

_DATE = r"(?P<d1>\d{1,4})[/.\-](?P<d2>\d{1,2})[/.\-](?P<d3>\d{1,4})\.?"
_TIME = r"(?P<hh>\d{1,2})[:.](?P<mm>\d{2})(?:[:.](?P<ss>\d{2}))?"
_AMPM = r"(?:\s?(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?"
_HEADERS = (
    re.compile(rf"^\[{_DATE},?\s{_TIME}{_AMPM}\]\s?(?P<rest>.*)$"),  # iOS
    re.compile(rf"^{_DATE},?\s{_TIME}{_AMPM}\s[-\u2013]\s(?P<rest>.*)$"),  # Android
)

# A sender name is whatever precedes the first ": "; the limits keep system lines that happen to quote
# a colon (a new group subject, say) from being read as a person talking.
_SENDER = re.compile(r"^(?P<name>[^:\"\u201c\u201d]{1,80}?):(?: (?P<body>.*)|$)", re.DOTALL)

# Notices nobody types by hand: safe to treat as system whoever the export names as sender
# (iOS puts them under the chat's name).
_SYSTEM_ALWAYS = re.compile(
    r"^(?:Messages and calls are end-to-end encrypted"
    r"|Messages to this (?:group|chat) are now secured with end-to-end encryption"
    r"|Your security code with .+ changed)",
)
# Events iOS writes under a sender's name, recognisable only with the U+200E mark it puts before them;
# without the mark "I left" is just a message.
_SYSTEM_MARKED = re.compile(
    r"^(?:.+ )?(?:added|removed|left|created group|changed the subject|changed this group's icon"
    r"|changed the group description|changed their phone number|joined using this group's invite link"
    r"|turned (?:on|off) disappearing messages)\b"
    r"|^(?:Missed )?(?:voice|video|group) call\b",
)
_IOS_MARK = re.compile(r":[ \u00a0]\u200e")

_DELETED = re.compile(r"^(?:This message was deleted|You deleted this message)\.?$", re.IGNORECASE)
_IOS_ATTACHED = re.compile(r"<attached:\s*(?P<file>[^>]+?)\s*>\s*(?P<after>.*)$")
_ANDROID_ATTACHED = re.compile(r"^(?P<file>.+?)(?:\s+\u2022\s+.*?)?\s+\(file attached\)$")
_OMITTED = re.compile(
    r"(?:^|\s)(?P<word>image|audio|video|document|sticker|GIF|Contact card|voice message|media) omitted$",
    re.IGNORECASE,
)
_LOCATION = re.compile(r"^location: (?P<url>https?://\S+)$", re.IGNORECASE)

_OMITTED_KIND = {
    "image": "image", "audio": "audio", "video": "video", "document": "document", "sticker": "sticker",
    "gif": "video", "contact card": "contacts", "voice message": "voice", "media": "unsupported",
}
_EXTENSION_KIND = {
    "jpg": "image", "jpeg": "image", "png": "image", "webp": "image", "gif": "image", "heic": "image",
    "opus": "voice", "ogg": "voice",
    "m4a": "audio", "mp3": "audio", "aac": "audio", "amr": "audio", "wav": "audio",
    "mp4": "video", "3gp": "video", "mov": "video", "mkv": "video", "webm": "video",
    "vcf": "contacts",
}

_CHAT_FILE_NAME = re.compile(
    r"^(?:WhatsApp Chat(?:\s+with|\s*-|:)?|WhatsApp-Chat mit|Chat de WhatsApp con|Conversa do WhatsApp com"
    r"|Discussion WhatsApp avec|WhatsApp-chat met|Chat WhatsApp con)\s+(?P<name>.+)$",
    re.IGNORECASE,
)


class ChatExportError(ValueError):
    """The text is not a WhatsApp chat export at all."""


@dataclass(frozen=True)
class ExportLineError:
    source_name: str
    line_number: int
    reason: str
    line: str

    def __str__(self) -> str:
        return f"{self.source_name}:{self.line_number}: {self.reason}: {self.line[:200]!r}"


@dataclass(frozen=True)
class ParsedExport:
    messages: list[Message]
    errors: list[ExportLineError] = field(default_factory=list)
    date_order: DateOrder = "dmy"


@dataclass
class _Draft:
    line_number: int
    fields: dict[str, str | None]
    rest: str
    marked: bool
    raw: list[str]
    more: list[str] = field(default_factory=list)


def clean_text(text: str) -> str:
    """Drop the invisible characters exports add, so equal messages compare equal."""
    return text.translate(_INVISIBLE)


def chat_name_from_filename(name: str | PurePath) -> str:
    """'WhatsApp Chat with Mama Mboga Bakery.txt' (or '... - X.zip') -> 'Mama Mboga Bakery'; else the stem."""
    base = clean_text(PurePath(name).name).strip()
    stem = re.sub(r"\.(?:txt|zip)$", "", base, flags=re.IGNORECASE)
    # Browsers rename a second download "X (1).zip"; it is still the same chat, and chat ids hang on the name.
    stem = re.sub(r"\s+\(\d+\)$", "", stem)
    match = _CHAT_FILE_NAME.match(stem)
    chosen = match.group("name") if match else stem
    return re.sub(r"\s+", " ", chosen).strip() or stem


def kind_for_filename(filename: str) -> str:
    """Message kind of an attachment, judged from its name as WhatsApp writes it."""
    upper = filename.upper()
    extension = upper.rsplit(".", 1)[-1].lower() if "." in upper else ""
    if extension == "webp" and ("STK-" in upper or "STICKER" in upper):
        return "sticker"
    return _EXTENSION_KIND.get(extension, "document")


def _split_lines(text: str) -> list[str]:
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _match_header(line: str) -> tuple[dict[str, str | None], str] | None:
    for pattern in _HEADERS:
        match = pattern.match(line)
        if match:
            fields = match.groupdict()
            return fields, fields.pop("rest") or ""
    return None


def _date_order(headers: list[dict[str, str | None]]) -> DateOrder:
    # Decided once per file: within one export every header uses the phone's single locale, and a day
    # above 12 anywhere in the file settles what 03/04 means everywhere else in it.
    if any(len(h["d1"] or "") == 4 for h in headers):
        return "ymd"
    if any(int(h["d1"] or 0) > 12 for h in headers):
        return "dmy"
    if any(int(h["d2"] or 0) > 12 for h in headers):
        return "mdy"
    return "dmy"


def _sent_at(fields: dict[str, str | None], order: DateOrder, tz: tzinfo) -> datetime:
    a, b, c = int(fields["d1"] or 0), int(fields["d2"] or 0), int(fields["d3"] or 0)
    year, month, day = {"ymd": (a, b, c), "dmy": (c, b, a), "mdy": (c, a, b)}[order]
    if year < 100:
        year += 2000
    hour, minute, second = int(fields["hh"] or 0), int(fields["mm"] or 0), int(fields["ss"] or 0)
    if fields["ampm"]:
        meridiem = re.sub(r"[.\s]", "", fields["ampm"]).lower()
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} with {fields['ampm']}")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    return datetime(year, month, day, hour, minute, second, tzinfo=tz)


def _interpret(body: str, sender: str | None, marked: bool) -> dict:
    """Kind, text, caption and media of a message body."""
    if sender is None or _SYSTEM_ALWAYS.match(body):
        return {"kind": "system", "text": body}
    if _DELETED.match(body):
        return {"kind": "deleted"}
    first, _, after = body.partition("\n")
    caption = after.strip() or None
    attached = _IOS_ATTACHED.search(first)
    if attached:
        same_line = attached.group("after").strip()
        caption = "\n".join(p for p in (same_line, caption) if p) or None
        filename = attached.group("file")
        return {"kind": kind_for_filename(filename), "caption": caption, "media": MediaRef(filename=filename)}
    attached = _ANDROID_ATTACHED.match(first)
    if attached:
        filename = attached.group("file").strip()
        return {"kind": kind_for_filename(filename), "caption": caption, "media": MediaRef(filename=filename)}
    if first.strip().lower() == "<media omitted>":
        # The export knew there was media but not which kind, and kept no bytes.
        return {"kind": "unsupported", "caption": caption}
    omitted = _OMITTED.search(first)
    if omitted:
        return {"kind": _OMITTED_KIND[omitted.group("word").lower()], "caption": caption}
    # After the media checks: iOS marks attachment lines too, and a file may be called "Stock added.pdf".
    if marked and _SYSTEM_MARKED.match(body):
        return {"kind": "system", "text": body}
    location = _LOCATION.match(body)
    if location:
        return {"kind": "location", "text": location.group("url")}
    return {"kind": "text", "text": body}


def parse_chat_export(
    text: str, *, chat_name: str, tz: tzinfo, source_name: str = "<export>"
) -> ParsedExport:
    """Parse an export's text; lines that are not headers continue the message above them."""
    lines = _split_lines(text.removeprefix("\ufeff"))
    drafts: list[_Draft] = []
    errors: list[ExportLineError] = []
    current: _Draft | None = None
    for number, raw in enumerate(lines, start=1):
        line = clean_text(raw)
        header = _match_header(line)
        if header is not None:
            fields, rest = header
            current = _Draft(number, fields, rest, bool(_IOS_MARK.search(raw)), [raw])
            drafts.append(current)
        elif current is not None:
            current.raw.append(raw)
            current.more.append(line)
        elif line.strip():
            errors.append(ExportLineError(source_name, number, "text before the first message header", raw))
    if not drafts:
        first = next(((n, l) for n, l in enumerate(lines, start=1) if l.strip()), (1, ""))
        raise ChatExportError(
            f"{source_name}:{first[0]}: not a WhatsApp chat export (no line starts with a message header"
            f" like '16/11/26, 09:15 - Name: text' or '[16/11/26, 09:15:42] Name: text'); first line: {first[1][:120]!r}"
        )

    order = _date_order([d.fields for d in drafts])
    chat_id = stable_id(chat_name, prefix="chat_")
    seen: Counter[tuple[str, str | None, str]] = Counter()
    messages: list[Message] = []
    for draft in drafts:
        try:
            sent_at = _sent_at(draft.fields, order, tz)
        except ValueError as exc:
            errors.append(
                ExportLineError(source_name, draft.line_number, f"impossible date or time ({exc})", draft.raw[0])
            )
            continue
        said = _SENDER.match(draft.rest)
        sender = said.group("name").strip() if said else None
        first_body = (said.group("body") or "") if said else draft.rest
        body = "\n".join([first_body, *draft.more]).strip()
        interpreted = _interpret(body, sender, draft.marked)
        if interpreted["kind"] == "system":
            sender = None
        sent_utc = sent_at.astimezone(timezone.utc).isoformat()
        # The ordinal tells apart messages equal in every field (a "ok" sent twice in one minute) while
        # keeping ids equal across re-imports and overlapping exports of the same chat.
        key = (sent_utc, sender, body)
        ordinal = seen[key]
        seen[key] += 1
        messages.append(
            Message(
                message_id=stable_id(chat_id, sent_utc, sender, body, ordinal, prefix="exp_"),
                chat_id=chat_id,
                chat_name=chat_name,
                sender_id=stable_id(chat_id, sender, prefix="snd_") if sender is not None else None,
                sender_name=sender,
                sent_at=sent_at,
                source="chat_export",
                raw="\n".join(draft.raw),
                **interpreted,
            )
        )
    errors.sort(key=lambda e: e.line_number)
    return ParsedExport(messages=messages, errors=errors, date_order=order)
