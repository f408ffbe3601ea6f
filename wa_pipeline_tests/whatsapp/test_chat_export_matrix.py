"""One conversation rendered as every kind of export a phone can make, and parsed back.

The conversation is a list of messages; `render` writes it the way a phone would for one combination of
platform x date order x separator x year digits x clock x seconds x line endings x invisible characters.
Every combination (5,184 files) is parsed back, which takes a few seconds. The check that parses each file a
second time, without its last line, runs on a covering subset in which every pair of values occurs.
"""

from __future__ import annotations

import itertools
import zipfile
from dataclasses import dataclass, fields, replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.whatsapp.chat_export import ChatExportError, parse_chat_export
from wa_pipeline.whatsapp.export_archive import read_export

NAIROBI = ZoneInfo("Africa/Nairobi")
CHAT = "Mama Mboga Bakery"
ENCRYPTED = (
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, "
    "can read or listen to them."
)
LRM, RLM, NBSP, NNBSP, BOM = "\u200e", "\u200f", "\u00a0", "\u202f", "\ufeff"


@dataclass(frozen=True)
class Said:
    """One message as the phone showed it, and what the parser must give back."""

    at: datetime  # local time, Africa/Nairobi
    sender: str | None
    what: str  # text | system | image | document | deleted | poll
    text: str | None = None
    caption: str | None = None
    android_file: str | None = None
    ios_file: str | None = None


POLL_LINES = (
    "Which day for delivery?",
    "OPTION: Friday (2 votes)",
    "OPTION: Saturday (1 vote)",
    "OPTION: Sunday (0 votes)",
)

# Every date but the last is 10 March: 10/03/26 reads as 10 March (d/m/y), 3 October (m/d/y) and, with
# 2-digit years, 26 March 2010 (d/m/y of 26/03/10) too. Only the last line, on the 13th, tells them apart.
CONVERSATION = (
    Said(datetime(2026, 3, 10, 0, 5, 11), None, "system", text=ENCRYPTED),
    Said(datetime(2026, 3, 10, 9, 15, 42), "Wanjiku Kamau", "text", text="Please send 20 loaves: 10 white, 10 brown"),
    Said(
        datetime(2026, 3, 10, 9, 16, 3),
        "Wanjiku Kamau",
        "text",
        text="Deliver to:\nGate B, Ngong Road Apartments\n\nCall me on 0722 123456 when you arrive",
    ),
    Said(
        datetime(2026, 3, 10, 9, 20, 0),
        CHAT,
        "image",
        caption="Receipt for your deposit",
        android_file="IMG-20260310-WA0001.jpg",
        ios_file="00000012-PHOTO-2026-03-10-09-20-00.jpg",
    ),
    Said(
        datetime(2026, 3, 10, 9, 21, 30),
        CHAT,
        "document",
        android_file="INV-2026-0042.pdf",
        ios_file="00000013-INV-2026-0042.pdf",
    ),
    Said(datetime(2026, 3, 10, 12, 30, 5), "+254 712 345 678", "deleted"),
    Said(
        datetime(2026, 3, 10, 12, 31, 0),
        CHAT,
        "poll",
        text="Which day for delivery?\nFriday (2 votes)\nSaturday (1 vote)\nSunday (0 votes)",
    ),
    Said(datetime(2026, 3, 10, 21, 7, 59), "Brian Otieno", "text", text="Paid KES 3,500 via M-Pesa"),
    Said(datetime(2026, 3, 13, 9, 5, 17), "Wanjiku Kamau", "text", text="Received, thank you"),
)


@dataclass(frozen=True)
class Clock:
    name: str
    am: str = ""
    pm: str = ""
    before: bool = False  # the marker comes before the time (East Asian locales)
    space: str = " "  # between marker and time
    zero_hour: bool = False  # hours 0-11 (Japanese "午後0:30") instead of 1-12

    def write(self, at: datetime, seconds: bool, noisy: bool) -> str:
        if not self.am:
            return f"{at:%H:%M}" + (f":{at:%S}" if seconds else "")
        hour = at.hour % 12 if self.zero_hour else (at.hour % 12 or 12)
        time = f"{hour}:{at:%M}" + (f":{at:%S}" if seconds else "")
        marker = self.am if at.hour < 12 else self.pm
        if noisy:
            # Newer phones put no-break spaces inside "a. m." and a narrow one before the marker.
            marker = marker.replace(" ", NBSP)
        space = NNBSP if noisy and self.space else self.space
        return f"{marker}{space}{time}" if self.before else f"{time}{space}{marker}"


CLOCKS = (
    Clock("24h"),
    Clock("AM/PM", "AM", "PM"),
    Clock("am/pm", "am", "pm"),
    Clock("a.m./p.m.", "a.m.", "p.m."),
    Clock("a. m./p. m.", "a. m.", "p. m."),
    Clock("vorm./nachm.", "vorm.", "nachm."),
    Clock("π.μ./μ.μ.", "π.μ.", "μ.μ."),
    Clock("πμ/μμ", "πμ", "μμ"),
    Clock("ص/م", "ص", "م"),
    Clock("午前/午後", "午前", "午後", before=True, space="", zero_hour=True),
    Clock("上午/下午", "上午", "下午", before=True, space=""),
    Clock("오전/오후", "오전", "오후", before=True),
)


@dataclass(frozen=True)
class Shape:
    platform: str  # android | ios
    order: str  # dmy | mdy | ymd
    separator: str  # / . -
    year_digits: int  # 2 | 4
    clock: Clock
    seconds: bool
    endings: str  # lf | crlf | mixed (CRLF and LF alternating, no newline at the end)
    noisy: bool  # U+200E/U+200F marks, NBSP/U+202F, isolates, a BOM

    def __str__(self) -> str:
        return (
            f"{self.platform} {self.order} {self.separator!r} {self.year_digits}-digit {self.clock.name}"
            f" {'with' if self.seconds else 'without'} seconds {self.endings} {'noisy' if self.noisy else 'clean'}"
        )


DIMENSIONS = (
    ("android", "ios"),
    ("dmy", "mdy", "ymd"),
    ("/", ".", "-"),
    (2, 4),
    CLOCKS,
    (True, False),
    ("lf", "crlf", "mixed"),
    (False, True),
)
SHAPES = [Shape(*combination) for combination in itertools.product(*DIMENSIONS)]


def covering_shapes() -> list[Shape]:
    """A few dozen shapes in which every pair of values of two dimensions occurs at least once (greedy)."""
    sizes = [len(values) for values in DIMENSIONS]

    def pairs(row: tuple[int, ...]) -> set[tuple[int, int, int, int]]:
        return {(i, row[i], j, row[j]) for i, j in itertools.combinations(range(len(row)), 2)}

    uncovered = {
        (i, a, j, b)
        for i, j in itertools.combinations(range(len(sizes)), 2)
        for a in range(sizes[i])
        for b in range(sizes[j])
    }
    rows = []
    while uncovered:
        i, a, j, b = min(uncovered)
        row = {i: a, j: b}
        for k, size in enumerate(sizes):
            if k not in row:
                row[k] = max(
                    range(size),
                    key=lambda v: sum(
                        (min(k, m), v if k < m else row[m], max(k, m), row[m] if k < m else v) in uncovered for m in row
                    ),
                )
        chosen = tuple(row[k] for k in range(len(sizes)))
        rows.append(chosen)
        uncovered -= pairs(chosen)
    return [Shape(*(DIMENSIONS[k][v] for k, v in enumerate(row))) for row in rows]


COVERING = covering_shapes()


def write_date(at: datetime, shape: Shape) -> str:
    year = f"{at:%Y}" if shape.year_digits == 4 else f"{at:%y}"
    # US phones do not pad day and month; most others do.
    month, day = (str(at.month), str(at.day)) if shape.order == "mdy" else (f"{at:%m}", f"{at:%d}")
    parts = {"dmy": (day, month, year), "mdy": (month, day, year), "ymd": (year, month, day)}[shape.order]
    if shape.separator == "." and shape.order == "ymd":
        return ". ".join(parts) + "."  # Korean and Hungarian: "2026. 03. 10."
    mark = RLM if shape.noisy else ""  # Arabic-script phones put an RLM after the day and the month
    written = (mark + shape.separator).join(parts)
    if shape.separator == "." and shape.year_digits == 4:
        written += "."  # Croatian and Serbian end the date with a dot
    return written


def body_lines(said: Said, shape: Shape) -> tuple[str | None, list[str]]:
    """(author as written, the lines of the message body) for one message."""
    ios, mark = shape.platform == "ios", LRM if shape.noisy else ""
    author = said.sender
    if author and author.startswith("+") and shape.noisy:
        author = "\u2068" + author.replace(" ", NBSP) + "\u2069"
    if said.what == "system":
        return (CHAT if ios else None), [mark + said.text]
    if said.what == "text":
        text = said.text.replace("KES ", "KES" + NBSP) if shape.noisy else said.text
        return author, text.split("\n")
    if said.what == "image":
        attached = f"{mark}<attached: {said.ios_file}>" if ios else f"{said.android_file} (file attached)"
        return author, [attached, said.caption]
    if said.what == "document":
        if ios:
            return author, [f"{mark}INV-2026-0042.pdf \u2022 {mark}1 page {mark}<attached: {said.ios_file}>"]
        return author, [f"{said.android_file} \u2022 1 page (file attached)"]
    if said.what == "deleted":
        return author, [mark + ("This message was deleted." if ios else "This message was deleted")]
    if said.what == "poll":
        return author, [mark + line for line in ("POLL:", *POLL_LINES)]
    raise AssertionError(said.what)


def render(conversation: tuple[Said, ...], shape: Shape) -> str:
    lines: list[str] = []
    for said in conversation:
        when = write_date(said.at, shape)
        # No comma after a date that ends with a dot, nor before an East Asian marker.
        join = " " if shape.clock.before or when.endswith(".") else ", "
        time = shape.clock.write(said.at, shape.seconds, shape.noisy)
        author, body = body_lines(said, shape)
        said_by = f"{author}: " if author else ""
        if shape.platform == "ios":
            marked = shape.noisy and said.what in {"system", "image", "document", "deleted", "poll"}
            lines.append(f"{LRM if marked else ''}[{when}{join}{time}] {said_by}{body[0]}")
        else:
            lines.append(f"{when}{join}{time} - {said_by}{body[0]}")
        lines.extend(body[1:])
    endings = {"lf": ("\n",), "crlf": ("\r\n",), "mixed": ("\r\n", "\n")}[shape.endings]
    text = "".join(line + endings[n % len(endings)] for n, line in enumerate(lines))
    if shape.endings == "mixed":
        text = text.rstrip("\r\n")  # and no newline at the very end
    return (BOM if shape.noisy else "") + text


def expected(conversation: tuple[Said, ...], shape: Shape) -> list[tuple]:
    rows = []
    for said in conversation:
        file = said.ios_file if shape.platform == "ios" else said.android_file
        text = said.text if said.what in {"text", "system", "poll"} else None
        at = said.at if shape.seconds else said.at.replace(second=0)
        rows.append((said.sender, at, said.what, text, said.caption, file))
    return rows


def observed(messages) -> list[tuple]:
    return [
        (
            m.sender_name,
            m.sent_at.astimezone(NAIROBI).replace(tzinfo=None),
            m.kind,
            m.text,
            m.caption,
            m.media.filename if m.media else None,
        )
        for m in messages
    ]


def parse(text: str, source_name: str = "matrix.txt"):
    return parse_chat_export(text, chat_name=CHAT, tz=NAIROBI, source_name=source_name)


def test_the_matrix_covers_every_combination_of_every_dimension():
    assert len(SHAPES) == 2 * 3 * 3 * 2 * len(CLOCKS) * 2 * 3 * 2 == 5184
    assert len(set(map(str, SHAPES))) == len(SHAPES)


@pytest.mark.parametrize(
    "platform, order, separator, year_digits",
    list(itertools.product(("android", "ios"), ("dmy", "mdy", "ymd"), ("/", ".", "-"), (2, 4))),
)
def test_every_rendering_parses_back_to_the_conversation(platform, order, separator, year_digits):
    ids_by_platform_and_precision: dict[tuple[str, bool], list[str]] = {}
    for shape in SHAPES:
        if (shape.platform, shape.order, shape.separator, shape.year_digits) != (
            platform,
            order,
            separator,
            year_digits,
        ):
            continue
        parsed = parse(render(CONVERSATION, shape))
        assert parsed.errors == [], shape
        assert parsed.date_order == order, shape
        assert observed(parsed.messages) == expected(CONVERSATION, shape), shape
        # Ids hash what was said, not how the phone wrote it: every rendering of one platform's export
        # (which writes attachments its own way) with the same seconds precision gets the same ids.
        ids = [m.message_id for m in parsed.messages]
        assert ids_by_platform_and_precision.setdefault((shape.platform, shape.seconds), ids) == ids, shape
        assert len(set(ids)) == len(ids), shape


def test_the_covering_subset_has_every_pair_of_dimension_values():
    rows = [[getattr(shape, f.name) for f in fields(Shape)] for shape in COVERING]
    for (i, first), (j, second) in itertools.combinations(enumerate(DIMENSIONS), 2):
        assert {(row[i], row[j]) for row in rows} == set(itertools.product(first, second)), (i, j)
    assert len(COVERING) < len(SHAPES) // 50


@pytest.mark.parametrize("shape", COVERING, ids=str)
def test_the_date_order_is_decided_by_the_whole_file(shape):
    # On the covering subset only: each file is parsed twice here, and the full product is parsed above.
    whole = parse(render(CONVERSATION, shape))
    without_last = parse(render(CONVERSATION[:-1], shape))
    # Without the 13th nothing tells 10/03 from 03/10 (or 26/03/10 as y/m/d from d/m/y), and the parser
    # falls back to day first; a four-digit year in front settles y/m/d alone.
    fallback = "ymd" if (shape.order, shape.year_digits) == ("ymd", 4) else "dmy"
    assert without_last.date_order == fallback
    assert whole.date_order == shape.order
    # The one line on the 13th changes how every earlier line of its file is read.
    first_day = whole.messages[0].sent_at.astimezone(NAIROBI).date()
    assert first_day == CONVERSATION[0].at.date()
    if fallback != shape.order:
        assert without_last.messages[0].sent_at.astimezone(NAIROBI).date() != first_day


@pytest.mark.parametrize(
    "order, year_digits, impossible",
    [
        ("dmy", 2, "31/02/26"),
        ("dmy", 4, "30/02/2026"),
        ("mdy", 2, "2/30/26"),
        ("mdy", 4, "2/31/2026"),
        ("ymd", 2, "26/02/31"),
        ("ymd", 4, "2026/02/30"),
        ("dmy", 2, "10/13/26"),
        ("dmy", 2, "00/03/26"),
    ],
)
def test_an_impossible_date_is_a_line_error_naming_file_and_line(order, year_digits, impossible):
    shape = Shape("android", order, "/", year_digits, CLOCKS[0], False, "lf", False)
    lines = render(CONVERSATION, shape).split("\n")
    lines.insert(2, f"{impossible}, 10:00 - Wanjiku Kamau: when was this?")
    parsed = parse("\n".join(lines), source_name="WhatsApp Chat with Mama Mboga Bakery.txt")
    assert parsed.date_order == order
    assert [(e.source_name, e.line_number) for e in parsed.errors] == [("WhatsApp Chat with Mama Mboga Bakery.txt", 3)]
    assert str(parsed.errors[0]).startswith("WhatsApp Chat with Mama Mboga Bakery.txt:3: impossible date or time")
    assert impossible in str(parsed.errors[0])
    # The rest of the file is unharmed.
    assert observed(parsed.messages) == expected(CONVERSATION, shape)


@pytest.mark.parametrize(
    "text, line",
    [
        ("Dear customer,\nyour order 10/03/26 is ready.\n", 1),
        ("\n\n\ndate,time,sender,text\n2026-03-10,09:15,Wanjiku Kamau,Please send 20 loaves\n", 4),
        ('{"messages": [{"date": "10/03/26, 09:15", "from": "Wanjiku Kamau"}]}', 1),
        ("\ufeff   \r\n10/03/26 Wanjiku Kamau: Please send 20 loaves\r\n", 2),
        # A date and a time, but neither the brackets of iOS nor the " - " of Android.
        ("\n10.03.26, 09:15 Wanjiku Kamau: Please send 20 loaves\n", 2),
    ],
)
def test_a_file_that_is_not_an_export_names_the_file_and_line(text, line):
    with pytest.raises(ChatExportError) as caught:
        parse(text, source_name="orders.txt")
    assert str(caught.value).startswith(f"orders.txt:{line}: not a WhatsApp chat export")


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_attachments_link_to_the_files_in_the_zip(tmp_path, platform):
    shape = Shape(platform, "dmy", "/", 2, CLOCKS[1], platform == "ios", "crlf", True)
    archive_path = tmp_path / f"WhatsApp Chat - {CHAT}.zip"
    files = {s.ios_file if platform == "ios" else s.android_file: f"bytes of {s.what}".encode() for s in CONVERSATION}
    files.pop(None)
    chat_member = "_chat.txt" if platform == "ios" else f"WhatsApp Chat with {CHAT}.txt"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for name, data in {chat_member: render(CONVERSATION, shape).encode("utf-8"), **files}.items():
            member = zipfile.ZipInfo(name, date_time=(2026, 3, 13, 9, 6, 0))
            member.external_attr = 0o100644 << 16  # a regular file, as phones write them
            archive.writestr(member, data)
    export = read_export(archive_path)
    parsed = parse_chat_export(export.text, chat_name=export.chat_name, tz=NAIROBI, source_name=export.source_name)
    assert parsed.errors == []
    linked = {m.media.filename: export.media[m.media.filename]() for m in parsed.messages if m.media is not None}
    assert linked == files


def test_a_conversation_over_many_days_keeps_its_order_and_dates():
    # Beyond the single-day fixture: a month boundary and a year boundary in one file, d/m/y and m/d/y alike.
    days = [
        datetime(2025, 12, 30, 8),
        datetime(2025, 12, 31, 23, 59),
        datetime(2026, 1, 1, 0, 1),
        datetime(2026, 2, 1, 7),
    ]
    conversation = tuple(Said(at, "Juma Hardware", "text", text=f"message {n}") for n, at in enumerate(days))
    for shape in [s for s in SHAPES if s.clock.name in {"24h", "AM/PM"} and s.endings == "lf" and s.seconds]:
        parsed = parse(render(conversation, shape))
        assert parsed.date_order == shape.order, shape
        assert observed(parsed.messages) == expected(conversation, shape), shape


def test_renderings_are_what_phones_write():
    # A few renderings spelled out, so a reader can see the matrix is not testing the parser against itself.
    def first_line(**changes):
        base = Shape("android", "dmy", "/", 2, CLOCKS[0], False, "lf", False)
        return render(CONVERSATION[1:2], replace(base, **changes))

    assert first_line() == "10/03/26, 09:15 - Wanjiku Kamau: Please send 20 loaves: 10 white, 10 brown\n"
    assert first_line(platform="ios", seconds=True, clock=CLOCKS[1], order="mdy") == (
        "[3/10/26, 9:15:42 AM] Wanjiku Kamau: Please send 20 loaves: 10 white, 10 brown\n"
    )
    assert first_line(order="ymd", separator=".", year_digits=4, clock=CLOCKS[10]).startswith(
        "2026. 03. 10. 上午9:15 - "
    )
    assert first_line(separator=".", year_digits=4, clock=CLOCKS[4], noisy=True).startswith(
        f"\ufeff10{RLM}.03{RLM}.2026. 9:15{NNBSP}a.{NBSP}m. - "
    )
    assert first_line(order="ymd", separator="-", year_digits=4, clock=CLOCKS[9]).startswith("2026-03-10 午前9:15 - ")
