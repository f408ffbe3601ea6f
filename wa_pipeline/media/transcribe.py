"""Speech to text with faster-whisper (CTranslate2, int8 on CPU), the model loaded once per process."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wa_pipeline.media.audio_decode import SAMPLE_RATE
from wa_pipeline.media.engine_settings import MediaEngineSettings
from wa_pipeline.media.media_errors import MediaPending

# A CTranslate2 model directory has these; a path without them would make faster-whisper try the Hugging Face hub.
MODEL_FILES = ("model.bin", "config.json")

_models: dict[tuple, object] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Transcript:
    text: str
    confidence: float | None  # mean per-segment probability, exp(avg_logprob), 0..1
    duration_s: float


def whisper_model_available(settings: MediaEngineSettings) -> bool:
    model = Path(settings.whisper_model_path)
    return all((model / name).is_file() for name in MODEL_FILES)


def load_model(settings: MediaEngineSettings):
    """The process's one WhisperModel for these settings: cpu_threads=1 and num_workers=2, so two threads
    transcribe in parallel on two cores, each on one core."""
    if not whisper_model_available(settings):
        raise MediaPending(
            "whisper_model_missing", f"no CTranslate2 model at {settings.whisper_model_path} (model.bin, config.json)"
        )
    key = (settings.whisper_model_path, settings.whisper_compute_type, settings.workers)
    with _lock:
        model = _models.get(key)
        if model is None:
            from faster_whisper import WhisperModel

            model = WhisperModel(
                settings.whisper_model_path,
                device="cpu",
                compute_type=settings.whisper_compute_type,
                cpu_threads=1,
                num_workers=max(1, settings.workers),
                local_files_only=True,
            )
            _models[key] = model
    return model


def transcribe(samples: np.ndarray, settings: MediaEngineSettings) -> Transcript:
    """Transcribe 16 kHz mono float32 samples; silence (by the VAD) gives empty text, not an error."""
    model = load_model(settings)
    segments, info = model.transcribe(
        samples,
        language=settings.language or None,
        vad_filter=True,
        condition_on_previous_text=False,
    )
    texts, probabilities = [], []
    for segment in segments:
        if segment.text.strip():
            texts.append(segment.text.strip())
            probabilities.append(math.exp(segment.avg_logprob))
    confidence = round(sum(probabilities) / len(probabilities), 4) if probabilities else None
    return Transcript(" ".join(texts), confidence, round(len(samples) / SAMPLE_RATE, 3))
