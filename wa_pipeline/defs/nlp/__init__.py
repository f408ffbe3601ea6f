"""Enrichment: the intent model, entities, intent, language and sentiment per message, conversations, and their tabs."""
