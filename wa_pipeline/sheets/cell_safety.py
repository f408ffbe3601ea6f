"""Make any value safe to put in a spreadsheet cell: no formula injection, nothing over the cell size limit."""

from __future__ import annotations

import math
import numbers
import re
from datetime import date, datetime, time

from wa_pipeline.sheets.sheet_limits import GOOGLE_MAX_CELL_CHARS
from wa_pipeline.sheets.sink import Cell

# The largest cell any backend takes (Google's); a backend with a smaller one cuts again (`sheet_limits`).
MAX_CELL_CHARS = GOOGLE_MAX_CELL_CHARS
# The marker a cut text ends with; a text cut again (to a smaller backend's limit) counts from the original length.
_CUT = re.compile(r"…\[truncated (\d+) chars\]\Z")

# Spreadsheet apps (and CSV exports opened in them) evaluate text starting with these as formulas or DDE.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# A signed number or phone, or a "; "-list of them ("+254 712 345 678", "-500"), has nothing to call: evaluated,
# it is a number or an error. Leaving it alone keeps E.164 phones readable, the commonest text to start with "+".
_NUMBER = r"[0-9][0-9 ().,-]*"
PLAIN_SIGNED_NUMBER = re.compile(rf"[+-]{_NUMBER}(?:; ?[+-]?{_NUMBER})*")
# A list that opens with such a number and goes on with names ("+254 712 345 678; Juma", a thread's participants,
# or ", " between them) has nothing to call either: a call or a reference needs ASCII punctuation ("(", "|", "!",
# "=", ":", a quote) that a name of letters, digits, spaces, dots, apostrophes, hyphens, underscores and non-ASCII
# characters (accents, other scripts, emoji) never holds.
_NAME = r"(?:[A-Za-z0-9 .'_-]|[^\x00-\x7f])+"
PLAIN_NUMBER_AND_NAMES = re.compile(rf"[+-][0-9][0-9 ().-]*(?:[;,] (?:[+-]?{_NUMBER}|{_NAME}))+")

# An apostrophe is how both Sheets and Excel are told "this is text"; it survives RAW writes as a visible mark.
NEUTRALISER = "'"


def safe_cell(value: object, limit: int = MAX_CELL_CHARS) -> Cell:
    """Return `value` as a cell that cannot evaluate when opened or exported, and text of at most `limit` chars."""
    if type(value) is str:
        # Nearly every cell: decided before the abstract-number checks below, which cost more than the rest.
        return safe_text(value, limit)
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        # JSON (and so the Sheets API) cannot carry NaN or infinities; a missing number is an empty cell.
        return number if math.isfinite(number) else ""
    if isinstance(value, datetime):
        if value != value:
            return ""  # pandas' NaT: a missing time is an empty cell
        # A real date-time in the sheet (sortable, filterable by date); pandas' Timestamp becomes the plain kind.
        moment = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
        return moment.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        return safe_text(value.isoformat(), limit)
    return safe_text(value if isinstance(value, str) else str(value), limit)


def safe_text(text: str, limit: int = MAX_CELL_CHARS) -> str:
    if text.startswith(FORMULA_TRIGGERS) and not _plain(text):
        text = NEUTRALISER + text
    return truncate(text, limit)


def _plain(text: str) -> bool:
    """Whether text opening with a sign is a number, or a list of numbers and names, that no app would evaluate."""
    return PLAIN_SIGNED_NUMBER.fullmatch(text) is not None or PLAIN_NUMBER_AND_NAMES.fullmatch(text) is not None


def truncate(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """Cut `text` to `limit` characters, saying how much was cut so a reader knows the cell is partial."""
    if len(text) <= limit:
        return text
    body, cut_before = text, 0
    earlier = _CUT.search(text)
    if earlier is not None:
        body, cut_before = text[: earlier.start()], int(earlier.group(1))
    total = len(body) + cut_before
    kept = limit
    while True:
        marker = f"…[truncated {total - kept} chars]"
        fitting = limit - len(marker)
        if fitting == kept:
            return body[:kept] + marker
        # The marker's own length depends on the count it reports; settle on a fixed point.
        kept = fitting
