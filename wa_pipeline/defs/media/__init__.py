"""Media intelligence: OCR, voice transcription, documents and the media gallery."""
