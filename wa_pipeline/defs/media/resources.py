"""The media engines' settings as a resource: which Whisper model, which OCR language, and the safety caps."""

import dagster as dg

from wa_pipeline.media.engine_settings import MediaEngineSettings, bundled_whisper_model
from wa_pipeline.settings import get_settings


class MediaEngines(dg.ConfigurableResource):
    """OCR (tesseract), transcription (faster-whisper) and document parsing limits, plus the media checks' thresholds."""

    whisper_model_path: str = ""  # empty: the bundled Whisper tiny.en
    whisper_model_size: str = "tiny.en"
    whisper_compute_type: str = "int8"
    language: str = "en"
    max_audio_seconds: float = 600
    tesseract_lang: str = "eng"
    ocr_timeout_s: float = 60
    document_timeout_s: float = 30
    document_memory_mb: int = 1536
    pdf_max_pages: int = 50
    max_media_bytes: int = 100 * 1024 * 1024
    workers: int = 2
    max_attempts: int = 3
    min_success_rate: float = 0.8
    max_pending_days: int = 3

    def settings(self) -> MediaEngineSettings:
        return MediaEngineSettings(
            whisper_model_path=self.whisper_model_path or bundled_whisper_model(),
            whisper_model_size=self.whisper_model_size,
            whisper_compute_type=self.whisper_compute_type,
            language=self.language,
            max_audio_seconds=self.max_audio_seconds,
            tesseract_lang=self.tesseract_lang,
            ocr_timeout_s=self.ocr_timeout_s,
            document_timeout_s=self.document_timeout_s,
            document_memory_mb=self.document_memory_mb,
            pdf_max_pages=self.pdf_max_pages,
            max_media_bytes=self.max_media_bytes,
            workers=self.workers,
            max_attempts=self.max_attempts,
        )


@dg.definitions
def media_resources() -> dg.Definitions:
    settings = get_settings()
    return dg.Definitions(
        resources={
            "media_engines": MediaEngines(
                whisper_model_path=settings.whisper_model_path,
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
                min_success_rate=settings.media_min_success_rate,
                max_pending_days=settings.media_max_pending_days,
            )
        }
    )
