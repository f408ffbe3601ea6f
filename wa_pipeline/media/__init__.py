"""Media intelligence: what an attachment is, and the text in it (OCR, voice transcription, documents)."""
