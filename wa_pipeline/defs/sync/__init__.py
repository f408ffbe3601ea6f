"""Sheet rows and the synced sheet."""
