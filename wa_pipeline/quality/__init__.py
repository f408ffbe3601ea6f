"""Data-quality rules the asset checks apply; plain functions returning an outcome and its evidence."""
