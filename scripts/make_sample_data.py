"""Write sample_data/: two small WhatsApp chat exports (Android .zip with media, iOS .txt), byte for byte the same every run.

Usage: .venv/bin/python scripts/make_sample_data.py [OUTPUT_DIR]   (default: sample_data/ beside scripts/)
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

LRM = "\u200e"
ZIP_TIME = (2026, 11, 18, 20, 0, 0)

BAKERY_CHAT = "WhatsApp Chat with Mama Mboga Bakery"
HARDWARE_CHAT = "WhatsApp Chat with Juma Hardware"
RECEIPT_PNG = "IMG-20261117-WA0003.png"
INVOICE_PDF = "INV-2026-0042.pdf"
VOICE_NOTE = "PTT-20261117-WA0004.opus"
VOICE_NOTE_TEXT = "Please deliver thirty loaves on Friday, I will pay four thousand five hundred shillings"

# Android, 24h, d/m/yy. Local times stay within 08:00-20:00 so the date holds from UTC-3 to UTC+3.
BAKERY_LINES = [
    "16/11/26, 08:02 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.",
    "16/11/26, 08:03 - Mama Mboga Bakery added Wanjiku Kamau and Brian Otieno",
    "16/11/26, 08:15 - Mama Mboga Bakery: Good morning! Fresh bread and mandazi ready from 7am. Order here or call +254 712 345 678.",
    "16/11/26, 09:15 - Wanjiku Kamau: Please send 20 loaves and 3 cakes tomorrow 5pm",
    "16/11/26, 09:17 - Mama Mboga Bakery: Noted Wanjiku. 20 loaves x KES 65 + 3 cakes x KES 1,500 = KES 5,800. Delivery to Kilimani?",
    "16/11/26, 09:20 - Wanjiku Kamau: Yes, same place as last time.",
    "Gate B, Ngong Road Apartments",
    "Call me on 0722 123456 when you arrive",
    "16/11/26, 11:40 - Brian Otieno: Hi, do you do wedding cakes? Need a 3-tier for 12 December, about 150 guests.",
    "16/11/26, 11:52 - Mama Mboga Bakery: Yes we do! 3-tier for 150 guests is KES 12,000. I'll send the invoice.",
    f"16/11/26, 12:05 - Mama Mboga Bakery: {INVOICE_PDF} (file attached)",
    "Invoice for the wedding cake, 50% deposit to confirm",
    "16/11/26, 12:30 - Brian Otieno: Thanks. Can you also email it to brian.otieno@example.com?",
    "16/11/26, 12:31 - Mama Mboga Bakery: Sent to brian.otieno@example.com \u2705",
    "17/11/26, 08:10 - Wanjiku Kamau: Paid KES 3,500 via M-Pesa, ref QK7XZ12AB3. Balance on delivery.",
    f"17/11/26, 08:12 - Mama Mboga Bakery: {RECEIPT_PNG} (file attached)",
    "Receipt for your deposit",
    "17/11/26, 08:13 - Wanjiku Kamau: Asante! \U0001f64f",
    "17/11/26, 10:45 - Brian Otieno: Sent the deposit, KES 6,000 via M-Pesa, ref QK8AB34CD5",
    "17/11/26, 10:50 - Mama Mboga Bakery: Received, thank you Brian. Tasting session Saturday 10am?",
    "17/11/26, 10:52 - Brian Otieno: Saturday works. Can the top tier be lemon flavour?",
    f"17/11/26, 16:20 - Wanjiku Kamau: {VOICE_NOTE} (file attached)",
    "17/11/26, 17:05 - Mama Mboga Bakery: Wanjiku, the driver is on the way with 20 loaves and 3 cakes. ETA 5:30pm",
    "17/11/26, 17:48 - Wanjiku Kamau: The cakes arrived but one is squashed and the loaves are 18 not 20. Not happy \U0001f61e",
    "17/11/26, 17:55 - Mama Mboga Bakery: So sorry Wanjiku! We will replace the cake and send 2 loaves tomorrow morning at no charge.",
    "18/11/26, 08:30 - Mama Mboga Bakery: Replacement cake and 2 loaves delivered to Gate B. Please confirm.",
    "18/11/26, 08:41 - Wanjiku Kamau: Received, thank you. Balance KES 2,300 paid via M-Pesa ref QL1MN56PQ7",
    "18/11/26, 09:05 - Brian Otieno: Lemon top tier confirmed? Also my number changed, use 0733 987654",
    "18/11/26, 09:10 - Mama Mboga Bakery: Confirmed: lemon top tier, vanilla bottom two. See you Saturday 10am.",
    "18/11/26, 14:20 - Brian Otieno: Perfect, see you then \U0001f44d",
    "18/11/26, 19:45 - Wanjiku Kamau: Same order next week please: 20 loaves, Friday 7am",
]

# iOS, [d/m/yy, HH:MM:SS], CRLF; iOS marks system notes and media lines with U+200E.
HARDWARE_LINES = [
    f"{LRM}[16/11/26, 08:30:05] Juma Hardware: {LRM}Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
    "[16/11/26, 09:02:11] Amina Njeri: Habari Juma, do you have 2 baking trays 60x40cm in stock?",
    "[16/11/26, 09:10:40] Juma Hardware: Yes, KES 1,800 each. Also have the gas regulator you asked about.",
    f"{LRM}[16/11/26, 09:11:02] Juma Hardware: {LRM}image omitted",
    "[16/11/26, 09:14:30] Amina Njeri: Great, I'll take 2 trays and the regulator. Deliver Wednesday?",
    "[17/11/26, 10:00:00] Juma Hardware: Total KES 5,100 (2 trays + regulator KES 1,500). Pay to Till 123456.",
    "[17/11/26, 10:20:15] Amina Njeri: Paid KES 5,100 via M-Pesa, ref QK9CD78EF1",
    "[17/11/26, 10:21:03] Amina Njeri: <Media omitted>",
    "[17/11/26, 10:25:47] Juma Hardware: Asante sana \U0001f64f",
    "[17/11/26, 10:25:47] Juma Hardware: Asante sana \U0001f64f",
    f"{LRM}[17/11/26, 13:40:12] Juma Hardware: {LRM}This message was deleted.",
    "[17/11/26, 13:41:30] Juma Hardware: Sorry wrong chat. Delivery tomorrow 10am, my driver is Peter 0711 222333",
    f"{LRM}[18/11/26, 10:32:09] Juma Hardware: {LRM}audio omitted",
    "[18/11/26, 10:35:00] Amina Njeri: Delivered, thanks. One tray has a dent though, can you exchange it?",
    "[18/11/26, 11:02:44] Juma Hardware: No problem, bring it back anytime this week.",
    "We are open 8am - 6pm, Monday to Saturday.",
    "[18/11/26, 18:15:20] Amina Njeri: Will do. Email the receipt to orders@mamamboga.co.ke please",
]

README = """\
# Sample data

Two small WhatsApp chat exports for trying the pipeline and for the tests. Regenerate (byte-identical) with

    .venv/bin/python scripts/make_sample_data.py

- `WhatsApp Chat with Mama Mboga Bakery.zip`: an Android export (24-hour clock, d/m/yy) with media, as WhatsApp
  makes it with "Include media": `WhatsApp Chat with Mama Mboga Bakery.txt` plus two attachments,
  `IMG-20261117-WA0003.png` (a receipt image, "RECEIPT ... Total KES 3,500", for OCR) and `INV-2026-0042.pdf`
  (a one-page PDF with a text layer, "INVOICE INV-2026-0042 ... Total KES 12,000") and `PTT-20261117-WA0004.opus`
  (a 6-second voice note, Opus in Ogg as WhatsApp records it, spoken by espeak-ng: "Please deliver thirty loaves on
  Friday, I will pay four thousand five hundred shillings"). 27 messages: the bakery and two customers
  (Wanjiku Kamau, Brian Otieno) with orders, M-Pesa payments, a complaint, phone numbers, an email address,
  a multi-line message, two system messages, two attachments with captions and a voice note.
- `WhatsApp Chat with Juma Hardware.txt`: an iOS export (`[d/m/yy, HH:MM:SS]`, CRLF, U+200E marks) without media:
  16 messages between Juma Hardware and Amina Njeri, with `image omitted`, `audio omitted` and `<Media omitted>`
  references, a deleted message, a multi-line message, the encryption notice, and two byte-identical messages
  in the same second (they must get two distinct, stable ids).

All messages fall on 2026-11-16, 2026-11-17 and 2026-11-18 between 08:00 and 20:00 local time, so any timezone from
UTC-3 to UTC+3 keeps them on the same dates. Per chat and local date:

| chat | 2026-11-16 | 2026-11-17 | 2026-11-18 | total |
|---|---|---|---|---|
| Mama Mboga Bakery | 11 | 10 | 6 | 27 |
| Juma Hardware | 5 | 7 | 4 | 16 |
"""


def receipt_png() -> bytes:
    image = Image.new("L", (360, 200), color=255)
    draw = ImageDraw.Draw(image)
    title = ImageFont.load_default(size=26)
    body = ImageFont.load_default(size=20)
    draw.text((20, 14), "MAMA MBOGA BAKERY", fill=0, font=title)
    draw.text((20, 54), "RECEIPT  No. 0317", fill=0, font=body)
    draw.text((20, 84), "Wanjiku Kamau", fill=0, font=body)
    draw.text((20, 114), "M-Pesa ref QK7XZ12AB3", fill=0, font=body)
    draw.text((20, 154), "Total KES 3,500", fill=0, font=title)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def invoice_pdf() -> bytes:
    """A one-page PDF written by hand: Helvetica text, so its text layer is extractable without OCR."""
    lines = [
        (18, "INVOICE INV-2026-0042"),
        (12, "Mama Mboga Bakery, Ngong Road, Nairobi"),
        (12, "Bill to: Brian Otieno"),
        (12, "3-tier wedding cake, 150 guests, 12 December 2026"),
        (14, "Total KES 12,000"),
        (12, "Deposit due KES 6,000 via M-Pesa"),
    ]
    y = 250
    ops = ["BT"]
    for size, text in lines:
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"/F1 {size} Tf 1 0 0 1 36 {y} Tm ({escaped}) Tj")
        y -= size + 16
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 297]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return bytes(out)


def voice_note_opus() -> bytes:
    """espeak-ng's WAV re-encoded as WhatsApp sends voice notes: Opus in Ogg, 16 kHz mono, 24 kb/s.

    Bit-exact muxing (no random Ogg serial, no encoder version tag) keeps the file the same on every run.
    """
    import av

    wav = subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", "150", "--stdout", VOICE_NOTE_TEXT], capture_output=True, check=True
    ).stdout
    out = io.BytesIO()
    with av.open(io.BytesIO(wav)) as source, av.open(out, "w", format="ogg", options={"fflags": "+bitexact"}) as target:
        stream = target.add_stream("libopus", rate=16000, layout="mono")
        stream.bit_rate = 24000
        resampler = av.AudioResampler(format="s16", layout="mono", rate=16000)
        for frame in [
            *(f for decoded in source.decode(audio=0) for f in resampler.resample(decoded)),
            *resampler.resample(None),
        ]:
            for packet in stream.encode(frame):
                target.mux(packet)
        for packet in stream.encode(None):
            target.mux(packet)
    return out.getvalue()


def _zip_entry(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o100644 << 16
    info.create_system = 3
    archive.writestr(info, data, compresslevel=9)


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    bakery_text = ("\n".join(BAKERY_LINES) + "\n").encode("utf-8")
    with zipfile.ZipFile(out_dir / f"{BAKERY_CHAT}.zip", "w") as archive:
        _zip_entry(archive, f"{BAKERY_CHAT}.txt", bakery_text)
        _zip_entry(archive, RECEIPT_PNG, receipt_png())
        _zip_entry(archive, INVOICE_PDF, invoice_pdf())
        _zip_entry(archive, VOICE_NOTE, voice_note_opus())
    (out_dir / f"{HARDWARE_CHAT}.txt").write_bytes(("\r\n".join(HARDWARE_LINES) + "\r\n").encode("utf-8"))
    (out_dir / "README.md").write_text(README, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "sample_data")
