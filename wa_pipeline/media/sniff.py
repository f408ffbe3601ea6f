"""What a media file really is, from its bytes: type by magic number, then size or length from the header alone.

The file name and the sender's claimed mime type are not trusted: a voice note can be a PNG, an "invoice.pdf" a
Windows program. Only headers are read here (Pillow's lazy open, PyAV's container probe); nothing is decoded.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

# Category of each mime type we can sniff, i.e. which engine it goes to.
IMAGE, AUDIO, VIDEO, DOCUMENT, TEXT, EXECUTABLE, ARCHIVE, UNKNOWN = (
    "image",
    "audio",
    "video",
    "document",
    "text",
    "executable",
    "archive",
    "unknown",
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CATEGORIES = {
    "image/jpeg": IMAGE,
    "image/png": IMAGE,
    "image/webp": IMAGE,
    "image/gif": IMAGE,
    "audio/ogg": AUDIO,
    "audio/mp4": AUDIO,
    "audio/mpeg": AUDIO,
    "audio/amr": AUDIO,
    "audio/aac": AUDIO,
    "audio/wav": AUDIO,
    "video/mp4": VIDEO,
    "video/3gpp": VIDEO,
    "video/webm": VIDEO,
    "application/pdf": DOCUMENT,
    DOCX: DOCUMENT,
    "text/plain": TEXT,
    "application/x-dosexec": EXECUTABLE,
    "application/x-executable": EXECUTABLE,
    "application/zip": ARCHIVE,
}
HEAD_BYTES = 4096


@dataclass(frozen=True)
class Sniffed:
    mime: str | None  # None: not a type we recognise
    category: str
    bytes: int
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None


def sniff_mime(head: bytes, path: Path | None = None) -> str | None:
    """The mime type announced by the first bytes (and, for zips, the member names)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    # The spec lets %PDF- start anywhere in the first 1024 bytes; writers that prepend junk exist.
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B ", b"M4P "):
            return "audio/mp4"
        if brand.startswith(b"3g"):
            return "video/3gpp"
        return "video/mp4"
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"ID3"):
        return "audio/mpeg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF0 == 0xF0 and head[1] & 0x06 == 0:
        return "audio/aac"  # ADTS: sync word 0xFFF, layer bits 00
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0:
        return "audio/mpeg"  # MPEG audio frame sync without an ID3 tag
    if head.startswith(b"MZ"):
        return "application/x-dosexec"
    if head.startswith(b"\x7fELF"):
        return "application/x-executable"
    if head.startswith(b"PK\x03\x04"):
        return DOCX if path is not None and _is_docx(path) else "application/zip"
    if _looks_like_text(head):
        return "text/plain"
    return None


def _is_docx(path: Path) -> bool:
    # Only the central directory is read: names, not contents.
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith("word/") for name in names)


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    # Cut at a character boundary: the head may end in the middle of a multi-byte character.
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            return False
        text = head[: exc.start].decode("utf-8")
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return control == 0


def sniff(path: Path) -> Sniffed:
    """Type, size and, from headers only, pixel dimensions or duration. Raises OSError if the file cannot be read."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    mime = sniff_mime(head, path)
    category = CATEGORIES.get(mime, UNKNOWN) if mime else UNKNOWN
    width = height = duration = None
    if category == IMAGE:
        width, height = image_size(path)
    elif category in (AUDIO, VIDEO):
        duration, width, height = media_duration(path)
    return Sniffed(mime, category, size, width, height, duration)


def image_size(path: Path) -> tuple[int | None, int | None]:
    """Width and height from the image header; Pillow's open is lazy and decodes no pixel."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.size
    except Image.DecompressionBombError:
        # Image.open refuses to even return a huge image; its format plugins read the header without that check,
        # so the catalog can still say how big the bomb was. Nothing is decoded either way.
        return _header_size_unchecked(path)
    except Exception:
        return None, None


def _header_size_unchecked(path: Path) -> tuple[int | None, int | None]:
    from PIL import Image

    Image.init()
    with path.open("rb") as handle:
        prefix = handle.read(16)
        for format_id in Image.ID:
            factory, accept = Image.OPEN[format_id]
            if accept is not None and not accept(prefix):
                continue
            handle.seek(0)
            try:
                return factory(handle, str(path)).size
            except Exception:
                continue
    return None, None


def media_duration(path: Path) -> tuple[float | None, int | None, int | None]:
    """Duration (s) from the container, and the video's frame size if there is one."""
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            duration = container.duration / 1_000_000 if container.duration else None
            if duration is None:
                stream = next((s for s in container.streams if s.duration and s.time_base), None)
                duration = float(stream.duration * stream.time_base) if stream is not None else None
            video = next(iter(container.streams.video), None)
            if video is not None and video.codec_context.width:
                return duration, video.codec_context.width, video.codec_context.height
            return duration, None, None
    except Exception:
        return None, None, None
