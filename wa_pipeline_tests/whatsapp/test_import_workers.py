"""A long export read by several processes at once: ranges of whole days, and exactly what one process lands."""

from __future__ import annotations

import io
import os
import sqlite3
from collections import Counter
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.landing_factory import open_landing_store
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp import importer
from wa_pipeline.whatsapp.chat_export import ExportReader, parse_chat_export
from wa_pipeline.whatsapp.export_archive import ExportArchiveError
from wa_pipeline.whatsapp.importer import import_exports
from wa_pipeline_tests.whatsapp import worker_probe

NAIROBI = ZoneInfo("Africa/Nairobi")
TODAY = date(2026, 12, 3)
CHAT = "Mama Mboga Bakery"


def _export(days: int = 12, bad_days: tuple[int, ...] = (3, 10)) -> str:
    """An Android export of `days` days in March 2026; each day ends and the next begins with the same "ok" sent
    three times in one minute (their ordinals tell them apart, and would change if a day were cut), and after some
    days comes a line whose date cannot be."""
    lines = ["01/03/2026, 07:00 - Messages and calls are end-to-end encrypted. Tap to learn more."]
    for day in range(1, days + 1):
        stamp = f"{day:02d}/03/2026"
        lines += [f"{stamp}, 08:00 - Wanjiku Kamau: ok"] * 3
        lines += [
            f"{stamp}, 09:15 - Brian Otieno: 20 loaves please,",
            "brown ones",
            f"{stamp}, 09:16 - Mama Mboga Bakery: IMG-2026030{day % 10}-WA0001.jpg (file attached)",
            f"{stamp}, 10:00 - Brian Otieno added Amina Njeri",
        ]
        lines += [f"{stamp}, 23:59 - Wanjiku Kamau: ok"] * 3
        if day in bad_days:
            # Between two days: a bad date inside a day would make that day come back after it.
            lines.append(f"31/02/2026, 11:{day:02d} - Amina Njeri: is this the right date")
    return "\n".join(lines) + "\n"


def _reader(text: str, lines: tuple[int, int | None] = (1, None)) -> ExportReader:
    return ExportReader(lambda: io.StringIO(text, newline=""), chat_name=CHAT, tz=NAIROBI, today=TODAY, lines=lines)


def test_split_ranges_start_on_a_new_day_and_read_together_what_the_whole_file_reads():
    text = _export()
    whole = _reader(text)
    expected = list(whole.messages())
    ranges = whole.split(3, min_lines=20)
    assert len(ranges) == 3 and ranges[0][0] == 1 and ranges[-1][1] is None
    assert all(stop == first for (_, stop), (first, _) in zip(ranges, ranges[1:], strict=False))
    lines = text.splitlines()
    days_seen: list[set[date]] = []
    read, errors = [], []
    for lines_range in ranges:
        part = _reader(text, lines_range)
        messages = list(part.messages())
        read += messages
        errors += part.errors
        days_seen.append({m.sent_at.astimezone(NAIROBI).date() for m in messages})
        first = lines_range[0]
        if first > 1:
            # The range opens on the first header of a day the line before it does not belong to.
            assert lines[first - 1][:10] != lines[first - 2][:10]
    assert [m.message_id for m in read] == [m.message_id for m in expected]
    assert read == expected
    assert sorted(e.line_number for e in errors) == sorted(e.line_number for e in whole.errors)
    assert all(not (a & b) for i, a in enumerate(days_seen) for b in days_seen[i + 1 :])


def test_a_range_reader_given_the_first_pass_reads_the_file_once():
    text = _export()
    whole = _reader(text)
    opened = []

    def open_text():
        opened.append(1)
        return io.StringIO(text, newline="")

    first, stop = whole.split(2, min_lines=20)[1]
    part = ExportReader(open_text, chat_name=CHAT, tz=NAIROBI, today=TODAY, lines=(first, stop), scan=whole.scan)
    assert [m.message_id for m in part.messages()] == [m.message_id for m in _reader(text, (first, stop)).messages()]
    assert len(opened) == 1  # the second pass only: a worker does not read the whole file again for the dates


def test_a_file_that_cannot_be_cut_into_days_is_one_range():
    short = _export(days=3)
    assert _reader(short).split(2, min_lines=len(short.splitlines())) == [(1, None)]
    # A merged export comes back to 1 March at its end: which day is whole is known only at the end.
    merged = _export(days=6) + "01/03/2026, 12:00 - Brian Otieno: one more thing\n"
    assert _reader(merged).split(2, min_lines=5) == [(1, None)]
    # Two phones' layouts (Android and iOS) in one file.
    mixed = _export(days=6) + "[07/03/2026, 12:00:00] Brian Otieno: from the other phone\n"
    assert _reader(mixed).split(2, min_lines=5) == [(1, None)]


def test_workers_start_with_the_export_reader_imported_by_their_server_not_each_by_itself():
    # Compiling the header patterns is most of a second of importing the reader: paid once, by the server, which
    # this process started (an import's first pass runs meanwhile); every worker is a fork of it.
    context = importer._start_worker_server()
    answers = context.Queue()
    probes = [context.Process(target=worker_probe.report, args=(answers,)) for _ in range(2)]
    for probe in probes:
        probe.start()
    reported = [answers.get(timeout=60) for _ in probes]
    for probe in probes:
        probe.join(timeout=60)
    parents = {parent for parent, _ in reported}
    assert len(parents) == 1 and os.getpid() not in parents
    assert all(imported for _, imported in reported)


def _import(tmp_path: Path, name: str, path: Path, workers: int):
    db = tmp_path / name / "landing.sqlite3"
    db.parent.mkdir()
    summary = import_exports(
        [path],
        store=SqliteLandingStore(db),
        media_store=MediaStore(tmp_path / name / "media"),
        dead_letters=DeadLetterQueue(db),
        tz=NAIROBI,
        today=TODAY,
        workers=workers,
    )
    with sqlite3.connect(db) as conn:
        records = sorted(conn.execute("SELECT message_id, sent_at, record FROM messages"))
        prints = sorted(conn.execute("SELECT fingerprint, message_id FROM fingerprints"))
        letters = sorted(row[0] for row in conn.execute("SELECT item_key FROM dead_letters"))
    return summary, records, prints, letters


def test_two_workers_land_exactly_what_one_process_lands(tmp_path, monkeypatch):
    text = _export(days=12)
    path = tmp_path / f"WhatsApp Chat with {CHAT}.txt"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(importer, "LINES_PER_WORKER", 30)
    assert len(_reader(text).split(2, 30)) == 2  # the file really is read by two processes
    one = _import(tmp_path, "one", path, workers=1)
    two = _import(tmp_path, "two", path, workers=2)
    assert two == one
    summary, records, _, letters = two
    whole = parse_chat_export(text, chat_name=CHAT, tz=NAIROBI, today=TODAY)
    assert summary.added == len(records) == len(whole.messages)
    # The impossible dates of both halves: each dead-lettered by the process that met it, all counted and listed.
    assert summary.error_count == 2 == len(letters) == len(summary.errors)
    assert (summary.first_day, summary.last_day) == (date(2026, 3, 1), date(2026, 3, 12))
    assert Counter(record[2].count('"text": "ok"') for record in records)[1] == 12 * 6


def test_a_second_import_with_two_workers_finds_everything_present(tmp_path, monkeypatch):
    path = tmp_path / f"WhatsApp Chat with {CHAT}.txt"
    path.write_text(_export(days=8, bad_days=()), encoding="utf-8")
    monkeypatch.setattr(importer, "LINES_PER_WORKER", 20)
    db = tmp_path / "landing.sqlite3"
    stores = {"store": SqliteLandingStore(db), "media_store": MediaStore(tmp_path / "media")}
    first = import_exports([path], **stores, dead_letters=DeadLetterQueue(db), tz=NAIROBI, today=TODAY, workers=2)
    again = import_exports([path], **stores, dead_letters=DeadLetterQueue(db), tz=NAIROBI, today=TODAY, workers=2)
    assert first.added > 0 and first.already_present == 0
    assert (again.added, again.already_present) == (0, first.added)


def test_two_workers_land_on_postgresql_what_one_process_lands(tmp_path, monkeypatch, postgres):
    # The store travels to the worker as its address (the password with it, never in a log); the worker connects.
    path = tmp_path / f"WhatsApp Chat with {CHAT}.txt"
    path.write_text(_export(days=10), encoding="utf-8")
    monkeypatch.setattr(importer, "LINES_PER_WORKER", 30)
    landed = {}
    for workers in (1, 2):
        store = open_landing_store(postgres.create_database(f"import_workers_{workers}_{abs(hash(str(tmp_path)))}"))
        summary = import_exports(
            [path],
            store=store,
            media_store=MediaStore(tmp_path / f"media{workers}"),
            dead_letters=DeadLetterQueue(tmp_path / f"letters{workers}.sqlite3"),
            tz=NAIROBI,
            today=TODAY,
            workers=workers,
        )
        landed[workers] = (summary, sorted((m.message_id, m.to_json()) for m in store.iter_messages()))
    assert landed[2] == landed[1]
    assert landed[2][0].added == len(landed[2][1]) > 0 and landed[2][0].error_count == 2


def test_a_worker_that_fails_fails_the_import_with_its_reason_and_nothing_hangs(tmp_path):
    # The file is gone by the time the workers open it: each reports why, and the writer raises the first.
    db = tmp_path / "landing.sqlite3"
    gone = tmp_path / "gone.txt"
    errors = importer._Errors(DeadLetterQueue(db))
    with pytest.raises(ExportArchiveError, match="gone.txt: no such file"):
        importer._land_from_workers(
            gone,
            [(1, 20), (20, None)],
            store=SqliteLandingStore(db),
            media_store=MediaStore(tmp_path / "media"),
            tz=NAIROBI,
            today=TODAY,
            errors=errors,
            on_commit=None,
        )


def test_wa_import_workers_sets_how_many_processes_the_cli_import_uses(data_dir, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from wa_pipeline.cli import app
    from wa_pipeline.settings import get_settings

    path = tmp_path / f"WhatsApp Chat with {CHAT}.txt"
    path.write_text(_export(days=10), encoding="utf-8")
    monkeypatch.setattr(importer, "LINES_PER_WORKER", 30)
    used = []
    real_split = ExportReader.split
    monkeypatch.setattr(
        ExportReader, "split", lambda self, parts, min_lines: used.append(parts) or real_split(self, parts, min_lines)
    )
    outputs = []
    for workers in ("2", "1"):
        monkeypatch.setenv("WA_IMPORT_WORKERS", workers)
        monkeypatch.setenv("WA_DATA_DIR", str(tmp_path / f"data{workers}"))
        get_settings.cache_clear()
        result = CliRunner().invoke(app, ["import", str(path)])
        assert result.exit_code == 1, result.output  # the two impossible dates
        # What follows the progress bar (whose elapsed time varies): the summary, the days, the errors.
        outputs.append(" ".join(result.output.split()).split("files ", 1)[1])
    assert used == [2]  # one process reads the file whole without asking for ranges
    assert "added 91" in outputs[0] and "errors 2" in outputs[0] and "days 2026-03-01 .. 2026-03-10" in outputs[0]
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("group", [1, 10_000])
def test_a_reader_during_a_two_worker_import_sees_whole_days_whether_batches_commit_alone_or_together(
    tmp_path, monkeypatch, group
):
    # The writer lands the batches waiting for it in one transaction (up to GROUP messages): each is whole days.
    text = _export(days=12)
    path = tmp_path / f"WhatsApp Chat with {CHAT}.txt"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(importer, "LINES_PER_WORKER", 30)
    monkeypatch.setattr(importer, "GROUP", group)
    whole = Counter(m.sent_at.astimezone(NAIROBI).date() for m in _reader(text).messages())
    db = tmp_path / "landing.sqlite3"
    reader = SqliteLandingStore(db)  # its own connection, as the landing sensor would have
    committed: list[int] = []

    def look(count: int) -> None:
        committed.append(count)
        visible = Counter(m.sent_at.astimezone(NAIROBI).date() for m in reader.iter_messages())
        for day, seen in visible.items():
            assert seen == whole[day], f"{day}: {seen} of {whole[day]} messages visible"

    summary = import_exports(
        [path],
        store=SqliteLandingStore(db),
        media_store=MediaStore(tmp_path / "media"),
        dead_letters=DeadLetterQueue(db),
        tz=NAIROBI,
        today=TODAY,
        on_commit=look,
        workers=2,
    )
    assert summary.added == sum(committed) == sum(whole.values()) == reader.count()
    if group == 1:
        assert len(committed) == 2  # one transaction per worker's batch
