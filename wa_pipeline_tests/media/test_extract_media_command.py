import json

import pytest
import typer

from wa_pipeline.commands.extract_media import extract_media_command


def test_json_lines_give_type_text_status_and_facts(documents, voice_notes, bad_inputs, capsys):
    files = [documents["text_pdf"].path, voice_notes[0].path, bad_inputs["zero_bytes"]]
    with pytest.raises(typer.Exit) as exited:
        extract_media_command(files, as_json=True)
    assert exited.value.exit_code == 1  # the empty file failed
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["file"] for line in lines] == [str(f) for f in files]
    invoice, note, empty = lines
    assert (invoice["mime"], invoice["status"]) == ("application/pdf", "ok")
    assert "INV-2026-0042" in invoice["text"]
    values = [value for found in invoice["facts"].values() for value in found]
    assert any("12000" in value.replace(",", "") for value in values), invoice["facts"]
    assert (note["mime"], note["status"]) == ("audio/ogg", "ok") and 5 < note["duration_s"] < 7
    assert "Friday" in note["text"]
    assert (empty["status"], empty["reason"]) == ("failed", "empty file (0 bytes)")


def test_a_table_for_people(receipts, capsys):
    extract_media_command([receipts["clean"][0].path], as_json=False)
    out = capsys.readouterr().out
    assert "image/png" in out and "MAMA MBOGA BAKERY" in out
