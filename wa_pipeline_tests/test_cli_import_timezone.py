"""A timezone inferred from a later export never re-dates the chats an earlier import already landed."""

import json
import os
import subprocess
import sys
from pathlib import Path

WA = Path(sys.executable).parent / "wa-pipeline"

# No number with a country code: nothing to infer a timezone from, so it lands in the default one.
_NO_NUMBERS = (
    "[20/11/26, 09:05:12] Kofi Mensah: Hello, I want 3 bags of rice\n"
    "[20/11/26, 09:06:40] Duka la Neema: KES 3,200 each\n"
)
_KENYAN = (
    "20/11/2026, 07:31 - +254 712 345 678: Habari, do you have flour?\n"
    "20/11/2026, 07:35 - Duka la Neema: Yes, KES 200 a packet\n"
    "20/11/2026, 07:40 - +254 712 345 678: My neighbour +254 733 111 222 wants some too\n"
)


def _import(path: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {"WA_TIMEZONE", "WA_DEFAULT_REGION", "TZ"}}
    env |= {"WA_DATA_DIR": str(tmp_path / "data"), "DAGSTER_HOME": str(tmp_path / "home")}
    return subprocess.run(
        [str(WA), "import", str(path), "--json"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )


def test_a_chat_imported_again_after_another_countrys_chat_adds_nothing(tmp_path):
    first = tmp_path / "WhatsApp Chat - Kofi Mensah.txt"
    first.write_text(_NO_NUMBERS, encoding="utf-8")
    kenyan = tmp_path / "WhatsApp Chat with +254 712 345 678.txt"
    kenyan.write_text(_KENYAN, encoding="utf-8")
    assert json.loads(_import(first, tmp_path).stdout)["added"] == 2

    second = _import(kenyan, tmp_path)
    again = _import(first, tmp_path)

    assert json.loads(second.stdout)["added"] == 3
    summary = json.loads(again.stdout)
    # Re-dated in the Kenyan chat's timezone, the first chat's two messages came back as two new ones.
    assert (summary["added"], summary["already_present"]) == (0, 2), again.stderr
    assert "Africa/Nairobi" in second.stderr and "kept" in second.stderr
