"""Durable storage: the landing store, the media store and the dead-letter queue."""
