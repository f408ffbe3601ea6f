"""Reading meaning out of message text: entities (model, rules, patterns), intent, language, sentiment and threads."""
