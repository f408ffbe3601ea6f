import pytest

from wa_pipeline.media.sniff import DOCX, sniff, sniff_mime


def test_images_are_typed_by_their_bytes_with_header_dimensions(receipts, fixture_dir):
    clean = sniff(receipts["clean"][0].path)
    assert (clean.mime, clean.category) == ("image/png", "image")
    assert clean.width > 400 and clean.height > 300 and clean.bytes == receipts["clean"][0].path.stat().st_size
    photo = sniff(receipts["noisy"][0].path)
    assert photo.mime == "image/jpeg" and photo.width and photo.height


def test_voice_notes_and_other_audio_report_their_duration(voice_notes, audio_formats):
    note = sniff(voice_notes[0].path)
    assert (note.mime, note.category) == ("audio/ogg", "audio")
    assert 5 < note.duration_s < 7
    for mime, fixture in audio_formats.items():
        facts = sniff(fixture.path)
        assert facts.mime == mime, fixture.path.name
        assert facts.category == "audio"
        assert 4 < facts.duration_s < 8, (mime, facts.duration_s)


def test_documents(documents):
    assert sniff(documents["text_pdf"].path).mime == "application/pdf"
    assert sniff(documents["scanned_pdf"].path).mime == "application/pdf"
    assert sniff(documents["docx"].path).mime == DOCX
    assert sniff(documents["text"].path).mime == "text/plain"


def test_the_extension_is_not_trusted(bad_inputs, fixture_dir):
    from wa_pipeline_tests.media.make_fixtures import disguised_receipt

    assert sniff(bad_inputs["wrong_extension"]).mime == "application/x-dosexec"  # named .pdf
    assert sniff(disguised_receipt(fixture_dir / "disguised").path).mime == "image/png"  # named .opus
    assert sniff(bad_inputs["zero_bytes"]).mime is None and sniff(bad_inputs["zero_bytes"]).bytes == 0
    assert sniff(bad_inputs["unsupported"]).category == "unknown"
    bomb = sniff(bad_inputs["png_bomb"])
    # The header is read, not the pixels: 400 megapixels are reported without being decoded.
    assert (bomb.mime, bomb.width, bomb.height) == ("image/png", 20_000, 20_000)


@pytest.mark.parametrize(
    "head, mime",
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00", "video/mp4"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00", "audio/mp4"),
        (b"\x00\x00\x00\x14ftyp3gp4\x00\x00", "video/3gpp"),
        (b"#!AMR\n\x3c", "audio/amr"),
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64", "audio/mpeg"),
        (b"\xff\xf1\x50\x80", "audio/aac"),
        (b"junk\n%PDF-1.7\n", "application/pdf"),
        (b"\x7fELF\x02\x01", "application/x-executable"),
        (b"Total KES 1,500 \xe2\x9c\x85\n", "text/plain"),
        (b"\x00\x01\x02\x03", None),
    ],
)
def test_magic_numbers(head, mime):
    assert sniff_mime(head) == mime
