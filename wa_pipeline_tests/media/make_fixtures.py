"""Media fixtures made from scratch: receipts drawn with Pillow, voice notes spoken by espeak-ng, invoices as PDF/DOCX.

Nothing binary is committed: the tests call these functions into a temporary directory, and

    .venv/bin/python -m wa_pipeline_tests.media.make_fixtures OUTPUT_DIR

writes the same files for a person to look at. Each maker returns the exact text it put in, for CER/WER.
"""

from __future__ import annotations

import io
import random
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

RECEIPTS = [
    [
        "MAMA MBOGA BAKERY",
        "Ngong Road, Nairobi",
        "RECEIPT No. 0317",
        "Date: 17/11/2026",
        "20 x Bread loaf @ 65.00 = 1,300.00",
        "3 x Cake @ 1,500.00 = 4,500.00",
        "TOTAL KES 5,800.00",
        "M-Pesa ref QK7XZ12AB3",
        "Thank you for your order",
    ],
    [
        "JUMA HARDWARE LTD",
        "Moi Avenue, Mombasa",
        "RECEIPT No. 1042",
        "Date: 18/11/2026",
        "2 x Baking tray 60x40 = 3,600.00",
        "1 x Gas regulator = 1,500.00",
        "TOTAL KES 5,100.00",
        "Till 123456",
        "Goods once sold are not returnable",
    ],
    [
        "KAMAU GROCERS",
        "Kenyatta Market, Stall 14",
        "RECEIPT No. 2209",
        "Date: 16/11/2026",
        "5 kg Sugar = 850.00",
        "2 L Cooking oil = 640.00",
        "TOTAL KES 1,490.00",
        "Paid cash",
        "Karibu tena",
    ],
]

VOICE_NOTES = [
    "Please deliver thirty loaves on Friday, I will pay four thousand five hundred shillings",
    "Hello, I want to order two cakes for Saturday morning, please call me back",
    "The driver arrived at five thirty but the bread was cold, please send a replacement tomorrow",
]

INVOICE = {
    "number": "INV-2026-0042",
    "total": "KES 12,000",
    "date": "12/12/2026",
}
INVOICE_LINES = [
    f"INVOICE {INVOICE['number']}",
    "Mama Mboga Bakery, Ngong Road, Nairobi",
    "Bill to: Brian Otieno",
    f"Date: {INVOICE['date']}",
    "3-tier wedding cake, 150 guests",
    f"Total {INVOICE['total']}",
]


@dataclass(frozen=True)
class Fixture:
    path: Path
    truth: str


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT), size)


def receipt_image(lines: list[str], size: int = 26, margin: int = 40) -> Image.Image:
    """A clean scan of a till receipt: black text on white, grayscale."""
    body, title = font(size), font(size + 6, bold=True)
    step = int(size * 1.7)
    width = margin * 2 + max(int(body.getlength(line)) for line in lines) + 60
    image = Image.new("L", (width, margin * 2 + step * len(lines) + 10), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * step), line, fill=0, font=title if i == 0 else body)
    return image


def phone_photo(clean: Image.Image, seed: int) -> Image.Image:
    """The same receipt as a phone photo in a dim shop: uneven light, a tilt, blur and heavy sensor grain, in colour."""
    rng = np.random.default_rng(seed)
    tilted = clean.rotate(random.Random(seed).uniform(-3, 3), resample=Image.BICUBIC, expand=True, fillcolor=255)
    pixels = np.asarray(tilted, dtype=np.float32)
    height, width = pixels.shape
    # Light falling off across the paper, as under a ceiling lamp.
    shade = np.linspace(1.0, 0.5, width)[None, :] * np.linspace(0.95, 0.8, height)[:, None]
    paper = pixels * shade + rng.normal(0, 40, pixels.shape)
    image = Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.0))
    tint = Image.merge("RGB", (image.point(lambda v: min(255, v + 8)), image, image.point(lambda v: v * 0.93)))
    return tint


def jpeg_bytes(image: Image.Image, quality: int, orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    image.save(out, format="JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def make_receipts(out: Path) -> dict[str, list[Fixture]]:
    """clean: PNG scans; noisy: JPEG phone photos, one stored sideways with an EXIF orientation tag."""
    out.mkdir(parents=True, exist_ok=True)
    made: dict[str, list[Fixture]] = {"clean": [], "noisy": []}
    for i, lines in enumerate(RECEIPTS):
        truth = "\n".join(lines)
        image = receipt_image(lines)
        clean = out / f"receipt-{i}-clean.png"
        image.save(clean, optimize=True)
        made["clean"].append(Fixture(clean, truth))
        photo = phone_photo(image, seed=i)
        noisy = out / f"receipt-{i}-photo.jpg"
        if i == 1:
            # Stored rotated a quarter turn, as cameras do, with the tag (6 = rotate 90 CW to view) that undoes it.
            noisy.write_bytes(jpeg_bytes(photo.transpose(Image.Transpose.ROTATE_90), quality=50, orientation=6))
        else:
            noisy.write_bytes(jpeg_bytes(photo, quality=45))
        made["noisy"].append(Fixture(noisy, truth))
    return made


def small_receipt(out: Path) -> Fixture:
    """A thumbnail-sized screenshot: text too small for tesseract unless upscaled."""
    lines = ["RECEIPT No. 0555", "TOTAL KES 2,400.00"]
    out.mkdir(parents=True, exist_ok=True)
    path = out / "receipt-small.png"
    receipt_image(lines, size=9, margin=6).save(path)
    return Fixture(path, "\n".join(lines))


# --- audio --------------------------------------------------------------------------------------------------


def speak(text: str, speed: int = 150) -> bytes:
    """WAV bytes of espeak-ng reading `text` (Debian's espeak-ng, voice en-us)."""
    return subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", str(speed), "--stdout", text], capture_output=True, check=True
    ).stdout


def encode_audio(wav: bytes, container: str, codec: str, rate: int, bit_rate: int) -> bytes:
    """Re-encode WAV with PyAV; bit-exact muxing so the same input gives the same bytes every run."""
    out = io.BytesIO()
    with (
        av.open(io.BytesIO(wav)) as source,
        av.open(out, "w", format=container, options={"fflags": "+bitexact"}) as target,
    ):
        stream = target.add_stream(codec, rate=rate, layout="mono")
        stream.bit_rate = bit_rate
        resampler = av.AudioResampler(format=stream.codec_context.codec.audio_formats[0].name, layout="mono", rate=rate)
        frames = [f for frame in source.decode(audio=0) for f in resampler.resample(frame)] + resampler.resample(None)
        # Encoders with a fixed frame size (AAC 1024, AMR 160) take audio in exactly that many samples.
        frame_size = stream.codec_context.frame_size or 0
        for frame in _reframe(frames, frame_size) if frame_size else frames:
            for packet in stream.encode(frame):
                target.mux(packet)
        for packet in stream.encode(None):
            target.mux(packet)
    return out.getvalue()


def _reframe(frames: list[av.AudioFrame], size: int) -> list[av.AudioFrame]:
    fifo = av.AudioFifo()
    for frame in frames:
        frame.pts = None
        fifo.write(frame)
    chunks = []
    while fifo.samples >= size:
        chunks.append(fifo.read(size))
    if fifo.samples:
        tail = fifo.read()
        padded = av.AudioFrame.from_ndarray(
            np.pad(tail.to_ndarray(), ((0, 0), (0, size - tail.samples))), format=tail.format.name, layout="mono"
        )
        padded.sample_rate = tail.sample_rate
        chunks.append(padded)
    return chunks


def voice_note_opus(text: str) -> bytes:
    """A WhatsApp-like voice note: Opus in Ogg, 16 kHz mono, 24 kb/s."""
    return encode_audio(speak(text), "ogg", "libopus", 16000, 24000)


def make_voice_notes(out: Path) -> list[Fixture]:
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for i, text in enumerate(VOICE_NOTES):
        path = out / f"PTT-2026111{i}-WA000{i}.opus"
        path.write_bytes(voice_note_opus(text))
        made.append(Fixture(path, text))
    return made


def make_audio_formats(out: Path) -> dict[str, Fixture]:
    """The first voice note in every container WhatsApp users send: M4A/AAC, MP3, AMR, raw AAC (ADTS), MP4."""
    out.mkdir(parents=True, exist_ok=True)
    text = VOICE_NOTES[0]
    wav = speak(text)
    formats = {
        "audio/mp4": ("AUD-1.m4a", "ipod", "aac", 16000, 32000),
        "audio/mpeg": ("AUD-2.mp3", "mp3", "libmp3lame", 16000, 32000),
        "audio/amr": ("AUD-3.amr", "amr", "libopencore_amrnb", 8000, 12200),
        "audio/aac": ("AUD-4.aac", "adts", "aac", 16000, 32000),
    }
    made = {}
    for mime, (name, container, codec, rate, bit_rate) in formats.items():
        path = out / name
        path.write_bytes(encode_audio(wav, container, codec, rate, bit_rate))
        made[mime] = Fixture(path, text)
    return made


# --- documents ----------------------------------------------------------------------------------------------


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF written by hand with a Helvetica text layer."""
    y = 250
    ops = ["BT"]
    for i, text in enumerate(lines):
        size = 16 if i == 0 else 12
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"/F1 {size} Tf 1 0 0 1 36 {y} Tm ({escaped}) Tj")
        y -= size + 14
    ops.append("ET")
    content = "\n".join(ops).encode("latin-1")
    return assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 297]"
            b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        ]
    )


def assemble_pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return bytes(out)


def scanned_pdf(lines: list[str]) -> bytes:
    """An image-only PDF, as a phone scanner app makes it: one page, a grayscale picture, no text layer."""
    out = io.BytesIO()
    receipt_image(lines, size=30).save(out, format="PDF", resolution=150)
    return out.getvalue()


def docx_bytes(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(lines[0], level=1)
    for line in lines[1:-1]:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    label, amount = lines[-1].split(" ", 1)
    table.rows[0].cells[0].text = label
    table.rows[0].cells[1].text = amount
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def encrypted_pdf(lines: list[str]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(lines))))
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def cyclic_pdf() -> bytes:
    """A page tree whose Kids point back at itself: a naive walker never returns."""
    return assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ]
    )


def token_flood_pdf(pages: int = 40) -> bytes:
    """22 KB per page that inflate to two million content-stream tokens: parsing takes seconds per page.

    Forty pages (under the 50-page read limit) put the whole parse at minutes, so a test's few-second budget runs
    out however fast the machine is.
    """
    ops = zlib.compress(b"BT /F1 1 Tf (x) Tj ET\n" * 400_000, 9)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
    font_number = 3 + 2 * pages
    for i in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Resources << /Font << /F1 %d 0 R >> >>"
            b" /Contents %d 0 R >>" % (font_number, 4 + 2 * i)
        )
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(ops) + ops + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return assemble_pdf(objects)


def make_documents(out: Path) -> dict[str, Fixture]:
    out.mkdir(parents=True, exist_ok=True)
    truth = "\n".join(INVOICE_LINES)
    files = {
        "text_pdf": ("INV-2026-0042.pdf", text_pdf(INVOICE_LINES)),
        "scanned_pdf": ("INV-2026-0042-scan.pdf", scanned_pdf(INVOICE_LINES)),
        "docx": ("INV-2026-0042.docx", docx_bytes(INVOICE_LINES)),
        "text": ("INV-2026-0042.txt", (truth + "\n").encode("utf-8")),
    }
    made = {}
    for key, (name, data) in files.items():
        (out / name).write_bytes(data)
        made[key] = Fixture(out / name, truth)
    return made


# --- hostile and broken inputs ------------------------------------------------------------------------------


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid 20,000 x 20,000 grayscale PNG of zeros: 400 megapixels in about 400 KB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" * (width + 1)  # filter byte 0, then one byte per pixel
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def disguised_receipt(out: Path) -> Fixture:
    """A PNG receipt named like a voice note: the bytes decide, so it is OCR'd, not fed to the audio decoder."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "PTT-20261116-WA0011.opus"
    receipt_image(RECEIPTS[2]).save(path, format="PNG")
    return Fixture(path, "\n".join(RECEIPTS[2]))


def make_bad_inputs(out: Path) -> dict[str, Path]:
    """Each file here must end as a dead letter with a reason, never as a failed run."""
    out.mkdir(parents=True, exist_ok=True)
    opus = voice_note_opus(VOICE_NOTES[1])
    files = {
        "zero_bytes": ("PTT-20261116-WA0009.opus", b""),
        "truncated_opus": ("PTT-20261116-WA0010.opus", opus[: len(opus) // 3]),
        # A Windows program dressed as an invoice: the bytes decide, and programs are not media.
        "wrong_extension": ("INV-2026-0099.pdf", b"MZ\x90\x00\x03" + bytes(58) + b"PE\x00\x00" + bytes(200)),
        "png_bomb": ("IMG-20261116-WA0012.png", png_bomb()),
        "encrypted_pdf": ("statement.pdf", encrypted_pdf(INVOICE_LINES)),
        "cyclic_pdf": ("loop.pdf", cyclic_pdf()),
        "token_flood_pdf": ("flood.pdf", token_flood_pdf()),
        "unsupported": ("contact.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Juma\r\nEND:VCARD\r\n\x00\x01\x02\x03binary"),
    }
    made = {}
    for key, (name, data) in files.items():
        (out / name).write_bytes(data)
        made[key] = out / name
    return made


def main(out: Path) -> None:
    make_receipts(out / "receipts")
    small_receipt(out / "receipts")
    make_voice_notes(out / "voice")
    make_audio_formats(out / "audio")
    make_documents(out / "documents")
    make_bad_inputs(out / "bad")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("media-fixtures"))
