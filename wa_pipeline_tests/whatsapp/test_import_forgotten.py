"""Importing a chat again after `forget` says how many of its messages stayed forgotten."""

import json
import os
import subprocess
import sys
from pathlib import Path

WA = Path(sys.executable).parent / "wa-pipeline"

_CHAT = (
    "20/11/2026, 07:31 - +254 712 345 678: Habari, do you have flour?\n"
    "20/11/2026, 07:35 - Duka la Neema: Yes, KES 200 a packet\n"
    "21/11/2026, 08:10 - +254 712 345 678: Sent KES 400\n"
)


def _wa(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "WA_DATA_DIR": str(tmp_path / "data"),
        "DAGSTER_HOME": str(tmp_path / "home"),
        "WA_SHEET_BACKEND": "workbook",
        "WA_TIMEZONE": "Africa/Nairobi",
    }
    return subprocess.run([str(WA), *args], env=env, capture_output=True, text=True, timeout=300)


def test_reimporting_a_forgotten_customers_chat_says_it_stays_forgotten(tmp_path):
    (tmp_path / "home").mkdir()
    export = tmp_path / "WhatsApp Chat with +254 712 345 678.txt"
    export.write_text(_CHAT, encoding="utf-8")
    assert json.loads(_wa("import", str(export), "--json", tmp_path=tmp_path).stdout)["added"] == 3
    forgot = _wa("forget", "--phone", "+254712345678", tmp_path=tmp_path)
    assert forgot.returncode == 0, forgot.stderr

    again = _wa("import", str(export), "--json", tmp_path=tmp_path)
    console = _wa("import", str(export), tmp_path=tmp_path)

    summary = json.loads(again.stdout)
    assert (summary["added"], summary["already_present"], summary["forgotten"]) == (0, 0, 3)
    said = console.stdout + console.stderr
    assert "forgotten 3" in said and "wa-pipeline forget" in said
