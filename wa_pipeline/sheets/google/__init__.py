"""The Google Sheets backend: the sink, its connection and credentials, request building, resilience and ledger."""
