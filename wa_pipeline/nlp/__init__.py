"""Reading meaning out of message text: entities, sentiment (and later intent and threads)."""
