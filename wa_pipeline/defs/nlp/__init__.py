"""Enrichment: entities and sentiment per message."""
