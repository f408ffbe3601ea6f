"""Importing chat exports into the landing store, with their media, one file at a time."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from wa_pipeline.media.sniff import sniff_mime
from wa_pipeline.message import MediaRef, Message
from wa_pipeline.store.dead_letters import DeadLetterQueue, Stage
from wa_pipeline.store.landing_store import LandingStore
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.whatsapp.chat_export import ExportLineError, parse_chat_export
from wa_pipeline.whatsapp.export_archive import read_export

STAGE = Stage.IMPORT

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


@dataclass(frozen=True)
class ImportSummary:
    """files: files imported; errors: one line per file that failed or line that could not be read."""

    files: int
    added: int
    already_present: int
    media_linked: int
    errors: list[str] = field(default_factory=list)


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


def _import_one(
    path: Path, *, store: LandingStore, media_store: MediaStore, tz: tzinfo
) -> tuple[int, int, int, list[ExportLineError]]:
    archive = read_export(path)
    parsed = parse_chat_export(archive.text, chat_name=archive.chat_name, tz=tz, source_name=archive.source_name)
    linked = 0
    messages: list[Message] = []
    # Every attachment is read before anything lands, so a member that turns out hostile fails the whole file.
    for message in parsed.messages:
        filename = message.media.filename if message.media else None
        if filename is None:
            messages.append(message)
            continue
        loader = archive.media.get(filename)
        if loader is None:
            media = MediaRef(filename=filename, mime=mime_type(None, filename))
        else:
            data = loader()
            media = MediaRef(
                sha256=media_store.put(data), mime=mime_type(data, filename), filename=filename, bytes=len(data)
            )
            linked += 1
        messages.append(dataclasses.replace(message, media=media))
    result = store.add_messages(messages)
    return result.added, result.already_present, linked, parsed.errors


def import_exports(
    paths: Iterable[Path],
    *,
    store: LandingStore,
    media_store: MediaStore,
    dead_letters: DeadLetterQueue,
    tz: tzinfo,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import each export; a file that cannot be read or parsed is dead-lettered and the rest go on."""
    paths = [Path(p) for p in paths]
    files = added = already = linked = 0
    errors: list[str] = []
    for done, path in enumerate(paths, start=1):
        key = str(path)
        try:
            new, present, media, line_errors = _import_one(path, store=store, media_store=media_store, tz=tz)
        # Bad input (ExportArchiveError, ChatExportError, both ValueErrors) or an unreadable file fails this file
        # only; a failing database is not caught, since every later file would fail the same way.
        except (ValueError, OSError) as exc:
            reason = str(exc) if path.name in str(exc) else f"{path}: {exc}"
            errors.append(reason)
            dead_letters.add(STAGE, key, reason, {"path": key, "error": type(exc).__name__})
        else:
            files += 1
            added += new
            already += present
            linked += media
            dead_letters.resolve(STAGE, key)
            for line_error in line_errors:
                errors.append(str(line_error))
                dead_letters.add(
                    STAGE,
                    f"{key}:{line_error.line_number}",
                    str(line_error),
                    {"path": key, "line_number": line_error.line_number, "line": line_error.line},
                )
        if progress is not None:
            progress(done, len(paths))
    return ImportSummary(files=files, added=added, already_present=already, media_linked=linked, errors=errors)
