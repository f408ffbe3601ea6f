"""WhatsApp sources: chat exports (and, alongside, the Cloud API)."""
