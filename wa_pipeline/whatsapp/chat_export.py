"""Parsing the text of a WhatsApp "Export chat" file (Android or iOS, any common locale) into canonical messages."""

from __future__ import annotations

import bisect
import functools
import io
import json
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import islice
from pathlib import Path, PurePath
from typing import Literal

from wa_pipeline.message import (
    EARLIEST_SENT_AT,
    FUTURE_TOLERANCE,
    MediaRef,
    Message,
    has_unsafe_characters,
    joined_id,
    landing_window_problem,
    stable_id,
)
from wa_pipeline.whatsapp.export_phrases import (
    ATTACHED_COLONS,
    Found,
    PhraseBook,
    languages,
    normalise,
    phrase_book,
    without_unsaved_mark,
)

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
# A year may be written in the phone's calendar: Thai phones on the Buddhist era write "3/18/2565 BE", Japanese
# phones on the imperial era "3/18/R4" (Reiwa 4 = 2022).
# Optional parts are written (?:X|), not (?:X)?: the same matches, preferred in the same order, but the regex engine
# passes over an alternative whose first character cannot match, where a repeat pays its bookkeeping every time
# (with the markers' lookahead below, a third of what a search for a block's headers cost).
_YEARISH = r"(?:[MTSHR]\d{1,2}|\d{1,4}(?:\sBE|))"
# Bulgarian phones write the year's abbreviation after it ("12.05.20 г."): CLDR's and Android's short date for bg,
# "d.MM.yy 'г'.".
_DATE = rf"(?P<d1>{_YEARISH})(?P<sep>[/\-]|\.\s?)(?P<d2>\d{{1,2}})(?:[/\-]|\.\s?)(?P<d3>{_YEARISH})\.?(?:\sг\.|)"
# Between date and time: a comma (the Arabic one too), or the locale's word for "at": French Android writes
# "26/09/2019 à 22:39", Finnish iOS "[12.3.2022 klo 14.08.18]".
_JOIN = r"[,\u060c]?\s(?:à\s|klo\s|)"
# Basque puts the time after the date in parentheses (CLDR's eu "{1} ({0})"): "26/3/5 (09:05) - ", "[26/3/5 (09:05:07)]".
_OPEN = r"(?:(?P<paren>\()|)"
_CLOSE = r"(?(paren)\))"
# 12-hour markers as the phone's locale writes them. Android and iOS take them from CLDR, whose data changed
# over the years, so one language can show several:
#   English "AM"/"am"/"a.m." (en-CA: "2023-12-20, 5:46 p.m. - "); Spanish "a. m."/"p. m.", with a no-break
#   space inside on newer phones ("20/6/2017 8:28 p. m. - "); German "vorm."/"nachm." (older phones; German
#   phones now mostly use 24 h); Greek "π.μ."/"μ.μ." and the undotted "πμ"/"μμ"; Arabic "ص"/"م" after the time;
#   Japanese "午前"/"午後", Chinese "上午"/"下午" and Korean "오전"/"오후" BEFORE it ("2026/11/16 午後9:15",
#   "[2026. 11. 16. 오후 9:15:42]"); Hebrew "לפנה"צ"/"אחה"צ" after it, written with an ASCII quote or a gershayim.
# Every marker is accepted on either side of the time: the position follows the locale's pattern, not the word.
# The other languages' markers come from CLDR by script (`clock_markers.tsv`): Malay "PG"/"PTG", Vietnamese
# "SA"/"CH", Czech "dop."/"odp.", Persian "ق.ظ."/"ب.ظ.", Turkish "ÖÖ"/"ÖS", Russian "дп"/"пп" and the rest; those
# dateparser's copy of CLDR lacks from CLDR's own (Cantonese "上晝", Sindhi "صبح", Nigerian Pidgin "FI").
_CLOCK_MARKERS = Path(__file__).with_name("clock_markers.tsv")


def _marker_pattern(marker: str) -> str:
    """A CLDR marker as a phone writes it: CLDR's data drops the dots ("ق.ظ." is "قظ", "odp." is "odp"), so a short
    one may have a dot after each letter and a long word one after it; words part at any space."""

    def word(part: str) -> str:
        if len(part) <= 4:
            return "".join(re.escape(c) + r"\.?" for c in part)
        return re.escape(part).replace("\u200c", "\u200c?") + r"\.?"

    return r"\s".join(word(part) for part in marker.split())


def _generated_markers() -> dict[str, str]:
    """The alternation of the generated markers of each half of the day, longest first: "am" and "pm" those of the
    languages we ship strings for, "am_other" and "pm_other" the rest's (tried after ours, see `_MERIDIEM`)."""
    ours = set(languages())
    halves: dict[str, set[str]] = {"am": set(), "pm": set(), "am_other": set(), "pm_other": set()}
    for line in _CLOCK_MARKERS.read_text(encoding="utf-8").splitlines():
        row = line.split("\t")
        if len(row) == 3 and row[1] in halves:
            halves[row[1] if row[0] in ours else f"{row[1]}_other"].add(row[2])
    # A marker of ours that another language writes too (Swedish's and Nigerian Pidgin's "FM") is tried once.
    halves["am_other"] -= halves["am"]
    halves["pm_other"] -= halves["pm"]
    return {
        half: "|".join(_marker_pattern(m) for m in sorted(markers, key=lambda m: (-len(m), m)))
        for half, markers in halves.items()
    }


_GENERATED = _generated_markers()
# Chinese Android phones write CLDR's finer periods of the day before a 12-hour time ("2026/4/6 晚上9:12 - "):
# 凌晨 (night, from midnight), 早上 (early morning), 上午, then 中午 (noon: 中午12:30 is 12:30, 中午1:05 is 13:05),
# 下午 and 晚上 (evening); a Chinese CRM's reader of its real Android exports lists exactly these.
_AM = r"[Aa]\.?\s?[Mm]\.?|vorm\.?|π\.?\s?μ\.?|午前|上午|凌晨|早上|오전|ص|לפנה[\"\u05f4]צ|" + _GENERATED["am"]
_PM = r"[Pp]\.?\s?[Mm]\.?|nachm\.?|μ\.?\s?μ\.?|午後|下午|中午|晚上|오후|م|אחה[\"\u05f4]צ|" + _GENERATED["pm"]
# Most headers have no marker: a lookahead for the markers' first characters (a class or a letter each) fails at once
# on their digit or space, where the markers would be tried one by one (twice, with and without the gap before one).
_AM_OTHER, _PM_OTHER = _GENERATED["am_other"], _GENERATED["pm_other"]
_MERIDIEM_FIRST = "|".join(
    dict.fromkeys(re.match(r"\[[^]]*\]|.", m).group() for m in f"{_AM}|{_PM}|{_AM_OTHER}|{_PM_OTHER}".split("|"))
)
# English "AM"/"PM" is tried first, both halves at once, then our languages' markers, then the other languages': the
# regex engine enters the markers one by one (it only skips an alternative by its first character where case
# matters), so "PM" would otherwise wait for every morning marker of every language to fail. The text read is the same
# in any order (a header matches whole or not at all), and `_hour` tells the halves apart by `_PM_MARKER`.
_MERIDIEM = rf"(?i:(?={_MERIDIEM_FIRST})(?:[AaPp]\.?\s?[Mm]\.?|{_AM}|{_PM}|{_AM_OTHER}|{_PM_OTHER}))"
_PM_MARKER = re.compile(rf"(?:{_PM}|{_PM_OTHER})", re.IGNORECASE)
# Android 13+ puts U+202F before "pm"; files that went through a JSON tool sometimes carry it (or U+00A0) as
# the six characters "\u202f" instead.
_MERIDIEM_GAP = r"(?:\s|\\u202[fF]|\\u00[aA]0|)"
# Seconds, which only some layouts write (see `_BRACKETED`). Canadian French writes the units out, as CLDR's fr-CA
# "HH 'h' mm 'min' ss 's'" ("[2026-03-18 23 h 05 min 09 s]", "2026-03-18 23 h 05 - ").
# (Its "s" is a word of its own: "09:05:07 SF" is Hausa's morning, not seconds then "F".)
_SECOND_MARK = r"(?:[:.]|\smin\s)"
_SECOND_UNIT = r"(?:\ss(?!\w)|)"
_SECONDS = rf"(?:{_SECOND_MARK}(?P<ss>\d\d?){_SECOND_UNIT}|)"
_TIME = (
    rf"(?:(?P<pre>{_MERIDIEM})\s?|)"
    # Yoruba writes its minutes and seconds unpadded (CLDR's yo "H:m" and "H:m:s": "9:5", "[5/3/2026, 9:5:7]").
    r"(?P<hh>\d{1,2})(?:[:.]|\sh\s)(?P<mm>\d\d?)"
    rf"{_SECONDS}"
    # Bulgarian phones close a time with the hour's abbreviation ("14:05 ч.", "9:05 ч. am"): CLDR's bg "H:mm 'ч'.";
    # Thai Android its 24-hour time with นาฬิกา's ("23:05 น."): CLDR's th "HH:mm น.".
    r"(?:\s[чน]\.|)"
    rf"(?:{_MERIDIEM_GAP}(?P<ampm>{_MERIDIEM})|)"
)
# The layouts of a header line, tried in this order. Vietnamese iOS writes the time first
# ("[14:56:01, 3/18/22] Name: text"); some exporters and older phones "18/03/2022 14:56:01: Name: text".
# A bracketed header without seconds ("[12/03/23, 10:15] Name: text") is a layout of its own: iOS writes the seconds
# on every header, while messages copied out of another chat and pasted into one come in that layout without them.
# Android in a locale whose CLDR date-time pattern puts the time first (Vietnamese "{0} {1}") writes it so too, without
# the brackets: "09:05 5/3/26 - Name: text". Wolof parts date and time with a dash (CLDR's wo "{1} - {0}"): inside
# the brackets ("[05-03-2026 - 09:05:07] Name: text"), and as a layout of its own ("05-03-2026 - 09:05 - Name: text").
IOS, IOS_SHORT, TIME_FIRST, ANDROID, COLON = "ios", "ios_short", "time_first", "android", "colon"
ANDROID_TIME_FIRST, ANDROID_DASH = "android_time_first", "android_dash"
_BRACKETED_JOIN = rf"(?:{_JOIN}|\s-\s)"
_TIME_SECONDS = _TIME.replace(_SECONDS, rf"{_SECOND_MARK}(?P<ss>\d\d?){_SECOND_UNIT}")
# (A group that never takes part: its seconds are None, as where the general time has none.)
_TIME_NO_SECONDS = _TIME.replace(_SECONDS, r"(?P<ss>(?!))?")
# (No marker before the time: such a line opens with its hour, which keeps this layout's cost off every other line.)
_TIME_NO_PRE = _TIME.replace(rf"(?:(?P<pre>{_MERIDIEM})\s?|)", r"(?P<pre>(?!))?")
_BRACKETED = (
    (IOS, re.compile(rf"^\[{_DATE}{_BRACKETED_JOIN}{_OPEN}{_TIME_SECONDS}{_CLOSE}\]\s?(?P<rest>.*)$", re.DOTALL)),
    (
        IOS_SHORT,
        re.compile(rf"^\[{_DATE}{_BRACKETED_JOIN}{_OPEN}{_TIME_NO_SECONDS}{_CLOSE}\]\s?(?P<rest>.*)$", re.DOTALL),
    ),
    (TIME_FIRST, re.compile(rf"^\[{_TIME}{_JOIN}{_DATE}\]\s?(?P<rest>.*)$", re.DOTALL)),
)
_BARE = (
    (ANDROID, re.compile(rf"^{_DATE}{_JOIN}{_OPEN}{_TIME}{_CLOSE}\s[-\u2013]\s(?P<rest>.*)$", re.DOTALL)),
    (COLON, re.compile(rf"^{_DATE}{_JOIN}{_TIME}:\s(?P<rest>.*)$", re.DOTALL)),
    (ANDROID_TIME_FIRST, re.compile(rf"^{_TIME_NO_PRE}{_JOIN}{_DATE}\s[-\u2013]\s(?P<rest>.*)$", re.DOTALL)),
    (ANDROID_DASH, re.compile(rf"^{_DATE}\s-\s{_TIME}\s[-\u2013]\s(?P<rest>.*)$", re.DOTALL)),
)
_FIELDS = ("d1", "d2", "d3", "hh", "mm", "ss", "pre", "ampm", "sep", "rest")
_IOS_LAYOUTS = frozenset({IOS, IOS_SHORT})
# Layouts a file is only read in when most of its headers are (see `ExportReader._scan`).
_BELIEVED_ONLY_AS_MAIN = (IOS_SHORT, TIME_FIRST, COLON, ANDROID_TIME_FIRST, ANDROID_DASH)


def _within_lines(index: int, pattern: re.Pattern[str]) -> str:
    """A header pattern to search many lines joined by newlines: unanchored, its groups named apart by `index`, and
    neither its spaces nor its rest of line able to run into the next line."""
    source = pattern.pattern.removeprefix("^").replace("(?P<rest>.*)$", "(?P<rest>[^\\n]*)")
    source = re.sub(r"\(\?P<(\w+)>", rf"(?P<\1_{index}>", source)
    source = re.sub(r"\(\?\((\w+)\)", rf"(?(\1_{index})", source)
    return re.sub(r"(?<!\\)((?:\\\\)*)\\s", r"\1[^\\S\\n]", source)


# Every layout's header in one pattern, tried in `_header`'s order, to find the headers of a block of clean lines in
# one search; which alternative matched (its `rest` group, the last to close) names the layout.
_ALL_LAYOUTS = (*_BRACKETED, *_BARE)
# The commonest headers written out plainly (24-hour, ASCII digits, d/m or m/d): "[16/11/2026, 09:15:42] " (iOS) and
# "16/11/2026, 09:15 - " (Android). Where one matches a line, its layout's alternative matches the very same text into
# the very same fields, since none of its optional parts (an era or "BE", "à", a 12-hour marker, "ч.") finds anything
# to take there; tried first, they spare the engine the general alternatives' tries on most headers. That holds while
# no 12-hour marker opens with a digit, a space, "-" or "]": checked here, so new markers cannot break it unseen.
_PLAIN_DATE = r"(?P<d1>[0-9]{1,2})(?P<sep>[/.\-])(?P<d2>[0-9]{1,2})[/.\-](?P<d3>[0-9]{4}|[0-9]{2}), "
_PLAIN_LAYOUTS = (
    (IOS, rf"\[{_PLAIN_DATE}(?P<hh>[0-9]{{1,2}}):(?P<mm>[0-9]{{2}}):(?P<ss>[0-9]{{2}})\][^\S\n]?(?P<rest>[^\n]*)"),
    (ANDROID, rf"{_PLAIN_DATE}(?P<hh>[0-9]{{1,2}}):(?P<mm>[0-9]{{2}}) - (?P<rest>[^\n]*)"),
)
if any(re.match(f"(?i:(?={_MERIDIEM_FIRST}))", c) for c in "0123456789 -]"):
    _PLAIN_LAYOUTS = ()


def _header_lines(layouts: frozenset[str]) -> tuple[re.Pattern[str], dict[int, tuple[str, tuple[int, ...]]]]:
    """Every header of `layouts` in one pattern, tried in `_header`'s order, to find the headers of a block of clean
    lines in one search; and, by the number of the group that closed last (the matched alternative's `rest`), its
    layout and its fields' numbers (a plain header's missing fields, such as seconds or a 12-hour marker, numbered as
    the first layout's, which took no part)."""
    # It opens with the newline before the line (the block is searched with one put before its first line): a
    # literal first character lets the regex engine skip from line to line instead of trying every character.
    pattern = re.compile(
        "\n(?:"
        + "|".join(
            [
                *(
                    re.sub(r"\(\?P<(\w+)>", rf"(?P<\1_plain{index}>", source)
                    for index, (_, source) in enumerate(_PLAIN_LAYOUTS)
                ),
                *(
                    _within_lines(index, layout_pattern)
                    for index, (layout, layout_pattern) in enumerate(_ALL_LAYOUTS)
                    if layout in layouts
                ),
            ]
        )
        + ")"
    )
    groups = pattern.groupindex
    fields = {
        groups[f"rest_{index}"]: (layout, tuple(groups[f"{name}_{index}"] for name in _FIELDS))
        for index, (layout, _) in enumerate(_ALL_LAYOUTS)
        if layout in layouts
    } | {
        groups[f"rest_plain{index}"]: (
            layout,
            tuple(groups.get(f"{name}_plain{index}", groups[f"{name}_0"]) for name in _FIELDS),
        )
        for index, (layout, _) in enumerate(_PLAIN_LAYOUTS)
    }
    return pattern, fields


# Most files hold no header without seconds in brackets, or do not believe them (see `ExportReader._scan`): searched
# without that layout's alternative, each header found costs less (a match carries every alternative's groups), and
# a pasted copy's line matches nothing, which is what it is there: a line of the message above.
_HEADER_LINES_NO_SHORT, _LAYOUT_FIELDS_NO_SHORT = _header_lines(
    frozenset(layout for layout, _ in _ALL_LAYOUTS if layout != IOS_SHORT)
)


@functools.cache
def _all_header_lines() -> tuple[re.Pattern[str], dict[int, tuple[str, tuple[int, ...]]]]:
    """`_header_lines` of every layout (the pattern and its layout fields): compiled on first use, as only a file with
    bracketed headers without seconds needs it, and its compilation is a third of a second of every process's import."""
    return _header_lines(frozenset(layout for layout, _ in _ALL_LAYOUTS))


# Lines read and searched at a time by `ExportReader._drafts` (a stream with no `read`), or characters (one with it).
_BLOCK_LINES = 4096
_BLOCK_CHARS = 1 << 18
# A header can only start with a digit, "[" or one of the invisible marks: every other line continues a message.
# (The marks apart from the class: a class of several ranges past U+00FF is compiled through a table of every code point,
# which `_lines_not_opening_with` would pay again for each day of an export.)
_HEADER_OPENING = r"(?:[\[\d]|[MTSHR]\d|\u200e|\u200f|\ufeff|[\u202a-\u202e]|[\u2066-\u2069])"
_HEADER_START = re.compile("^" + _HEADER_OPENING)
_NEEDS_CLEANING = re.compile("[\u200e\u200f\ufeff\u202a-\u202e\u2066-\u2069\u202f\u00a0\u2007]")
# What `clean_text` drops rather than replaces: a block holding one is read line by line (`ExportReader._drafts`).
_DROPPED_MARKS = re.compile("[\u200e\u200f\ufeff\u202a-\u202e\u2066-\u2069]")
# What it replaces, each by a plain space: every other character of `_NEEDS_CLEANING`.
_SPACES = ("\u202f", "\u00a0", "\u2007")
_ERAS = {"M": 1867, "T": 1911, "S": 1925, "H": 1988, "R": 2018}
_REMEMBERED_MOMENTS = 256
_ONE_HOUR = timedelta(hours=1)
# By minute * 60 + second: the time past the hour, and its ISO text, so a new minute costs no datetime arithmetic.
_INTO_HOUR = [timedelta(seconds=seconds) for seconds in range(3600)]
_INTO_HOUR_ISO = [f"{seconds // 60:02d}:{seconds % 60:02d}+00:00" for seconds in range(3600)]
# A header's minutes and seconds as most are written ("07"), read without int().
_SIXTY = {f"{number:02d}": number for number in range(60)}
# WhatsApp did not exist before 2009: an earlier year means the fields were read in the wrong order, or the
# phone uses a calendar we cannot convert (Solar Hijri years such as 1403).
_FIRST_YEAR = 2009
# Phones on the Thai Buddhist calendar write 2569 for 2026: Gregorian plus 543; in Thai, whose short date is CLDR's
# buddhist "d/M/yy", as "69". A two-digit year from 52 to 79 (2552 to 2579: 2009 to 2036) can only be such a year:
# read as Gregorian it would be after today, as a day or a month impossible.
_BUDDHIST_ERA = 2400
_BUDDHIST_OFFSET = 543
_BUDDHIST_TWO_DIGITS = range(52, 80)
# Persian phones write the Solar Hijri year (CLDR's default calendar for fa, Iran and Afghanistan: "1404/12/27" is
# 18 March 2026). A four-digit year in this range is no Gregorian year WhatsApp has seen, nor a lunar Hijri one
# (1430 onwards in WhatsApp's years), so it can only be Solar Hijri.
_SOLAR_HIJRI_YEARS = range(1380, 1430)
# The ordinal `_solar_hijri`'s day counts start from (1 Farvardin 1405 is 21 March 2026, 1 Farvardin 1388 21 March 2009).
_SOLAR_HIJRI_EPOCH = date(622, 3, 20).toordinal()
# Where year, month and day sit among the three numbers of a date; also the preference when a file cannot tell.
_SLOTS: dict[DateOrder, tuple[int, int, int]] = {"dmy": (2, 1, 0), "mdy": (2, 0, 1), "ymd": (0, 1, 2)}

# A sender name is whatever precedes the first ": " (past a colon the name opens with); the limits keep system lines that happen to quote
# a colon (a new group subject, say) from being read as a person talking. Each language quotes the subject its own
# way: "…" in English, „…“ in German, «…» in Russian, French and Spanish. Hebrew writes its acronyms with a quote
# between two letters (עו"ד, צה"ל), which names hold as often as words do: such a quote opens no subject.
_SENDER = re.compile(
    r"^(?P<name>:?(?:[^:\"\u201c\u201d\u201e\u00ab\u00bb]|(?<=[\u05d0-\u05ea])\"(?=[\u05d0-\u05ea])){1,80}?)"
    r":(?: (?P<body>.*)|$)",
    re.DOTALL,
)
_IOS_MARK = re.compile(r":[ \u00a0]\u200e")
# iOS: "<attached: 00000012-PHOTO-….jpg>", in the phone's language ("<прикреплено: …>", Chinese with a full-width
# colon "<附件：…>"), maybe after the document's title and page count, maybe followed by the caption.
_IOS_ATTACHED = re.compile(
    rf"<(?P<word>[^<>{ATTACHED_COLONS}]{{1,40}}?)\s*[{ATTACHED_COLONS}]\s*(?P<file>[^>]+?)\s*>\s*(?P<after>.*)$"
)
# Android: "IMG-….jpg (file attached)", "Invoice.pdf • 3 pages (file attached)", words in the phone's language.
_ANDROID_ATTACHED = re.compile(r"^(?P<file>.+?)(?:\s+\u2022\s+.*?)?\s+\((?P<word>[^()]{1,60})\)$")
_LOCATION = re.compile(r"^(?P<label>[^:\n]{1,40}?)\s*:\s*(?P<url>https?://\S+)$")
# A shared place rather than a pin: iOS writes "Name (Address): https://foursquare.com/v/…" on one line, Android the
# name and the address on lines of their own above the link (the real exports of github.com/starkdmi/whats_json
# test/data), the link maybe after its location word ("Helsinki\nHelsinki\nlocation: https://maps.google.com/?q=…", as
# a study of real exports documents). Only a map or venue link makes a body a place, whatever words come before it.
_VENUE = re.compile(
    r"^(?P<label>[^\n]{1,120}?(?:\n[^\n]{1,200})?)(?::[ \t]*|\n(?:[^\n:]{1,40}:[ \t]*)?)"
    r"(?P<url>https?://(?:foursquare\.com/v/|maps\.google\.com/\?q=|maps\.apple\.com/\?)\S+)$"
)
# A poll: "POLL:", the question (one line or more), then one "OPTION: <text> (<n> votes)" line per option.
_POLL = re.compile(r"^POLL:[ \t]*(?P<question>.*)$")
# The votes closing an option in any language: "(12 stemmen)", "(0 הצבעות)", "(הצבעה אחת)" (one vote, in words).
_VOTES = re.compile(r"\([^()\n]{1,30}\)$")
_POLL_OPTION = re.compile(r"^OPTION:\s*(?P<option>.*\(\d+ votes?\))$")
# WhatsApp Web's export puts a caption on the attachment's own line: "IMG-….jpg (file attached) the caption".
# The file before older iOS's "<attached>": one name with an extension, as the phone named it ("3.jpg").
_BARE_FILE_NAME = re.compile(r"\S+\.\w{2,5}")
_INLINE_ATTACHED = re.compile(r"\s\((?P<word>[^()]{1,60})\)\s")
# WhatsApp Web's export writes a pin as "[name: ]Location: <lat>, <lng> - https://maps.google.com/?q=<lat>,<lng>".
_WEB_LOCATION = re.compile(
    r"^(?:(?P<name>[^\n]{1,120}?): )?(?P<word>[^:\n]{1,40}): -?\d+(?:\.\d+)?, -?\d+(?:\.\d+)? - "
    r"(?P<url>https://maps\.google\.com/\?q=\S+)$"
)
# WhatsApp Web's export writes a poll as "Poll: <question>", then each option on a line "    - <option>".
_WEB_POLL_OPTION = re.compile(r"^ {4}- (?P<option>.+)$")
# iOS writes a document's page count after its name: "Resume.pdf • 2 pages document omitted".
_PAGES = re.compile(r"\s+\u2022\s+.*$")
# A document's name alone on a line: an office file's, a PDF's, a text or archive file's extension closing it.
_DOCUMENT_NAME = re.compile(
    r"[^\n<>/\\:*?\"|]{1,200}\.(?:pdf|docx?|xlsx?|pptx?|od[tsp]|rtf|txt|csv|zip|rar|7z|epub)",
    re.IGNORECASE,
)

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
# Android names the media it sends "<kind>-<yyyymmdd>-WA<n>.<extension>", and writes an uploaded audio with no extension
# at all ("AUD-20190101-WA0000. (file attached)", as a study of real exports documents): its kind is in the prefix.
_NAME_PREFIX_KIND = {"IMG": "image", "VID": "video", "AUD": "audio", "PTT": "voice", "STK": "sticker"}
_ANDROID_MEDIA_NAME = re.compile(r"^(?P<prefix>[A-Z]{3})-\d{8}-WA\d+")

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


# A message as its lines give it, before it is read: (line number, layout, stamp, rest of the header line, whether
# iOS marked it as WhatsApp's own, its raw lines joined by newlines, its continuation lines cleaned and joined (None
# when it has none), whether its raw lines are known to hold nothing `normalise_text` replaces). One per message.
_Draft = tuple[int, "LayoutKey", "Stamp", str, bool, str, str | None, bool]


def clean_text(text: str) -> str:
    """Drop the invisible characters exports add, so equal messages compare equal."""
    return text.translate(_INVISIBLE)


def _file_stem(name: str | PurePath) -> str:
    base = clean_text(PurePath(name).name).strip()
    stem = re.sub(r"\.(?:txt|zip)$", "", base, flags=re.IGNORECASE)
    # Browsers rename a second download "X (1).zip"; it is still the same chat, and chat ids hang on the name.
    return re.sub(r"\s+\(\d+\)$", "", stem)


def chat_named_by(name: str | PurePath) -> str | None:
    """The chat a name WhatsApp gives an export's file (or the folder it is unzipped into) names: 'WhatsApp Chat -
    Juma Hardware.zip' -> 'Juma Hardware'; None for any other name."""
    return _named(_file_stem(name))


def _named(stem: str) -> str | None:
    match = _CHAT_FILE_NAME.match(stem)
    return (re.sub(r"\s+", " ", match.group("name")).strip() or None) if match else None


def chat_name_from_filename(name: str | PurePath) -> str:
    """'WhatsApp Chat with Mama Mboga Bakery.txt' (or '... - X.zip') -> 'Mama Mboga Bakery'; else the stem."""
    stem = _file_stem(name)
    return _named(stem) or re.sub(r"\s+", " ", stem).strip() or stem


def kind_for_filename(filename: str) -> str:
    """Message kind of an attachment, judged from its name as WhatsApp writes it."""
    upper = filename.upper()
    extension = upper.rsplit(".", 1)[-1].lower() if "." in upper else ""
    if extension == "webp" and ("STK-" in upper or "STICKER" in upper):
        return "sticker"
    if not extension:
        named = _ANDROID_MEDIA_NAME.match(upper)
        if named:
            return _NAME_PREFIX_KIND.get(named.group("prefix"), "document")
    return _EXTENSION_KIND.get(extension, "document")


def _blocks(handle: Iterable[str], first: int, stop: int | None) -> Iterator[list[str]]:
    """Lines [first, stop) (1-based, stop None: to the end) of a text opened with newline="" (CRLF, CR and LF all end
    a line), without their endings, `_BLOCK_LINES` at a time."""
    # With newline="" each line carries exactly one ending, so stripping CR and LF removes just that ending.
    try:
        lines = islice(handle, first - 1, None if stop is None else stop - 1)
        while chunk := list(islice(lines, _BLOCK_LINES)):
            yield [line.rstrip("\r\n") for line in chunk]
    finally:
        close = getattr(handle, "close", None)
        if close is not None:
            close()


def _texts(handle: Iterable[str], first: int, stop: int | None) -> Iterator[str]:
    """The lines of `_blocks`, a block at a time as one text: each line after a newline ("\\nline 1\\nline 2")."""
    read = getattr(handle, "read", None)
    if read is None:
        for block in _blocks(handle, first, stop):
            yield "\n" + "\n".join(block)
        return
    # Read in large pieces and cut at the last line ending, rather than line by line: the lines of a piece are only
    # split where a block must be read line by line (see `ExportReader._drafts`).
    try:
        number = 0
        pending = ""
        while stop is None or number < stop - 1:
            piece = read(_BLOCK_CHARS)
            text = pending + piece
            held = ""
            if piece and text.endswith("\r"):
                # CR LF may be cut between two reads: the CR waits for what follows it.
                text, held = text[:-1], "\r"
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            if piece:
                end = text.rfind("\n")
                if end < 0:
                    pending = text + held
                    continue
                text, pending = text[:end], text[end + 1 :] + held
            elif not text:
                break
            else:
                # The last line, which has no ending or only the CR held back.
                text, pending = text.removesuffix("\n"), ""
            count = text.count("\n") + 1
            if number + count >= first and (stop is None or number + 1 < stop):
                if number + 1 < first or (stop is not None and number + count >= stop):
                    lines = text.split("\n")
                    text = "\n".join(lines[max(first - 1 - number, 0) : None if stop is None else stop - 1 - number])
                yield "\n" + text
            number += count
            if not piece:
                break
    finally:
        close = getattr(handle, "close", None)
        if close is not None:
            close()


# (layout, date separator): two phones' layouts tell apart even when both use brackets.
LayoutKey = tuple[str, str]
# d1, d2, d3, hour, minute, second, 12-hour marker
Stamp = tuple[str, str, str, str, str, str | None, str | None]


def _finished(current: tuple) -> _Draft:
    """The draft of a message gathered over lines or blocks (its raw and continuation lines as lists of pieces)."""
    number, key, stamp, rest, marked, raw, more, safe = current
    return number, key, stamp, rest, marked, "\n".join(raw), "\n".join(more) if more else None, safe


def _header(raw: str) -> tuple[LayoutKey, Stamp, str] | None:
    """(layout, date and time as written, the rest of the line, cleaned) when `raw` starts a message."""
    if not _HEADER_START.match(raw):
        return None
    line = clean_text(raw) if _NEEDS_CLEANING.search(raw) else raw
    for layout, pattern in _BRACKETED if line.startswith("[") else _BARE:
        match = pattern.match(line)
        if match:
            d1, d2, d3, hh, mm, ss, pre, ampm, sep, rest = match.group(*_FIELDS)
            return (layout, sep[0]), (d1, d2, d3, hh, mm, ss, pre or ampm), rest
    return None


_MAYBE_HEADER = frozenset("[0123456789\u200e\u200f\ufeff")


def _hour(written: str, marker: str | None) -> int:
    """The 24-hour hour of a header's hour field and its 12-hour marker; ValueError when the marker cannot have it."""
    hour = int(written)
    if marker:
        # Japanese and Chinese clocks count 午後0:30 for half past noon, so 0 is a 12-hour hour too.
        if not 0 <= hour <= 12:
            raise ValueError(f"hour {hour} with {marker}")
        hour = hour % 12 + (12 if _PM_MARKER.fullmatch(marker) else 0)
    return hour


def _year(written: str) -> int | None:
    """The year a date's year field names (two digits, four, Buddhist era, Japanese era): Gregorian, or Solar Hijri
    where it is in `_SOLAR_HIJRI_YEARS` (which `_calendar_date` converts with its month and day)."""
    if written[:1] in _ERAS:
        return _ERAS[written[0]] + int(written[1:])
    if written.endswith("BE"):
        return int(written[:-2]) - _BUDDHIST_OFFSET
    if len(written) not in (2, 4):
        return None
    year = int(written)
    if year < 100:
        return year + (_BUDDHIST_ERA + 100 - _BUDDHIST_OFFSET if year in _BUDDHIST_TWO_DIGITS else 2000)
    return year - _BUDDHIST_OFFSET if year >= _BUDDHIST_ERA else year


def _solar_hijri(year: int, month: int, day: int) -> date:
    """The Gregorian date of a Solar Hijri one, by the 33-year arithmetic ICU's Persian calendar (and so the phones)
    use: 8 leap years in every 33."""
    leap = (25 * year + 11) % 33 < 8
    if not 1 <= month <= 12 or not 1 <= day <= (31 if month <= 6 else 30 if month < 12 or leap else 29):
        raise ValueError(f"{year}/{month}/{day} is no Solar Hijri date")
    before_year = 365 * (year - 1) + (8 * year + 21) // 33
    before_month = 31 * (month - 1) if month <= 7 else 30 * (month - 1) + 6
    return date.fromordinal(_SOLAR_HIJRI_EPOCH + before_year + before_month + day)


def _calendar_date(numbers: tuple[str, str, str], order: DateOrder) -> date:
    """The date a header's three numbers name when read in `order`; ValueError says why they cannot."""
    year_slot, month_slot, day_slot = _SLOTS[order]
    year = _year(numbers[year_slot])
    if year is None:
        raise ValueError(f"{numbers[year_slot]!r} is not a year")
    if len(numbers[month_slot]) > 2 or len(numbers[day_slot]) > 2:
        raise ValueError(f"a year where {order} expects the day or month")
    if year < _FIRST_YEAR:
        if year in _SOLAR_HIJRI_YEARS:
            return _solar_hijri(year, int(numbers[month_slot]), int(numbers[day_slot]))
        raise ValueError(f"year {year} is before WhatsApp existed")
    return date(year, int(numbers[month_slot]), int(numbers[day_slot]))


def _rank(dates: list[tuple[str, str, str]], order: DateOrder) -> tuple[int, int, int, int, int, int]:
    # Within one layout every header uses the phone's single locale, so one line that only one reading accepts
    # (a 13th, a four-digit year) settles what 03/04 means on every other line. Readings are ranked by, in turn:
    # a four-digit number where a day or month should be; how many different years the reading gives (a chat
    # spans days, so the true year field barely changes while a day read as the year changes all the time; this
    # is what tells 26/03/10 as y/m/d from d/m/y); how many dates are impossible; how often the dates go back in
    # time (exports are chronological); how many days the dates jump in all (a chat goes from day to day: 03/04 then
    # 05/04 is two days apart read d/m, two months read m/d, so a short export with no 13th still reads right); then
    # d/m/y before m/d/y before y/m/d, the most common first.
    year_slot, month_slot, day_slot = _SLOTS[order]
    misplaced = impossible = backwards = jumps = 0
    years: set[str] = set()
    previous: date | None = None
    for numbers in dates:
        misplaced += len(numbers[month_slot]) > 2 or len(numbers[day_slot]) > 2
        years.add(numbers[year_slot])
        try:
            current = _calendar_date(numbers, order)
        except ValueError:
            impossible += 1
            continue
        if previous is not None:
            backwards += current < previous
            jumps += abs((current - previous).days)
        previous = current
    return misplaced, len(years), impossible, backwards, jumps, list(_SLOTS).index(order)


def _date_orders(
    dates_by_layout: dict[tuple[str, str], list[tuple[str, str, str]]],
    written: DateOrder | None = None,
) -> dict[tuple[str, str], DateOrder]:
    """The reading of each layout's dates; a layout its own dates cannot settle reads as the file's main one.

    A chat exported on one phone, continued on another and merged holds two layouts (say iOS m/d/y and Android
    d/m/y): each is read on its own evidence, and where that evidence ties, the dominant layout's reading wins.
    `written` is the order the exporter is known to write, whatever the phone (WhatsApp Web writes m/d/y): it is
    taken wherever no date is impossible or misplaced in it.
    """
    if not dates_by_layout:
        return {}
    ranks = {layout: {order: _rank(dates, order) for order in _SLOTS} for layout, dates in dates_by_layout.items()}
    main_layout = max(dates_by_layout, key=lambda layout: len(dates_by_layout[layout]))
    main = min(_SLOTS, key=lambda order: ranks[main_layout][order])
    chosen: dict[tuple[str, str], DateOrder] = {}
    for layout, by_order in ranks.items():
        best = min(_SLOTS, key=lambda order: by_order[order])
        if written is not None and by_order[written][:3] == by_order[best][:3]:
            chosen[layout] = written
            continue
        chosen[layout] = main if by_order[main][:-1] == by_order[best][:-1] else best
    return chosen


def _web_poll_text(body: str) -> str | None:
    """WhatsApp Web's "Poll: <question>" with its "    - <option>" lines as the question, then each option, one per
    line; None when the body is not one."""
    question, *rest = body.split("\n")
    options = [_WEB_POLL_OPTION.match(line) for line in rest]
    if not rest or not all(options) or not question[6:].strip():
        return None
    return "\n".join([question[6:].strip(), *(option.group("option") for option in options)])


def _poll_text(body: str) -> str | None:
    """The question, then each option with its votes, one per line; None when the body is not a poll."""
    lines = [line.strip() for line in body.split("\n")]
    opened = _POLL.match(lines[0])
    if opened is None:
        return None
    question = [opened.group("question")] if opened.group("question") else []

    def option(line: str) -> str | None:
        found = _POLL_OPTION.match(line)
        return found.group("option") if found else None

    return _question_and_options(question, lines[1:], option)


def _localised_poll_text(body: str, option_word: str) -> str | None:
    """A poll whose header and option words are another language's: the question, then each option with its votes
    ("6 juni (12 stemmen)", "כן (הצבעה אחת)"), one per line; None when the body is not one."""

    def option(line: str) -> str | None:
        if line.startswith(option_word) and _VOTES.search(line):
            return line[len(option_word) :].strip()
        return None

    return _question_and_options([], [line.strip() for line in body.split("\n")[1:]], option)


def _question_and_options(question: list[str], lines: list[str], option: Callable[[str], str | None]) -> str | None:
    """A poll's question lines, then its options (what `option` reads of a line), one per line; None without both."""
    options: list[str] = []
    for line in lines:
        read = option(line)
        if read is not None:
            options.append(read)
        elif options:
            # An option's text may itself run over lines; they belong to the option above.
            options[-1] += "\n" + line
        else:
            question.append(line)
    # Someone typing "POLL:" by hand gives no option lines, and stays an ordinary message.
    if not options or not any(question):
        return None
    return "\n".join([*question, *options])


# What `_interpret` makes of a body: kind, text, caption, media and event (None where the kind has none).
Interpreted = tuple[str, str | None, str | None, MediaRef | None, str | None]


def _attachment(first: str, after: str, book: PhraseBook) -> tuple[str, str | None, MediaRef] | None:
    """Kind, caption and file of an attachment line, in any language; None when the line names no file."""
    if "<" in first:
        attached = _IOS_ATTACHED.search(first)
        if attached and normalise(attached.group("word")) in book.attached_words:
            filename = attached.group("file")
            # iOS of 2025 writes the caption before the file; a document's title and page count go there too.
            before = first[: attached.start()].strip()
            if "\u2022" in before or filename.endswith(before):
                before = ""
            same_line = attached.group("after").strip()
            caption = "\n".join(p for p in (before, same_line, after.strip()) if p) or None
            return kind_for_filename(filename), caption, MediaRef(filename=filename)
        if first[-1:] == ">":
            # iOS of 2013-16 wrote the word after the file, with no colon: "2013-08-06-PHOTO-00000006.jpg <attached>".
            filename, _, word = first[:-1].rpartition(" <")
            if _BARE_FILE_NAME.fullmatch(filename) and normalise(word) in book.attached_words:
                return kind_for_filename(filename), after.strip() or None, MediaRef(filename=filename)
    if first.endswith(")"):
        attached = _ANDROID_ATTACHED.match(first)
        if attached and normalise(attached.group("word")) in book.file_attached_words:
            filename = attached.group("file").strip()
            caption = after.strip()
            head, _, rest = caption.partition("\n")
            if head.strip() == filename.rpartition(".")[0]:
                # Android repeats a document's name, less its extension, on the next line ("Invoice.pdf (file
                # attached)\nInvoice", as a study of real exports documents): WhatsApp's words, not a caption.
                caption = rest.strip()
            return kind_for_filename(filename), caption or None, MediaRef(filename=filename)
    if ") " in first:
        for attached in _INLINE_ATTACHED.finditer(first):
            if normalise(attached.group("word")) in book.file_attached_words:
                filename = _PAGES.sub("", first[: attached.start()].strip())
                caption = "\n".join(p for p in (first[attached.end() :].strip(), after.strip()) if p) or None
                return kind_for_filename(filename), caption, MediaRef(filename=filename)
    return None


# The sender's messages whose content the export does not hold: theirs, of unknown content ("Waiting for this
# message", which the exporting phone never could decrypt; WhatsApp Web's "<order message>", "<AI message>").
_UNKNOWN_CONTENT = frozenset({"not_decrypted", "not_exported"})


def _meaning(found: Found, body: str, after: str) -> Interpreted:
    """What one of WhatsApp's own lines becomes: a kind, the language-independent event, and what it names."""
    meaning = found.phrase.meaning
    if meaning.startswith("media_omitted"):
        file = found.fields.get("file")
        media = MediaRef(filename=_PAGES.sub("", file)) if file else None
        caption = after.strip()
        if meaning == "media_omitted" and _DOCUMENT_NAME.fullmatch(caption):
            # Android writes a document it left out as "<Media omitted>" and the document's name alone on the next
            # line (a Polish group's real exports, as their reader describes them): the file, not a caption.
            return "media_omitted", None, None, MediaRef(filename=caption), "media_omitted:document"
        return "media_omitted", None, caption or None, media, meaning
    if meaning.startswith("deleted"):
        return "deleted", None, None, None, meaning
    if meaning == "live_location":
        return "location", None, None, None, meaning
    if meaning in _UNKNOWN_CONTENT:
        return "unsupported", None, None, None, meaning
    return "system", body, None, None, meaning


def _subjects(body: str, sender: str | None, marked: bool, book: PhraseBook, event: str) -> str | None:
    """What WhatsApp's own line `body` (of event `event`) names, as `Message.event_subjects` holds it; None for nobody.

    The line's phrase is found again as `_interpret` found it (under a sender only where iOS marks the line, or where
    the sender is its actor): such lines are few, so a person's messages pay nothing for it.
    """
    first = body.partition("\n")[0]
    found = book.find(first, in_context=sender is None or marked)
    if found is None and sender is not None and not marked:
        found = book.find_by_actor(first, sender) or book.find_by_subject(first, sender)
    if found is None or found.phrase.meaning != event:
        return None
    named = book.subjects(found)
    return json.dumps(named, ensure_ascii=False, sort_keys=True) if named else None


def _opens_with_the_mark(raw: str, first_body: str) -> bool:
    """Whether iOS's U+200E mark in a message's header line comes right after its sender's colon, before the whole of
    its first line, rather than after a colon inside the words."""
    line = raw.split("\n", 1)[0]
    mark = _IOS_MARK.search(line)
    return mark is not None and clean_text(line[mark.end() :]).strip() == clean_text(first_body).strip()


def _interpret(body: str, sender: str | None, marked: bool, book: PhraseBook) -> Interpreted:
    """Kind, text, caption, media and event of a message body."""
    first, _, after = body.partition("\n")
    # iOS shows WhatsApp's own events under the chat's name with a U+200E mark (`marked`); Android gives them no
    # sender. (The last character is read as a slice, which costs less than endswith: every message is tested.)
    if sender is None:
        found = book.find(first, in_context=True)
        return "system", body, None, None, found.phrase.meaning if found else None
    if not marked and body.isascii():
        # A sender's plain ASCII words (most messages) end here, since the full reading could read them no other way:
        # no phrase needing no context opens, closes or holds their first line, and they hold nothing its scanners
        # look for (a poll's opening, the colon of a poll's localised opening, a file's "<" or ")", an edited
        # message's closing ">", a link's "://", the sender named again as an event's actor or the member it adds).
        key = first.strip().lower().rstrip(".").rstrip()
        if (
            key[:4] != "poll"
            and "<" not in first
            and first[-1:] not in ":)"
            and ") " not in first
            and body[-1:] != ">"
            and "://" not in body
            and not without_unsaved_mark(first).startswith(sender)
            and sender not in first[-len(sender) - 2 :]
            and book.holds_no_free_phrase(key)
        ):
            return "text", body, None, None, None
    return _interpret_in_full(body, first, after, sender, marked, book)


def _interpret_in_full(body: str, first: str, after: str, sender: str, marked: bool, book: PhraseBook) -> Interpreted:
    """What `_interpret` makes of a sender's body (`first` and `after` its first line and the rest) with every check."""
    event = None
    if body[-1:] == ">":
        at = body.rfind("<")
        if at >= 0 and normalise(body[at:]) in book.edited_markers:
            # "<This message was edited>" closes an edited message; the words before it are the message.
            body, event = body[:at].rstrip(), "edited"
            first, _, after = body.partition("\n")
    if first.startswith("POLL:"):
        poll = _poll_text(body)
        if poll is not None:
            return "poll", poll, None, None, event
    if after and first[-1:] == ":" and first in book.poll_options:
        # iOS in another language: "PEILING:" (Dutch), "סקר:" (Hebrew), its own word before each option.
        poll = _localised_poll_text(body, book.poll_options[first])
        if poll is not None:
            return "poll", poll, None, None, event
    if after and first.startswith("Poll: "):
        poll = _web_poll_text(body)
        if poll is not None:
            return "poll", poll, None, None, event
    # Only a line holding "<", closing with ")" or holding ") " can name a file (see `_attachment`).
    if "<" in first or first[-1:] == ")" or ") " in first:
        attachment = _attachment(first, after, book)
        if attachment is not None:
            kind, caption, media = attachment
            return kind, None, caption, media, event
    if after and body[-1:] == ">":
        # iOS of 2025 ends a caption of several lines with the file: "Keki ya harusi\n\nTuma bei <attached: …>".
        head, _, last = body.rpartition("\n")
        attachment = _attachment(last, "", book) if "<" in last else None
        if attachment is not None:
            kind, caption, media = attachment
            return kind, None, "\n".join(p for p in (head, caption) if p), media, event
    if first[:1] == "<" and "> " in first:
        # WhatsApp Web's export: "<image omitted> the caption" on one line.
        close = first.index("> ")
        found = book.find(first[: close + 1], in_context=marked)
        if found is not None and found.phrase.meaning.startswith("media_omitted"):
            return _meaning(found, body, "\n".join(p for p in (first[close + 2 :], after) if p.strip()))
    if len(first) <= 400:
        found = book.find(first, in_context=marked)
        if found is None and not marked and not after and event is None:
            # Newer exports put a group event's actor where the sender goes ("Boris: Boris changed this group's icon"),
            # and the member added ("Koko: Hedra added Koko").
            if without_unsaved_mark(first).startswith(sender):
                found = book.find_by_actor(first, sender)
            if found is None and first.rstrip(" .").endswith(sender):
                found = book.find_by_subject(first, sender)
        if found is not None:
            return _meaning(found, body, after)
    if "://" in body:
        location = _LOCATION.match(body)
        if location and normalise(location.group("label")) in book.location_labels:
            return "location", location.group("url"), None, None, event
        pin = _WEB_LOCATION.match(body)
        if pin and normalise(pin.group("word")) in book.location_labels:
            return "location", "\n".join(p for p in (pin.group("name"), pin.group("url")) if p), None, None, event
        venue = _VENUE.match(body)
        if venue:
            # Its name and address, then where it is: as a Cloud API location message's text reads.
            return "location", f"{venue.group('label').strip()}\n{venue.group('url')}", None, None, event
    return "text", body, None, None, event


def _omitted_after_caption(raw: str, body: str, book: PhraseBook) -> Interpreted | None:
    """The media an export left out, with its caption, where iOS of 2025 writes the caption first and "‎image
    omitted" (U+200E before it: WhatsApp's words, not the sender's) at the end of the last line; else None."""
    tail = raw[raw.rfind("\u200e") + 1 :]
    if "\n" in tail:
        return None
    tail = clean_text(tail).strip()
    phrase = book.exact.get(normalise(tail))
    if phrase is None or not phrase.meaning.startswith("media_omitted") or not body.endswith(tail):
        return None
    caption = body[: len(body) - len(tail)].strip()
    return ("media_omitted", None, caption, None, phrase.meaning) if caption else None


def _omitted_after_unmarked_caption(body: str, book: PhraseBook) -> Interpreted | None:
    """`_omitted_after_caption` in an export without iOS's marks (see `ExportReader._voice`): the media's words are
    found as the last one to six words of the last line (the longest of WhatsApp's omitted-media phrases), else None."""
    words = body[body.rfind("\n") + 1 :].split(" ")
    for count in range(1, min(_OMITTED_WORDS, len(words)) + 1):
        tail = " ".join(words[-count:])
        phrase = book.exact.get(normalise(tail))
        if phrase is not None and phrase.meaning.startswith("media_omitted"):
            caption = body[: len(body) - len(tail)].strip()
            return ("media_omitted", None, caption, None, phrase.meaning) if caption else None
    return None


# The most words one of WhatsApp's omitted-media phrases has ("لم يتم إدراج المقاطع الصوتية", "đã bỏ qua hình ảnh").
_OMITTED_WORDS = 6

# What WhatsApp Web's plain-text export writes before its first message, with no time: dropped, never reported.
_OPENING_NOTICES = frozenset({"encryption_notice", "history_notice"})
# WhatsApp Web's export marks a forwarded message's body so (English only, the words it was seen with).
_FORWARDED = ("[Forwarded] ", "[Forwarded many times] ")

# How many lines at the top of an export may come before its opening encryption notice (see `ExportReader._voice`):
# a group's creation and its first members.
_VOICE_LINES = 8

# Bad lines handed over at a time (see `ExportReader.on_errors`): one dead-letter transaction each.
ERRORS_PER_HANDOVER = 1_000


@dataclass(frozen=True)
class ExportScan:
    """What the first pass over an export learns: how each layout's dates read, how many headers each layout has,
    the dates of its headers (one entry per change of date), where those changes are, and the number of lines."""

    orders: dict[LayoutKey, DateOrder]
    layout_counts: Counter[LayoutKey]
    runs: dict[LayoutKey, list[tuple[str, str, str]]]
    date_starts: dict[LayoutKey, list[int]]
    line_count: int
    # The chat's own name where an iOS export's opening encryption notice carries no U+200E mark (see `_voice`).
    voice: str | None = None
    # Layouts written on a 12-hour clock with no marker (see `_twelve_without_marker`): their half of the day is
    # inferred.
    markerless: frozenset[LayoutKey] = frozenset()


# The 12-hour clocks with no marker. CLDR's only 12-hour formats without a day period are Argentine Spanish's
# "hh:mm:ss" (iOS: "[18/3/26, 01:10:00]"), Cameroonian French's "h:mm" and "h:mm:ss" ("18/03/2026 1:10 - ") and
# Balochi in Latin letters' "h:mm" ("18/3/26, 1:10 - "), all with a day-first date parted by "/": "1:10" says nothing
# of the half of the day. Such a layout is one whose every header has no marker and an hour of 1 to 12 (an Android
# one unpadded, as "h" writes it), in a file where no header of that shape shows a 24-hour hour: then each day's half
# is read from its order (see `ExportReader._half_of_day`). A 24-hour file that happens to hold only hours of 1 to 12
# steps back within a day only by a message out of order (an hour or less, told apart) or where two exports were
# merged (read as written).
_MARKERLESS_LAYOUTS = frozenset({ANDROID, IOS})
# A header of that shape no such clock writes: a 24-hour hour, or an Android hour padded with a zero.
# (Whatever parts the date from the time: ", ", " ", " à ", " (".)
_TWENTY_FOUR_HOUR_HEADER = re.compile(
    r"\n[\u200e\u200f\ufeff]*(?:\[?\d{1,2}/\d{1,2}/\d{2,4}[^\d\n]{1,4}(?:0?0|1[3-9]|2[0-3])[:.]\d"
    r"|\d{1,2}/\d{1,2}/\d{2,4}[^\d\n]{1,4}0\d[:.]\d\d\s[-\u2013]\s)"
)


# The hours a 12-hour clock writes, padded or not; and a layout's half of the day before its first header.
_TWELVE_HOURS = frozenset({*(str(hour) for hour in range(1, 13)), *(f"{hour:02d}" for hour in range(1, 10))})
_NO_DAY: tuple[tuple[str, str, str] | None, bool, int] = (None, False, 0)
# The most seconds a markerless 12-hour file's time steps back by without crossing noon (see `_half_of_day`).
_OUT_OF_ORDER = 3600


def _twelve_without_marker(layout: str, stamp: Stamp) -> bool:
    """Whether a header could be one of a 12-hour clock without a marker (all of which write ASCII digits)."""
    hh = stamp[3]
    return (
        stamp[6] is None
        and layout in _MARKERLESS_LAYOUTS
        and hh in _TWELVE_HOURS
        and not (layout == ANDROID and hh[0] == "0")
    )


def _lines_not_opening_with(opening: str, header_starts: bool = False) -> re.Pattern[str]:
    """A pattern that finds, in lines joined by newlines, the newline before each line not opening with `opening`;
    with `header_starts`, only before those that can start a header (see `_HEADER_START`)."""
    can_start = f"(?={_HEADER_OPENING})" if header_starts else ""
    return re.compile(f"\n(?!{re.escape(opening)}){can_start}")


@functools.cache
def _day_runs(width: int, header_starts: bool) -> re.Pattern[str]:
    """A pattern that, matched at a line, reads on to the newline before the first line after it that does not open
    with the line's first `width` characters (with `header_starts`, the first such line that can start a header): what
    `_lines_not_opening_with` finds, without a pattern compiled for each opening (each day of an export)."""
    other = f"|(?!{_HEADER_OPENING})" if header_starts else ""
    # (Atomic and possessive: the run ends where it ends, and nothing is kept to step back into.)
    return re.compile(f"(?P<opening>[^\n]{{{width}}})[^\n]*+(?>\n(?:(?P=opening){other})[^\n]*+)*+")


def _opening_notice(line: str) -> bool:
    """Whether `line`, met before any header, is a notice WhatsApp Web's export opens with (see `_OPENING_NOTICES`)."""
    found = phrase_book().find(clean_text(line), in_context=True)
    return found is not None and found.phrase.meaning in _OPENING_NOTICES


class ExportReader:
    """An export read as a stream: a first pass settles how its dates read, a second yields its messages.

    `open_text` returns a fresh text stream (opened with newline="") on every call, so no pass holds the file in
    memory: the first keeps only the dates of its headers (one entry per change of date), the second one message.
    """

    def __init__(
        self,
        open_text: Callable[[], Iterable[str]],
        *,
        chat_name: str,
        tz: tzinfo,
        source_name: str = "<export>",
        today: date | None = None,
        now: datetime | None = None,
        on_errors: Callable[[list[ExportLineError]], None] | None = None,
        lines: tuple[int, int | None] = (1, None),
        scan: ExportScan | None = None,
    ):
        self.chat_name = chat_name
        # The messages whose header lines are in [first, stop) (1-based; stop None: to the end); see `split`.
        self._range = lines
        # The receiving clock of the landing window every source obeys (see `landing_window_problem`); a given
        # `today` stands for its last instant, so that the whole of tomorrow is inside the window.
        if now is None and today is not None:
            now = datetime.combine(today, time.max, tzinfo=tz).astimezone(UTC)
        self.now = now or datetime.now(UTC)
        self.tz = tz
        # The send time of the message before, which settles a wall-clock time the clock showed twice.
        self._previous: datetime | None = None
        self.source_name = source_name
        # With `on_errors`, the lines that cannot be read are handed over in batches as they are met and not kept:
        # a file of millions of bad lines (a wrong clock, a file that is no export) must not fill memory.
        self.errors: list[ExportLineError] = []
        self._on_errors = on_errors
        self._open = open_text
        self._days: dict[tuple, tuple[date, timedelta | None]] = {}
        # Messages dated after tomorrow cannot have been sent yet: a misread date, or a phone with a wrong clock.
        self.latest = (today or self.now.astimezone(tz).date()) + timedelta(days=1)
        # Given (the same file's, by another reader: see `split`), the first pass is not read again.
        self.scan = scan if scan is not None else self._scan()
        self._orders, self.layout_counts = self.scan.orders, self.scan.layout_counts
        main = max(self.layout_counts, key=self.layout_counts.__getitem__)
        self.date_order: DateOrder = self._orders[main]
        # A markerless 12-hour layout's half of the day (see `_half_of_day`): its date, whether past noon, and the
        # seconds into that half of its last header. Merged exports (days left and come back to) are read as written.
        self._markerless = self.scan.markerless if self.scan.markerless and not self.scattered_days() else frozenset()
        self._halves: dict[LayoutKey, tuple[tuple[str, str, str] | None, bool, int]] = {}

    def _scan(self) -> ExportScan:
        dates: dict[LayoutKey, list[tuple[str, str, str]]] = {}
        # Per layout, the line of each header whose date differs from the header before it in that layout.
        date_starts: dict[LayoutKey, list[int]] = {}
        counts: Counter[LayoutKey] = Counter()
        first_text: tuple[int, str] | None = None
        last: dict[LayoutKey, tuple[str, str, str]] = {}
        # A line opening with the very date text of the header before it is a header of the same day and layout:
        # it is counted without running the header patterns, which is most of what this pass would cost.
        same_day, same_key = "\x00", ("", "")
        # The lines that do not open with it, each found after its newline by one search of a block. Once the first
        # line of text is known, a line that cannot start a header tells nothing more (it goes on a message): then only
        # the lines that can are found, and those between are the day's headers (opening with its date) and such lines.
        other_days: re.Pattern[str] | None = _lines_not_opening_with(same_day)
        number = 0
        # Whether every header so far may be of a 12-hour clock without a marker (see `_twelve_without_marker`).
        twelve = True
        for text in _texts(self._open(), 1, None):
            if twelve and _TWENTY_FOUR_HOUR_HEADER.search(text):
                twelve = False
            # text[at] is the newline before the next line to read.
            at, length = 0, len(text)
            # Where the header that set `same_day` opens, while the next search may read on from it (`_day_runs`):
            # only a search from anywhere else compiles `other_days` for the day.
            day_opens: int | None = None
            while True:
                if day_opens is None:
                    if other_days is None:
                        other_days = _lines_not_opening_with(same_day, header_starts=first_text is not None)
                    other = other_days.search(text, at)
                    start = length if other is None else other.start()
                else:
                    start = _day_runs(len(same_day), first_text is not None).match(text, day_opens).end()
                    day_opens = None
                if start > at:
                    lines = text.count("\n", at, start)
                    number += lines
                    same = lines if first_text is None else text.count(f"\n{same_day}", at, start)
                    if same:
                        counts[same_key] += same
                if start == length:
                    break
                at = text.find("\n", start + 1)
                if at < 0:
                    at = length
                raw = text[start + 1 : at]
                number += 1
                header = _header(raw)
                if header is None:
                    if first_text is None and raw.strip():
                        first_text = (number, raw)
                        other_days = None
                    continue
                key, stamp, _ = header
                counts[key] += 1
                numbers = stamp[:3]
                if twelve and not _twelve_without_marker(key[0], stamp):
                    twelve = False
                if key[0] in (IOS, IOS_SHORT, ANDROID, COLON) and not _NEEDS_CLEANING.search(raw):
                    # Up to the end of the date: "[16/11/26," or "16/11/2026, " (never the time).
                    same_day, same_key = (
                        raw[: raw.index(stamp[2], len(stamp[0]) + len(stamp[1])) + len(stamp[2]) + 1],
                        key,
                    )
                    other_days, day_opens = None, start + 1
                if last.get(key) != numbers:
                    last[key] = numbers
                    dates.setdefault(key, []).append(numbers)
                    date_starts.setdefault(key, []).append(number)
        if not counts:
            where, line = first_text or (1, "")
            raise ChatExportError(
                f"{self.source_name}:{where}: not a WhatsApp chat export (no line starts with a message header"
                f" like '16/11/26, 09:15 - Name: text' or '[16/11/26, 09:15:42] Name: text'); first line: {line[:120]!r}"
            )
        # The colon layout ("18/03/2022 14:56:01: Name: text"), the time-first one ("[14:56:01, 18/3/2022] Name: text")
        # and the bracketed one without seconds ("[12/03/23, 10:15] Name: text") are only believed in a file written
        # in them: elsewhere such a line is a person's text that starts with a date, or messages copied out of another
        # chat (by WhatsApp Web, or by a phone) and pasted into one, which are that message's text.
        main = max(counts, key=counts.__getitem__)
        doubted = [key for key in counts if key[0] in _BELIEVED_ONLY_AS_MAIN and key[0] != main[0]]
        for key in doubted:
            del counts[key], dates[key]
        # WhatsApp Web's export opens with the encryption notice on a line of its own, untimed, and writes every date
        # m/d/y whatever the phone's locale (its WAWebExportChatPlainTextFormatter).
        web = first_text is not None and first_text[0] == 1 and _opening_notice(first_text[1])
        orders = _date_orders(dates, "mdy" if web else None)
        markerless = frozenset(
            key for key in counts if twelve and key[0] in _MARKERLESS_LAYOUTS and key[1] == "/" and orders[key] == "dmy"
        )
        return ExportScan(orders, counts, dates, date_starts, number, self._voice(), markerless)

    def _voice(self) -> str | None:
        """The sender of an iOS export's opening encryption notice when that line has no U+200E mark, else None.

        iOS writes WhatsApp's own lines under the chat's name ("Fietsclub: You created this group"), telling them
        from a person's words by that mark; iOS before the marks, and copies that lost them, leave only the name. The
        notice is WhatsApp's in any case, so whoever it is under is the chat's own name in such an export.
        """
        book = phrase_book()
        for block in _blocks(self._open(), 1, _VOICE_LINES + 1):
            for raw in block:
                header = _header(raw.lstrip("\ufeff"))
                if header is None or header[0][0] not in _IOS_LAYOUTS:
                    continue
                rest = header[2]
                colon = rest.find(": ")
                named = self._sender(rest[: colon + 2], book.cut_at_colon) if colon > 0 else None
                if named is None:
                    continue
                found = book.find(clean_text(rest[colon + 2 :]), in_context=False)
                if found is not None and found.phrase.meaning == "encryption_notice":
                    return None if "\u200e" in raw else named[0]
        return None

    def _error(self, error: ExportLineError) -> None:
        self.errors.append(error)
        if self._on_errors is not None and len(self.errors) >= ERRORS_PER_HANDOVER:
            self.hand_over_errors()

    def hand_over_errors(self) -> None:
        """Give the errors met so far to `on_errors` and forget them (without `on_errors` they stay in `errors`)."""
        if self._on_errors is not None and self.errors:
            errors, self.errors = self.errors, []
            self._on_errors(errors)

    def split(self, parts: int, min_lines: int) -> list[tuple[int, int | None]]:
        """Line ranges (first, stop) that read as `parts` exports of whole days each, for readers working at once.

        A range always starts on the first header of a day, so no day (and no minute, which keeps the ordinals of
        equal messages) is shared between two ranges. A file with more than one layout, or that comes back to a day
        (merged exports), is one range: its days can only be told apart once the whole file is read. So is a file
        with fewer than `min_lines` lines per part.
        """
        line_count = self.scan.line_count
        parts = min(parts, line_count // max(min_lines, 1))
        if parts <= 1 or len(self.layout_counts) != 1 or self.scattered_days():
            return [(1, None)]
        starts = self.scan.date_starts[next(iter(self.layout_counts))]
        cuts: list[int] = []
        for part in range(1, parts):
            target = line_count * part // parts
            at = bisect.bisect_left(starts, target)
            # The day start nearest to the even cut, after the cut before it.
            candidates = [line for line in starts[max(at - 1, 0) : at + 1] if line > (cuts[-1] if cuts else 1)]
            if candidates:
                cuts.append(min(candidates, key=lambda line: abs(line - target)))
        bounds = [1, *cuts, None]
        return list(zip(bounds[:-1], bounds[1:], strict=False))

    def scattered_days(self) -> set[date]:
        """Days the file leaves and comes back to (merged exports): known only once the whole file is read."""
        runs: Counter[date] = Counter()
        for layout, dates in self.scan.runs.items():
            for numbers in dates:
                try:
                    runs[_calendar_date(numbers, self._orders[layout])] += 1
                except ValueError:
                    continue
        return {day for day, count in runs.items() if count > 1}

    def _drafts(self) -> Iterator[_Draft]:
        layouts = self.layout_counts
        # By the number of the group that closed last (see `_all_header_lines`): its fields' numbers, and the file's
        # layouts it may be by their date separator's first character, so a header's layout key is looked up, not
        # built and then looked up (a header of no layout of the file continues the message above).
        header_lines, fields = (
            _all_header_lines()
            if any(key[0] == IOS_SHORT for key in layouts)
            else (_HEADER_LINES_NO_SHORT, _LAYOUT_FIELDS_NO_SHORT)
        )
        accepted = {
            index: (names, {key[1]: key for key in layouts if key[0] == layout})
            for index, (layout, names) in fields.items()
        }
        # A message whose lines may go on in the next block: (line number, layout, stamp, rest of the header line,
        # marked, raw pieces, cleaned continuation pieces, safe), pieces to be joined by newlines.
        current: tuple[int, LayoutKey, Stamp, str, bool, list[str], list[str], bool] | None = None
        first, stop = self._range
        number = first - 1
        for text in _texts(self._open(), first, stop):
            # The block as its headers are searched and its continuation lines kept: `text` itself, or `text` with
            # the spaces `clean_text` replaces one for one (Android 13+ writes U+202F before every "PM"): the same
            # length, so a header's place in one is its place in the other, and the raw lines are cut from `text`.
            clean, line_by_line = text, False
            # (Every character to clean is outside ASCII, and whether a text is all ASCII is known without reading it.)
            if not text.isascii() and _NEEDS_CLEANING.search(text):
                if _DROPPED_MARKS.search(text):
                    line_by_line = True
                else:
                    # (str.replace per space, not translate: translate walks the block a character at a time.)
                    for space in _SPACES:
                        if space in clean:
                            clean = clean.replace(space, " ")
            if line_by_line:
                # Invisible marks to clean: each line on its own, as `_header` reads it.
                for raw in islice(text.split("\n"), 1, None):
                    number += 1
                    header = _header(raw) if raw[:1] in _MAYBE_HEADER or _HEADER_START.match(raw) else None
                    if header is not None and header[0] in layouts:
                        if current is not None:
                            yield _finished(current)
                        key, stamp, rest = header
                        marked = "\u200e" in raw and bool(_IOS_MARK.search(raw))
                        current = (number, key, stamp, rest, marked, [raw], [], False)
                    elif current is not None:
                        current[5].append(raw)
                        current[6].append(clean_text(raw) if _NEEDS_CLEANING.search(raw) else raw)
                        if current[7]:
                            current = (*current[:7], False)
                    elif raw.strip():
                        self._before_first_header(number, raw)
                continue
            # Clean lines (most blocks of most files): their headers found by one search of the whole block, and by
            # one more whether any line holds a character `normalise_text` replaces. A message that starts and ends
            # in the block is cut from its text as it stands: its raw lines, and (clean) its continuation lines.
            safe = not has_unsafe_characters(text)
            # The open message's header line starts at text[start + 1] and its first line ends at text[end], or
            # start is -1 while no header of this block has been met.
            start = end = -1
            line, current_key, stamp, rest = number, ("", ""), ("", "", "", "", "", None, None), ""
            for match in header_lines.finditer(clean):
                names, keys = accepted[match.lastindex]
                d1, d2, d3, hh, mm, ss, pre, ampm, sep, new_rest = match.group(*names)
                key = keys.get(sep[0])
                if key is None:
                    continue
                at, after = match.span()
                if start >= 0:
                    yield (
                        line,
                        current_key,
                        stamp,
                        rest,
                        False,
                        text[start + 1 : at],
                        clean[end + 1 : at] if at > end else None,
                        safe,
                    )
                    # (A message of one line ends where the next header starts.)
                    line += 1 if at == end else text.count("\n", start + 1, at + 1)
                else:
                    line = number + text.count("\n", 0, at + 1)
                    if at > 0:
                        # The block's lines before its first header continue the message above.
                        current = self._continued(current, text[1:at], clean[1:at], number, safe)
                    if current is not None:
                        yield _finished(current)
                        current = None
                start, end, current_key, stamp, rest = at, after, key, (d1, d2, d3, hh, mm, ss, pre or ampm), new_rest
            if start >= 0:
                current = (
                    line,
                    current_key,
                    stamp,
                    rest,
                    False,
                    [text[start + 1 :]],
                    [clean[end + 1 :]] if len(text) > end else [],
                    safe,
                )
            else:
                current = self._continued(current, text[1:], clean[1:], number, safe)
            number += text.count("\n")
        if current is not None:
            yield _finished(current)

    def _continued(self, current: tuple | None, lines: str, cleaned: str, number: int, safe: bool) -> tuple | None:
        """`lines` (newline-separated; the first is line `number` + 1, `safe` whether they hold nothing
        `normalise_text` replaces; `cleaned` the same lines cleaned) continue the message above, if any: else each
        is reported."""
        if current is not None:
            current[5].append(lines)
            current[6].append(cleaned)
            if current[7] and not safe:
                # A message that runs over into another block is known safe only if both blocks are.
                current = (*current[:7], False)
            return current
        for index, line in enumerate(lines.split("\n")):
            if line.strip():
                self._before_first_header(number + index + 1, line)
        return None

    def _before_first_header(self, number: int, line: str) -> None:
        """Report line `number`, met before any header, unless it is one of the notices WhatsApp Web's export opens
        with untimed ("Messages and calls are end-to-end encrypted. …", "Some earlier messages may not be
        available."): those say nothing about the chat and belong to no message."""
        if not _opening_notice(line):
            self._error(ExportLineError(self.source_name, number, "text before the first message header", line))

    def messages(self) -> Iterator[Message]:
        """The export's messages in file order; lines that cannot be read are added to `errors` as met."""
        book = phrase_book()
        chat_id = stable_id(self.chat_name, prefix="chat_")
        chat_name = self.chat_name
        # Every text of a message is cut from its raw lines, or is the chat's name or an id: when neither holds a
        # character `normalise_text` replaces, the message is built without searching each text again.
        name_is_safe = not has_unsafe_characters(chat_name)
        sender_ids: dict[str | None, str | None] = {None: None}
        # A header's rest up to the character after its first colon, by its text: (the sender it names, whether it
        # is an event cut at its colon), or None when `_SENDER` reads no sender there.
        names: dict[str, tuple[str, bool] | None] = {}
        # The ordinal tells apart messages equal in every field (a "ok" sent twice in one minute) while keeping
        # ids equal across re-imports and overlapping exports of the same chat. Only the last few hundred send
        # times are remembered, so memory stays flat however long the export.
        seen: dict[str, dict[tuple[str | None, str], int]] = {}
        # Its keys, oldest first: the first key of a dict that keeps losing its first keys is found by walking past
        # the holes they leave.
        remembered: deque[str] = deque()
        # The send time whose counter `counter` is, and the id's text up to the sender for it: consecutive messages
        # share their send time (the very string, while their stamp is the same), so most find both already at hand.
        counted_utc: str | None = None
        counter: dict[tuple[str | None, str], int] = {}
        id_head = ""
        # Consecutive messages share their minute, and their hour: a header stamp's send time (and whether it is
        # inside the landing window) is worked out once for a run of messages in that minute, and a new minute of the
        # hour before is that hour plus its minutes.
        last_layout: LayoutKey | None = None
        last_stamp: Stamp | None = None
        sent_at: datetime | None = None
        sent_utc, problem = "", None
        last_hour: tuple | None = None
        hour: tuple[datetime, str] | None = None
        # Whether every second of `hour` is inside the landing window, so that none of its minutes is checked again.
        hour_inside = False
        now = self.now
        trusted = Message.from_trusted_fields
        latest = now + FUTURE_TOLERANCE
        for line_number, layout, stamp, rest, marked, raw, more, safe in self._drafts():
            if self._markerless and stamp[6] is None and layout in self._markerless:
                stamp = self._half_of_day(layout, stamp)
            if stamp != last_stamp or layout != last_layout:
                d1, d2, d3, hh, mm, ss, marker = stamp
                hour_key = (layout, d1, d2, d3, hh, marker)
                if hour_key != last_hour:
                    hour, last_hour = self._hour_start(layout, stamp), hour_key
                    hour_inside = (
                        hour is not None and EARLIEST_SENT_AT <= hour[0] and hour[0] + _INTO_HOUR[-1] <= latest
                    )
                minute = _SIXTY.get(mm)
                if minute is None:
                    minute = int(mm)
                second = 0 if not ss else _SIXTY.get(ss) or int(ss)
                if hour is not None and minute < 60 and second < 60:
                    into = minute * 60 + second
                    sent_at = hour[0] + _INTO_HOUR[into]
                    sent_utc = hour[1] + _INTO_HOUR_ISO[into]
                    problem = (
                        None
                        if hour_inside or EARLIEST_SENT_AT <= sent_at <= latest
                        else landing_window_problem(sent_at, now)
                    )
                    last_layout, last_stamp = layout, stamp
                else:
                    last_stamp = None
                    # The send time of the message before settles a time the clock showed twice.
                    self._previous = sent_at
                    try:
                        sent_at, sent_utc, settled = self._moment(layout, stamp)
                    except ValueError as exc:
                        self._error(
                            ExportLineError(
                                self.source_name, line_number, f"impossible date or time ({exc})", raw.split("\n", 1)[0]
                            )
                        )
                        continue
                    inside = EARLIEST_SENT_AT <= sent_at <= latest
                    problem = None if inside else landing_window_problem(sent_at, now)
                    if settled:
                        # A time read twice on the day the clock goes back depends on what came before: never kept.
                        last_layout, last_stamp = layout, stamp
            if problem is not None:
                self._error(ExportLineError(self.source_name, line_number, problem, raw.split("\n", 1)[0]))
                continue
            sender, body, forwarded, (kind, text, caption, media, event), subjects = self._read(
                layout, rest, more, raw, marked, safe, names, book
            )
            said = (sender, body)
            if sent_utc is not counted_utc:
                # (A send time is only forgotten when another is remembered, so the one at hand never is.)
                counter = seen.get(sent_utc)
                counted_utc, id_head = sent_utc, f"{chat_id}\x1f{sent_utc}\x1f"
                if counter is None:
                    if len(seen) >= _REMEMBERED_MOMENTS:
                        del seen[remembered.popleft()]
                    remembered.append(sent_utc)
                    # Most send times have one message: its (sender, body) stands for the counter until a second.
                    seen[sent_utc] = counter = said
                    ordinal = 0
                else:
                    ordinal = -1
            else:
                ordinal = -1
            if ordinal:
                if type(counter) is tuple:
                    counter = seen[sent_utc] = {counter: 1}
                ordinal = counter.get(said, 0)
                counter[said] = ordinal + 1
            sender_id = sender_ids.get(sender)
            if sender_id is None and sender is not None:
                sender_id = sender_ids[sender] = stable_id(chat_id, sender, prefix="snd_")
            # Correct by construction, as `Message.from_trusted_fields` asks: every field in `Message`'s order, ids never
            # empty, a kind from `_interpret` (all in KINDS), the send time in UTC (an instant of `_hour_start` or
            # `_moment`, both UTC); the texts are checked below.
            fields = {
                # stable_id(chat_id, sent_utc, sender, body, ordinal, prefix="exp_"), its parts joined here (the first two
                # in `id_head`).
                "message_id": joined_id(f"{id_head}{sender or ''}\x1f{body}\x1f{ordinal}", "exp_"),
                "chat_id": chat_id,
                "sent_at": sent_at,
                "kind": kind,
                "source": "chat_export",
                "chat_name": chat_name,
                "sender_id": sender_id,
                "sender_name": sender,
                "text": text,
                "caption": caption,
                "media": media,
                "reply_to": None,
                "forwarded": forwarded,
                "raw": raw,
                "flags": None,
                "referral": None,
                "event": event,
                "event_subjects": subjects,
            }
            if name_is_safe and (safe or not has_unsafe_characters(raw)):
                yield trusted(fields)
            else:
                yield Message.build(**fields)

    def _read(
        self,
        layout: LayoutKey,
        rest: str,
        more: str | None,
        raw: str,
        marked: bool,
        safe: bool,
        names: dict[str, tuple[str, bool] | None],
        book: PhraseBook,
    ) -> tuple[str | None, str, bool, Interpreted, str | None]:
        """(Sender, body, forwarded, what `_interpret` makes of it, event subjects) of a message from its header's rest
        of line, its cleaned continuation lines and its raw lines; `names` caches `_sender` by the rest's head."""
        cut_at_colon = book.cut_at_colon
        voice = self.scan.voice
        # A name cannot hold a colon, so `_SENDER` reads the same of the rest as of it up to the character after
        # its first colon (`body` takes whatever follows).
        colon = rest.find(":")
        if colon == 0:
            # A contact's name may open with a colon (":juma:"); the one ending the name comes after it.
            colon = rest.find(":", 1)
        named = None
        if layout[0] in _IOS_LAYOUTS and rest[:2] == "- ":
            # WhatsApp Web's export writes its own lines "[date, time] - Amina added Juma": never a sender's.
            rest, colon = rest[2:], -1
        if 0 < colon <= 80:
            head = rest[: colon + 2]
            named = names.get(head, False)
            if named is False:
                if len(names) >= 4096:
                    names.clear()
                named = names[head] = self._sender(head, cut_at_colon)
        if named is not None:
            sender: str | None = named[0]
            first_body = rest[colon + 2 :]
            if not marked and named[1]:
                # "Rui добавил(-а) участников: Вы" is one event with no sender, not Rui's words.
                sender, first_body = None, f"{sender}: {first_body}"
        else:
            sender, first_body = None, rest
        forwarded = False
        if first_body[:1] == "[" and sender is not None and first_body.startswith(_FORWARDED):
            forwarded, first_body = True, first_body.split("] ", 1)[1]
        body = first_body.strip() if more is None else f"{first_body}\n{more}".strip()
        ios_mark = marked
        if sender is not None and sender == voice and not marked:
            # The chat's own name, in an export without iOS's marks: it stands for the mark.
            marked = True
        kind, text, caption, media, event = _interpret(body, sender, marked, book)
        if kind == "text" and not safe and "\u200e" in raw:
            late = _omitted_after_caption(raw, body, book)
            if late is not None:
                kind, text, caption, media, event = late
        elif kind == "text" and voice is not None and sender is not None:
            late = _omitted_after_unmarked_caption(body, book)
            if late is not None:
                kind, text, caption, media, event = late
        if kind == "text" and ios_mark and sender is not None and _opens_with_the_mark(raw, first_body):
            # iOS opens only WhatsApp's own words with U+200E after the sender's colon (its events, calls, notices,
            # omitted media), never a person's: one no language's strings read (a language or a wording we lack)
            # is still WhatsApp's, kept as it stands and never as the sender's words.
            kind = "unsupported"
        subjects = None
        if kind == "system":
            if event is not None:
                subjects = _subjects(body, sender, marked, book, event)
            sender = None
        return sender, body, forwarded, (kind, text, caption, media, event), subjects

    @staticmethod
    def _sender(head: str, cut_at_colon: Callable[[str], bool]) -> tuple[str, bool] | None:
        """(The sender, whether it is an event cut at its colon) that a header's rest up to the character after its
        first colon names; None when `_SENDER` reads no sender there."""
        said = _SENDER.match(head)
        if said is None:
            return None
        # "~ Neema": a member the exporting phone has not saved, under the name they gave themselves (their profile
        # name, as a webhook names them). The tilde is WhatsApp's mark, not part of the name.
        sender = without_unsaved_mark(said.group("name").strip())
        return sender, cut_at_colon(sender)

    def _half_of_day(self, layout: LayoutKey, stamp: Stamp) -> Stamp:
        """A markerless 12-hour header's stamp with the marker its place in the file gives it.

        Within a day the times run forward, and a 12-hour clock steps back once, at noon (11:50, 12:05, 1:10): a
        day's headers are the morning's up to its first step back, the afternoon's from there on. A day that never
        steps back is read as written, its hour 12 as noon (3:00 is three at night, 12:30 half past noon): nothing in
        it tells the two halves apart, and so a 24-hour file that happens to hold no hour past 12 still reads exactly
        as written. A step back of an hour or less is a message out of order (one sent offline, or the hour a clock
        going back shows twice), not noon, so a day whose evening follows its morning by more than eleven hours is
        read in the morning too; a second step back stays in the afternoon.
        """
        d1, d2, d3, hh, mm, ss, _ = stamp
        if hh not in _TWELVE_HOURS:
            # No 12-hour clock wrote it: the file is read as written from here on.
            self._markerless = frozenset()
            return stamp
        day, afternoon, before = self._halves.get(layout, _NO_DAY)
        if day == (d1, d2, d3) and afternoon:
            # (Past noon, the rest of the day is too: nothing to weigh.)
            return d1, d2, d3, hh, mm, ss, "PM"
        into = int(hh) * 3600 + int(mm) * 60 + int(ss or 0)
        if day != (d1, d2, d3):
            afternoon = False
        elif into < before:
            afternoon = before - into > _OUT_OF_ORDER
        self._halves[layout] = ((d1, d2, d3), afternoon, into)
        return d1, d2, d3, hh, mm, ss, "PM" if afternoon or int(hh) == 12 else "AM"

    def _hour_start(self, layout: LayoutKey, stamp: Stamp) -> tuple[datetime, str] | None:
        """(UTC instant, ISO text up to its minutes) of the local hour of a header, where each of its minutes reads
        as that instant plus the time past the hour: on a day of one whole-hour UTC offset. None elsewhere, or when
        the header cannot be read (`_moment` says why)."""
        d1, d2, d3, hh, _, _, marker = stamp
        try:
            day, offset = self._day(layout, d1, d2, d3)
            hour = _hour(hh, marker)
            if offset is None or offset % _ONE_HOUR:
                return None
            start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - offset
        except ValueError:
            return None
        return start, start.isoformat()[:14]

    def _moment(self, layout: LayoutKey, stamp: Stamp) -> tuple[datetime, str, bool]:
        """(UTC send time, its ISO text, whether the same header always reads so) of a header; ValueError when its
        date cannot be, or is out of range."""
        d1, d2, d3, hh, mm, ss, marker = stamp
        day, offset = self._day(layout, d1, d2, d3)
        hour, minute, second = _hour(hh, marker), int(mm), int(ss or 0)
        if offset is None:
            sent_at, settled = self._on_changing_day(datetime(day.year, day.month, day.day, hour, minute, second))
        else:
            sent_at, settled = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC) - offset, True
        return sent_at, sent_at.isoformat(), settled

    def _on_changing_day(self, local: datetime) -> tuple[datetime, bool]:
        """The UTC instant of a wall-clock time on a day the zone's offset changes, and whether it is the only one.

        A time the clock skipped (02:30 when it jumps from 02:00 to 03:00) is the instant of the jump: the phone
        showed it on its way past, so it stays between its neighbours in the file. A time the clock showed twice
        (02:30 when it goes back from 03:00 to 02:00) is its first pass until the file has gone past that, then
        its second: the file is in the order the phone wrote it.
        """
        first = local.replace(tzinfo=self.tz, fold=0).astimezone(UTC)
        second = local.replace(tzinfo=self.tz, fold=1).astimezone(UTC)
        if first == second:
            return first, True
        if second < first:
            # Skipped: find the jump, the instant between the two readings where the offset changes.
            low, high = second, first
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(self.tz).utcoffset() == low.astimezone(self.tz).utcoffset():
                    low = middle
                else:
                    high = middle
            return high.replace(microsecond=0), True
        previous = self._previous
        return (second if previous is not None and previous > first else first), False

    def _day(self, layout: LayoutKey, d1: str, d2: str, d3: str) -> tuple[date, timedelta | None]:
        """The date of a header, and the zone's UTC offset that whole day (None on a day the offset changes)."""
        key = (layout, d1, d2, d3)
        found = self._days.get(key)
        if found is None:
            day = _calendar_date((d1, d2, d3), self._orders[layout])
            if day > self.latest:
                raise ValueError(f"{day.isoformat()} is after tomorrow")
            # Both readings of both ends: where the clock goes back at midnight (Sao Paulo until 2019) the day's
            # last hour is shown twice, and only its second reading tells.
            offsets = {
                datetime(day.year, day.month, day.day, *moment, tzinfo=self.tz, fold=fold).utcoffset()
                for moment in ((0, 0, 0), (23, 59, 59))
                for fold in (0, 1)
            }
            found = self._days[key] = (day, offsets.pop() if len(offsets) == 1 else None)
        return found


def parse_chat_export(
    text: str,
    *,
    chat_name: str,
    tz: tzinfo,
    source_name: str = "<export>",
    today: date | None = None,
    now: datetime | None = None,
) -> ParsedExport:
    """Parse an export's text; lines that are not headers continue the message above them."""
    reader = export_text_reader(text, chat_name=chat_name, tz=tz, source_name=source_name, today=today, now=now)
    messages = list(reader.messages())
    return ParsedExport(
        messages=messages, errors=sorted(reader.errors, key=lambda e: e.line_number), date_order=reader.date_order
    )


def export_text_reader(
    text: str,
    *,
    chat_name: str,
    tz: tzinfo,
    source_name: str = "<export>",
    today: date | None = None,
    now: datetime | None = None,
) -> ExportReader:
    """A reader of an export's text already in memory (its byte-order mark dropped)."""
    return ExportReader(
        lambda: io.StringIO(text.removeprefix("\ufeff"), newline=""),
        chat_name=chat_name,
        tz=tz,
        source_name=source_name,
        today=today,
        now=now,
    )


def parse_chat_export_file(
    path: Path, *, chat_name: str, tz: tzinfo, source_name: str | None = None, today: date | None = None
) -> ExportReader:
    """A UTF-8 export file as a stream of messages (see `ExportReader`); the file is read twice, never held."""
    return ExportReader(
        lambda: open(path, encoding="utf-8-sig", newline=""),
        chat_name=chat_name,
        tz=tz,
        source_name=source_name or Path(path).name,
        today=today,
    )
