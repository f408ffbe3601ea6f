"""The ledger of sheet writes: intents, confirmations, and the settling of interrupted writes."""

import base64
import sqlite3

from wa_pipeline.sheets.google.write_ledger import WriteLedger

# A wamid as Meta mints them: base64 of a record that holds the customer's number (here 254733111222).
PHONE = b"254733111222"
WAMID = (
    "wamid."
    + base64.b64encode(b"\x1c\x18\x0c" + PHONE + b"\x15\x02\x00\x12\x18\x14" + b"3EB0C7A5F1D2E3B4C5D6").decode()
)


def base64_forms(data: bytes) -> list[bytes]:
    """The phone as it appears inside any base64 text, whatever its offset (the characters it alone decides)."""
    forms = []
    for offset in range(3):
        encoded = base64.b64encode(b"\x00" * offset + data)
        start = (offset * 8 + 5) // 6 if offset else 0
        end = (len(data) + offset) * 8 // 6
        forms.append(encoded[start:end])
    return forms


def test_a_confirmed_write_remembers_rows_and_their_positions(tmp_path):
    ledger = WriteLedger(tmp_path / "state.sqlite3")
    write = ledger.begin("sheet", "Messages", {"a": "h1", "b": "h2"})
    assert ledger.pending("sheet", "Messages") == {write: {ledger.digest("a"): "h1", ledger.digest("b"): "h2"}}
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
    assert pending == {write: {ledger.digest("a"): "h1", ledger.digest("b"): "h2", ledger.digest("c"): "h3"}}
    settled = ledger.settle(pending, {ledger.digest("a"): "h1", ledger.digest("b"): "changed"})
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


def test_row_keys_are_kept_only_as_salted_digests_so_no_wamid_or_number_stays_in_the_file(tmp_path):
    path = tmp_path / "state.sqlite3"
    assert any(form in WAMID.encode() for form in base64_forms(PHONE))  # the premise: a wamid carries the number
    ledger = WriteLedger(path)
    write = ledger.begin("sheet", "Messages", {WAMID: "h1"})
    ledger.confirm(write, "sheet", "Messages", {WAMID: ("h1", 2)})
    assert ledger.positions("sheet", "Messages", [WAMID]) == {WAMID: 2}
    crashed = ledger.begin("sheet", "Messages", {WAMID: "h2"})  # and one write left pending
    ledger.close()
    stored = b"".join(f.read_bytes() for f in tmp_path.iterdir())
    assert WAMID.encode() not in stored and PHONE not in stored
    assert [form for form in base64_forms(PHONE) if form in stored] == []
    # Another ledger file has another salt: its digests join nothing across files.
    reopened, other = WriteLedger(path), WriteLedger(tmp_path / "other.sqlite3")
    assert reopened.pending("sheet", "Messages") == {crashed: {reopened.digest(WAMID): "h2"}}
    assert reopened.digest(WAMID) != other.digest(WAMID)


def test_a_ledger_written_with_clear_keys_drops_its_hints_and_hashes_its_pending_rows_on_opening(tmp_path):
    path = tmp_path / "state.sqlite3"
    old = WriteLedger(path)
    old.close()
    with sqlite3.connect(path) as conn:  # as a version before digests wrote it
        conn.execute("DELETE FROM ledger_salt")
        conn.execute("INSERT INTO sheet_rows VALUES ('sheet', 'Messages', ?, 'h1', 2, 'then')", (WAMID,))
        conn.execute("INSERT INTO sheet_writes VALUES (7, 'sheet', 'Messages', 'pending', 1, 'then', NULL)")
        conn.execute("INSERT INTO sheet_write_rows VALUES (7, ?, 'h2')", (WAMID,))
    ledger = WriteLedger(path)
    assert ledger.positions("sheet", "Messages", [WAMID]) == {}
    assert ledger.pending("sheet", "Messages") == {7: {ledger.digest(WAMID): "h2"}}
    with sqlite3.connect(path) as conn:
        keys = [
            row[0]
            for table in ("sheet_rows", "sheet_write_rows")
            for row in conn.execute(f"SELECT row_key FROM {table}")
        ]
    assert WAMID not in keys
