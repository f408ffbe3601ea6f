"""Importing chat exports into the landing store, with their media, one file at a time."""

from __future__ import annotations

import dataclasses
import os
import queue
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, tzinfo
from itertools import islice
from multiprocessing import forkserver, get_context
from pathlib import Path

from wa_pipeline.media.sniff import sniff_mime
from wa_pipeline.message import MediaRef, Message
from wa_pipeline.store.dead_letters import DeadLetterQueue, Stage
from wa_pipeline.store.landing_sql import Prepared, prepare
from wa_pipeline.store.landing_store import AddResult, LandingStore
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.whatsapp.chat_export import ExportLineError, ExportReader, ExportScan
from wa_pipeline.whatsapp.export_archive import ExportArchive, read_export

STAGE = Stage.IMPORT
# Messages landed per transaction, at the least: a transaction always ends on a day boundary (see `_land`).
BATCH = 5_000
# Lines a worker process must have to read, at the least, to be worth starting (a process, its share of the pickled
# batches and of the cores the writer needs).
LINES_PER_WORKER = 100_000
# A file this large may be split among workers (each needs LINES_PER_WORKER lines, and a chat's lines are seldom
# shorter than 20 bytes): its workers' server is started before the first pass over it, so both take their time at
# once. A smaller file that is split after all starts the server with its workers.
SPLIT_BYTES = 2 * LINES_PER_WORKER * 20
# What a worker runs, imported once by the server the workers are forked from, not once by each (compiling the export
# header patterns is most of a second, paid per worker when each was spawned).
_WORKER_MODULES = ["wa_pipeline.whatsapp.importer"]
# How often the writer, waiting for a batch, checks that the workers are still alive.
_WORKER_CHECK_S = 5.0
# How much the workers lower their own scheduling priority. Once the store is large the writer is the import's
# bottleneck (about 33 µs of CPU a message and its commits' syncs, against 22 for each of two workers): three processes
# shared evenly over two cores give it two thirds of one, while the workers wait for it with their queue full.
WORKER_NICENESS = 5
# Messages the writer lands in one transaction at the most, from batches already waiting in the queue (it is behind
# the workers): one commit writes each page the batches share (the table's tail, the indexes' hot pages) once, where
# a commit per batch would write it, and checkpoint it, once per batch.
GROUP = 20_000

_MIME_BY_EXTENSION = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "heic": "image/heic",
    "opus": "audio/ogg",
    "ogg": "audio/ogg",
    "m4a": "audio/mp4",
    "mp3": "audio/mpeg",
    "aac": "audio/aac",
    "amr": "audio/amr",
    "wav": "audio/wav",
    "mp4": "video/mp4",
    "3gp": "video/3gpp",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "pdf": "application/pdf",
    "vcf": "text/vcard",
    "txt": "text/plain",
    "csv": "text/csv",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "zip": "application/zip",
}


# macOS's Archive Utility, opening an export whose folder is there already, unzips it again into "WhatsApp Chat - Juma
# 2" (then 3, ...): the chat "Juma 2" that name gives is "Juma" when its first messages are Juma's, landed already,
# and "Juma" is "Juma 2" when that was imported first.
_NUMBERED_COPY = re.compile(r"(?P<name>.*\S) (?:[2-9]|[1-9][0-9]+)")
# Messages with a sender, from the top of such a copy, that must all be landed under the unnumbered name (fewer when
# the copy has fewer): the same people saying the same at the same minutes, in order, is the same chat.
COPY_PROBE = 3
# The numbers a second unzip is looked for under when the unnumbered export comes after it ("Juma 2" imported first).
COPY_NUMBERS = range(2, 10)


# Lines that could not be read, listed in the summary at the most; every one of them is in the dead-letter queue.
LISTED_LINE_ERRORS = 100


@dataclass(frozen=True)
class ImportSummary:
    """files: files imported; errors: one line per file that failed, and the first `LISTED_LINE_ERRORS` lines that
    could not be read; error_count: all of them (every unreadable line is also a dead letter)."""

    files: int
    added: int
    already_present: int
    media_linked: int
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    # The local days the imported messages fall on (added or already present), first and last.
    first_day: date | None = None
    last_day: date | None = None
    # Messages of a customer or chat removed by `forget`: skipped, never landed again.
    forgotten: int = 0

    def days(self) -> str:
        """'2016-03-01 .. 2026-11-16', or 'no days' when nothing was read."""
        return f"{self.first_day} .. {self.last_day}" if self.first_day else "no days"


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def mime_type(data: bytes | None, filename: str) -> str | None:
    """What the bytes are, by their magic number; the name only when the bytes do not say."""
    extension = _extension(filename)
    sniffed = sniff_mime(data[:8192]) if data else None
    if (
        sniffed in (None, "application/zip")
        and extension in {"docx", "xlsx", "pptx"}
        and data
        and data.startswith(b"PK")
    ):
        # Office files are zips; without a file to open, the name tells a .docx from a plain archive.
        return _MIME_BY_EXTENSION[extension]
    return sniffed or _MIME_BY_EXTENSION.get(extension)


@dataclass
class _Landed:
    added: int = 0
    already_present: int = 0
    media_linked: int = 0
    first_day: date | None = None
    last_day: date | None = None
    forgotten: int = 0

    def absorb(self, other: _Landed) -> None:
        self.added += other.added
        self.already_present += other.already_present
        self.media_linked += other.media_linked
        self.forgotten += other.forgotten
        days = [day for day in (self.first_day, self.last_day, other.first_day, other.last_day) if day is not None]
        self.first_day, self.last_day = (min(days), max(days)) if days else (None, None)


def _with_media(message: Message, archive: ExportArchive, media_store: MediaStore) -> tuple[Message, bool]:
    filename = message.media.filename if message.media else None
    if filename is None:
        return message, False
    loader = archive.media.get(filename)
    if loader is None:
        # A .txt shared without its media, or a file the phone left out: the name is kept, the bytes are not here.
        return dataclasses.replace(message, media=MediaRef(filename=filename, mime=mime_type(None, filename))), False
    data = loader()
    media = MediaRef(sha256=media_store.put(data), mime=mime_type(data, filename), filename=filename, bytes=len(data))
    return dataclasses.replace(message, media=media), True


class _Errors:
    """An import's errors: files that failed, and unreadable lines, each dead-lettered as it is met.

    Every failed file is listed; of the lines, the first `LISTED_LINE_ERRORS`, and all are counted. Sent to a
    worker process as it is (the queue travels as its file), it comes back with that worker's count and list.
    """

    def __init__(self, dead_letters: DeadLetterQueue):
        self.dead_letters = dead_letters
        self.count = 0
        self.listed: list[str] = []
        self.listed_lines = 0

    def fresh(self) -> _Errors:
        return _Errors(self.dead_letters)

    def file_failed(self, key: str, reason: str, error: str) -> None:
        self.count += 1
        self.listed.append(reason)
        self.dead_letters.add(STAGE, key, reason, {"path": key, "error": error})

    def _list_lines(self, lines: list[str]) -> None:
        listed = lines[: max(LISTED_LINE_ERRORS - self.listed_lines, 0)]
        self.listed_lines += len(listed)
        self.listed.extend(listed)

    def for_file(self, key: str) -> Callable[[list[ExportLineError]], None]:
        def dead_letter(unreadable: list[ExportLineError]) -> None:
            # Written as they are met, so memory stays flat whatever share of the file is unreadable.
            self.count += len(unreadable)
            self._list_lines([str(error) for error in unreadable[:LISTED_LINE_ERRORS]])
            self.dead_letters.add_many(
                STAGE,
                [
                    (
                        f"{key}:{error.line_number}",
                        str(error),
                        {"path": key, "line_number": error.line_number, "line": error.line},
                    )
                    for error in unreadable
                ],
            )

        return dead_letter

    def absorb(self, other: _Errors) -> None:
        """Add the lines another process met (later lines of the same file) after this one's."""
        self.count += other.count
        self._list_lines(other.listed)


def _import_one(
    path: Path,
    *,
    store: LandingStore,
    media_store: MediaStore,
    tz: tzinfo,
    errors: _Errors,
    today: date | None = None,
    on_commit: Callable[[int], None] | None = None,
    workers: int = 1,
) -> _Landed:
    """Stream one export into the store, a whole number of days per transaction.

    Memory stays flat in the file's size: the text is read twice (dates, then messages) and never held, and
    messages are held only until their transaction. A reader never sees part of a day: a transaction ends only
    where the local day changes, and a day the file comes back to later (merged exports) lands with the last
    transaction, when all of it has been read.

    With `workers` > 1 a long file is read by up to that many worker processes at once, each a range of whole days
    (see `ExportReader.split`) that it parses and prepares for landing (`landing_sql.prepare`, most of the cost),
    while this process alone writes their batches: two writers would take turns at the database's write lock and
    each would find its page cache stale after the other's commit. `on_commit(n)` follows each transaction.
    """
    if workers > 1 and path.is_file() and path.stat().st_size >= SPLIT_BYTES:
        _start_worker_server()
    archive = read_export(path)
    # A member whose header lies fails the file here, before anything lands.
    archive.check_media()
    whole = _reader(archive, path, tz=tz, today=today, errors=errors)
    landed_as = _landed_copy_of(archive, whole.scan, store=store, tz=tz, today=today)
    if landed_as is not None:
        archive = dataclasses.replace(archive, chat_name=landed_as)
        whole = _reader(archive, path, tz=tz, today=today, errors=errors, scan=whole.scan)
    ranges = whole.split(workers, LINES_PER_WORKER) if workers > 1 else [(1, None)]
    if len(ranges) == 1:
        return _read_days(whole, archive, store=store, media_store=media_store, tz=tz, land=_writer(store, on_commit))
    return _land_from_workers(
        path,
        ranges,
        chat_name=archive.chat_name,
        store=store,
        media_store=media_store,
        tz=tz,
        today=today,
        errors=errors,
        on_commit=on_commit,
        scan=whole.scan,
    )


def _landed_copy_of(
    archive: ExportArchive, scan: ExportScan, *, store: LandingStore, tz: tzinfo, today: date | None
) -> str | None:
    """The landed chat an export is an unzip of under another folder name, or None: a numbered second unzip ("Juma
    2") of "Juma", or "Juma" of a "Juma 2" that was imported first, when its first messages are landed under that
    name. A chat really named "Team 2" has other messages than "Team", and stays its own.

    The landed chat keeps its name: renaming it would change its id and every message id made from it, which the
    sheet keys its rows on, so its rows would be written again beside the old ones.
    """
    numbered = _NUMBERED_COPY.fullmatch(archive.chat_name)
    base = numbered.group("name") if numbered else archive.chat_name
    candidates = [base, *(f"{base} {number}" for number in COPY_NUMBERS)]
    for candidate in candidates:
        if candidate != archive.chat_name and _first_messages_landed(archive, scan, candidate, store, tz, today):
            return candidate
    return None


def _first_messages_landed(
    archive: ExportArchive, scan: ExportScan, chat_name: str, store: LandingStore, tz: tzinfo, today: date | None
) -> bool:
    # Read under another chat's name, the export's messages have the ids that chat's export gave them (the same file).
    reader = ExportReader(
        archive.open_text,
        chat_name=chat_name,
        tz=tz,
        source_name=archive.source_name,
        today=today,
        on_errors=lambda _: None,
        scan=scan,
    )
    messages = reader.messages()
    try:
        probed = 0
        for message_id in islice((m.message_id for m in messages if m.sender_name is not None), COPY_PROBE):
            # The first not landed ends the look (most exports: their first message, under the first name tried).
            if store.get(message_id) is None:
                return False
            probed += 1
    finally:
        messages.close()
    return probed > 0


def _writer(store: LandingStore, on_commit: Callable[[int], None] | None) -> Callable[[list[Message]], AddResult]:
    def land(messages: list[Message]) -> AddResult:
        result = store.add_messages(messages)
        if on_commit is not None:
            on_commit(len(messages))
        return result

    return land


def _reader(
    archive: ExportArchive,
    path: Path,
    *,
    tz: tzinfo,
    today: date | None,
    errors: _Errors,
    lines: tuple[int, int | None] = (1, None),
    scan: ExportScan | None = None,
) -> ExportReader:
    return ExportReader(
        archive.open_text,
        chat_name=archive.chat_name,
        tz=tz,
        source_name=archive.source_name,
        today=today,
        on_errors=errors.for_file(str(path)),
        lines=lines,
        scan=scan,
    )


def _land_from_workers(
    path: Path,
    ranges: list[tuple[int, int | None]],
    *,
    chat_name: str | None = None,
    store: LandingStore,
    media_store: MediaStore,
    tz: tzinfo,
    today: date | None,
    errors: _Errors,
    on_commit: Callable[[int], None] | None,
    scan: ExportScan | None = None,
) -> _Landed:
    """Land the batches that one worker process per range prepares (see `_import_one`)."""
    # Two batches per worker may wait in the queue: enough to keep the writer busy, and memory stays flat.
    context = _start_worker_server()
    batches = context.Queue(maxsize=2 * len(ranges))
    processes = [
        context.Process(
            target=_prepare_range,
            args=(index, path, chat_name, lines, scan, store, media_store, tz, today, errors.fresh(), batches),
            name=f"wa-import-{index}",
            daemon=True,
        )
        for index, lines in enumerate(ranges)
    ]
    for process in processes:
        process.start()
    landed = _Landed()
    finished: dict[int, tuple[_Landed, _Errors]] = {}
    failure: BaseException | None = None

    def end(index: int, what: str, payload) -> None:
        nonlocal failure
        if what == "done":
            finished[index] = payload
        else:
            failure = payload
            finished[index] = (_Landed(), errors.fresh())

    def waiting(first: list[Prepared], counted: list[int]) -> Iterator[list[Prepared]]:
        # `first`, then the batches already in the queue, up to GROUP messages: the writer never waits for a batch
        # inside its transaction, so it holds the write lock no longer than its own work takes.
        payload: list[Prepared] | None = first
        while payload is not None:
            counted.append(len(payload))
            yield payload
            payload = None
            if sum(counted) < GROUP:
                try:
                    index, what, payload = batches.get_nowait()
                except queue.Empty:
                    return
                if what != "batch":
                    end(index, what, payload)
                    payload = None

    try:
        while len(finished) < len(processes):
            try:
                index, what, payload = batches.get(timeout=_WORKER_CHECK_S)
            except queue.Empty:
                dead = [p.name for i, p in enumerate(processes) if i not in finished and not p.is_alive()]
                if dead:
                    raise RuntimeError(f"import worker {', '.join(dead)} of {path} ended without finishing") from None
                continue
            if what == "batch":
                counted: list[int] = []
                result = store.add_prepared_batches(waiting(payload, counted))
                landed.added += result.added
                landed.already_present += result.already_present
                if on_commit is not None:
                    on_commit(sum(counted))
            else:
                end(index, what, payload)
    finally:
        for process in processes:
            if failure is not None or process.is_alive():
                process.join(timeout=_WORKER_CHECK_S)
            if process.is_alive():
                process.kill()
    if failure is not None:
        raise failure
    for index in sorted(finished):
        part, part_errors = finished[index]
        landed.absorb(part)
        errors.absorb(part_errors)
    return landed


def _start_worker_server():
    """The context import workers are started in, its server started (or already running): forked from a server
    process, not from this one, whose open database connections and threads must not be copied; the server is a
    fresh interpreter that has imported `_WORKER_MODULES` and nothing else, and serves every later import of this
    process. Starting it returns at once: the server imports while this process goes on."""
    context = get_context("forkserver")
    # Taken only by a server not yet running (one per process).
    context.set_forkserver_preload(_WORKER_MODULES)
    forkserver.ensure_running()
    return context


def _prepare_range(
    index: int,
    path: Path,
    chat_name: str | None,
    lines: tuple[int, int | None],
    scan: ExportScan | None,
    store: LandingStore,
    media_store: MediaStore,
    tz: tzinfo,
    today: date | None,
    errors: _Errors,
    batches,
) -> None:
    """In a worker process: read one range of an export's lines and hand its batches, prepared, to the writer."""
    try:
        os.nice(WORKER_NICENESS)
        archive = read_export(path)
        if chat_name is not None:
            # The chat as the writer named it (see `_landed_copy_of`), not as the file's name gives it.
            archive = dataclasses.replace(archive, chat_name=chat_name)
        # The first pass the writer made over the whole file: a worker reads only its own range.
        reader = _reader(archive, path, tz=tz, today=today, errors=errors, lines=lines, scan=scan)

        def hand_over(messages: list[Message]) -> AddResult:
            batches.put((index, "batch", prepare(messages)))
            # Counted by the writer, which alone knows what was already present.
            return AddResult(0, 0)

        landed = _read_days(reader, archive, store=store, media_store=media_store, tz=tz, land=hand_over)
        batches.put((index, "done", (landed, errors)))
    except BaseException as exc:
        batches.put((index, "failed", exc))
        raise


def _read_days(
    reader: ExportReader,
    archive: ExportArchive,
    *,
    store: LandingStore,
    media_store: MediaStore,
    tz: tzinfo,
    land: Callable[[list[Message]], AddResult],
) -> _Landed:
    """Read what `reader` reads and `land` it, a whole number of days at a time (see `_import_one`)."""
    scattered = reader.scattered_days()
    landed = _Landed()
    batch: list[Message] = []
    held: list[Message] = []
    day: date | None = None

    def land_counted(messages: list[Message]) -> None:
        result = land(messages)
        landed.added += result.added
        landed.already_present += result.already_present

    # A forgotten customer's messages are skipped before their media is stored (landing refuses them anyway).
    forgotten = store.tombstones()
    # The day of the message before: a file runs a day at a time, so the first and last days change only with it.
    seen: date | None = None
    for message in reader.messages():
        if forgotten and forgotten.blocks(message):
            landed.forgotten += 1
            continue
        if message.media is not None:
            message, linked = _with_media(message, archive, media_store)
            landed.media_linked += linked
        local_day = message.sent_at.astimezone(tz).date()
        if local_day != seen:
            seen = local_day
            landed.first_day = min(landed.first_day or local_day, local_day)
            landed.last_day = max(landed.last_day or local_day, local_day)
        if local_day in scattered:
            held.append(message)
            continue
        if local_day != day and len(batch) >= BATCH:
            land_counted(batch)
            batch = []
        day = local_day
        batch.append(message)
    if batch or held:
        land_counted(batch + held)
    reader.hand_over_errors()
    return landed


def import_exports(
    paths: Iterable[Path],
    *,
    store: LandingStore,
    media_store: MediaStore,
    dead_letters: DeadLetterQueue,
    tz: tzinfo,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
    on_commit: Callable[[int], None] | None = None,
    workers: int = 1,
) -> ImportSummary:
    """Import each export; a file that cannot be read or parsed is dead-lettered and the rest go on.

    `today` (default: the clock) bounds the dates believed; `on_commit(n)` is called after each transaction with
    the number of messages it held; `workers` > 1 reads a long export in that many processes (see `_import_one`).
    """
    paths = [Path(p) for p in paths]
    files = added = already = linked = skipped = 0
    first_day: date | None = None
    last_day: date | None = None
    errors = _Errors(dead_letters)
    for done, path in enumerate(paths, start=1):
        key = str(path)

        try:
            landed = _import_one(
                path,
                store=store,
                media_store=media_store,
                tz=tz,
                errors=errors,
                today=today,
                on_commit=on_commit,
                workers=workers,
            )
        # Bad input (ExportArchiveError, ChatExportError, both ValueErrors) or an unreadable file fails this file
        # only; a failing database is not caught, since every later file would fail the same way.
        except (ValueError, OSError) as exc:
            errors.file_failed(key, str(exc) if path.name in str(exc) else f"{path}: {exc}", type(exc).__name__)
        else:
            files += 1
            added += landed.added
            already += landed.already_present
            linked += landed.media_linked
            skipped += landed.forgotten
            if landed.first_day is not None:
                first_day = min(first_day or landed.first_day, landed.first_day)
                last_day = max(last_day or landed.last_day, landed.last_day)
            dead_letters.resolve(STAGE, key)
        if progress is not None:
            progress(done, len(paths))
    return ImportSummary(
        files=files,
        added=added,
        already_present=already,
        media_linked=linked,
        errors=errors.listed,
        error_count=errors.count,
        first_day=first_day,
        last_day=last_day,
        forgotten=skipped,
    )
