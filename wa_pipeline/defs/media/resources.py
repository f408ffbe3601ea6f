"""The media engines' settings as a resource: which Whisper model, which OCR language, and the safety caps."""

import dataclasses

import dagster as dg

from wa_pipeline.media.engine_settings import MediaEngineSettings, bundled_whisper_model, media_engine_settings
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
        engine_fields = {f.name for f in dataclasses.fields(MediaEngineSettings)}
        values = {name: value for name, value in self.model_dump().items() if name in engine_fields}
        values["whisper_model_path"] = self.whisper_model_path or bundled_whisper_model()
        return MediaEngineSettings(**values)


@dg.definitions
def media_resources() -> dg.Definitions:
    settings = get_settings()
    engines = dataclasses.asdict(media_engine_settings(settings))
    # Empty means "the bundled model", resolved when the engines start, so the UI shows the setting as given.
    engines["whisper_model_path"] = settings.whisper_model_path
    return dg.Definitions(
        resources={
            "media_engines": MediaEngines(
                **{name: value for name, value in engines.items() if name in MediaEngines.model_fields},
                min_success_rate=settings.media_min_success_rate,
                max_pending_days=settings.media_max_pending_days,
            )
        }
    )
