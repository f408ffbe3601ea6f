"""HTTP stand-ins for the Google and Meta APIs the pipeline talks to."""
