"""`wa-pipeline run`'s summary as a person reads it in an 80-column terminal."""

import io

from rich.console import Console

from wa_pipeline.cli import print_run_table

LONG_CHECKS = [
    "entities_sheet:entities_sheet_reconciled",
    "media_catalog:media_dead_letters_not_growing",
    "raw_messages:no_message_after_opt_out",
]


def rendered(results: list[dict], monkeypatch) -> list[str]:
    # As a terminal of 80 columns tells a program its width.
    monkeypatch.setenv("COLUMNS", "80")
    out = io.StringIO()
    print_run_table(results, Console(file=out))
    return out.getvalue().splitlines()


def day(name: str, passed: int, total: int, failed: list[str], rows: int = 27, success: bool = True) -> dict:
    return {
        "day": name,
        "run_id": "r",
        "success": success,
        "checks_passed": passed,
        "checks_total": total,
        "failed_checks": failed,
        "rows": rows,
    }


def test_the_run_table_fits_80_columns_with_every_failed_check_whole(monkeypatch):
    results = [
        day("2026-11-16", 24, 24, []),
        day("2026-11-17", 21, 24, LONG_CHECKS, rows=12_345, success=False),
        day("2026-11-18", 23, 24, LONG_CHECKS[:1], rows=0),
    ]
    lines = rendered(results, monkeypatch)
    assert max(len(line) for line in lines) <= 80, "\n".join(lines)
    rows = {line.split()[0]: line.split() for line in lines if len(line.split()) == 5 and line.split()[0][:4] == "2026"}
    assert rows["2026-11-16"][1:] == ["ok", "27", "24/24", "-"]
    assert rows["2026-11-17"][1:] == ["FAILED", "12345", "21/24", "3"]
    assert rows["2026-11-18"][1:] == ["ok", "0", "23/24", "1"]
    # Every failed check with its day, whole on one line, so it can be read and searched as written.
    listed = [line.split() for line in lines if len(line.split()) == 2 and ":" in line.split()[1]]
    assert listed == [["2026-11-17", check] for check in LONG_CHECKS] + [["2026-11-18", LONG_CHECKS[0]]]
    # The legend says what the short columns mean.
    text = " ".join(" ".join(lines).split())
    assert "checks: passed/evaluated" in text and "failed: how many failed (listed below)" in text


def test_a_clean_run_lists_no_failures(monkeypatch):
    lines = rendered([day("2026-11-16", 24, 24, [])], monkeypatch)
    assert max(len(line) for line in lines) <= 80 and not any("Failed checks" in line for line in lines)


def test_a_check_that_only_warns_is_listed_as_a_warning(monkeypatch):
    """`wa-pipeline run` exits 0 on warnings: the list says which failed checks are only warnings."""
    warned = {**day("2026-11-16", 23, 24, LONG_CHECKS[1:2]), "warnings": LONG_CHECKS[1:2]}
    lines = rendered([warned, day("2026-11-17", 23, 24, LONG_CHECKS[:1])], monkeypatch)
    assert max(len(line) for line in lines) <= 80, "\n".join(lines)
    listed = [line.split() for line in lines if len(line.split()) >= 2 and ":" in line.split()[1]]
    assert listed == [["2026-11-16", LONG_CHECKS[1], "warning"], ["2026-11-17", LONG_CHECKS[0]]]
