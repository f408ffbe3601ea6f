"""A chat export across both daylight-saving changes of Europe/Berlin, imported and run day by day like a person
would (`wa-pipeline import`, then `wa-pipeline run`): every message reaches the workbook once, on its local day, in
send order (the repeated hour's second pass after its first), and every check of every day passes."""

import json
import os
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl

from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline_tests.test_cli import daily_checks, wa

BERLIN = ZoneInfo("Europe/Berlin")
# (file line, the instant it means): 02:30 on 29 March does not exist (the clock jumps 02:00 -> 03:00) and lands at
# the jump; 02:00-02:59 on 25 October happens twice, the file's order telling the first pass from the second.
LINES = [
    ("28/03/2026, 23:50 - Anna: Samstag spät", "2026-03-28T23:50:00+01:00"),
    ("29/03/2026, 00:10 - Ben: nach Mitternacht", "2026-03-29T00:10:00+01:00"),
    ("29/03/2026, 01:59 - Anna: vor dem Sprung", "2026-03-29T01:59:00+01:00"),
    ("29/03/2026, 02:30 - Anna: halb drei, die es nicht gibt", "2026-03-29T03:00:00+02:00"),
    ("29/03/2026, 03:10 - Ben: danach", "2026-03-29T03:10:00+02:00"),
    ("29/03/2026, 23:55 - Ben: spät am Sonntag", "2026-03-29T23:55:00+02:00"),
    ("25/10/2026, 01:30 - Anna: vor der ersten zwei", "2026-10-25T01:30:00+02:00"),
    ("25/10/2026, 02:10 - Anna: erste 02:10", "2026-10-25T02:10:00+02:00"),
    ("25/10/2026, 02:50 - Ben: erste 02:50", "2026-10-25T02:50:00+02:00"),
    ("25/10/2026, 02:10 - Anna: zweite 02:10", "2026-10-25T02:10:00+01:00"),
    ("25/10/2026, 02:30 - Ben: zweite 02:30", "2026-10-25T02:30:00+01:00"),
    ("25/10/2026, 03:05 - Anna: danach", "2026-10-25T03:05:00+01:00"),
    ("25/10/2026, 23:59 - Ben: Sonntag vorbei", "2026-10-25T23:59:00+01:00"),
]


def test_messages_across_both_dst_changes_land_once_on_their_local_day_in_send_order(tmp_path):
    env = {
        **os.environ,
        "WA_DATA_DIR": str(tmp_path / "data"),
        "DAGSTER_HOME": str(tmp_path / "home"),
        "WA_SHEET_BACKEND": "workbook",
        "WA_TIMEZONE": "Europe/Berlin",
        "PYTHONWARNINGS": "error::DeprecationWarning",
    }
    (tmp_path / "home").mkdir()
    export = tmp_path / "WhatsApp Chat with Anna.txt"
    export.write_text("".join(line + "\n" for line, _ in LINES), encoding="utf-8")
    imported = wa("import", str(export), "--json", env=env)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["added"] == len(LINES)

    result = wa("run", "--from", "2026-03-28", "--to", "2026-03-30", "--json", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    autumn = wa("run", "--from", "2026-10-24", "--to", "2026-10-26", "--json", env=env)
    assert autumn.returncode == 0, autumn.stderr[-3000:]
    days = [json.loads(line) for line in (result.stdout + autumn.stdout).splitlines()]
    expected_days = [datetime.fromisoformat(instant).astimezone(BERLIN).date().isoformat() for _, instant in LINES]
    assert {d["day"]: d["rows"] for d in days} == {
        day: expected_days.count(day) for day in ("2026-03-28", "2026-03-29", "2026-03-30")
    } | {day: expected_days.count(day) for day in ("2026-10-24", "2026-10-25", "2026-10-26")}
    assert all(d["success"] and d["checks_passed"] == d["checks_total"] == daily_checks() for d in days), [
        (d["day"], d["failed_checks"]) for d in days if d["failed_checks"]
    ]

    sheet = openpyxl.load_workbook(tmp_path / "data" / "output" / "wa_pipeline.xlsx")[MESSAGES.name]
    rows = [dict(zip(MESSAGES.columns, row)) for row in list(sheet.iter_rows(values_only=True))[1:]]
    # Each message once, in the order it was sent (one chat), on the local day of its instant.
    texts = [line.split(": ", 1)[1] for line, _ in LINES]
    assert [row["text"] for row in rows] == texts
    assert len({row["message_id"] for row in rows}) == len(LINES)
    assert [row["date"].date().isoformat() for row in rows] == expected_days
    # The sheet shows local wall time: the repeated hour shows twice, the skipped one never.
    shown = [row["sent_at"] for row in rows]
    assert shown == [datetime.fromisoformat(instant).astimezone(BERLIN).replace(tzinfo=None) for _, instant in LINES]
