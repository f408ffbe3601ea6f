"""The export parser's fast paths give what their slow twins give: the gate at the top of `_interpret`, the plain header
alternatives, the ordinal of a send time's first message, and blocks of any size."""

import io
import itertools
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.message import stable_id
from wa_pipeline.whatsapp import chat_export
from wa_pipeline.whatsapp.chat_export import (
    _ALL_LAYOUTS,
    _FIELDS,
    _PLAIN_LAYOUTS,
    ExportReader,
    _all_header_lines,
    _interpret,
    _interpret_in_full,
    _within_lines,
    parse_chat_export,
)
from wa_pipeline.whatsapp.export_phrases import phrase_book

NAIROBI = ZoneInfo("Africa/Nairobi")
NOW = datetime(2026, 12, 6, tzinfo=UTC)
SENDER = "Amina Njeri"
# What a template's placeholders are filled with: invented names, files and links.
FILLS = {
    "name": "Juma",
    "file": "IMG-20261116-WA0001.jpg",
    "url": "https://maps.google.com/?q=-1.28,36.82",
    "actor": SENDER,
    "subject": "Keki",
    "old": "+254 700 000 001",
    "new": "+254 700 000 002",
}


def _variants(text: str) -> list[str]:
    """A phrase as a sender might write it, and the near misses around it (cut, padded, recased, run on)."""
    return [
        text,
        text.upper(),
        text.lower(),
        f"{text}...",
        f"{text} .",
        f"ok {text}",
        f"{text} ok",
        f"{SENDER} {text}",
        f"{text}\nmore words",
        f"more words\n{text}",
        text[:4],
        text[-4:],
        f"{text[:4]} x",
        f"x {text[-4:]}",
        f"{text})",
        f"{text} :)",
        f"poll {text}",
        f"POLL:{text}",
        f"Poll: {text}\n    - a",
    ]


def _bodies() -> list[str]:
    bodies = ["ok", "ok.", "ok..", "o", "this", "you ", "a)", "x:", "<x>", "x >", "see https://x.y", "poll", SENDER]
    for phrase in phrase_book().phrases:
        text = phrase.text
        for placeholder, value in FILLS.items():
            text = text.replace("{" + placeholder + "}", value)
        bodies += _variants(text)
    return [body for body in bodies if body.strip()]


def test_the_gate_lets_through_only_what_the_full_reading_leaves_as_plain_words():
    # Every phrase of every language, and its near misses, as a sender's words: the gate at the top of `_interpret`
    # that lets plain words skip the full reading must never let through a body the full reading reads otherwise.
    book = phrase_book()
    bodies = [body.strip() for body in _bodies()]
    differing = []
    for body in bodies:
        first, _, after = body.partition("\n")
        if _interpret(body, SENDER, False, book) != _interpret_in_full(body, first, after, SENDER, False, book):
            differing.append(body)
    assert differing == []
    # The corpus reaches both sides of the gate: plain words and bodies the full reading reads as something else.
    kinds = [_interpret(body, SENDER, False, book)[0] for body in bodies]
    assert 100 < kinds.count("text") < len(kinds) - 100


def test_every_body_parses_as_interpret_reads_it():
    # The same bodies through the whole parser: each message is what `_interpret` makes of its body.
    bodies = _bodies()
    lines = []
    for index, body in enumerate(bodies):
        first, *more = body.split("\n")
        lines += [f"16/11/2026, {9 + index // 3600 % 10:02d}:{index // 60 % 60:02d} - {SENDER}: {first}", *more]
    messages = parse_chat_export("\n".join(lines) + "\n", chat_name="Phrases", tz=NAIROBI, now=NOW).messages
    assert len(messages) == len(bodies)
    book = phrase_book()
    differing = [
        (body, (message.kind, message.text, message.caption, message.media, message.event))
        for body, message in zip(bodies, messages, strict=True)
        if (message.kind, message.text, message.caption, message.media, message.event)
        != _interpret(body.strip(), SENDER, False, book)
    ]
    assert differing == []
    assert {message.kind for message in messages} >= {"text", "system", "media_omitted", "deleted"}


def _header_lines() -> list[str]:
    """Header lines in the plain shapes and every near miss of them that another alternative reads otherwise."""
    dates = ["16/11/2026", "6/1/26", "16.11.26", "16-11-2026", "16. 11. 2026", "2026/11/16", "16/11/202", "16/11/26 BE"]
    dates += ["١٦/١١/٢٠٢٦", "3/18/R4", "12.05.20 г."]
    joins = [", ", " ", ", à ", "، ", ",\t"]
    times = ["09:15", "9:15", "09:15:42", "9.15", "09:15 PM", "9:15 pm", "09:15\u202fPM", "9:15 p. m.", "14:05 ч."]
    times += ["午後9:15", "09:15:42 AM", "٠٩:١٥"]
    lines = []
    for date, join, time in itertools.product(dates, joins, times):
        stamp = f"{date}{join}{time}"
        lines += [f"{stamp} - {SENDER}: hi", f"{stamp} \u2013 {SENDER}: hi", f"{stamp}: {SENDER}: hi"]
        lines += [f"[{stamp}] {SENDER}: hi", f"[{stamp}]\t{SENDER}: hi", f"[{stamp}]{SENDER}: hi", f"[{stamp}] "]
        lines += [f"[{time}, {date}] {SENDER}: hi", f"{stamp} - ", f"{stamp} -{SENDER}: hi"]
    return lines


def _read(pattern: re.Pattern[str], fields: dict[int, tuple[str, tuple[int, ...]]], line: str) -> tuple | None:
    match = pattern.match("\n" + line)
    if match is None:
        return None
    layout, numbers = fields[match.lastindex]
    return layout, match.span(), match.group(*numbers)


def test_plain_header_alternatives_read_every_line_as_the_general_ones_do():
    general = re.compile(
        "\n(?:" + "|".join(_within_lines(index, pattern) for index, (_, pattern) in enumerate(_ALL_LAYOUTS)) + ")"
    )
    general_fields = {
        general.groupindex[f"rest_{index}"]: (layout, tuple(general.groupindex[f"{name}_{index}"] for name in _FIELDS))
        for index, (layout, _) in enumerate(_ALL_LAYOUTS)
    }
    every_line, every_field = _all_header_lines()
    plain_groups = {every_line.groupindex[f"rest_plain{index}"] for index in range(len(_PLAIN_LAYOUTS))}
    # The 12-hour markers shipped today cannot open where a plain header has a digit, a space, "-" or "]".
    assert len(_PLAIN_LAYOUTS) == 2
    read_plainly = 0
    for line in _header_lines():
        assert _read(every_line, every_field, line) == _read(general, general_fields, line), line
        match = every_line.match("\n" + line)
        read_plainly += match is not None and match.lastindex in plain_groups
    assert read_plainly >= 30


def test_a_send_times_first_message_and_its_repeats_count_their_ordinals():
    text = (
        f"16/11/2026, 09:15 - {SENDER}: Asante\n"
        f"16/11/2026, 09:15 - {SENDER}: Asante\n"
        "16/11/2026, 09:15 - Juma: Asante\n"
        f"16/11/2026, 09:16 - {SENDER}: Asante\n"
        # The clock went back a minute (a merged export): the send time is still remembered, its count goes on.
        f"16/11/2026, 09:15 - {SENDER}: Asante\n"
    )
    messages = parse_chat_export(text, chat_name="Bakery", tz=NAIROBI, now=NOW).messages
    chat_id = stable_id("Bakery", prefix="chat_")
    expected = [
        ("2026-11-16T06:15:00+00:00", SENDER, 0),
        ("2026-11-16T06:15:00+00:00", SENDER, 1),
        ("2026-11-16T06:15:00+00:00", "Juma", 0),
        ("2026-11-16T06:16:00+00:00", SENDER, 0),
        ("2026-11-16T06:15:00+00:00", SENDER, 2),
    ]
    assert [m.message_id for m in messages] == [
        stable_id(chat_id, utc, sender, "Asante", ordinal, prefix="exp_") for utc, sender, ordinal in expected
    ]


@pytest.mark.parametrize("block_chars", [1, 7, 64, 1000])
def test_blocks_of_any_size_give_the_same_messages(monkeypatch, block_chars):
    lines = []
    for index in range(40):
        lines.append(f"16/11/2026, 09:{index:02d} - {SENDER}: line {index} <attached: {index}.jpg>" * (index % 3 == 0))
        lines.append(f"[16/11/2026, 10:{index:02d}:0{index % 10}] Juma: words\n\u200emore words\n")
        lines.append(f"16/11/2026, 11:{index:02d} - Juma: {'long ' * index}\nnext line\r\nand one more")
    text = "opening line\n" + "\n".join(line for line in lines if line) + "\n\x07 control\n"
    whole = parse_chat_export(text, chat_name="Blocks", tz=NAIROBI, now=NOW)
    monkeypatch.setattr(chat_export, "_BLOCK_CHARS", block_chars)
    cut = parse_chat_export(text, chat_name="Blocks", tz=NAIROBI, now=NOW)
    assert [m.__dict__ for m in cut.messages] == [m.__dict__ for m in whole.messages]
    assert cut.errors == whole.errors
    assert len(whole.messages) > 40 and whole.errors


@pytest.mark.parametrize("block_chars", [64, 1 << 18])
def test_blocks_whose_only_marks_are_spaces_read_as_line_by_line(monkeypatch, block_chars):
    # Android 13+ writes U+202F before every "PM"; people type U+00A0 and U+2007 into their words. Such a block is
    # searched whole with those spaces made plain; here the same export read a line at a time must agree.
    lines = []
    for index in range(30):
        lines.append(f"11/16/26, {index % 12 + 1}:{index:02d}\u202fPM - {SENDER}: bei gani\u00a0? {index}")
        lines.append(f"11/16/26, {index % 12 + 1}:{index:02d}\u202fAM - Juma: sawa\nline\u2007two\n\u00a0 three")
        lines.append(f"11/16/26, 3:{index:02d}\u00a0PM - Juma: <Media omitted>")
    text = "11/16/26, 1:00\u202fAM - Messages and calls are end-to-end encrypted.\n" + "\n".join(lines) + "\n"
    monkeypatch.setattr(chat_export, "_BLOCK_CHARS", block_chars)
    whole = parse_chat_export(text, chat_name="Spaces", tz=NAIROBI, now=NOW)
    # A pattern every block holds sends each block down the line-by-line reading.
    monkeypatch.setattr(chat_export, "_DROPPED_MARKS", re.compile("\n"))
    by_line = parse_chat_export(text, chat_name="Spaces", tz=NAIROBI, now=NOW)
    assert [m.__dict__ for m in whole.messages] == [m.__dict__ for m in by_line.messages]
    assert whole.errors == by_line.errors == []
    second = whole.messages[2]
    assert "\u202f" in second.raw and second.text == "sawa\nline two\n  three"
    assert whole.messages[1].text == "bei gani ? 0" and len(whole.messages) == 91


def test_the_first_pass_counts_headers_days_and_lines_past_lines_that_go_on_a_message():
    text = (
        "a line before any header\n"
        "16/11/2026, 09:15 - Amina Njeri: one\n"
        "goes on\n"
        "16/11/2026, 09:16 - Juma: two\n"
        "2 loaves, not a header\n"
        "[also not a header\n"
        "\n"
        "16/11/2026, 09:17 - Juma: three\n"
        "17/11/2026, 08:00 - Amina Njeri: four\n"
        "goes on\n"
        "and on\n"
        "17/11/2026, 08:01 - Juma: five\n"
        "18/11/2026, 07:00 - Juma: six\n"
        "last words"
    )
    reader = ExportReader(lambda: io.StringIO(text, newline=""), chat_name="Scan", tz=NAIROBI, now=NOW)
    scan = reader.scan
    assert dict(scan.layout_counts) == {("android", "/"): 6}
    assert scan.line_count == 14
    assert scan.date_starts == {("android", "/"): [2, 9, 13]}
    assert scan.runs == {("android", "/"): [("16", "11", "2026"), ("17", "11", "2026"), ("18", "11", "2026")]}
    assert [error.line_number for error in reader.errors] == []
    assert [m.text for m in reader.messages()] == [
        "one\ngoes on",
        "two\n2 loaves, not a header\n[also not a header",
        "three",
        "four\ngoes on\nand on",
        "five",
        "six\nlast words",
    ]
    assert [error.line_number for error in reader.errors] == [1]
