"""Opening a chat export (.txt, or the .zip WhatsApp makes with media) as hostile input."""

from __future__ import annotations

import codecs
import functools
import io
import os
import re
import stat
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, TextIO

from wa_pipeline.whatsapp.chat_export import chat_name_from_filename, chat_named_by

MAX_MEMBERS = 5_000
MAX_TOTAL_UNCOMPRESSED = 8 * 1024**3
MAX_RATIO = 100
# The chat text is streamed (read, parsed and landed in chunks), so its size costs time, not memory: 4 GiB holds
# a ten-year group chat of a few thousand messages a day with room to spare.
MAX_CHAT_TEXT_BYTES = 4 * 1024**3
# Python reads the whole central directory into memory before we can count members; bound it first.
MAX_CENTRAL_DIRECTORY = 16 * 1024**2
_CHUNK = 1024**2

_EOCD = b"PK\x05\x06"
_ANDROID_CHAT_MEMBER = re.compile(r"^WhatsApp.*\.txt$", re.IGNORECASE)
# iOS's name for the chat text, in every export: the zip's (or the unzipped folder's) name says which chat it is.
IOS_CHAT_TEXT = "_chat.txt"


class ExportArchiveError(ValueError):
    """The export cannot be read (not a zip, no chat text in it, undecodable text)."""


class UnsafeArchiveError(ExportArchiveError):
    """The archive looks hostile (traversal, links, bombs); nothing from it is used."""


@dataclass(frozen=True)
class ExportArchive:
    chat_name: str
    source_name: str
    # Opens the chat text afresh as a stream (newline=""), decoded as `check_text` found it: never read whole.
    open_text: Callable[[], TextIO]
    # filename -> loader: media is read only when linked, each read capped against the member's header.
    media: dict[str, Callable[[], bytes]] = field(default_factory=dict)
    # Reads every media member once (and forgets it), so a member whose header lies fails before anything lands.
    check_media: Callable[[], None] = lambda: None

    @property
    def text(self) -> str:
        """The whole chat text (for small uses; importing streams it instead)."""
        with self.open_text() as handle:
            return handle.read()


def _encoding(head: bytes) -> str:
    """UTF-8 (BOM or not); UTF-16 only when a UTF-16 BOM says so."""
    return "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"


def check_text(open_binary: Callable[[], BinaryIO], source_name: str) -> str:
    """The text's encoding, after decoding all of it in chunks; ExportArchiveError names the first bad byte."""
    with open_binary() as handle:
        first = handle.read(_CHUNK)
        encoding = _encoding(first)
        decoder = codecs.getincrementaldecoder(encoding)()
        offset, chunk = 0, first
        while True:
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                if encoding == "utf-16":
                    raise ExportArchiveError(f"{source_name}: not valid UTF-16 at byte {offset + exc.start}") from exc
                raise ExportArchiveError(
                    f"{source_name}: not valid UTF-8 at byte {offset + exc.start} (WhatsApp exports are UTF-8)"
                ) from exc
            if not chunk:
                return encoding
            offset += len(chunk)
            chunk = handle.read(_CHUNK)


def _text_opener(open_binary: Callable[[], BinaryIO], encoding: str) -> Callable[[], TextIO]:
    return lambda: io.TextIOWrapper(open_binary(), encoding=encoding, newline="")


def read_export(path: Path) -> ExportArchive:
    """Open a .txt or .zip export; raises UnsafeArchiveError for hostile zips, ExportArchiveError if unreadable."""
    path = Path(path)
    if not path.is_file():
        raise ExportArchiveError(f"{path}: no such file")
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        return _read_zip(path)
    if path.stat().st_size > MAX_CHAT_TEXT_BYTES:
        raise ExportArchiveError(
            f"{path.name}: {path.stat().st_size} bytes is larger than any chat export we accept"
            f" ({MAX_CHAT_TEXT_BYTES} bytes)"
        )

    def open_binary() -> BinaryIO:
        return path.open("rb")

    encoding = check_text(open_binary, path.name)
    folder = path.absolute().parent
    if not _unzipped_into(folder, path):
        return ExportArchive(
            chat_name=chat_name_from_filename(path.name),
            source_name=path.name,
            open_text=_text_opener(open_binary, encoding),
        )
    # An export unzipped into a folder (macOS and most file managers unzip a download on opening it): the chat text
    # and its media side by side, as in the zip, and the folder named as the zip was.
    media = _folder_media(folder, path)
    return ExportArchive(
        chat_name=chat_name_from_filename(folder.name if path.name == IOS_CHAT_TEXT and folder.name else path.name),
        source_name=f"{folder.name}/{path.name}",
        open_text=_text_opener(open_binary, encoding),
        # Read only when a message names it: a file beside the chat that cannot be read fails the import only if the
        # chat names it (an unrelated file in the folder is none of the chat's business).
        media={name: functools.partial(file.read_bytes) for name, file in media.items()},
    )


def _unzipped_into(folder: Path, text: Path) -> bool:
    """Whether `text` is the chat text of an export unzipped into `folder`: iOS's `_chat.txt` (found only in an
    export), or an Android chat text in a folder named as WhatsApp names the zip ('WhatsApp Chat with X'). A .txt
    shared alone (Android's "without media", saved to Downloads) is not: the files beside it are not the chat's."""
    if text.name == IOS_CHAT_TEXT:
        return True
    return bool(_ANDROID_CHAT_MEMBER.match(text.name)) and chat_named_by(folder.name) is not None


def _folder_media(folder: Path, text: Path) -> dict[str, Path]:
    """The regular files beside an unzipped export's chat text, by name; a link is never followed (a zip holding one
    is refused), so nothing outside the folder is read."""
    with os.scandir(folder) as entries:
        return {
            entry.name: Path(entry.path)
            for entry in entries
            if entry.name != text.name and entry.is_file(follow_symlinks=False)
        }


def export_files(folder: Path) -> list[Path]:
    """What importing `folder` reads: the chat text of an export unzipped into it; else each .txt and .zip in it and the
    chat text of each export unzipped into a folder inside it (an export's own documents are never read as chats)."""
    own = _chat_text_of(folder)
    if own is not None:
        return [own]
    files: list[Path] = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            inner = _chat_text_of(entry)
            if inner is not None:
                files.append(inner)
        elif entry.suffix.lower() in {".txt", ".zip"}:
            files.append(entry)
    return files


def _chat_text_of(folder: Path) -> Path | None:
    """The chat text of the export unzipped into `folder`, if it is one: a folder holding iOS's `_chat.txt` (iOS only
    ever shares it zipped), or one named as WhatsApp names the zip that holds Android's chat text."""
    texts = sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink() and _unzipped_into(folder, p))
    ios = [p for p in texts if p.name == IOS_CHAT_TEXT]
    return (ios or texts or [None])[0]


def _check_end_record(path: Path) -> None:
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 65_557))
        tail = handle.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise ExportArchiveError(f"{path.name}: not a zip archive")
    entries, directory_size = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries > MAX_MEMBERS:
        raise UnsafeArchiveError(f"{path.name}: {entries} members, more than the {MAX_MEMBERS} we accept")
    if directory_size > MAX_CENTRAL_DIRECTORY:
        raise UnsafeArchiveError(f"{path.name}: central directory of {directory_size} bytes is implausibly large")


def _unsafe_name(name: str) -> str | None:
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or re.match(r"^[A-Za-z]:", normalised):
        return "absolute path"
    if ".." in PurePosixPath(normalised).parts:
        return "path traversal ('..')"
    if "\x00" in name:
        return "NUL in name"
    return None


def _check_members(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise UnsafeArchiveError(f"{path.name}: {len(infos)} members, more than the {MAX_MEMBERS} we accept")
    total = 0
    for info in infos:
        problem = _unsafe_name(info.filename)
        if problem:
            raise UnsafeArchiveError(f"{path.name}: member {info.filename!r}: {problem}")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise UnsafeArchiveError(f"{path.name}: member {info.filename!r} is a symbolic link")
        if info.is_dir():
            continue
        # Python's `writestr(name, data)`, and many other tools, write permission bits (0o600) and no file type:
        # a member without type bits is a regular file; a type other than regular (device, FIFO) is refused.
        if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
            raise UnsafeArchiveError(f"{path.name}: member {info.filename!r} is not a regular file")
        if info.file_size and info.file_size > info.compress_size * MAX_RATIO:
            raise UnsafeArchiveError(
                f"{path.name}: member {info.filename!r} expands {info.file_size} bytes from {info.compress_size}"
                f" (ratio above {MAX_RATIO}: a zip bomb)"
            )
        total += info.file_size
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise UnsafeArchiveError(f"{path.name}: more than {MAX_TOTAL_UNCOMPRESSED} bytes uncompressed in all")


class _CappedMember(io.RawIOBase):
    """A zip member as a binary stream that refuses to give more bytes than its header claims."""

    def __init__(self, path: Path, info: zipfile.ZipInfo):
        self._path, self._info = path, info
        # The header's sizes are claims; read no more than they allow, so a lying header cannot exhaust memory.
        self._limit = min(info.file_size, info.compress_size * MAX_RATIO)
        self._got = 0
        try:
            self._archive = zipfile.ZipFile(path)
            self._member = self._archive.open(info)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise ExportArchiveError(f"{path.name}: member {info.filename!r} cannot be read: {exc}") from exc

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            chunk = self._member.read(min(len(buffer), self._limit + 1 - self._got))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise ExportArchiveError(
                f"{self._path.name}: member {self._info.filename!r} cannot be read: {exc}"
            ) from exc
        self._got += len(chunk)
        if self._got > self._limit:
            raise UnsafeArchiveError(
                f"{self._path.name}: member {self._info.filename!r} expands beyond the {self._info.file_size} bytes"
                " its header claims"
            )
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            self._member.close()
            self._archive.close()
        super().close()


def _open_member(path: Path, info: zipfile.ZipInfo) -> BinaryIO:
    return io.BufferedReader(_CappedMember(path, info), buffer_size=_CHUNK)  # type: ignore[return-value]


def _chunks(path: Path, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with _open_member(path, info) as member:
        while chunk := member.read(_CHUNK):
            yield chunk


def _read_member(path: Path, info: zipfile.ZipInfo) -> bytes:
    return b"".join(_chunks(path, info))


def _chat_member(path: Path, files: list[zipfile.ZipInfo]) -> zipfile.ZipInfo:
    texts = [i for i in files if i.filename.lower().endswith(".txt")]
    for wanted in (
        lambda i: PurePosixPath(i.filename).name == IOS_CHAT_TEXT,
        lambda i: bool(_ANDROID_CHAT_MEMBER.match(PurePosixPath(i.filename).name)),
    ):
        found = [i for i in texts if wanted(i)]
        if found:
            return found[0]
    if len(texts) == 1:
        return texts[0]
    raise ExportArchiveError(
        f"{path.name}: no chat text in the archive (expected '_chat.txt' or 'WhatsApp Chat with ....txt';"
        f" found {len(texts)} .txt files)"
    )


def _read_zip(path: Path) -> ExportArchive:
    _check_end_record(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
        raise ExportArchiveError(f"{path.name}: not a readable zip archive: {exc}") from exc
    _check_members(path, infos)
    files = [i for i in infos if not i.is_dir()]
    chat = _chat_member(path, files)
    if chat.file_size > MAX_CHAT_TEXT_BYTES:
        raise ExportArchiveError(
            f"{path.name}: chat text of {chat.file_size} bytes is larger than any export we accept"
        )
    source_name = f"{path.name}/{chat.filename}"
    encoding = check_text(lambda: _open_member(path, chat), source_name)
    member_name = PurePosixPath(chat.filename).name
    # iOS names the text '_chat.txt'; only the zip's own name says which chat it is.
    chat_name = chat_name_from_filename(path.name if member_name == IOS_CHAT_TEXT else member_name)
    media: dict[str, Callable[[], bytes]] = {}
    for info in files:
        if info is chat:
            continue
        # Attachments are referenced by bare file name; the first of two equal names wins.
        media.setdefault(PurePosixPath(info.filename.replace("\\", "/")).name, _loader(path, info))
    others = [info for info in files if info is not chat]

    def check_media() -> None:
        for info in others:
            for _ in _chunks(path, info):
                pass

    return ExportArchive(
        chat_name=chat_name,
        source_name=source_name,
        open_text=_text_opener(lambda: _open_member(path, chat), encoding),
        media=media,
        check_media=check_media,
    )


def _loader(path: Path, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    return lambda: _read_member(path, info)
