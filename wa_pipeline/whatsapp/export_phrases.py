"""WhatsApp's own lines in chat exports, in every language we ship, and what each one means.

The strings are data: `export_locales/<language>.json`, one file per language, each line with its meaning (a
language-independent code such as `media_omitted:image`, `deleted:by_me` or `member_added`) and where the string
came from. A line's text may hold placeholders ({name}, {file}, {url}, {actor}, {subject}, {old}, {new}) for the
parts WhatsApp fills in. This module turns the files into one `PhraseBook` that finds a line's meaning with a few
dictionary look-ups, so recognising every language costs an export about what recognising one did.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).with_name("export_locales")
# What ends iOS's attachment word ("<attached: …>"): a colon, or a full-width one in Chinese ("<附件：…>").
ATTACHED_COLONS = ":\uff1a"
_PLACEHOLDER = re.compile(r"\{(name|file|url|actor|subject|old|new)\}")
# Lines that announce a WhatsApp notice: matched on their opening words, since later versions reword the tail.
NOTICES = frozenset({"encryption_notice", "business_notice"})
# Events whose words a person could also type ("I left", "Juma added ..."): they count as WhatsApp's only where
# the export says the line is not a person talking (no sender on Android, iOS's U+200E mark, the chat's name), or
# where newer exports name the event's actor as its sender (see `PhraseBook.find_by_actor`).
NEEDS_CONTEXT = frozenset(
    {
        "group_created",
        "member_added",
        "member_left",
        "member_removed",
        "subject_changed",
        "icon_changed",
        "description_changed",
        "joined_by_link",
        "number_changed",
        "disappearing_on",
        "disappearing_off",
        "disappearing_changed",
        "settings_changed",
        "admin_granted",
        # A member made no longer an admin ("Juma removed Asha as admin", WhatsApp Web's export): a name and a few
        # words, and read before the member removal that the same words would otherwise be.
        "admin_revoked",
        "joined_from_community",
        "message_pinned",
        # Group admin lines of newer phones ("Juma reset this group's invite link", "Juma requested to join",
        # "Juma requested to add Asha", "Juma added this group to the community: Town"): a name and a few words.
        "invite_link_reset",
        "join_requested",
        "add_requested",
        "community_linked",
        # A group unlinked from a community, and a community created ("Juma removed this group from the community
        # "Town"", "Juma created the community"): WhatsApp Web's own strings, a name and a few words.
        "community_unlinked",
        "community_created",
        # A business's customer becoming a contact ("Budi kini menjadi kontak"): a name and a few words, like a join.
        "contact_added",
        # The exporting person blocking or unblocking the contact of a 1:1 chat ("You blocked this contact. …").
        "contact_blocked",
        "contact_unblocked",
        # An event of the group's calendar changed by a member (Hebrew iOS 'האירוע "Picnic" עודכן על ידי Juma').
        "event_updated",
        # "Voice call" alone is what iOS writes for a call, and what a person may type.
        "voice_call",
        "video_call",
    }
)
# A call, missed or not. iOS writes one as the call's words, then its length or outcome after a comma ("Voice call,
# 4 min", "Missed voice call, Tap to call back") or, in German, a full stop ("Sprachanruf. 6 Sek."): in context (its
# U+200E mark), a line that opens with a call's words and goes on after such a break is that call.
CALLS = frozenset({"missed_voice_call", "missed_video_call", "voice_call", "video_call"})
_CALL_DETAIL = re.compile(r"[,.\u060c]\s")
# Placeholders that name what an event is about (its subjects); a file's name or a link is the message's own.
_SUBJECT_ROLES = frozenset({"name", "actor", "subject", "old", "new"})
# Phrases that name a role by another placeholder than their event's other phrases do: Spanish "{actor} cambió el
# nombre del grupo a "{subject}"" names the new subject, "{old} cambió a {new}" the member by their old number.
_ROLE_ALIASES = {"subject_changed": {"subject": "new"}, "number_changed": {"old": "actor"}}
# Events whose subject may be several members in one line ("Juma added Ann, Ben and Carl"): their record also keeps
# the members apart ("members"), so that two phones joining the list in two languages name the same people.
_LISTING_EVENTS = frozenset({"member_added", "member_removed"})
# Meanings whose strings are read by the parser's own scanners rather than matched as whole lines.
_SCANNED = frozenset({"attached", "file_attached", "location", "edited", "poll"})
# A group event's template that opens with this names its doer first: newer exports also put them as the sender.
_ACTOR = "{actor}"
_KEY = 4
# Notices are indexed by this many opening characters: fewer than the shortest opening (a Chinese one of 11).
_NOTICE_KEY = 8
# Where a sentence ends: a full stop (or the Arabic comma) before a space or the end, or the ideographic full stop
# anywhere, since Japanese and Chinese put no space after it ("…変更されました。タップして…"; iOS of 2022 writes one).
_SENTENCE_END = re.compile(r"[.\u060c](?:\s|$)|\u3002\s*")


class Template:
    """A template's pattern, written and compiled when a line first needs it: the book holds thousands, and compiling
    them all took most of a process's first parse (more than half a second), writing them a third of a second more,
    while most never meet a line to match."""

    __slots__ = ("_text", "_whole", "_source", "_compiled")

    def __init__(self, text: str, whole: bool = False):
        # The template's text as its language file has it, and `_pattern_source`'s `whole`.
        self._text, self._whole = text, whole
        self._source: str | None = None
        self._compiled: re.Pattern[str] | None = None

    @property
    def source(self) -> str:
        """The regular expression (see `_pattern_source`)."""
        if self._source is None:
            self._source = _pattern_source(self._text, whole=self._whole)
        return self._source

    def match(self, line: str) -> re.Match[str] | None:
        if self._compiled is None:
            self._compiled = re.compile(self.source, re.IGNORECASE | re.DOTALL)
        return self._compiled.match(line)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Template) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)


@dataclass(frozen=True)
class Phrase:
    language: str
    meaning: str
    text: str
    source: str
    pattern: Template | None = None


@dataclass(frozen=True)
class Found:
    phrase: Phrase
    fields: dict[str, str]


@dataclass
class PhraseBook:
    """Every language's lines, indexed so that a customer's message is rejected in a few look-ups."""

    exact: dict[str, Phrase] = field(default_factory=dict)
    notices: dict[str, list[tuple[str, Phrase]]] = field(default_factory=dict)
    starts: dict[str, list[Phrase]] = field(default_factory=dict)
    ends: dict[str, list[Phrase]] = field(default_factory=dict)
    middles: list[tuple[str, Phrase]] = field(default_factory=list)
    anywhere: list[tuple[str, Phrase]] = field(default_factory=list)
    attached_words: frozenset[str] = frozenset()
    file_attached_words: frozenset[str] = frozenset()
    location_labels: frozenset[str] = frozenset()
    edited_markers: frozenset[str] = frozenset()
    # A poll's opening line in a language other than English ("PEILING:"), with the word before each option.
    poll_options: dict[str, str] = field(default_factory=dict)
    # Group events whose template opens with their actor, each as a pattern of what follows the actor.
    actor_led: list[tuple[Template, Phrase]] = field(default_factory=list)
    # The character each of `actor_led` needs first after the actor and any spaces (`_actor_head`), in its order.
    actor_heads: list[str] = field(default_factory=list)
    # `actor_led` as a line's first character after its actor narrows it, kept by that character: trying every
    # template compiled some 1,900 patterns on a process's first actor-led line (0.7 s) and cost 1.3 ms a line.
    actor_led_by_head: dict[str, list[tuple[Template, Phrase]]] = field(default_factory=dict, repr=False)
    # The words before a colon inside a group event ("добавил(-а) участников" of "{actor} добавил(-а) участников:
    # {subject}"): Android's header reads such an event as a sender saying what follows the colon.
    colon_heads: tuple[str, ...] = ()
    phrases: list[Phrase] = field(default_factory=list)
    # What a line out of context must open or close with, or hold, to be worth trying against the patterns: the
    # keys of `starts` and `ends` that hold a phrase needing no context, and every literal of `anywhere`.
    free_starts: frozenset[str] = frozenset()
    free_ends: frozenset[str] = frozenset()
    anywhere_literals: re.Pattern[str] | None = None
    # What a line out of context must open with to be an exact line or a notice, or worth trying against the
    # patterns: `free_starts`, and the opening `_KEY` characters of every exact line needing no context and notice.
    free_openings: frozenset[str] = frozenset()
    # The literals of `anywhere` that are all ASCII: the only ones an ASCII line (O(1) to tell) can hold, found by a
    # substring test or two rather than a search of the whole alternation (nearly every line of most exports).
    ascii_anywhere: tuple[str, ...] = ()
    # The pairs of `middles` whose literal is all ASCII, in their order: the only ones an ASCII line can hold.
    ascii_middles: list[tuple[str, Phrase]] = field(default_factory=list)
    # Each language's words for the exporting member where a line names them as it would a person ("You added Juma",
    # "Rui добавил(-а) участников: Вы"), case folded: the same line on another member's phone names someone else.
    you_words: dict[str, frozenset[str]] = field(default_factory=dict)
    # What joins the members a group event lists in any language (", ", " and ", " y ", "、"...; each file's
    # "list_joiners"): one line adds several members, and each phone's language joins them its own way.
    list_joiners: re.Pattern[str] | None = None

    def holds_no_free_phrase(self, key: str) -> bool:
        """Whether `key` (a line as `find` keys it) opens, closes and holds nothing of a phrase needing no context."""
        if key[:_KEY] in self.free_openings or key[-_KEY:] in self.free_ends:
            return False
        if self.anywhere_literals is None:
            return True
        if key.isascii():
            # A substring test or two, rather than a search of the whole alternation (most lines are ASCII): the
            # literals come shortest first, and none longer than the line can be in it.
            size = len(key)
            for literal in self.ascii_anywhere:
                if len(literal) > size:
                    return True
                if literal in key:
                    return False
            return True
        return self.anywhere_literals.search(key) is None

    def find(self, line: str, *, in_context: bool) -> Found | None:
        """The phrase `line` (one line, invisible marks already removed) is, or None for a person's words."""
        key = normalise(line)
        if key[:1] == "<" and key[-1:] == ">":
            # iOS exports of 2016 wrap omitted media in angle brackets ("<image omitted>"), as Android still does.
            wrapped = self.exact.get(key[1:-1].strip())
            if wrapped is not None and wrapped.meaning.startswith("media_omitted"):
                return Found(wrapped, {})
        if not in_context and self.holds_no_free_phrase(key):
            # Nearly every customer's line ends here: it is no exact line or notice, and no pattern could match it.
            return None
        phrase = self.exact.get(key)
        # "Du hast das Gruppenbild geändert." has nothing to fill in, yet a person may type it: context decides.
        if phrase is not None and (in_context or phrase.meaning not in NEEDS_CONTEXT):
            return Found(phrase, {})
        if in_context and phrase is None:
            detail = _CALL_DETAIL.search(key)
            if detail is not None:
                call = self.exact.get(key[: detail.start()])
                if call is not None and call.meaning in CALLS:
                    return Found(call, {})
        notices = self.notices.get(key[:_NOTICE_KEY])
        if notices:
            for opening, notice in notices:
                if key.startswith(opening):
                    return Found(notice, {})
        if (
            not in_context
            and key[:_KEY] not in self.free_starts
            and key[-_KEY:] not in self.free_ends
            and (self.anywhere_literals is None or self.anywhere_literals.search(key) is None)
        ):
            # Nearly every customer's line ends here: no phrase it could be opens, closes or sits inside it.
            return None
        candidates = self.starts.get(key[:_KEY], []) + self.ends.get(key[-_KEY:], [])
        for literal, phrase in self.anywhere:
            if literal in key:
                candidates.append(phrase)
        if in_context:
            middles = self.ascii_middles if key.isascii() else self.middles
            candidates += [phrase for literal, phrase in middles if literal in key]
        if not candidates:
            return None
        for phrase in candidates:
            if phrase.meaning in NEEDS_CONTEXT and not in_context:
                continue
            match = phrase.pattern.match(line.strip()) if phrase.pattern else None
            if match:
                return Found(phrase, {k: v.strip() for k, v in match.groupdict().items() if v is not None})
        return None

    def subjects(self, found: Found) -> dict[str, str | None]:
        """What a found line names, by role, the same in every language: {"actor": "Juma", "subject": "Wanjiku"}.

        A role is its placeholder's name, as most languages' phrases of the event name it (see `_ROLE_ALIASES`); a
        value naming the exporting member ("you", in the phrase's language) is None, since another member's export
        names them; a member the phone has not saved is named without iOS's "~ ", as the sender is; empty when the
        line names nobody.
        """
        aliases = _ROLE_ALIASES.get(found.phrase.meaning, {})
        you = self.you_words.get(found.phrase.language, frozenset())
        named: dict[str, str | None] = {}
        for role, value in found.fields.items():
            if role in _SUBJECT_ROLES:
                exporter = any(word in you for word in _words(value.casefold()))
                named[aliases.get(role, role)] = None if exporter else without_unsaved_mark(value)
        listed = named.get("subject") if found.phrase.meaning in _LISTING_EVENTS else None
        if listed and self.list_joiners is not None:
            parts = {without_unsaved_mark(part.strip()) for part in self.list_joiners.split(listed)}
            members = sorted(parts - {""}, key=str.casefold)
            if len(members) > 1:
                named["members"] = members
        return named

    def cut_at_colon(self, sender: str) -> bool:
        """Whether Android's header cut a group event at its colon: the "sender" ends with an event's words."""
        return bool(self.colon_heads) and sender.casefold().endswith(self.colon_heads)

    def find_by_actor(self, line: str, sender: str) -> Found | None:
        """The group event `line` is when the export puts its actor in the sender's place, or None.

        Newer exports write "Emirço: Emirço bu grubun simgesini değiştirdi": the event counts as WhatsApp's only
        when its template opens with the actor, the actor is the sender's name exactly, and the line is the whole
        template (a closing full stop aside), since "Alice: Alice left the keys at the shop" is Alice talking.
        """
        line = without_unsaved_mark(line)
        if not sender or not line.startswith(sender):
            return None
        rest = line[len(sender) :].rstrip()
        for pattern, phrase in self._actor_led_opening(rest.lstrip()[:1]):
            match = pattern.match(rest)
            if match:
                fields = {k: v.strip() for k, v in match.groupdict().items() if v is not None}
                return Found(phrase, {"actor": sender, **fields})
        return None

    def _actor_led_opening(self, first: str) -> list[tuple[Template, Phrase]]:
        """Those of `actor_led`, in order, that could read what follows an actor when it opens with `first`."""
        led = self.actor_led_by_head.get(first)
        if led is None:
            # Told apart as the patterns tell them (IGNORECASE's own equivalences: Turkish "ı" and "I", "ſ" and "s").
            heads = {h for h in set(self.actor_heads) if not h or re.fullmatch(re.escape(h), first, re.IGNORECASE)}
            led = [pair for pair, head in zip(self.actor_led, self.actor_heads, strict=True) if head in heads]
            self.actor_led_by_head[first] = led
        return led

    def find_by_subject(self, line: str, sender: str) -> Found | None:
        """The member added that `line` is when the export puts the member added in the sender's place, or None.

        iOS writes "Koko: Hedra added Koko" (the event under the added member's name, marked with U+200E; copies lose
        the mark): it counts as WhatsApp's only as `find_by_actor` does, when the line is the whole event and the
        member it adds, closing it, is the sender's name exactly.
        """
        if not sender or not line.rstrip(" .").endswith(sender):
            return None
        found = self.find(line, in_context=True)
        if found is None or found.phrase.meaning != "member_added" or found.fields.get("subject") != sender:
            return None
        return found


def _words(text: str) -> list[str]:
    """`text`'s words, each with its combining marks (Unicode Mn, Mc, Me), which `\\w` leaves out."""
    # `\w` is a letter, digit or underscore: Bengali "আপনি" ends in a vowel sign (U+09BF, Mc) and Gujarati "તમે" in
    # another (U+0AC7, Mn), so `\w+` reads them as "আপন" and "તમ", and a line naming the exporter named a person.
    found: list[str] = []
    start = None
    for index, char in enumerate(text):
        inside = char.isalnum() or char == "_" or unicodedata.category(char)[0] == "M"
        if inside and start is None:
            start = index
        elif not inside and start is not None:
            found.append(text[start:index])
            start = None
    if start is not None:
        found.append(text[start:])
    return found


def without_unsaved_mark(name: str) -> str:
    """`name` without the "~ " iOS puts before a member the exporting phone has not saved, in the sender's place and
    where an event names them ("~ Neema: ~ Neema joined using this group's invite link"): the mark, not the name."""
    if name[:1] == "~" and name[1:2].isspace():
        return name[1:].lstrip() or name
    return name


# The zero-width non-joiner (U+200C) Persian writes inside words (between "payam" and the plural "ha"): one phone's
# strings hold it where another's, and the string files copied into the locale data, leave it out, so a line is read
# the same with or without it.
ZWNJ = "\u200c"
# Letters of the scripts that write it (Arabic, Devanagari to Sinhala): in a template, each may be followed by one.
_JOINED_LETTER = re.compile("([\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff\u0900-\u0dff])")


def normalise(line: str) -> str:
    """How lines are compared: case folded, outer spaces, a closing full stop and zero-width non-joiners dropped."""
    return line.strip().casefold().rstrip(".。").rstrip().replace(ZWNJ, "")


def _template(text: str) -> tuple[str, bool]:
    """The fixed part of a template, and whether a closing sentence may follow it ("Tap to learn more.")."""
    last = _PLACEHOLDER.split(text)[-1]
    end = _SENTENCE_END.search(last)
    if end is None:
        return text, False
    # Later versions reword or drop what follows the first sentence: it is matched as optional.
    return text[: len(text) - len(last) + end.start()], True


def _pattern(text: str, *, whole: bool = False) -> Template:
    """A template as a pattern; `whole` leaves no room for a reworded closing sentence, only a full stop."""
    return Template(text, whole)


def _pattern_source(text: str, *, whole: bool = False) -> str:
    """The regular expression of `_pattern(text, whole=whole)`."""
    text = text.replace(ZWNJ, "")
    fixed, tailed = (_whole_fixed(text), False) if whole else _template(text)
    out = []
    for index, piece in enumerate(_PLACEHOLDER.split(fixed)):
        if index % 2:
            out.append(f"(?P<{piece}>.+?)")
        else:
            # Phones differ in the spaces they put around a colon (French writes " : ", often a no-break space).
            literal = re.escape(piece)
            literal = re.sub(r"(?:\\ )+", r"\\s+", literal).replace(r"\s+:", ":").replace(":", r"\s*:\s*")
            out.append(_JOINED_LETTER.sub(f"\\1{ZWNJ}?", literal))
    tail = r"(?:\.(?:\s.*)?|。.*)?" if tailed else r"[.。]?"
    return rf"^{''.join(out)}{tail}$"


def _actor_head(text: str) -> str:
    """The character a line's words after the actor open with (spaces aside, as `\\s+` and `str.lstrip` agree on
    them) when `_pattern(text, whole=True)` reads them; "" where a placeholder comes first and any may."""
    return _PLACEHOLDER.split(_whole_fixed(text.replace(ZWNJ, "")))[0].lstrip()[:1]


def _whole_fixed(text: str) -> str:
    """What `_pattern(text, whole=True)` reads of a template: all of it but a closing full stop."""
    return text.rstrip().rstrip(".。")


def _literals(text: str) -> list[str]:
    return [piece for index, piece in enumerate(_PLACEHOLDER.split(_template(text)[0])) if index % 2 == 0]


def load_language(path: Path) -> list[Phrase]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Phrase(data["language"], line["meaning"], line["text"], line.get("source", "")) for line in data["lines"]]


def load_list_joiners(path: Path) -> list[str]:
    """What joins a list's items in a language (its file's "list_joiners", from the Unicode CLDR list patterns)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data.get("list_joiners", {}).get("words", ()))


def _joiners_pattern(joiners: set[str]) -> re.Pattern[str] | None:
    # Longest first, so that ", and " is cut whole before ", "; any run of spaces (Czech writes "a" and a no-break
    # space) matches any other, since exports and contact names space words either way.
    ordered = sorted(joiners, key=lambda joiner: (-len(joiner), joiner))
    alternatives = [r"\s+".join(map(re.escape, re.split(r"\s+", joiner))) for joiner in ordered]
    return re.compile("|".join(alternatives)) if alternatives else None


def load_you_words(path: Path) -> frozenset[str]:
    """A language's words for the exporting member in WhatsApp's lines (its file's "you"), case folded."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(word.casefold() for word in data.get("you", {}).get("words", ()))


def languages() -> list[str]:
    return sorted(path.stem for path in LOCALES_DIR.glob("*.json"))


@cache
def phrase_book() -> PhraseBook:
    """Every language's lines from `export_locales/`, read once per process."""
    book = PhraseBook()
    attached: set[str] = set()
    file_attached: set[str] = set()
    labels: set[str] = set()
    edited: set[str] = set()
    colon_heads: set[str] = set()
    joiners: set[str] = set()
    for language in languages():
        book.you_words[language] = load_you_words(LOCALES_DIR / f"{language}.json")
        joiners.update(load_list_joiners(LOCALES_DIR / f"{language}.json"))
        for phrase in load_language(LOCALES_DIR / f"{language}.json"):
            book.phrases.append(phrase)
            text = phrase.text
            if phrase.meaning in _SCANNED:
                if phrase.meaning == "attached":
                    attached.add(normalise(re.split(f"[{ATTACHED_COLONS}]", text, maxsplit=1)[0].lstrip("<")))
                elif phrase.meaning == "file_attached":
                    file_attached.add(normalise(text.rsplit("(", 1)[1].rstrip(")")))
                elif phrase.meaning == "location":
                    labels.add(normalise(text.split(":", 1)[0]))
                elif phrase.meaning == "edited":
                    edited.add(normalise(text))
                elif phrase.meaning == "poll" and "\n" in text:
                    # "PEILING:\nOPTIE:": the poll's opening line, then the word before each option.
                    opening, option = text.split("\n", 1)
                    book.poll_options[opening] = option
                continue
            if not _PLACEHOLDER.search(text):
                if phrase.meaning in NOTICES:
                    # The first sentence, or its first 40 characters: what every version of the notice shares.
                    opening = normalise(_SENTENCE_END.split(text, maxsplit=1)[0])[:40]
                    book.notices.setdefault(opening[:_NOTICE_KEY], []).append((opening, phrase))
                else:
                    book.exact.setdefault(normalise(text), phrase)
                continue
            phrase = Phrase(phrase.language, phrase.meaning, text, phrase.source, _pattern(text))
            if phrase.meaning in NEEDS_CONTEXT and text.startswith(_ACTOR):
                book.actor_led.append((_pattern(text.removeprefix(_ACTOR), whole=True), phrase))
            head = _PLACEHOLDER.split(text.split(": ", 1)[0])[-1].strip() if ": " in text else ""
            if head and phrase.meaning in NEEDS_CONTEXT:
                colon_heads.add(head.casefold())
            literals = _literals(text)
            first, last = normalise(literals[0]), normalise(literals[-1])
            longest = max((normalise(piece) for piece in literals), key=len)
            if len(first) >= _KEY:
                book.starts.setdefault(first[:_KEY], []).append(phrase)
            elif len(last) >= _KEY and not _template(text)[1]:
                book.ends.setdefault(last[-_KEY:], []).append(phrase)
            elif phrase.meaning in NEEDS_CONTEXT:
                book.middles.append((longest, phrase))
            else:
                book.anywhere.append((longest, phrase))
    # Where two templates could read one line ("Neema telah dikeluarkan": Malay's "{subject} telah dikeluarkan" and
    # Indonesian's "{subject} dikeluarkan"; Japanese "Juma があなたを追加しました" and "{subject}を追加しました"), the one
    # that fixes more of the line is the better reading: each list is tried longest fixed words first.
    for found in (*book.starts.values(), *book.ends.values()):
        found.sort(key=_fixed_length, reverse=True)
    for held in (book.middles, book.anywhere):
        held.sort(key=lambda pair: _fixed_length(pair[1]), reverse=True)
    book.actor_led.sort(key=lambda led: _fixed_length(led[1]), reverse=True)
    book.actor_heads = [_actor_head(phrase.text.removeprefix(_ACTOR)) for _, phrase in book.actor_led]
    book.attached_words = frozenset(attached)
    book.file_attached_words = frozenset(file_attached)
    book.location_labels = frozenset(labels)
    book.edited_markers = frozenset(edited)
    book.colon_heads = tuple(sorted(colon_heads))
    book.list_joiners = _joiners_pattern(joiners)
    book.free_starts = frozenset(key for key, found in book.starts.items() if not _all_need_context(found))
    book.free_ends = frozenset(key for key, found in book.ends.items() if not _all_need_context(found))
    book.free_openings = book.free_starts | {
        key[:_KEY] for key, phrase in book.exact.items() if phrase.meaning not in NEEDS_CONTEXT
    }
    book.free_openings |= {opening[:_KEY] for found in book.notices.values() for opening, _ in found}
    book.ascii_anywhere = tuple(sorted((literal for literal, _ in book.anywhere if literal.isascii()), key=len))
    book.ascii_middles = [(literal, phrase) for literal, phrase in book.middles if literal.isascii()]
    if book.anywhere:
        book.anywhere_literals = re.compile("|".join(re.escape(literal) for literal, _ in book.anywhere))
    return book


def _fixed_length(phrase: Phrase) -> int:
    """How much of a line a template fixes: the length of its words outside placeholders."""
    return len(_PLACEHOLDER.sub("", _template(phrase.text)[0]))


def _all_need_context(phrases: list[Phrase]) -> bool:
    return all(phrase.meaning in NEEDS_CONTEXT for phrase in phrases)
