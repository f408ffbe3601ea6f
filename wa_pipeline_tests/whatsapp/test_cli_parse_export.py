import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WA = Path(sys.executable).parent / "wa-pipeline"


def test_parse_export_prints_json_lines_without_storing(tmp_path):
    env = {**os.environ, "WA_DATA_DIR": str(tmp_path / "data"), "WA_TIMEZONE": "Africa/Nairobi"}
    zipped = next((REPO / "sample_data").glob("*.zip"))
    result = subprocess.run(
        [str(WA), "parse-export", str(zipped), "--json"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) > 10
    assert all(line["sent_at"].endswith("+00:00") for line in lines)
    assert {"message_id", "sender_name", "kind", "text", "attachment"} <= set(lines[0])
    assert any(line["attachment"] and line["attachment"].endswith(".png") for line in lines)
    assert not (tmp_path / "data").exists()


def test_parse_export_names_the_file_when_it_is_not_an_export(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("just some notes\nno chat here\n")
    result = subprocess.run([str(WA), "parse-export", str(bogus)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "notes.txt" in result.stderr


def test_parse_export_shows_whatsapps_own_lines_with_their_meaning(tmp_path):
    export = tmp_path / "WhatsApp Chat with Juma Hardware.txt"
    export.write_text(
        "[10/03/2026, 08:00:00] Juma Hardware: \u200eИзображение отсутствует\n"
        "[10/03/2026, 08:01:00] Juma Hardware: Tato zpráva byla odstraněna.\n"
        "[10/03/2026, 08:02:00] Juma Hardware: Habari\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [str(WA), "parse-export", str(export), "--json"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["kind"], line["event"]) for line in lines] == [
        ("media_omitted", "media_omitted:image"),
        ("deleted", "deleted"),
        ("text", None),
    ]


def test_parse_export_writes_every_message_to_parquet_as_the_json_lines_show_them(tmp_path):
    import pyarrow.parquet as pq

    export = tmp_path / "WhatsApp Chat with Juma Hardware.txt"
    lines = ["16/11/2026, 09:00 - Messages and calls are end-to-end encrypted. Tap to learn more."]
    lines += [f"16/11/2026, 09:{minute:02d} - Juma Hardware: bags of cement {minute}" for minute in range(1, 40)]
    lines += ["16/11/2026, 09:40 - Amina: <Media omitted>", "16/11/2026, 09:41 - Amina: two lines", "of text"]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "WA_DATA_DIR": str(tmp_path / "data"), "WA_TIMEZONE": "Africa/Nairobi"}
    target = tmp_path / "out" / "chat.parquet"
    target.parent.mkdir()
    written = subprocess.run(
        [str(WA), "parse-export", str(export), "--parquet", str(target)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert written.returncode == 0, written.stderr
    shown = subprocess.run(
        [str(WA), "parse-export", str(export), "--json"], env=env, capture_output=True, text=True, timeout=120
    )
    expected = [json.loads(line) for line in shown.stdout.splitlines()]
    table = pq.read_table(target).to_pylist()
    assert [row["message_id"] for row in table] == [line["message_id"] for line in expected]
    assert [(row["kind"], row["event"], row["text"]) for row in table] == [
        (line["kind"], line["event"], line["text"]) for line in expected
    ]
    assert table[-1]["text"] == "two lines\nof text"
    assert f"Juma Hardware: {len(expected)} messages written to {target}\n" in written.stderr
    assert not list(target.parent.glob("*.partial"))
    assert not (tmp_path / "data").exists()


def test_parse_export_says_why_it_cannot_write_the_parquet_file(tmp_path):
    zipped = next((REPO / "sample_data").glob("*.zip"))
    target = tmp_path / "missing" / "chat.parquet"
    result = subprocess.run(
        [str(WA), "parse-export", str(zipped), "--parquet", str(target)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "chat.parquet" in result.stderr
    assert not target.parent.exists()
