"""WhatsApp conversations to validated Google Sheets rows."""
