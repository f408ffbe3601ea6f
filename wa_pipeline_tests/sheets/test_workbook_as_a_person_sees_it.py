"""The workbook as a shop owner sees it: opened by LibreOffice (headless, converted to PDF), the Messages tab shows
its dates as dates and its amounts as numbers, under a bold, frozen, filtered header, in columns wide enough to read.
The rendered page is kept as a PNG under test-artifacts/."""

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd

from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
NAIROBI = "Africa/Nairobi"


def enriched_day() -> pd.DataFrame:
    """Two messages of a day as `enriched_messages` stores them (only what the Messages tab reads)."""
    sent = pd.to_datetime(["2026-11-16 06:15:07", "2026-11-16 06:17:00"], utc=True)
    return pd.DataFrame(
        {
            "message_id": ["m1", "m2"],
            "chat_id": ["c1", "c1"],
            "chat_name": ["Mama Mboga Bakery", "Mama Mboga Bakery"],
            "sender_name": ["Wanjiku Kamau", "Mama Mboga Bakery"],
            "sent_at": sent,
            "kind": ["text", "text"],
            "text": ["Please send 20 loaves", "Noted, the total is on its way"],
            "caption": [None, None],
            "media_filename": [None, None],
            "phones": ["", ""],
            "emails": ["", ""],
            "persons": ["", ""],
            "orgs": ["", ""],
            "places": ["", ""],
            "sentiment_label": ["neutral", "positive"],
            "sentiment_score": [0.0, 0.3182],
            "source": ["chat_export", "chat_export"],
            "intent": ["order", "order"],
            "amounts": ["", "KES 65.00; KES 1300.00"],
            "amount": ["", "KES 65.00"],
            "references": ["", ""],
            "dates": ["", ""],
            "language": ["en", "en"],
        }
    )


def write_messages(path: Path) -> None:
    from zoneinfo import ZoneInfo

    rows = MESSAGES.rows(enriched_day(), ZoneInfo(NAIROBI))
    spec = MESSAGES
    WorkbookSink(path).upsert(
        spec.name, spec.sheet_columns, spec.sheet_key, spec.cells(rows), spec.sheet_order_by, spec.position
    )


def rendered(path: Path) -> str:
    """The workbook's text as LibreOffice prints it (headless, to PDF beside it, read back by pdftotext)."""
    # A profile of its own: parallel tests (and a person's open LibreOffice) never share one.
    profile = (path.parent / "lo-profile").as_uri()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by scripts/install.sh (libreoffice-calc-nogui)"
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(path.parent)]
        + [str(path)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return subprocess.run(
        ["pdftotext", "-layout", str(path.with_suffix(".pdf")), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


def test_openpyxl_reads_a_datetime_in_sent_a_number_in_amount_and_a_bold_frozen_filtered_header(tmp_path):
    path = tmp_path / "wa.xlsx"
    write_messages(path)
    sheet = openpyxl.load_workbook(path)[MESSAGES.name]
    header = [cell.value for cell in sheet[1]]
    # People's headers, the key (an id nobody reads) hidden but first, where upserts find it.
    assert header[:8] == ["Message ID", "Sent", "Date", "Chat", "From", "Type", "Message", "Attachment"]
    assert {"Intent", "Amount", "Currency"} <= set(header)
    assert sheet.column_dimensions["A"].hidden and not sheet.column_dimensions["B"].hidden
    second = {name: cell for name, cell in zip(header, sheet[3])}
    assert second["Sent"].value == datetime(2026, 11, 16, 9, 17) and second["Sent"].is_date
    assert second["Amount"].value == 65 and second["Amount"].data_type == "n"
    # The first of the message's two amounts, and how many it names (all of them listed in "All amounts").
    assert second["Currency"].value == "KES" and second["Amounts in message"].value == 2
    assert all(cell.font.b for cell in sheet[1]) and not second["Message"].font.b
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}3"
    widths = sheet.column_dimensions
    assert widths[second["Sent"].column_letter].width >= len("2026-11-16 09:17:00")


def test_libreoffice_shows_the_date_and_the_amount_as_the_owner_reads_them(tmp_path):
    path = tmp_path / "wa.xlsx"
    write_messages(path)
    text = rendered(path)
    pdf = path.with_suffix(".pdf")
    # The local time in Nairobi, as a date and time (not a serial number, not "###" in a column too narrow),
    # and the amount as a number.
    assert "2026-11-16 09:15:07" in text and "2026-11-16 09:17:00" in text
    # The Amount column (General format: 65) beside its Currency column, wherever the page breaks the columns.
    assert re.search(r"(?<![\d.,])65\s+KES\b", text), text
    assert "46342" not in text and "###" not in text
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    [png] = sorted(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 1000
    shutil.copy(png, ARTIFACTS / "workbook_messages_tab.png")


def test_the_workbook_opens_on_messages_and_the_tabs_settle_in_their_order_whichever_syncs_first(tmp_path):
    from wa_pipeline.sheets.tabs.entities import ENTITIES
    from wa_pipeline.sheets.tabs.media import MEDIA
    from wa_pipeline.sheets.tabs.threads import THREADS

    path = tmp_path / "wa.xlsx"
    sink = WorkbookSink(path)

    def sync(spec):
        row = [f"{spec.name}-1" if column == spec.key else "" for column in spec.columns]
        sink.upsert(spec.name, spec.sheet_columns, spec.sheet_key, [row], position=spec.position)

    for spec in (ENTITIES, THREADS, MEDIA):
        sync(spec)
    write_messages(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Messages" and book.active.title == "Messages"
    # The next sync of each tab puts it in its place; Messages stays first.
    for spec in (ENTITIES, THREADS, MEDIA):
        sync(spec)
    write_messages(path)
    assert openpyxl.load_workbook(path).sheetnames == ["Messages", "Threads", "Entities", "Media"]


def test_a_message_of_several_lines_shows_every_line_and_its_first_one_first(tmp_path):
    from zoneinfo import ZoneInfo

    path = tmp_path / "wa.xlsx"
    day = enriched_day()
    day.loc[0, "text"] = "Order for Friday:\n20 loaves brown\n6 queen cakes"
    spec = MESSAGES

    def write(frame: pd.DataFrame) -> None:
        rows = spec.rows(frame, ZoneInfo(NAIROBI))
        WorkbookSink(path).upsert(
            spec.name, spec.sheet_columns, spec.sheet_key, spec.cells(rows), spec.sheet_order_by, spec.position
        )

    write(day)
    sheet = openpyxl.load_workbook(path)[spec.name]
    column = [cell.value for cell in sheet[1]].index("Message") + 1
    cell = sheet.cell(2, column)
    assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
    assert sheet.row_dimensions[2].height == 45 and sheet.row_dimensions[3].height is None
    # Before, LibreOffice showed a three-line message in a one-line row, its first line cut off.
    text = rendered(path)
    assert "Order for Friday:" in text and "20 loaves brown" in text and "6 queen cakes" in text, text

    # The same message edited to four lines: the row is rewritten, and a height a person set is kept.
    day.loc[0, "text"] = "Order for Friday:\n20 loaves brown\n6 queen cakes\n1 birthday cake"
    day.loc[1, "text"] = "Noted,\nthe total is on its way"
    workbook = openpyxl.load_workbook(path)
    workbook[spec.name].row_dimensions[3].height = 60
    workbook.save(path)
    write(day)
    sheet = openpyxl.load_workbook(path)[spec.name]
    assert sheet.row_dimensions[3].height == 60
    assert sheet.cell(3, column).alignment.wrap_text
    # The height the workbook gave the three-line message grows with its fourth line (before, it stayed 45).
    assert sheet.row_dimensions[2].height == 60
    text = rendered(path)
    assert "1 birthday cake" in text and "Order for Friday:" in text and "the total is on its way" in text, text


def test_participants_that_open_with_a_number_show_as_typed_and_a_formula_still_shows_as_text(tmp_path):
    from zoneinfo import ZoneInfo

    from wa_pipeline.sheets.tabs.threads import THREADS

    started = pd.to_datetime(["2026-11-16 06:02:11", "2026-11-16 07:00:00"], utc=True)
    threads = pd.DataFrame(
        {
            "thread_id": ["t1", "t2"],
            "chat_id": ["c1", "c2"],
            "chat_name": ["Baraka Shop", "Baraka Shop 2"],
            "started_at": started,
            "last_message_at": started,
            "messages": [2, 1],
            "participants": ["+254 712 345 678; Juma", "Amani"],
            "first_message": ["Habari", '=HYPERLINK("http://x.example","win")'],
            "last_message": ["Noted", "ok"],
            "last_sender": ["Juma", "Amani"],
            "first_response_s": [60.0, float("nan")],
            "awaiting_reply": [False, True],
            "intents": ["", ""],
        }
    )
    rows = THREADS.rows(threads, ZoneInfo(NAIROBI))
    path = tmp_path / "wa.xlsx"
    WorkbookSink(path).upsert(
        THREADS.name, THREADS.sheet_columns, THREADS.sheet_key, THREADS.cells(rows), position=THREADS.position
    )
    sheet = openpyxl.load_workbook(path)[THREADS.name]
    header = [cell.value for cell in sheet[1]]
    first, second = ({name: cell.value for name, cell in zip(header, row)} for row in sheet.iter_rows(min_row=2))
    assert first["Participants"] == "+254 712 345 678; Juma"
    assert second["First message"] == '\'=HYPERLINK("http://x.example","win")'
    text = rendered(path)
    # Before, the participants showed as "'+254 712 345 678; Juma", the apostrophe of the formula guard in view.
    assert "+254 712 345 678; Juma" in text and "'+254" not in text, text
    assert "'=HYPERLINK(" in text, text


def test_a_reply_shows_what_it_answers(tmp_path):
    from zoneinfo import ZoneInfo

    day = enriched_day()
    day["reply_to"] = [None, "m1"]
    rows = MESSAGES.rows(day, ZoneInfo(NAIROBI))
    path = tmp_path / "wa.xlsx"
    WorkbookSink(path).upsert(
        MESSAGES.name, MESSAGES.sheet_columns, MESSAGES.sheet_key, MESSAGES.cells(rows), position=MESSAGES.position
    )
    text = rendered(path)
    # Before, the tab had no such column: a reply stood alone, whatever it answered.
    assert "In reply to" in text, text
    assert "“Please send 20 loaves” — Wanjiku Kamau" in text, text
