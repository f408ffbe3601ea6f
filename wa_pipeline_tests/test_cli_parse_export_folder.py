"""`parse-export` reads what `import` reads: an export unzipped into a folder (macOS unzips a download on opening it)."""

import json
import os
import subprocess
import sys
from pathlib import Path

WA = Path(sys.executable).parent / "wa-pipeline"

_IOS_CHAT = (
    "[20/11/26, 09:05:12] Kofi Mensah: Hello, I want 3 bags of rice\n"
    "\u200e[20/11/26, 09:10:00] Kofi Mensah: \u200e<attached: 00000004-PHOTO-2026-11-20-09-10-00.jpg>\n"
)


def _parse_export(path: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WA_DATA_DIR": str(tmp_path / "data"), "WA_TIMEZONE": "Africa/Nairobi"}
    return subprocess.run(
        [str(WA), "parse-export", str(path), *extra], env=env, capture_output=True, text=True, timeout=120
    )


def test_parse_export_reads_an_export_unzipped_into_a_folder(tmp_path):
    folder = tmp_path / "WhatsApp Chat - Kofi Mensah"
    folder.mkdir()
    (folder / "_chat.txt").write_text(_IOS_CHAT, encoding="utf-8")
    (folder / "00000004-PHOTO-2026-11-20-09-10-00.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo")

    result = _parse_export(folder, tmp_path, "--json")

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["chat_name"] for line in lines] == ["Kofi Mensah", "Kofi Mensah"]
    assert lines[1]["attachment"] == "00000004-PHOTO-2026-11-20-09-10-00.jpg"


def test_parse_export_of_a_folder_holding_several_exports_names_them(tmp_path):
    for name in ("Kofi Mensah", "Ama Owusu"):
        folder = tmp_path / "Downloads" / f"WhatsApp Chat - {name}"
        folder.mkdir(parents=True)
        (folder / "_chat.txt").write_text(_IOS_CHAT, encoding="utf-8")

    result = _parse_export(tmp_path / "Downloads", tmp_path)

    assert result.returncode == 1
    assert "2 chat exports" in result.stderr
    assert "WhatsApp Chat - Ama Owusu" in result.stderr and "WhatsApp Chat - Kofi Mensah" in result.stderr
    assert "no such file" not in result.stderr


def test_parse_export_names_a_missing_file_once(tmp_path):
    missing = tmp_path / "WhatsApp Chat with Kofi Mensah.txt"

    result = _parse_export(missing, tmp_path)

    assert result.returncode == 1
    assert result.stderr.count("WhatsApp Chat with Kofi Mensah.txt") == 1, result.stderr
