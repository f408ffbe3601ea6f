"""An export's messages as one Arrow table, read a column at a time where the file allows (see `export_table`)."""

from __future__ import annotations

import binascii
import functools
import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from wa_pipeline.message import (
    EARLIEST_SENT_AT,
    FUTURE_TOLERANCE,
    MESSAGE_TABLE_SCHEMA,
    MediaRef,
    has_unsafe_characters,
    landing_window_problem,
    stable_id,
)
from wa_pipeline.message_frame import messages_to_table
from wa_pipeline.whatsapp import chat_export as ce
from wa_pipeline.whatsapp.export_phrases import _KEY, _NOTICE_KEY, normalise, phrase_book

if TYPE_CHECKING:
    from wa_pipeline.whatsapp.chat_export import ExportReader

# The plain Android header ("16/11/2026, 09:15 - "), up to its rest of line: `_PLAIN_LAYOUTS`' own pattern, so a line
# this finds is one the reader's search finds with the very same fields.
_PLAIN_SOURCE = dict(ce._PLAIN_LAYOUTS).get(ce.ANDROID)
_PLAIN_PREFIX = None if _PLAIN_SOURCE is None else "^" + _PLAIN_SOURCE.removesuffix("(?P<rest>[^\\n]*)")
_PLAIN = None if _PLAIN_SOURCE is None else re.compile(_PLAIN_SOURCE)
# What a header's first byte can be (see `_HEADER_START`, whose \d takes any script's digits): a wider net, each line
# it holds read by the reader's own pattern.
_MAYBE_HEADER = np.zeros(256, dtype=bool)
_MAYBE_HEADER[[*b"[0123456789MTSHR", *range(128, 256)]] = True
# What str.strip() drops from an ASCII text (those of them `normalise_text` would replace never reach here).
_STRIPPED = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
_WHITE = np.zeros(256, dtype=bool)
_WHITE[[ord(c) for c in _STRIPPED]] = True
_DOT = np.zeros(256, dtype=bool)
_DOT[ord(".")] = True
_SPACE_DOT = np.zeros(256, dtype=bool)
_SPACE_DOT[[ord(" "), ord(".")]] = True
_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[ord("A") : ord("Z") + 1] += 32
_POLL = np.frombuffer(b"POLL:", dtype=np.uint8)
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[list(b"0123456789")] = True
_SEPARATOR = np.zeros(256, dtype=bool)
_SEPARATOR[list(b"/.-")] = True


# The bytes of "dd/mm/yyyy, hh:mm - " that are no digits, by place: the date's two separators, then the rest.
_SEPARATOR_PLACES = (2, 5)
_MARK_PLACES = np.array([10, 11, 14, 17, 18, 19])
_MARKS = np.frombuffer(b", : - ", dtype=np.uint8)
# Where a fixed header's digits are, in pairs: day, month, the year's two halves, hour, minute.
_DIGITS = np.array([0, 1, 3, 4, 6, 7, 8, 9, 12, 13, 15, 16])
_EPOCH_ORDINAL = datetime(1970, 1, 1).toordinal()
_SECOND = timedelta(seconds=1)
_MAX_BYTES = 2**31 - 1
_NO_MEDIA = MediaRef()


def export_table(reader: ExportReader) -> pa.Table:
    """The reader's messages as a table of `MESSAGE_TABLE_SCHEMA`, equal to `messages_to_table(reader.messages())`,
    with the same lines reported to `reader.errors`."""
    table = _columns(reader)
    return messages_to_table(reader.messages()) if table is None else table


def _gather(data: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> pa.Array:
    """The strings data[lo[i]:hi[i]] (cut at character boundaries, in order, none overlapping the next) as one Arrow
    array: the text cut at every bound, the ranges and the gaps between them taking turns, then every other one."""
    bounds = np.empty(2 * len(lo) + 1, dtype=np.int32)
    bounds[0:-1:2] = lo
    bounds[1::2] = hi
    bounds[-1] = hi[-1] if len(hi) else 0
    # (The gap after the last range is empty: the text is cut there.)
    pieces = pa.StringArray.from_buffers(2 * len(lo), pa.py_buffer(bounds), pa.py_buffer(data))
    return pieces.take(pa.array(np.arange(0, 2 * len(lo), 2, dtype=np.int32)))


def _trim(
    data: np.ndarray, lo: np.ndarray, hi: np.ndarray, dropped: np.ndarray, *, left: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """[lo, hi) of each range less the bytes `dropped` marks at its ends (at its end only, without `left`)."""
    lo, hi = lo.copy(), hi.copy()
    if left:
        active = np.flatnonzero(lo < hi)
        while active.size:
            active = active[dropped[data[lo[active]]]]
            lo[active] += 1
            active = active[lo[active] < hi[active]]
    active = np.flatnonzero(lo < hi)
    while active.size:
        active = active[dropped[data[hi[active] - 1]]]
        hi[active] -= 1
        active = active[lo[active] < hi[active]]
    return lo, hi


def _named_at(
    data: np.ndarray,
    at: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    names: np.ndarray,
    name_index: np.ndarray,
    width: np.ndarray,
) -> np.ndarray:
    """Whether each row's own name (`names[name_index]`, `width` bytes, none for an empty one) is written at `at`
    inside [lo, hi), every row at once whoever it names."""
    found = (width > 0) & (at >= lo) & (at + width <= hi)
    where = np.flatnonzero(found)
    # (Most places differ at once: only those whose first byte is the name's are read on.)
    opens = data[at[where]] == names[name_index[where], 0]
    found[where[~opens]] = False
    where = where[opens]
    if where.size:
        place = np.arange(names.shape[1])
        # (Past a name's end the bytes read are any: they are not compared.)
        read = data[np.minimum(at[where][:, None] + place, len(data) - 1)]
        found[where] = ((read == names[name_index[where]]) | (place >= width[where][:, None])).all(axis=1)
    return found


def _code(window: np.ndarray, length: np.ndarray, *, tail: bool = False) -> np.ndarray:
    """The first (or, with `tail`, last) `_KEY` bytes of each key as one number, its length counted in (a shorter key
    whole)."""
    size = np.minimum(length, _KEY)
    kept = np.array(window, dtype=np.uint8, order="C")
    short = np.flatnonzero(size < _KEY)
    if short.size:
        place = np.arange(_KEY)
        inside = place >= _KEY - size[short, None] if tail else place < size[short, None]
        kept[short] = np.where(inside, kept[short], 0)
    return kept.view(np.uint32).ravel().astype(np.int64) * 8 + size


def _codes(keys: frozenset[str], *, tail: bool = False) -> np.ndarray:
    """`_code` of each ASCII key of a set (no ASCII text holds the others)."""
    codes = []
    for key in keys:
        if key.isascii() and len(key) <= _KEY:
            raw = np.frombuffer(key.encode(), np.uint8)
            window = np.zeros((1, _KEY), dtype=np.uint8)
            if tail:
                window[0, _KEY - len(raw) :] = raw
            else:
                window[0, : len(raw)] = raw
            codes.append(_code(window, np.array([len(raw)]), tail=tail)[0])
    return np.unique(np.array(codes, dtype=np.int64))


def _among(values: np.ndarray, known: np.ndarray) -> np.ndarray:
    """np.isin(values, known) for `known` sorted, by binary search (np.isin sorts the values too, ~4x the time)."""
    if not known.size:
        return np.zeros(len(values), dtype=bool)
    return known[np.minimum(np.searchsorted(known, values), known.size - 1)] == values


# Texts `_matching` reads at a time as one.
_RUN = 8


def _matching(texts: pa.Array, pattern: str) -> np.ndarray:
    """pc.match_substring_regex(texts, pattern, ignore_case=True) of texts laid end to end (as `_gather` lays them),
    for a pattern with no anchor: the kernel's cost is mostly a call a text, so it reads `_RUN` texts at a time as one,
    and again one by one only the texts of a run it finds something in (perhaps across two of them)."""
    count = len(texts)
    if not count:
        return np.zeros(0, dtype=bool)
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32)[texts.offset : texts.offset + count + 1]
    bounds = offsets[np.append(np.arange(0, count, _RUN), count)].astype(np.int32)
    runs = pa.StringArray.from_buffers(len(bounds) - 1, pa.py_buffer(bounds), texts.buffers()[2])
    found_runs = np.flatnonzero(_flags(pc.match_substring_regex(runs, pattern, ignore_case=True)))
    found = np.zeros(count, dtype=bool)
    if found_runs.size:
        rows = (found_runs[:, None] * _RUN + np.arange(_RUN)).ravel()
        rows = rows[rows < count]
        found[rows] = _flags(pc.match_substring_regex(texts.take(pa.array(rows)), pattern, ignore_case=True))
    return found


def _unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_inverse=True) of values that come in runs (a chat's dates): each run sorted once."""
    if not values.size:
        return values, values
    opens = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    unique, inverse = np.unique(values[opens], return_inverse=True)
    return unique, np.repeat(inverse.ravel(), np.diff(np.append(opens, len(values))))


def _line_bounds(data: np.ndarray, newlines: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    if newlines is None:
        newlines = np.flatnonzero(data == 10)
    return np.concatenate(([0], newlines + 1)), np.concatenate((newlines, [len(data)]))


def _columns(reader: ExportReader) -> pa.Table | None:
    """The table read a column at a time, or None where the file is not of the one shape this reads: a single plain
    Android layout, nothing to drop or normalise, no day whose UTC offset changes, send times the reader's counter of
    equal messages remembers. Nothing is reported until the whole table is built."""
    layouts = reader.layout_counts
    key = next(iter(layouts))
    if (
        _PLAIN is None
        or reader._range != (1, None)
        or len(layouts) != 1
        or key[0] != ce.ANDROID
        or reader._markerless
        or reader.scan.voice is not None
        or has_unsafe_characters(reader.chat_name)
    ):
        return None
    handle = reader._open()
    try:
        read = getattr(handle, "read", None)
        if read is None:
            return None
        text = read()
    finally:
        close = getattr(handle, "close", None)
        if close is not None:
            close()
    if len(text) >= _MAX_BYTES:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A last line ending ends the last line, as `_texts` reads it: it opens no empty line.
    text = text.removesuffix("\n")
    if not text:
        return None
    clean = text
    newlines = None
    if text.isascii():
        raw_bytes = clean_bytes = text.encode()
        raw = data = np.frombuffer(raw_bytes, dtype=np.uint8)
        # The control characters, the newlines among them, found in one pass: any but a tab or a newline (or DEL)
        # makes the text unsafe.
        control = np.flatnonzero(data < 32)
        control_bytes = data[control]
        if "\x7f" in text or ((control_bytes != 10) & (control_bytes != 9)).any():
            return None
        newlines = control[control_bytes == 10]
    else:
        if ce._DROPPED_MARKS.search(text) or has_unsafe_characters(text):
            return None
        for space in ce._SPACES:
            if space in clean:
                clean = clean.replace(space, " ")
        raw_bytes, clean_bytes = text.encode(), clean.encode()
        raw, data = np.frombuffer(raw_bytes, dtype=np.uint8), np.frombuffer(clean_bytes, dtype=np.uint8)
    if len(raw_bytes) >= _MAX_BYTES or len(clean_bytes) >= _MAX_BYTES:
        return None
    starts, ends = _line_bounds(data, newlines)
    raw_starts, raw_ends = (starts, ends) if raw is data else _line_bounds(raw)
    count = len(starts)
    offsets = np.append(starts, len(data)).astype(np.int32)
    # Each line with the newline that ends it: the patterns read from the line's start only.
    lines = pa.StringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(clean_bytes))
    # The plain headers: most written "dd/mm/yyyy, hh:mm - " (digits, a separator at 2 and 5, ", " at 10, ":" at 14,
    # " - " at 17), read in place, each test on the lines the ones before let through; any other line opening with a
    # digit is searched with the plain pattern.
    fixed_rows = np.flatnonzero(ends - starts >= 20)
    # (Each such line's first 20 bytes copied out of a view of the text, a row at a time, and tested together.)
    heads = (
        np.lib.stride_tricks.sliding_window_view(data, 20)[starts[fixed_rows]]
        if fixed_rows.size
        else np.zeros((0, 20), dtype=np.uint8)
    )
    passed = ((heads[:, _DIGITS] - np.uint8(48)) < 10).all(axis=1) & (heads[:, _MARK_PLACES] == _MARKS).all(axis=1)
    for place in _SEPARATOR_PLACES:
        passed &= _SEPARATOR[heads[:, place]]
    fixed_rows, heads = fixed_rows[passed], heads[passed]
    fixed = np.zeros(count, dtype=bool)
    fixed[fixed_rows] = True
    first_byte = data[np.minimum(starts, len(data) - 1)] * (starts < ends)
    other = np.flatnonzero(_DIGIT[first_byte] & ~fixed)
    plain = fixed.copy()
    plain[other] = _flags(pc.match_substring_regex(lines.take(pa.array(other)), _PLAIN_PREFIX))
    # A line the plain header misses is a header if the reader's own search says so: then the file is not plain.
    header_lines, fields = (
        ce._all_header_lines() if key[0] == ce.IOS_SHORT else (ce._HEADER_LINES_NO_SHORT, ce._LAYOUT_FIELDS_NO_SHORT)
    )
    maybe = _MAYBE_HEADER[first_byte] & (starts < ends) & ~plain
    for index in np.flatnonzero(maybe):
        line = clean_bytes[starts[index] : ends[index]].decode()
        match = header_lines.match("\n" + line)
        if match is not None:
            layout, names = fields[match.lastindex]
            if layout == key[0] and match.group(names[8])[0] == key[1]:
                return None
    candidates = np.flatnonzero(plain)
    fixed = fixed[candidates]
    separator = ord(key[1])
    day_keys: dict[tuple[str, str, str], int] = {}
    dates: list[tuple[str, str, str]] = []
    # (The plain lines read in place are `fixed_rows`, in order, their first bytes `heads`.)
    keep_fixed = heads[:, 2] == separator
    rows_fixed, heads = fixed_rows[keep_fixed], heads[keep_fixed]
    digit = heads[:, _DIGITS] - np.uint8(48)
    two = digit[:, 0::2].astype(np.int64) * 10 + digit[:, 1::2]
    code = (two[:, 0] * 100 + two[:, 1]) * 10000 + two[:, 2] * 100 + two[:, 3]
    unique_codes, date_fixed = _unique(code)
    for value in unique_codes.tolist():
        numbers = (f"{value // 1_000_000:02d}", f"{value // 10_000 % 100:02d}", f"{value % 10_000:04d}")
        day_keys[numbers] = len(dates)
        dates.append(numbers)
    hour_fixed, minute_fixed = two[:, 4], two[:, 5]
    rest_fixed = starts[rows_fixed] + 20
    other_rows, other_date, other_hour, other_minute, other_rest = [], [], [], [], []
    for index in candidates[~fixed].tolist():
        line = clean_bytes[starts[index] : ends[index]].decode()
        match = _PLAIN.match(line)
        d1, sep, d2, d3, hh, mm = match.group("d1", "sep", "d2", "d3", "hh", "mm")
        if sep[0] != key[1]:
            continue
        numbers = (d1, d2, d3)
        if numbers not in day_keys:
            day_keys[numbers] = len(dates)
            dates.append(numbers)
        other_rows.append(index)
        other_date.append(day_keys[numbers])
        other_hour.append(int(hh))
        other_minute.append(int(mm))
        # (A plain header is ASCII up to its rest: its characters are its bytes.)
        other_rest.append(starts[index] + match.start("rest"))
    rows = np.concatenate((rows_fixed, np.array(other_rows, dtype=np.int64)))
    order = np.argsort(rows, kind="stable")
    rows = rows[order]
    if not rows.size:
        return None
    date_index = np.concatenate((date_fixed.ravel(), np.array(other_date, dtype=np.int64)))[order]
    hour = np.concatenate((hour_fixed, np.array(other_hour, dtype=np.int64)))[order]
    minute = np.concatenate((minute_fixed, np.array(other_minute, dtype=np.int64)))[order]
    rest_start = np.concatenate((rest_fixed, np.array(other_rest, dtype=np.int64)))[order]
    # Each date read once: its day number since 1970 and its zone offset in seconds, or why it cannot be read.
    day_number = np.zeros(len(dates), dtype=np.int64)
    offset = np.zeros(len(dates), dtype=np.int64)
    readable = np.ones(len(dates), dtype=bool)
    for index, (d1, d2, d3) in enumerate(dates):
        try:
            day, zone = reader._day(key, d1, d2, d3)
        except ValueError:
            readable[index] = False
            continue
        if zone is None or zone % _SECOND:
            # A day the clock changes on reads a time by the message before it: the reader's own walk.
            return None
        day_number[index] = day.toordinal() - _EPOCH_ORDINAL
        offset[index] = zone // _SECOND
    sent = day_number[date_index] * 86400 + hour * 3600 + minute * 60 - offset[date_index]
    possible = readable[date_index] & (hour < 24) & (minute < 60)
    earliest = int((EARLIEST_SENT_AT - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1))
    latest = int((reader.now + FUTURE_TOLERANCE - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1))
    micros = sent * 1_000_000
    inside = possible & (micros >= earliest) & (micros <= latest)
    # Each message's last line: the line before the next header, whether or not that header is read.
    last = np.append(rows[1:] - 1, count - 1)
    problems: list[tuple[int, str, str]] = []
    for index in np.flatnonzero(~inside).tolist():
        line = int(rows[index])
        header = raw_bytes[raw_starts[line] : raw_ends[line]].decode()
        d1, d2, d3 = dates[date_index[index]]
        if possible[index]:
            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=int(sent[index]))
            problems.append((line + 1, landing_window_problem(moment, reader.now), header))
            continue
        stamp = (d1, d2, d3, str(hour[index]), f"{minute[index]:02d}", None, None)
        try:
            reader._moment(key, stamp)
        except ValueError as exc:
            problems.append((line + 1, f"impossible date or time ({exc})", header))
            continue
        return None
    kept = np.flatnonzero(inside)
    rows, last, rest_start, sent = rows[kept], last[kept], rest_start[kept], sent[kept]
    line_end = ends[rows]
    message_end = ends[last]
    # The sender: the rest up to its first colon, when a space or the line's end follows it (any other rest is read
    # in Python).
    colons = np.flatnonzero(data == ord(":"))
    found = np.searchsorted(colons, rest_start)
    colon = colons[np.minimum(found, len(colons) - 1)] if len(colons) else np.full(len(rows), -1)
    has_colon = (found < len(colons)) & (colon < line_end)
    width = colon - rest_start
    after = np.minimum(colon + 1, len(data) - 1)
    spaced = has_colon & (colon + 1 < line_end) & (data[after] == ord(" "))
    closing = has_colon & (colon + 1 == line_end)
    named = (width >= 1) & (width <= 80) & (spaced | closing)
    candidate = np.flatnonzero(named)
    head_end = np.where(spaced, colon + 2, colon + 1)[candidate]
    heads = pc.dictionary_encode(_gather(data, rest_start[candidate], head_end))
    book = phrase_book()
    senders: list[str | None] = []
    for head in heads.dictionary.to_pylist():
        said = reader._sender(head, book.cut_at_colon)
        senders.append(said[0] if said is not None and not said[1] else None)
    head_index = heads.indices.to_numpy()
    sure = np.array([name is not None for name in senders], dtype=bool)[head_index]
    candidate, head_index, head_end = candidate[sure], head_index[sure], head_end[sure]
    # Its words: ASCII, not a forwarded message's (which Python reads), stripped as str.strip() strips them.
    body_start = np.minimum(head_end, line_end[candidate])
    keep = data[np.minimum(body_start, len(data) - 1)] != ord("[")
    if not text.isascii():
        wide = np.concatenate(([0], np.cumsum(data >= 128, dtype=np.int64)))
        keep &= wide[message_end[candidate]] == wide[body_start]
    candidate, head_index, body_start = candidate[keep], head_index[keep], body_start[keep]
    lo, hi = _trim(data, body_start, message_end[candidate], _WHITE)
    body = _gather(data, lo, hi)
    first_end = np.minimum(hi, ends[np.minimum(np.searchsorted(ends, lo), count - 1)])
    # `_interpret`'s key of the first line (stripped, lower case, less a closing full stop), as its bounds.
    _, key_end = _trim(data, lo, first_end, _WHITE, left=False)
    _, key_end = _trim(data, lo, key_end, _DOT, left=False)
    _, key_end = _trim(data, lo, key_end, _WHITE, left=False)
    key_length = key_end - lo
    # `_interpret`'s test for a sender's plain words, column by column; a row it does not pass is read in Python.
    # One search of the bodies finds every row whose body holds what its first line must not ("<", ") ", a link's
    # "://") or any of the book's ASCII phrases that may stand anywhere in a line, and a file's closing ">" is read in
    # place: a wider net (the body holds the first line), each row it holds read in Python.
    anywhere = sorted(book.ascii_anywhere) if book.anywhere_literals is not None and book.ascii_anywhere else []
    net = "|".join([r"://", r"<", r"\) ", *(re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", lit) for lit in anywhere)])
    doubt = _matching(body, net) | ((hi > lo) & (data[np.maximum(hi - 1, 0)] == ord(">")))
    last_first = data[np.maximum(first_end - 1, 0)]
    doubt |= (first_end == lo) | (last_first == ord(":")) | (last_first == ord(")"))
    doubt |= (
        (data[np.minimum(lo, len(data) - 1)] == ord("~"))
        & (first_end - lo >= 2)
        & _WHITE[data[np.minimum(lo + 1, len(data) - 1)]]
    )
    opening = _LOWER[data[np.minimum(lo[:, None] + np.arange(_KEY), len(data) - 1)]]
    doubt |= (key_length >= 4) & (opening == np.frombuffer(b"poll", np.uint8)).all(axis=1)
    # The key's first and last `_KEY` characters, as numbers, against the book's free openings and endings.
    exact, notices, free_starts, free_openings, free_ends = _book_keys(book)
    starts_free = _among(_code(opening, key_length), free_openings)
    closing = _LOWER[data[np.maximum(key_end[:, None] - _KEY + np.arange(_KEY), 0)]]
    ends_free = _among(_code(closing, key_length, tail=True), free_ends)
    doubt |= ends_free
    # The sender named at the start of the first line or near its end (or, below, at the end of it less its closing
    # spaces and full stops): each sender's rows at once.
    _, bare_end = _trim(data, lo, first_end, _SPACE_DOT, left=False)
    spelled = [b"" if name is None else name.encode() for name in senders]
    names = np.zeros((len(spelled), max(map(len, spelled), default=0) + 1), dtype=np.uint8)
    for index, name in enumerate(spelled):
        names[index, : len(name)] = np.frombuffer(name, np.uint8)
    width = np.array([len(name) for name in spelled], dtype=np.int64)[head_index]
    doubt |= width == 0
    doubt |= _named_at(data, lo, lo, first_end, names, head_index, width)
    for back in (0, 1, 2):
        doubt |= _named_at(data, first_end - width - back, lo, first_end, names, head_index, width)
    subject = _named_at(data, bare_end - width, lo, first_end, names, head_index, width)
    # A line opening with one of the book's free openings (and nothing else to doubt) is one `PhraseBook.find` turns
    # away unless it is an exact line, a notice, or a line the book's patterns may match (by its opening: its
    # closing and the phrases that may stand anywhere were doubted above); the rest are plain words after all.
    lookup = np.flatnonzero(starts_free & ~doubt)
    if lookup.size:
        keys = pc.ascii_lower(_gather(data, lo[lookup], key_end[lookup]))
        doubt[lookup] = (
            subject[lookup]
            | _flags(pc.is_in(keys, exact))
            | _flags(pc.is_in(pc.utf8_slice_codeunits(keys, 0, _NOTICE_KEY), notices))
            | _among(_code(opening[lookup], key_length[lookup]), free_starts)
        )
    # A file Android attached, alone on the message's one line ("IMG-….jpg (file attached)"), as `_attachment` reads
    # it with `_ANDROID_ATTACHED` (in ASCII: the words of the last brackets, closing the line after a space): no "<",
    # no poll's opening, and those words one of the book's. Its rows' bytes are looked at on their own.
    attached = np.flatnonzero(doubt & (first_end == hi) & (hi > lo) & (data[np.maximum(hi - 1, 0)] == ord(")")))
    size = (hi - lo)[attached]
    end = np.cumsum(size)
    begin = end - size
    own = data[np.arange(int(end[-1]) if size.size else 0) - np.repeat(begin - lo[attached], size)]
    lt, opens, closes = (np.flatnonzero(own == ord(mark)) for mark in "<()")
    brackets = opens[np.maximum(np.searchsorted(opens, end) - 1, 0)] if opens.size else np.full(size.size, -1)
    word = end - 1 - (brackets + 1)
    _, run_start = _trim(own, begin, np.maximum(brackets, begin), _WHITE, left=False)
    plain_file = (
        (np.searchsorted(lt, end) == np.searchsorted(lt, begin))
        & ~((size >= 5) & (own[np.minimum(begin[:, None] + np.arange(5), len(own) - 1)] == _POLL).all(axis=1))
        & (brackets >= begin)
        & (brackets < end)
        & (np.searchsorted(closes, end - 1) == np.searchsorted(closes, brackets + 1))
        & (word >= 1)
        & (word <= 60)
        & (run_start < brackets)
        & (run_start > begin)
    )
    attached, begin, end, brackets, run_start = (
        values[plain_file] for values in (attached, begin, end, brackets, run_start)
    )
    words = pc.dictionary_encode(_gather(own, brackets + 1, end - 1))
    said_words = np.array(
        [normalise(word) in book.file_attached_words for word in words.dictionary.to_pylist()], dtype=bool
    )
    known = said_words[words.indices.to_numpy()] if attached.size else np.zeros(0, dtype=bool)
    attached = attached[known]
    files = _gather(own, begin[known], run_start[known])
    text_rows = np.flatnonzero(~doubt)
    fast = np.concatenate((candidate[text_rows], candidate[attached]))
    fast_body = body.take(pa.array(np.concatenate((text_rows, attached))))
    # Each file's kind by its extension, as `kind_for_filename` judges it (one look per extension; a name with no
    # extension, or a sticker's, by its whole name).
    extension = pc.utf8_lower(pc.extract_regex(files, r"\.(?P<extension>[^.]*)$").field("extension")).fill_null("")
    extensions = pc.dictionary_encode(extension)
    kind_of = [ce.kind_for_filename(f"x.{name}") for name in extensions.dictionary.to_pylist()]
    kinds = np.array(kind_of + [""], dtype=object)[extensions.indices.to_numpy(zero_copy_only=False)]
    whole = np.flatnonzero(_flags(pc.is_in(extension, pa.array(["", "webp"]))))
    if whole.size:
        kinds[whole] = [ce.kind_for_filename(name) for name in files.take(pa.array(whole)).to_pylist()]
    fast_columns = {
        "sender_name": pa.array(senders, pa.string()).take(
            pa.array(np.concatenate((head_index[text_rows], head_index[attached])))
        ),
        "body": fast_body,
        "kind": pa.concat_arrays(
            [
                pa.repeat(pa.scalar("text"), len(text_rows)),
                pa.array(kinds, pa.string()),
            ]
        ),
        "text": pa.concat_arrays([fast_body.slice(0, len(text_rows)), pa.nulls(len(attached), pa.string())]),
        "media_filename": pa.concat_arrays([pa.nulls(len(text_rows), pa.string()), files]),
    }
    is_fast = np.zeros(len(rows), dtype=bool)
    is_fast[fast] = True
    slow = np.flatnonzero(~is_fast)
    # The rest, one message at a time, as the reader reads it.
    names: dict[str, tuple[str, bool] | None] = {}
    read_before: dict[tuple[str, str | None], tuple] = {}
    slow_values: list[tuple] = []
    slow_rows, slow_last = rows[slow].tolist(), last[slow].tolist()
    slow_rest, slow_line_end, slow_end = rest_start[slow].tolist(), line_end[slow].tolist(), message_end[slow].tolist()
    slow_next = starts[np.minimum(rows[slow] + 1, count - 1)].tolist()
    for line, end, rest_at, rest_end, more_at, message_stop in zip(
        slow_rows, slow_last, slow_rest, slow_line_end, slow_next, slow_end, strict=True
    ):
        rest = clean_bytes[rest_at:rest_end].decode()
        more = clean_bytes[more_at:message_stop].decode() if end > line else None
        said = read_before.get((rest, more))
        if said is None:
            # (An Android export's raw lines only matter to iOS's marks, which it has none of: the rest and the
            # continuation lines settle the reading.)
            raw_text = raw_bytes[int(raw_starts[line]) : int(raw_ends[end])].decode()
            sender, said_body, was_forwarded, (kind, said_text, caption, media, event), subjects = reader._read(
                key, rest, more, raw_text, False, True, names, book
            )
            media = media or _NO_MEDIA
            said = (
                sender,
                said_body,
                was_forwarded,
                kind,
                said_text,
                caption,
                media.sha256,
                media.mime,
                media.filename,
                media.bytes,
                media.remote_id,
                event,
                subjects,
            )
            if len(read_before) >= 4096:
                read_before.clear()
            read_before[(rest, more)] = said
        slow_values.append(said)
    before = [
        (index + 1, raw_bytes[raw_starts[index] : raw_ends[index]].decode())
        for index in range(int(rows[0]) if rows.size else 0)
    ]
    return _assemble(
        reader,
        rows=rows,
        fast=fast,
        slow=slow,
        fast_columns=fast_columns,
        slow_values=slow_values,
        sent=sent,
        raw=_gather(raw, raw_starts[rows], raw_ends[last]),
        problems=problems,
        before=before,
    )


_BOOK_KEYS: dict[int, tuple[object, tuple[pa.Array, pa.Array, np.ndarray, np.ndarray, np.ndarray]]] = {}


def _book_keys(book) -> tuple[pa.Array, pa.Array, np.ndarray, np.ndarray, np.ndarray]:
    """The book's exact lines and notices' openings as Arrow arrays, and `_code` of its free starts, openings and
    ends (sorted): made once a book."""
    held = _BOOK_KEYS.get(id(book))
    if held is None or held[0] is not book:
        keys = (
            pa.array(list(book.exact), pa.string()),
            pa.array(list(book.notices), pa.string()),
            _codes(book.free_starts),
            _codes(book.free_openings),
            _codes(book.free_ends, tail=True),
        )
        held = _BOOK_KEYS[id(book)] = (book, keys)
    return held[1]


def _flags(values: pa.Array) -> np.ndarray:
    return values.to_numpy(zero_copy_only=False)


_SLOW_FIELDS = (
    ("sender_name", pa.string()),
    ("body", pa.string()),
    ("forwarded", pa.bool_()),
    ("kind", pa.string()),
    ("text", pa.string()),
    ("caption", pa.string()),
    ("media_sha256", pa.string()),
    ("media_mime", pa.string()),
    ("media_filename", pa.string()),
    ("media_bytes", pa.int64()),
    ("media_remote_id", pa.string()),
    ("event", pa.string()),
    ("event_subjects", pa.string()),
)


@functools.cache
def _clock() -> np.ndarray:
    """The rest of `_iso_seconds`' text ("T09:15:00+00:00") for each second of a day, a row of bytes each."""
    seconds = np.arange(86400)
    text = np.tile(np.frombuffer(b"T00:00:00+00:00", np.uint8), (86400, 1))
    for place, value in ((1, seconds // 3600), (4, seconds // 60 % 60), (7, seconds % 60)):
        text[:, place] += (value // 10).astype(np.uint8)
        text[:, place + 1] += (value % 10).astype(np.uint8)
    return text


def _iso_seconds(seconds: np.ndarray) -> pa.Array:
    """datetime.isoformat() of each UTC second since 1970 ("2026-11-16T09:15:00+00:00"), each day's date written once."""
    days, into = np.divmod(seconds, 86400)
    unique_days, day_index = _unique(days)
    written = np.frombuffer(
        "".join(date.fromordinal(int(day) + _EPOCH_ORDINAL).isoformat() for day in unique_days).encode(), np.uint8
    ).reshape(-1, 10)
    text = np.empty((len(seconds), 25), dtype=np.uint8)
    text[:, :10] = written[day_index]
    text[:, 10:] = _clock()[into]
    return pa.StringArray.from_buffers(
        len(seconds),
        pa.py_buffer(np.arange(0, 25 * len(seconds) + 1, 25, dtype=np.int32)),
        pa.py_buffer(text.tobytes()),
    )


def _assemble(
    reader: ExportReader,
    *,
    rows: np.ndarray,
    fast: np.ndarray,
    slow: np.ndarray,
    fast_columns: dict[str, pa.Array],
    slow_values: list[tuple],
    sent: np.ndarray,
    raw: pa.Array,
    problems: list[tuple[int, str, str]],
    before: list[tuple[int, str]],
) -> pa.Table | None:
    """The table of the messages read column by column (`fast`) and one by one (`slow`), in file order; None where the
    reader's counter of equal messages would have forgotten a send time the table's count remembers."""
    count = len(rows)
    # Every column as the fast rows' values then the slow rows', put back in file order.
    # (The inverse of that order, which holds each row once: argsort's answer, without the sort.)
    place = np.empty(count, dtype=np.int64)
    place[np.concatenate((fast, slow))] = np.arange(count)
    place = pa.array(place)
    by_slow = list(zip(*slow_values, strict=True)) if slow_values else [()] * len(_SLOW_FIELDS)
    columns = {}
    spread: pa.Array | None = None
    for (name, kind), values in zip(_SLOW_FIELDS, by_slow, strict=True):
        head = fast_columns.get(name)
        if head is None:
            # Nothing read column by column: the slow rows' values where they are, if they have any.
            empty = False if name == "forwarded" else None
            if all(value is empty for value in values):
                columns[name] = (
                    pa.repeat(pa.scalar(empty, kind), count) if name == "forwarded" else pa.nulls(count, kind)
                )
                continue
            if spread is None:
                # Each row's place among the slow rows' values, or past their end (the empty value) for a fast row.
                among_slow = np.full(count, len(slow), dtype=np.int64)
                among_slow[slow] = np.arange(len(slow))
                spread = pa.array(among_slow)
            columns[name] = pa.array([*values, empty], kind).take(spread)
            continue
        columns[name] = pa.concat_arrays([head.cast(kind), pa.array(list(values), kind)]).take(place)
    sender, body = columns["sender_name"], columns["body"]
    # The ordinal of equal messages: how many with the same send time, sender and body came before, as the reader
    # counts them (which holds while it still remembers each send time when it comes again).
    if count and (sent[1:] >= sent[:-1]).all():
        # In order (most exports): each send time's messages come together, its number that of its run.
        moment = np.cumsum(np.concatenate(([False], sent[1:] != sent[:-1])))
    else:
        moments, first_seen, moment = np.unique(sent, return_index=True, return_inverse=True)
        moment = moment.ravel()
        rank = np.empty(len(moments), dtype=np.int64)
        rank[np.argsort(first_seen, kind="stable")] = np.arange(len(moments))
        opened = np.zeros(count, dtype=bool)
        opened[first_seen] = True
        if (rank[moment] < np.cumsum(opened) - ce._REMEMBERED_MOMENTS).any():
            return None
    senders = pc.dictionary_encode(sender)
    sender_code = senders.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    ordinal = np.zeros(count, dtype=np.int64)
    # Only messages sharing their send time and sender with another can be equal: their bodies are compared.
    pair = moment * (len(senders.dictionary) + 1) + sender_code + 1
    # (A stable sort of the pairs, which come nearly in order, groups them.)
    grouped = np.argsort(pair, kind="stable")
    grouped_pair = pair[grouped]
    opens = np.flatnonzero(np.concatenate(([True], grouped_pair[1:] != grouped_pair[:-1], [True])))
    group_size = np.diff(opens)
    shared = np.sort(grouped[np.repeat(group_size > 1, group_size)])
    if shared.size:
        body_code = pc.dictionary_encode(body.take(pa.array(shared))).indices.to_numpy()
        order = np.lexsort((shared, body_code, pair[shared]))
        same = np.zeros(len(shared), dtype=bool)
        same[1:] = (pair[shared][order][1:] == pair[shared][order][:-1]) & (
            body_code[order][1:] == body_code[order][:-1]
        )
        position = np.arange(len(shared))
        ordinal[shared[order]] = position - np.maximum.accumulate(np.where(same, 0, position))
    chat_id = stable_id(reader.chat_name, prefix="chat_")
    joined = pc.binary_join_element_wise(
        chat_id,
        _iso_seconds(sent),
        sender.fill_null(""),
        body,
        # (Most exports repeat no message: every ordinal 0, one text for all.)
        pa.array(ordinal).cast(pa.string()) if ordinal.any() else "0",
        "\x1f",
    )
    sha256 = hashlib.sha256
    digests = b"".join([sha256(value).digest() for value in joined.cast(pa.binary()).to_pylist()])
    # (An id keeps its digest's first 16 bytes, 32 hex digits: only those are written out.)
    kept = np.frombuffer(digests, dtype=np.uint8).reshape(count, 32)[:, :16].tobytes()
    ids = np.empty((count, 36), dtype=np.uint8)
    ids[:, :4] = np.frombuffer(b"exp_", dtype=np.uint8)
    ids[:, 4:] = np.frombuffer(binascii.hexlify(kept), dtype=np.uint8).reshape(count, 32)
    message_id = pa.StringArray.from_buffers(
        count, pa.py_buffer(np.arange(0, 36 * count + 1, 36, dtype=np.int32)), pa.py_buffer(ids.tobytes())
    )
    sender_id = pa.array(
        [stable_id(chat_id, name, prefix="snd_") for name in senders.dictionary.to_pylist()], pa.string()
    ).take(senders.indices)
    values = {
        "message_id": message_id,
        "chat_id": pa.repeat(pa.scalar(chat_id), count),
        "chat_name": pa.repeat(pa.scalar(reader.chat_name), count),
        "sender_id": sender_id,
        "sent_at": pa.array(sent * 1_000_000, pa.timestamp("us", tz="UTC")),
        "reply_to": pa.nulls(count, pa.string()),
        "source": pa.repeat(pa.scalar("chat_export"), count),
        "raw": raw,
        "flags": pa.nulls(count, pa.string()),
        "referral": pa.nulls(count, pa.string()),
        **columns,
    }
    table = pa.Table.from_arrays([values[name] for name in MESSAGE_TABLE_SCHEMA.names], schema=MESSAGE_TABLE_SCHEMA)
    # Only now is anything reported: every way back to the reader's own walk is behind.
    for number, line in before:
        if line.strip():
            reader._before_first_header(number, line)
    for number, reason, line in problems:
        reader._error(ce.ExportLineError(reader.source_name, number, reason, line))
    return table
