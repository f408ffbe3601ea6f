"""`wa-pipeline doctor`: proves each part works (not just that it is installed), with the fix for each failure."""
