"""Rows in, a sheet out: the sink contract and the tabs here, the backends in `xlsx/` and `google/`."""
