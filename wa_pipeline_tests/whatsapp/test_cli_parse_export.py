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
