"""Big exports import as a stream: whole days per transaction, flat memory, and no half-landed day for a reader."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from benchmarks.bench_export import write_export
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp import importer
from wa_pipeline.whatsapp.chat_export import parse_chat_export
from wa_pipeline.whatsapp.importer import import_exports

NAIROBI = ZoneInfo("Africa/Nairobi")
TODAY = date(2026, 12, 3)


def _export(days: list[int], per_day: int) -> str:
    """Android lines, `per_day` messages on each listed day of March 2026 (a day may come back, as in a merge)."""
    lines = []
    for visit, day in enumerate(days):
        for n in range(per_day):
            lines.append(f"{day:02d}/03/2026, {8 + visit % 10:02d}:{n:02d} - Wanjiku Kamau: order {visit}-{n}")
    return "\n".join(lines) + "\n"


def _per_day(messages) -> Counter[date]:
    return Counter(m.sent_at.astimezone(NAIROBI).date() for m in messages)


def test_a_reader_during_the_import_never_sees_part_of_a_day(tmp_path, monkeypatch):
    # Day 2 is left and come back to at the end (a merged export): it may only show up once all of it is in.
    text = _export([1, 2, 3, 4, 5, 6, 2], per_day=7)
    path = tmp_path / "WhatsApp Chat with Mama Mboga Bakery.txt"
    path.write_text(text, encoding="utf-8")
    whole = _per_day(parse_chat_export(text, chat_name="Mama Mboga Bakery", tz=NAIROBI, today=TODAY).messages)
    monkeypatch.setattr(importer, "BATCH", 5)  # several transactions from a small file
    db = tmp_path / "landing.sqlite3"
    reader = SqliteLandingStore(db)  # its own connection, as the landing sensor or a run would have
    seen: list[dict[date, int]] = []

    def look(_count: int) -> None:
        start = datetime(2026, 3, 1, tzinfo=NAIROBI).astimezone(UTC)
        visible = _per_day(reader.messages_between(start, start + timedelta(days=31)))
        seen.append(dict(visible))
        for day, count in visible.items():
            assert count == whole[day], f"{day}: {count} of {whole[day]} messages visible"

    summary = import_exports(
        [path],
        store=SqliteLandingStore(db),
        media_store=MediaStore(tmp_path / "media"),
        dead_letters=DeadLetterQueue(db),
        tz=NAIROBI,
        today=TODAY,
        on_commit=look,
    )
    assert summary.added == sum(whole.values()) == 49
    assert len(seen) >= 4  # the import really was several transactions
    assert date(2026, 3, 2) not in seen[0] and seen[-1] == whole


_CHILD = """
import json, sys, threading, time
from pathlib import Path
from zoneinfo import ZoneInfo
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.whatsapp.importer import import_exports

def rss():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
peak, done = [0], threading.Event()
def sample():
    while not done.is_set():
        peak[0] = max(peak[0], rss())
        done.wait(0.05)
threading.Thread(target=sample, daemon=True).start()
data = Path(sys.argv[2])
summary = import_exports([Path(sys.argv[1])], store=SqliteLandingStore(data / "l.sqlite3"), media_store=MediaStore(data / "m"),
                         dead_letters=DeadLetterQueue(data / "l.sqlite3"), tz=ZoneInfo("Africa/Nairobi"))
done.set()
print(json.dumps({"added": summary.added, "peak_mib": max(peak[0], rss())}))
"""


def _import_in_child(path: Path, data: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(data)], check=True, capture_output=True, text=True, timeout=580
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("lines", [60_000])
def test_import_memory_does_not_grow_with_the_file(tmp_path, lines):
    # Loose by design (sampled RSS, a small file); the benchmark measures 200,000 and 2,000,000 lines.
    small, large = tmp_path / "WhatsApp Chat with A.txt", tmp_path / "WhatsApp Chat with B.txt"
    write_export(small, lines // 6)
    write_export(large, lines)
    assert large.stat().st_size > 5 * small.stat().st_size
    first = _import_in_child(small, tmp_path / "small")
    second = _import_in_child(large, tmp_path / "large")
    assert second["added"] > 5 * first["added"]
    assert second["peak_mib"] < 400
    # Holding the file, its lines or its messages would grow the peak with the size; streaming keeps it level.
    assert second["peak_mib"] < first["peak_mib"] * 1.5, (first, second)


def _export_with_a_wrong_clock(path: Path, bad: int) -> None:
    """Two readable messages around `bad` lines dated 2099 (a phone whose clock was wrong): all after tomorrow."""
    lines = ["01/03/2026, 08:00 - Wanjiku Kamau: first"]
    lines += [f"0{1 + n % 9}/04/2099, 09:{n % 60:02d} - Wanjiku Kamau: order {n}" for n in range(bad)]
    lines.append("02/03/2026, 08:00 - Wanjiku Kamau: last")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_unreadable_lines_are_dead_lettered_as_they_are_read_not_held_until_the_end(tmp_path, monkeypatch):
    from wa_pipeline.whatsapp import chat_export

    monkeypatch.setattr(chat_export, "ERRORS_PER_HANDOVER", 50)
    path = tmp_path / "WhatsApp Chat with Mama Mboga Bakery.txt"
    _export_with_a_wrong_clock(path, 1_000)
    db = tmp_path / "landing.sqlite3"
    queue = DeadLetterQueue(db)
    batches: list[int] = []
    add_many = queue.add_many

    def recording(stage, items, partition=None):
        batches.append(len(items))
        add_many(stage, items, partition=partition)

    monkeypatch.setattr(queue, "add_many", recording)
    summary = import_exports(
        [path],
        store=SqliteLandingStore(db),
        media_store=MediaStore(tmp_path / "media"),
        dead_letters=queue,
        tz=NAIROBI,
        today=TODAY,
    )
    assert summary.added == 2
    # Handed over in batches as the file is read: a file of millions of such lines is never held in memory.
    assert sum(batches) == 1_000 and max(batches) <= 50 and len(batches) >= 20
    # Every line is a dead letter; the summary counts them all and lists the first ones only.
    letters = queue.list(stage="import")
    assert len(letters) == 1_000 == summary.error_count
    assert len(summary.errors) == importer.LISTED_LINE_ERRORS
    assert "after tomorrow" in summary.errors[0] or "2099" in summary.errors[0]
    assert {letter.item_key for letter in letters} == {f"{path}:{n}" for n in range(2, 1_002)}


def test_import_says_how_many_more_lines_it_could_not_read_and_where_they_are(data_dir, tmp_path):
    from typer.testing import CliRunner

    from wa_pipeline.cli import app

    path = tmp_path / "WhatsApp Chat with Mama Mboga Bakery.txt"
    _export_with_a_wrong_clock(path, 250)
    result = CliRunner().invoke(app, ["import", str(path)])
    flat = " ".join(result.output.split())
    assert result.exit_code == 1, result.output
    assert "added 2" in flat and "errors 250" in flat
    assert flat.count("error:") == importer.LISTED_LINE_ERRORS + 1
    assert "150 more lines could not be read" in flat and "wa-pipeline dlq list --stage import" in flat
