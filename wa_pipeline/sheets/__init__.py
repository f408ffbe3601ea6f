"""The sheet sink: one interface, a local workbook backend and a Google Sheets backend."""
