"""Parsing the text of a WhatsApp "Export chat" file (Android or iOS, any common locale) into canonical messages."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import PurePath
from typing import Literal

from wa_pipeline.message import MediaRef, Message, landing_window_problem, stable_id

DateOrder = Literal["dmy", "mdy", "ymd"]

# Exports sprinkle direction marks, bidi isolates (around phone numbers) and narrow no-break spaces
# (before "am"/"pm") depending on phone locale; none of them is content, and leaving them in would make
# the same message parse differently from two phones.
_INVISIBLE = str.maketrans(
    {
        "\u200e": None,
        "\u200f": None,
        "\ufeff": None,
        "\u202a": None,
        "\u202b": None,
        "\u202c": None,
        "\u202d": None,
        "\u202e": None,
        "\u2066": None,
        "\u2067": None,
        "\u2068": None,
        "\u2069": None,
        "\u202f": " ",
        "\u00a0": " ",
        "\u2007": " ",
    }
)

# "16/11/26", "16.11.26." (Croatian and Serbian close the date with a dot), "2026. 11. 16." (Korean and
# Hungarian put a space after each dot). Python's \d also takes Arabic-Indic digits, and int() reads them.
_DATE = r"(?P<d1>\d{1,4})(?:[/\-]|\.\s?)(?P<d2>\d{1,2})(?:[/\-]|\.\s?)(?P<d3>\d{1,4})\.?"
# Between date and time: a comma (the Arabic one too), or the locale's word for "at": French Android writes
# "26/09/2019 à 22:39", Finnish iOS "[12.3.2022 klo 14.08.18]".
_JOIN = r"[,\u060c]?\s(?:(?:à|klo)\s)?"
# 12-hour markers as the phone's locale writes them. Android and iOS take them from CLDR, whose data changed
# over the years, so one language can show several:
#   English "AM"/"am"/"a.m." (en-CA: "2023-12-20, 5:46 p.m. - "); Spanish "a. m."/"p. m.", with a no-break
#   space inside on newer phones ("20/6/2017 8:28 p. m. - "); German "vorm."/"nachm." (older phones; German
#   phones now mostly use 24 h); Greek "π.μ."/"μ.μ." and the undotted "πμ"/"μμ"; Arabic "ص"/"م" after the time;
#   Japanese "午前"/"午後", Chinese "上午"/"下午" and Korean "오전"/"오후" BEFORE it ("2026/11/16 午後9:15",
#   "[2026. 11. 16. 오후 9:15:42]").
# Every marker is accepted on either side of the time: the position follows the locale's pattern, not the word.
_AM = r"[Aa]\.?\s?[Mm]\.?|vorm\.?|π\.?\s?μ\.?|午前|上午|오전|ص"
_PM = r"[Pp]\.?\s?[Mm]\.?|nachm\.?|μ\.?\s?μ\.?|午後|下午|오후|م"
_MERIDIEM = rf"(?i:{_AM}|{_PM})"
_PM_MARKER = re.compile(rf"(?:{_PM})", re.IGNORECASE)
# Android 13+ puts U+202F before "pm"; files that went through a JSON tool sometimes carry it (or U+00A0) as
# the six characters "\u202f" instead.
_MERIDIEM_GAP = r"(?:\s|\\u202[fF]|\\u00[aA]0)?"
_TIME = (
    rf"(?:(?P<pre>{_MERIDIEM})\s?)?"
    r"(?P<hh>\d{1,2})[:.](?P<mm>\d{2})(?:[:.](?P<ss>\d{2}))?"
    rf"(?:{_MERIDIEM_GAP}(?P<ampm>{_MERIDIEM}))?"
)
_HEADERS = (
    re.compile(rf"^\[{_DATE}{_JOIN}{_TIME}\]\s?(?P<rest>.*)$"),  # iOS
    re.compile(rf"^{_DATE}{_JOIN}{_TIME}\s[-\u2013]\s(?P<rest>.*)$"),  # Android
)
# WhatsApp did not exist before 2009: an earlier year means the fields were read in the wrong order, or the
# phone uses a calendar we cannot convert (Solar Hijri years such as 1403).
_FIRST_YEAR = 2009
# Phones on the Thai Buddhist calendar write 2569 for 2026: Gregorian plus 543.
_BUDDHIST_ERA = 2400
_BUDDHIST_OFFSET = 543
# Where year, month and day sit among the three numbers of a date; also the preference when a file cannot tell.
_SLOTS: dict[DateOrder, tuple[int, int, int]] = {"dmy": (2, 1, 0), "mdy": (2, 0, 1), "ymd": (0, 1, 2)}

# A sender name is whatever precedes the first ": "; the limits keep system lines that happen to quote
# a colon (a new group subject, say) from being read as a person talking.
_SENDER = re.compile(r"^(?P<name>[^:\"\u201c\u201d]{1,80}?):(?: (?P<body>.*)|$)", re.DOTALL)

# Notices nobody types by hand: safe to treat as system whoever the export names as sender
# (iOS puts them under the chat's name).
_SYSTEM_ALWAYS = re.compile(
    r"^(?:Messages and calls are end-to-end encrypted"
    r"|Messages to this (?:group|chat) are now secured with end-to-end encryption"
    r"|Your security code with .+ changed"
    # The same notice from Spanish, Portuguese, German and French phones.
    r"|Los mensajes y las llamadas están cifrados de extremo a extremo"
    r"|As mensagens e as (?:ligações|chamadas) são protegidas com a criptografia de ponta a ponta"
    r"|Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt"
    r"|Les messages et les appels sont chiffrés de bout en bout)",
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

# Each form is the whole first line, in the phone's language; the user's own deletions read differently.
_DELETED = re.compile(
    r"^(?:This message was deleted|You deleted this message"
    r"|Se eliminó este mensaje|Eliminaste este mensaje"
    r"|Diese Nachricht wurde gelöscht|Du hast diese Nachricht gelöscht"
    r"|Ce message a été supprimé|Vous avez supprimé ce message"
    r"|Esta mensagem foi apagada|Você apagou esta mensagem"
    r"|Questo messaggio è stato eliminato|Hai eliminato questo messaggio)\.?$",
    re.IGNORECASE,
)
# iOS: "<attached: 00000012-PHOTO-….jpg>", localized as "<anexado: …>" (Portuguese), "<angehängt: …>" (German),
# "<adjunto: …>" (Spanish).
_IOS_ATTACHED = re.compile(r"<(?:attached|anexado|angehängt|adjunto)\s*:\s*(?P<file>[^>]+?)\s*>\s*(?P<after>.*)$")
# Android: "IMG-….jpg (file attached)"; the words follow the phone's language.
_ANDROID_ATTACHED = re.compile(
    r"^(?P<file>.+?)(?:\s+\u2022\s+.*?)?\s+"
    r"\((?:file attached|Datei angehängt|archivo adjunto|fichier joint|arquivo anexado)\)$"
)
# Android exports made "without media" say only that there was some, in the phone's language.
_MEDIA_OMITTED = frozenset(
    {
        "<media omitted>",
        "<medien ausgeschlossen>",
        "<multimedia omitido>",
        "<archivo omitido>",
        "<médias omis>",
        "<mídia oculta>",
        "<mídia omitida>",
        "<media omessi>",
        "<media weggelaten>",
        "<media tidak disertakan>",
        "<media hazijajumuishwa>",
    }
)
_OMITTED = re.compile(
    r"(?:^|\s)(?P<word>image|audio|video|document|sticker|GIF|Contact card|voice message|media) omitted$",
    re.IGNORECASE,
)
# iOS names the kind it left out; in other languages the whole line is one fixed phrase.
_OMITTED_LOCALIZED = {
    "imagen omitida": "image",
    "video omitido": "video",
    "audio omitido": "audio",
    "documento omitido": "document",
    "sticker omitido": "sticker",
    "gif omitido": "video",
    "imagem ocultada": "image",
    "vídeo ocultado": "video",
    "áudio ocultado": "audio",
    "figurinha omitida": "sticker",
    "bild weggelassen": "image",
    "video weggelassen": "video",
    "audio weggelassen": "audio",
    "sticker weggelassen": "sticker",
    "gif weggelassen": "video",
    "dokument weggelassen": "document",
    "kontaktkarte ausgelassen": "contacts",
    "image absente": "image",
    "vidéo absente": "video",
    "audio omis": "audio",
    "document omis": "document",
    "sticker omis": "sticker",
    "gif retiré": "video",
}
# A poll: "POLL:", the question (one line or more), then one "OPTION: <text> (<n> votes)" line per option.
_POLL = re.compile(r"^POLL:[ \t]*(?P<question>.*)$")
_POLL_OPTION = re.compile(r"^OPTION:\s*(?P<option>.*\(\d+ votes?\))$")
_LOCATION = re.compile(r"^location: (?P<url>https?://\S+)$", re.IGNORECASE)

_OMITTED_KIND = {
    "image": "image",
    "audio": "audio",
    "video": "video",
    "document": "document",
    "sticker": "sticker",
    "gif": "video",
    "contact card": "contacts",
    "voice message": "voice",
    "media": "unsupported",
}
_EXTENSION_KIND = {
    "jpg": "image",
    "jpeg": "image",
    "png": "image",
    "webp": "image",
    "gif": "image",
    "heic": "image",
    "opus": "voice",
    "ogg": "voice",
    "m4a": "audio",
    "mp3": "audio",
    "aac": "audio",
    "amr": "audio",
    "wav": "audio",
    "mp4": "video",
    "3gp": "video",
    "mov": "video",
    "mkv": "video",
    "webm": "video",
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


def _calendar_date(fields: dict[str, str | None], order: DateOrder) -> date:
    """The date a header's three numbers name when read in `order`; ValueError says why they cannot."""
    numbers = (fields["d1"] or "", fields["d2"] or "", fields["d3"] or "")
    year_slot, month_slot, day_slot = _SLOTS[order]
    written_year = numbers[year_slot]
    if len(written_year) not in (2, 4):
        raise ValueError(f"{written_year!r} is not a year")
    if len(numbers[month_slot]) > 2 or len(numbers[day_slot]) > 2:
        raise ValueError(f"a year where {order} expects the day or month")
    year = int(written_year)
    if year < 100:
        year += 2000
    elif year >= _BUDDHIST_ERA:
        year -= _BUDDHIST_OFFSET
    if year < _FIRST_YEAR:
        raise ValueError(f"year {year} is before WhatsApp existed")
    return date(year, int(numbers[month_slot]), int(numbers[day_slot]))


def _date_order(headers: list[dict[str, str | None]]) -> DateOrder:
    # Decided once per file, from all its headers: within one export every header uses the phone's single
    # locale, so one line that only one reading accepts (a 13th, a four-digit year) settles what 03/04 means
    # on every other line. Readings are ranked by, in turn: a four-digit number where a day or month should
    # be; how many different years the reading gives (a chat spans days, so the true year field barely
    # changes while a day read as the year changes all the time; this is what tells 26/03/10 as y/m/d from
    # d/m/y); how many headers are impossible dates; how often the dates go back in time (exports are
    # chronological); then d/m/y before m/d/y before y/m/d, the most common first.
    def rank(order: DateOrder) -> tuple[int, int, int, int, int]:
        year_slot, month_slot, day_slot = _SLOTS[order]
        misplaced = impossible = backwards = 0
        years: set[int] = set()
        previous: date | None = None
        for header in headers:
            numbers = (header["d1"] or "", header["d2"] or "", header["d3"] or "")
            misplaced += len(numbers[month_slot]) > 2 or len(numbers[day_slot]) > 2
            years.add(int(numbers[year_slot] or 0))
            try:
                current = _calendar_date(header, order)
            except ValueError:
                impossible += 1
                continue
            backwards += previous is not None and current < previous
            previous = current
        return misplaced, len(years), impossible, backwards, list(_SLOTS).index(order)

    return min(_SLOTS, key=rank)


def _sent_at(fields: dict[str, str | None], order: DateOrder, tz: tzinfo) -> datetime:
    day = _calendar_date(fields, order)
    hour, minute, second = int(fields["hh"] or 0), int(fields["mm"] or 0), int(fields["ss"] or 0)
    marker = fields["pre"] or fields["ampm"]
    if marker:
        # Japanese and Chinese clocks count 午後0:30 for half past noon, so 0 is a 12-hour hour too.
        if not 0 <= hour <= 12:
            raise ValueError(f"hour {hour} with {marker}")
        hour = hour % 12 + (12 if _PM_MARKER.fullmatch(marker) else 0)
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz)


def _poll_text(body: str) -> str | None:
    """The question, then each option with its votes, one per line; None when the body is not a poll."""
    lines = [line.strip() for line in body.split("\n")]
    opened = _POLL.match(lines[0])
    if opened is None:
        return None
    question = [opened.group("question")] if opened.group("question") else []
    options: list[str] = []
    for line in lines[1:]:
        option = _POLL_OPTION.match(line)
        if option:
            options.append(option.group("option"))
        elif options:
            # An option's text may itself run over lines; they belong to the option above.
            options[-1] += "\n" + line
        else:
            question.append(line)
    # Someone typing "POLL:" by hand gives no option lines, and stays an ordinary message.
    if not options or not any(question):
        return None
    return "\n".join([*question, *options])


def _interpret(body: str, sender: str | None, marked: bool) -> dict:
    """Kind, text, caption and media of a message body."""
    if sender is None or _SYSTEM_ALWAYS.match(body):
        return {"kind": "system", "text": body}
    if _DELETED.match(body):
        return {"kind": "deleted"}
    poll = _poll_text(body)
    if poll is not None:
        return {"kind": "poll", "text": poll}
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
    if first.strip().lower() in _MEDIA_OMITTED:
        # The export knew there was media but not which kind, and kept no bytes.
        return {"kind": "unsupported", "caption": caption}
    omitted = _OMITTED.search(first)
    if omitted:
        return {"kind": _OMITTED_KIND[omitted.group("word").lower()], "caption": caption}
    localized = _OMITTED_LOCALIZED.get(first.strip().lower())
    if localized:
        return {"kind": localized, "caption": caption}
    # After the media checks: iOS marks attachment lines too, and a file may be called "Stock added.pdf".
    if marked and _SYSTEM_MARKED.match(body):
        return {"kind": "system", "text": body}
    location = _LOCATION.match(body)
    if location:
        return {"kind": "location", "text": location.group("url")}
    return {"kind": "text", "text": body}


def parse_chat_export(
    text: str, *, chat_name: str, tz: tzinfo, source_name: str = "<export>", now: datetime | None = None
) -> ParsedExport:
    """Parse an export's text; lines that are not headers continue the message above them.

    `now` is the clock that bounds the landing window (a message dated more than a day ahead is a line error).
    """
    now = now or datetime.now(UTC)
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
        first = next(((n, line) for n, line in enumerate(lines, start=1) if line.strip()), (1, ""))
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
        problem = landing_window_problem(sent_at, now)
        if problem is not None:
            errors.append(ExportLineError(source_name, draft.line_number, problem, draft.raw[0]))
            continue
        said = _SENDER.match(draft.rest)
        sender = said.group("name").strip() if said else None
        first_body = (said.group("body") or "") if said else draft.rest
        body = "\n".join([first_body, *draft.more]).strip()
        interpreted = _interpret(body, sender, draft.marked)
        if interpreted["kind"] == "system":
            sender = None
        sent_utc = sent_at.astimezone(UTC).isoformat()
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
