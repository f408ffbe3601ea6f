"""The local workbook backend: a `SheetSink` on one .xlsx file, streamed so a big tab is never held twice."""
