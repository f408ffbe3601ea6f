"""Rows a tab no longer derives: removed on the next sync, so the tab holds what its data says and nothing else.

A row the pipeline wrote keeps its key; when the data changes under it (the business named in WA_BUSINESS_SENDERS is
no customer, an order is cut anew) the upsert alone leaves the old row beside the new ones. Only rows with a key of
ours go, and only those a person left alone: a row a person added, or wrote beside in a column of their own, stays.
"""

from __future__ import annotations

from collections.abc import Collection

from wa_pipeline.sheets.sink import SheetSink, TabContents
from wa_pipeline.sheets.tab_spec import TabSpec


def stale_keys(spec: TabSpec, tab: TabContents, holding: Collection[str]) -> list[str]:
    """Keys of the tab's rows that no longer hold: a key of ours (`spec.derived_prefix`) not in `holding`, on a row
    with nothing in a column of a person's own."""
    prefix = spec.derived_prefix
    if not prefix or spec.sheet_key not in tab.header:
        return []
    ours = set(spec.sheet_columns)
    key_at = tab.header.index(spec.sheet_key)
    theirs = [position for position, name in enumerate(tab.header) if name not in ours]
    stale = []
    for row in tab.rows:
        key = row[key_at] if key_at < len(row) else ""
        if not key.startswith(prefix) or key in holding:
            continue
        if any(position < len(row) and row[position] for position in theirs):
            continue
        stale.append(key)
    return list(dict.fromkeys(stale))


def drop_stale_rows(sink: SheetSink, spec: TabSpec, holding: Collection[str]) -> list[str]:
    """Delete the tab's rows that no longer hold (`stale_keys`); the keys deleted."""
    stale = stale_keys(spec, sink.read_tab(spec.name), holding)
    if stale:
        sink.delete_rows(spec.name, spec.sheet_key, stale)
    return stale
