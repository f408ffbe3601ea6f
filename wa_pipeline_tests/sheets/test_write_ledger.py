"""The ledger of sheet writes: intents, confirmations, and the settling of interrupted writes."""

from wa_pipeline.sheets.google.write_ledger import WriteLedger


def test_a_confirmed_write_remembers_rows_and_their_positions(tmp_path):
    ledger = WriteLedger(tmp_path / "state.sqlite3")
    write = ledger.begin("sheet", "Messages", {"a": "h1", "b": "h2"})
    assert ledger.pending("sheet", "Messages") == {write: {"a": "h1", "b": "h2"}}
    ledger.confirm(write, "sheet", "Messages", {"a": ("h1", 2), "b": ("h2", 3)})
    assert ledger.pending("sheet", "Messages") == {}
    assert ledger.positions("sheet", "Messages", ["a", "b", "c"]) == {"a": 2, "b": 3}
    assert ledger.writes("sheet", "Messages") == [(write, "confirmed", 2)]


def test_an_unconfirmed_write_survives_a_restart_and_is_settled_by_what_the_sheet_holds(tmp_path):
    path = tmp_path / "state.sqlite3"
    crashed = WriteLedger(path)
    write = crashed.begin("sheet", "Messages", {"a": "h1", "b": "h2", "c": "h3"})
    crashed.close()  # the process died between Google applying the write and us recording it

    ledger = WriteLedger(path)
    pending = ledger.pending("sheet", "Messages")
    assert pending == {write: {"a": "h1", "b": "h2", "c": "h3"}}
    settled = ledger.settle(pending, {"a": "h1", "b": "changed"})
    assert (settled.reconciled, settled.missing, settled.writes) == (1, 2, 1)
    assert ledger.pending("sheet", "Messages") == {}
    assert ledger.writes("sheet", "Messages") == [(write, "reconciled", 3)]


def test_rows_inserted_above_move_remembered_positions_down(tmp_path):
    ledger = WriteLedger(None)
    ledger.confirm(None, "sheet", "T", {k: ("h", n) for k, n in [("a", 2), ("b", 3), ("c", 4), ("d", 5)]})
    # One row inserted before row 3, two before row 5 (numbered as before the insertions).
    ledger.confirm(ledger.begin("sheet", "T", {"x": "h"}), "sheet", "T", {"x": ("h", 3)}, inserted_at=[(3, 1), (5, 2)])
    assert ledger.positions("sheet", "T", "abcdx") == {"a": 2, "b": 4, "c": 5, "d": 8, "x": 3}


def test_a_deleted_tab_is_forgotten_and_tabs_are_separate(tmp_path):
    ledger = WriteLedger(tmp_path / "state.sqlite3")
    ledger.confirm(None, "sheet", "Messages", {"a": ("h", 2)})
    ledger.confirm(None, "sheet", "Media", {"a": ("h", 7)})
    ledger.forget_tab("sheet", "Messages")
    assert ledger.positions("sheet", "Messages", ["a"]) == {}
    assert ledger.positions("sheet", "Media", ["a"]) == {"a": 7}
