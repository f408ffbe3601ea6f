"""Rows a tab no longer derives: removed on the next sync, so the tab holds what its data says and nothing else.

A row the pipeline wrote keeps its key; when the data changes under it (the business named in WA_BUSINESS_SENDERS is
no customer, an order is cut anew) the upsert alone leaves the old row beside the new ones. Only rows with a key of
ours go, and only those a person left alone: a row a person added, or wrote beside in a column of their own, stays.

A data directory that does not hold the history the sheet was written from (a new machine pointed at an old sheet,
a history not imported yet) would find most rows "no longer derived". Rows are never removed then: a sync that would
remove more than `MOST_REMOVED` rows and more than half of ours removes none and says why.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

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


# Beyond this many rows, and half of the tab's rows of ours, a sync removes none (see the module's docstring).
MOST_REMOVED = 10


@dataclass(frozen=True)
class StaleRows:
    removed: list[str] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)  # stale, but too many to remove unasked

    def reason(self, tab: str) -> str:
        """Why `held_back` stayed, for the run's log."""
        return (
            f"tab {tab!r}: {len(self.held_back)} rows are no longer derived from the stored days, too many to remove "
            "unasked: this data directory may not hold the history the sheet was written from (import it), or "
            "delete those rows by hand"
        )


def drop_stale_rows(sink: SheetSink, spec: TabSpec, holding: Collection[str]) -> StaleRows:
    """Delete the tab's rows that no longer hold (`stale_keys`), unless they are too many (`MOST_REMOVED`)."""
    tab = sink.read_tab(spec.name)
    stale = stale_keys(spec, tab, holding)
    if not stale:
        return StaleRows()
    key_at = tab.header.index(spec.sheet_key)
    prefix = spec.derived_prefix or ""  # set: without one, stale_keys finds nothing
    ours = sum(1 for row in tab.rows if key_at < len(row) and row[key_at].startswith(prefix))
    if len(stale) > MOST_REMOVED and len(stale) * 2 > ours:
        return StaleRows(held_back=stale)
    sink.delete_rows(spec.name, spec.sheet_key, stale)
    return StaleRows(removed=stale)
