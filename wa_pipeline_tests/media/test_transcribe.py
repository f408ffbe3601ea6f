import dataclasses

import numpy as np
import pytest

from wa_pipeline.media.audio_decode import SAMPLE_RATE, decode_audio
from wa_pipeline.media.media_errors import MediaFailed, MediaPending
from wa_pipeline.media.transcribe import transcribe
from wa_pipeline_tests.media.text_metrics import normalise_words, wer


def test_voice_notes_transcribe_with_a_word_error_rate_under_20_percent(voice_notes, settings):
    rates = {}
    for fixture in voice_notes:
        samples = decode_audio(fixture.path, settings.max_audio_seconds)
        transcript = transcribe(samples, settings)
        rates[fixture.path.name] = wer(fixture.truth, transcript.text)
        assert 0 < transcript.confidence <= 1
        assert transcript.duration_s == pytest.approx(len(samples) / SAMPLE_RATE, abs=0.001)
    assert max(rates.values()) <= 0.20, rates


def test_numbers_come_out_as_numbers(voice_notes, settings):
    transcript = transcribe(decode_audio(voice_notes[0].path, 600), settings)
    words = normalise_words(transcript.text)
    assert "30" in words and "4500" in words and "friday" in words


@pytest.mark.parametrize("mime", ["audio/mp4", "audio/mpeg", "audio/amr", "audio/aac"])
def test_every_audio_container_decodes_to_16_khz_mono_float32(audio_formats, voice_notes, settings, mime):
    samples = decode_audio(audio_formats[mime].path, 600)
    reference = decode_audio(voice_notes[0].path, 600)
    assert samples.dtype == np.float32 and samples.ndim == 1
    # Same speech, other codec: the same length give or take codec padding, and audible.
    assert abs(len(samples) - len(reference)) < 0.8 * SAMPLE_RATE
    assert float(np.abs(samples).max()) > 0.1
    words = normalise_words(transcribe(samples, settings).text)
    assert "friday" in words and "4500" in words


def test_the_duration_cap_refuses_long_audio(voice_notes):
    with pytest.raises(MediaFailed, match="cap"):
        decode_audio(voice_notes[0].path, max_seconds=2)


def test_broken_audio_fails_with_a_reason(bad_inputs):
    with pytest.raises(MediaFailed, match="truncated"):
        decode_audio(bad_inputs["truncated_opus"], 600)
    with pytest.raises(MediaFailed, match="does not open"):
        decode_audio(bad_inputs["zero_bytes"], 600)


def test_a_missing_model_is_pending_and_nothing_is_downloaded(voice_notes, settings, tmp_path):
    missing = dataclasses.replace(settings, whisper_model_path=str(tmp_path / "no-model"))
    with pytest.raises(MediaPending) as caught:
        transcribe(decode_audio(voice_notes[0].path, 600), missing)
    assert caught.value.code == "whisper_model_missing"
    assert list(tmp_path.iterdir()) == []
