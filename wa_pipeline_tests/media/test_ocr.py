import re
import warnings

import pytest
from PIL import Image

from wa_pipeline.media.engine_settings import MediaEngineSettings
from wa_pipeline.media.image_prep import open_image, prepare
from wa_pipeline.media.media_errors import MediaFailed, MediaPending
from wa_pipeline.media.ocr import ocr_image, single_threaded
from wa_pipeline_tests.media.make_fixtures import RECEIPTS, small_receipt
from wa_pipeline_tests.media.text_metrics import cer

single_threaded()

# Measured on the generated phone photos (dim light, sensor grain, tilt, JPEG q45-50): 0.000-0.016 after our
# preparation, while tesseract on the raw photos loses whole lines (CER 0.4-1.0, see the test below).
NOISY_CER = 0.05


def test_clean_receipts_read_with_a_character_error_rate_under_5_percent(receipts, settings):
    rates = []
    for fixture in receipts["clean"]:
        result = ocr_image(fixture.path, settings)
        rates.append(cer(fixture.truth, result.text))
        assert 0.8 < result.confidence <= 1
        assert not result.prepared  # a clean scan goes to tesseract as it is
    assert max(rates) <= 0.05, rates


def test_noisy_phone_photos_are_cleaned_and_keep_their_fields(receipts, settings):
    for fixture, lines in zip(receipts["noisy"], RECEIPTS):
        result = ocr_image(fixture.path, settings)
        assert result.prepared
        assert cer(fixture.truth, result.text) <= NOISY_CER, (fixture.path.name, result.text)
        receipt_no = re.search(r"RECEIPT No\. (\d{4})", lines[2]).group(1)
        total = re.search(r"TOTAL KES ([\d,.]+)", "\n".join(lines)).group(1)
        assert receipt_no in result.text and total in result.text


def test_the_preparation_is_what_rescues_noisy_photos(receipts, settings):
    import pytesseract

    fixture = receipts["noisy"][0]
    raw = pytesseract.image_to_string(str(fixture.path))
    ours = ocr_image(fixture.path, settings).text
    assert cer(fixture.truth, ours) < cer(fixture.truth, raw) / 4


def test_exif_orientation_is_applied(receipts):
    sideways = receipts["noisy"][1].path
    with Image.open(sideways) as raw:
        assert raw.height > raw.width  # stored a quarter turn round
    prepared = prepare(sideways)
    assert prepared.rotated and prepared.width > prepared.height


def test_small_text_is_upscaled_before_ocr(fixture_dir, settings):
    fixture = small_receipt(fixture_dir / "small")
    prepared = prepare(fixture.path)
    assert prepared.upscaled > 1
    result = ocr_image(fixture.path, settings)
    assert "0555" in result.text and "2,400.00" in result.text


def test_decompression_bombs_are_refused_before_decoding(bad_inputs):
    assert Image.MAX_IMAGE_PIXELS == 89_478_485  # Pillow's default, kept
    with pytest.raises(MediaFailed, match="decompression bomb"):
        open_image(bad_inputs["png_bomb"])


def test_pillow_bomb_warning_is_an_error(tmp_path):
    # Between MAX_IMAGE_PIXELS and twice that, Pillow only warns; we refuse it all the same.
    path = tmp_path / "wide.png"
    Image.new("1", (10_000, 9_000)).save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(MediaFailed, match="decompression bomb"):
            open_image(path)


def test_a_corrupt_image_fails_with_a_reason(tmp_path, receipts):
    path = tmp_path / "cut.png"
    path.write_bytes(receipts["clean"][0].path.read_bytes()[:300])
    with pytest.raises(MediaFailed, match="does not decode"):
        ocr_image(path, MediaEngineSettings())


@pytest.mark.parametrize("shade", [0, 128, 255])
def test_a_photo_of_one_shade_reads_as_no_text(tmp_path, settings, shade):
    # A lens cap, a plain wall: every pixel alike left no threshold to find, and the photo waited forever.
    path = tmp_path / "IMG-20261116-WA0007.jpg"
    Image.new("RGB", (640, 480), (shade, shade, shade)).save(path, "JPEG")
    assert ocr_image(path, settings).text.strip() == ""


def test_missing_tesseract_is_pending_not_failed(receipts, settings, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MediaPending) as caught:
        ocr_image(receipts["clean"][0].path, settings)
    assert caught.value.code == "tesseract_missing"
