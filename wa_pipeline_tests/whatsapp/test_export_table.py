"""`export_table(reader)` gives, field by field, the table of the messages `messages()` gives, with the same errors."""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from benchmarks.bench_export import write_export
from wa_pipeline.message import MESSAGE_TABLE_SCHEMA
from wa_pipeline.message_frame import messages_to_table
from wa_pipeline.whatsapp import export_table
from wa_pipeline.whatsapp.chat_export import ExportReader, parse_chat_export_file
from wa_pipeline_tests.whatsapp.test_chat_export_matrix import CONVERSATION, COVERING, SHAPES, render

NAIROBI = ZoneInfo("Africa/Nairobi")
LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 12, 7)
SAMPLE = Path(__file__).parents[2] / "sample_data" / "WhatsApp Chat with Juma Hardware.txt"


def reader(text: str, tz=NAIROBI, chat: str = "Mama Mboga Bakery") -> ExportReader:
    return ExportReader(
        lambda: io.StringIO(text.removeprefix("\ufeff"), newline=""),
        chat_name=chat,
        tz=tz,
        source_name="export.txt",
        today=TODAY,
    )


def assert_same(make) -> bool:
    """The table of one reader and the messages of another over the same export agree; whether it was read by column."""
    by_column = make()
    columns = export_table._columns(by_column)
    table = columns if columns is not None else export_table.export_table(by_column)
    walked = make()
    expected = messages_to_table(walked.messages())
    assert table.schema == MESSAGE_TABLE_SCHEMA
    assert table.num_rows == expected.num_rows
    for name in MESSAGE_TABLE_SCHEMA.names:
        got, want = table[name].to_pylist(), expected[name].to_pylist()
        differing = [(row, got[row], want[row]) for row in range(len(want)) if got[row] != want[row]]
        assert not differing, f"{name}: {differing[:3]}"
    assert table.equals(expected)
    assert by_column.errors == walked.errors
    return columns is not None


def test_the_benchmark_export_is_read_by_column_and_agrees(tmp_path):
    path = tmp_path / "WhatsApp Chat with Bench.txt"
    write_export(path, 3000)
    assert assert_same(lambda: parse_chat_export_file(path, chat_name="Bench", tz=NAIROBI, today=TODAY))


def test_the_sample_export_agrees():
    assert not assert_same(lambda: parse_chat_export_file(SAMPLE, chat_name="Juma Hardware", tz=NAIROBI, today=TODAY))


@pytest.mark.parametrize("shape", COVERING, ids=str)
def test_the_matrix_covering_shapes_agree(shape):
    assert_same(lambda: reader(render(CONVERSATION, shape)))


PLAIN_ANDROID = [
    shape
    for shape in SHAPES
    if shape.platform == "android" and shape.clock.name == "24h" and not shape.seconds and not shape.noisy
]


@pytest.mark.parametrize("shape", PLAIN_ANDROID, ids=str)
def test_every_plain_android_shape_is_read_by_column_and_agrees(shape):
    # (A four-digit year first, Korean and Hungarian "2026. 03. 10.", Croatian "10.03.2026." are no plain header:
    # read message by message.)
    four_first = shape.order == "ymd" and shape.year_digits == 4
    dotted = shape.separator == "." and (shape.order == "ymd" or shape.year_digits == 4)
    plain = not four_first and not dotted
    assert assert_same(lambda: reader(render(CONVERSATION, shape))) == plain


# Invented lines for every turn the column reading takes, and the edges of each.
ODD_LINES = """\
Some words before any header
Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.

01/03/2026, 09:00 - Messages and calls are end-to-end encrypted. Tap to learn more.
01/03/2026, 09:00 - Juma Hardware added Wanjiku Kamau
01/03/2026, 09:01 - Wanjiku Kamau: ok
01/03/2026, 09:01 - Wanjiku Kamau: ok
01/03/2026, 09:01 - Brian Otieno: ok
01/03/2026, 09:01 - Wanjiku Kamau: ok
01/03/2026, 09:02 - Wanjiku Kamau: <Media omitted>
01/03/2026, 09:02 - Wanjiku Kamau: IMG-20260301-WA0001.jpg (file attached)
01/03/2026, 09:03 - Wanjiku Kamau: IMG-20260301-WA0002.jpg (file attached)
Keki ya harusi
01/03/2026, 09:03 - Juma Hardware: Invoice.pdf (file attached)
Invoice
01/03/2026, 09:03 - Juma Hardware: VID-20260301-WA0003.mp4   (file attached)
01/03/2026, 09:03 - Juma Hardware: notes.txt (not a word WhatsApp writes)
01/03/2026, 09:03 - Juma Hardware: AUD-20260301-WA0004. (file attached)
01/03/2026, 09:03 - Juma Hardware: photo (1).jpg (file attached)
01/03/2026, 09:03 - Juma Hardware: a(b (File Attached)
01/03/2026, 09:03 - Juma Hardware: x) y (file attached)
01/03/2026, 09:03 - Juma Hardware: (file attached)
01/03/2026, 09:03 - Juma Hardware: IMG-20260301-WA0005.jpg(file attached)
01/03/2026, 09:03 - Juma Hardware: POLL: IMG-20260301-WA0006.jpg (file attached)
01/03/2026, 09:03 - Juma Hardware: <IMG-20260301-WA0007.jpg> (file attached)
01/03/2026, 09:03 - Juma Hardware: STK-20260301-WA0008.webp (file attached)
01/03/2026, 09:03 - Juma Hardware: IMG-20260301-WA0009.WEBP (file attached)
01/03/2026, 09:03 - Juma Hardware: PTT-20260301-WA0010 (file attached)
01/03/2026, 09:03 - Juma Hardware: Price list.PDF (file attached)
01/03/2026, 09:03 - Juma Hardware: contact.vcf (a word no one writes that runs on well past sixty characters in all)
01/03/2026, 09:04 - Juma Hardware: This message was deleted
01/03/2026, 09:04 - Juma Hardware: [Forwarded] see the price list
01/03/2026, 09:04 - Brian Otieno: POLL:
OPTION: Friday (2 votes)
OPTION: Saturday (1 vote)
01/03/2026, 09:05 - Brian Otieno: Poll day tomorrow
01/03/2026, 09:05 - Brian Otieno: Brian Otieno is here
01/03/2026, 09:05 - Brian Otieno: ask Brian Otieno.
01/03/2026, 09:05 - Brian Otieno: ask Brian Otieno . .
01/03/2026, 09:05 - Brian Otieno: tell Brian Otieno!
01/03/2026, 09:05 - Brian Otieno: tell Brian Otieno ok now
01/03/2026, 09:06 - ~ Neema: ~ Neema joined using this group's invite link
01/03/2026, 09:06 - ~ Neema: ~  hello
01/03/2026, 09:06 - Amina Njeri: the list:
01/03/2026, 09:06 - Amina Njeri: PEILING:
Welke dag?
OPTIE: vrijdag (2 stemmen)
OPTIE: zaterdag (1 stem)
01/03/2026, 09:06 - Amina Njeri: (smile)
01/03/2026, 09:06 - Amina Njeri: a) one b) two
01/03/2026, 09:06 - Amina Njeri: see https://example.com/list
01/03/2026, 09:06 - Amina Njeri: <b>bold</b>
01/03/2026, 09:06 - Amina Njeri: closing >
01/03/2026, 09:07 - Amina Njeri:
01/03/2026, 09:07 - Amina Njeri:\x20\x20\x20\x20
01/03/2026, 09:07 - Amina Njeri:   padded words\t
 with a line of spaces after

and a blank line
01/03/2026, 09:07 - Amina Njeri: received the loaves
01/03/2026, 09:07 - Amina Njeri: recebeu uma mensagem de visualização única. Para uma maior privacidade, só a pode abrir no seu telemóvel
01/03/2026, 09:07 - Amina Njeri: Juma's security code changed. Tap to learn more.
01/03/2026, 09:07 - Amina Njeri: You deleted this message
01/03/2026, 09:07 - Amina Njeri: Waiting for this message
01/03/2026, 09:08 - Amina Njeri: Asante sana 🙏
01/03/2026, 09:08 - Amina Njeri: café\u00a0au lait
01/03/2026, 09:08 - José Ñandú: hola
01/03/2026, 09:08 - :juma: colon first
01/03/2026, 09:08 - A very long name that goes on and on past the eighty characters a name may have here: x
01/03/2026, 09:08 - Wanjiku Kamau:no space after the colon
01/03/2026, 09:08 - Wanjiku Kamau: 2 loaves
2 more loaves
01/03.2026, 09:09 - not a header of this file
1/3/2026, 9:09 - Brian Otieno: a header without its zeros
01/03/26, 09:09 - Brian Otieno: a two-digit year
01/03/2026, 24:10 - Brian Otieno: no such hour
01/03/2026, 09:60 - Brian Otieno: no such minute
31/02/2026, 09:10 - Brian Otieno: no such day
01/03/2005, 09:10 - Brian Otieno: before WhatsApp
01/03/2030, 09:10 - Brian Otieno: after tomorrow
02/03/2026, 09:11 - Brian Otieno: ok
01/03/2026, 09:01 - Wanjiku Kamau: ok
02/03/2026, 09:12 - Wanjiku Kamau: the last line\
"""


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("closing", ["", "\n", "\n\n"])
def test_odd_lines_are_read_by_column_and_agree(ending, closing):
    text = ODD_LINES.replace("\n", ending) + closing.replace("\n", ending)
    assert assert_same(lambda: reader(text))


@pytest.mark.parametrize("closing", ["", "\n", "\r\n"])
def test_a_file_ending_in_an_empty_message_agrees(closing):
    text = "01/03/2026, 09:00 - Juma: hi\n01/03/2026, 09:01 - Juma:" + closing
    assert assert_same(lambda: reader(text))


@pytest.mark.parametrize("text", ["1/3/26, 19:00 - J:", "1/3/26, 19:00 - J:\n1/3/26, 19:01 - K:\n"])
def test_an_export_of_lines_shorter_than_a_fixed_header_agrees(text):
    """Lines too short for "dd/mm/yyyy, hh:mm - " (the whole file, even) are read with the plain pattern."""
    assert assert_same(lambda: reader(text))


def test_a_chat_name_and_errors_agree_whatever_the_zone():
    assert assert_same(lambda: reader(ODD_LINES, tz=ZoneInfo("Asia/Kolkata"), chat="Café Ñ"))


def test_a_zone_whose_clock_changes_is_read_message_by_message():
    text = "29/03/2026, 00:30 - Juma: before\n29/03/2026, 01:30 - Juma: skipped hour\n29/03/2026, 02:30 - Juma: after\n"
    assert not assert_same(lambda: reader(text, tz=LONDON))
    # A day the clock does not change on is read by column in the same zone.
    assert assert_same(lambda: reader(text.replace("29/03", "28/03"), tz=LONDON))


def test_lines_that_cannot_be_read_column_by_column_send_the_file_message_by_message():
    for text in (
        # A header of the file's layout the plain pattern does not read (a 12-hour clock).
        "01/03/2026, 09:00 - Juma: hi\n01/03/2026, 9:05 am - Juma: later\n",
        # Invisible marks to drop, and a character `normalise_text` replaces.
        "01/03/2026, 09:00 - Juma: \u200ehi\n",
        "01/03/2026, 09:00 - Juma: bell \x07\n",
        # iOS.
        "[01/03/2026, 09:00:00] Juma: hi\n",
    ):
        assert not assert_same(lambda text=text: reader(text))


def test_send_times_the_reader_forgets_send_the_file_message_by_message():
    start = datetime(2026, 3, 1, 8, 0)
    lines = [f"{start + timedelta(minutes=n):%d/%m/%Y, %H:%M} - Juma: same" for n in range(300)]
    # The first minute again, 299 send times later: the reader's counter of equal messages has forgotten it.
    forgotten = [*lines, lines[0]]
    assert not assert_same(lambda: reader("\n".join(forgotten) + "\n"))
    # Out of order within the last 256 send times, it is still counted: read by column.
    remembered = [*lines, lines[-200]]
    assert assert_same(lambda: reader("\n".join(remembered) + "\n"))


def test_a_busy_random_chat_agrees():
    rng = random.Random(11)
    senders = ["Wanjiku Kamau", "Brian Otieno", "+254 712 345 678", "Amina", "~ Neema", "José"]
    words = (
        "ok received Brian Otieno Amina poll http://x.y <Media omitted> (file attached) : ) . 🙏 received, "
        "deleted message this was you security code changed IMG-20260301-WA0001.jpg"
    ).split()
    at = datetime(2026, 1, 1, 8, 0)
    lines = []
    for _ in range(3000):
        at += timedelta(minutes=rng.choice((0, 0, 0, 1, 2)))
        body = " ".join(rng.choices(words, k=rng.randint(1, 6)))
        lines.append(f"{at:%d/%m/%Y, %H:%M} - {rng.choice(senders)}: {body}")
        if rng.random() < 0.1:
            lines.append(" ".join(rng.choices(words, k=3)))
    assert assert_same(lambda: reader("\n".join(lines) + "\n"))


def test_send_times_are_written_as_isoformat_writes_them():
    """Every second of a day (and days from 2009 to 2099) as `datetime.isoformat()` writes the UTC time."""
    rng = random.Random(5)
    day = 86400
    seconds = np.array(
        [14_000 * day + second for second in range(day)]
        + [rng.randrange(14_245 * day, 47_482 * day) for _ in range(5000)]
    )
    expected = [(datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=int(value))).isoformat() for value in seconds]
    assert export_table._iso_seconds(seconds).to_pylist() == expected


@pytest.mark.parametrize("known", [[], [7], [3, 9, 2**35], list(range(0, 400, 3))])
def test_among_is_isin(known):
    """`_among` answers as np.isin, below, between, on and past the known codes."""
    values = np.array([-1, 0, 2, 3, 7, 8, 9, 10, 399, 2**35, 2**35 + 1, *range(50)], dtype=np.int64)
    codes = np.unique(np.array(known, dtype=np.int64))
    assert export_table._among(values, codes).tolist() == np.isin(values, codes).tolist()


@pytest.mark.parametrize("count", [0, 1, 7, 8, 9, 33])
def test_matching_reads_runs_of_texts_as_the_kernel_reads_each(count):
    """`_matching` agrees with the regex kernel text by text, whatever a run holds or a phrase spans."""
    pieces = ["plain words", "", "see <this>", "IS NOW USING", " a secure", "x) y", "http://a", "is now using a secure"]
    rng = random.Random(count)
    texts = [rng.choice(pieces) + rng.choice(pieces) for _ in range(count)]
    data = np.frombuffer("".join(texts).encode(), np.uint8)
    hi = np.cumsum([len(text) for text in texts], dtype=np.int64)
    gathered = export_table._gather(data, hi - [len(text) for text in texts], hi)
    pattern = r"://|<|\) |is now using a secure"
    expected = pc.match_substring_regex(pa.array(texts, pa.string()), pattern, ignore_case=True).to_pylist()
    assert export_table._matching(gathered, pattern).tolist() == expected


def test_a_sender_named_in_their_own_words_agrees():
    """A first line opening with its sender's name, or closing with it (before up to two characters, or spaces and
    full stops), is read as the reader reads it: for names of different lengths in one file."""
    bodies = [
        "{name} left",
        "{name} left.",
        "{name} added Baraka",
        "You added {name}",
        "welcome {name}",
        "thanks {name}.",
        "thanks {name}. .",
        "{name} changed this group's icon",
        "{name}",
        "say hi to {name}!",
        "plain words",
    ]
    lines = [
        f"01/03/2026, {13 + number}:{minute:02d} - {name}: {body.format(name=name)}"
        for number, name in enumerate(["Juma", "Amina Njeri", "Wanjiku Kamau"])
        for minute, body in enumerate(bodies)
    ]
    assert assert_same(lambda: reader("\n".join(lines) + "\n"))
