"""Landing store observation and the raw, per-day messages."""
