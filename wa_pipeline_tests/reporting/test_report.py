import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from wa_pipeline.reporting.html_report import render_html, render_markdown
from wa_pipeline.reporting.report_data import DayReport, Report

REPO = Path(__file__).resolve().parents[2]
WA = Path(sys.executable).parent / "wa-pipeline"


class Page(HTMLParser):
    """Collects what a reader of the report sees: table rows, chart bars, the verdict."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.bars: dict[str, dict[str, float]] = {}
        self.verdict = ""
        self._table = self._figure = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_verdict = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = attrs.get("id")
            self.rows.setdefault(self._table, [])
        elif tag == "figure":
            self._figure = attrs.get("id")
            self.bars.setdefault(self._figure, {})
        elif tag == "g" and "data-label" in attrs and self._figure:
            self.bars[self._figure][attrs["data-label"]] = float(attrs["data-value"])
        elif tag == "tr":
            self._row = []
        elif tag in {"td", "th"}:
            self._cell = []
        elif tag == "p" and attrs.get("id") == "verdict":
            self._in_verdict = True

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows[self._table].append(self._row)
            self._row = None
        elif tag == "p":
            self._in_verdict = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_verdict:
            self.verdict += data


def sample_report() -> Report:
    return Report(
        days=[
            DayReport(
                "2026-11-16",
                "success",
                {"raw_messages:ids_unique": True, "messages_sheet:sheet_reconciled": True},
                [],
                messages=16,
                intents={"order": 5, "payment": 2},
                media_items=2,
                media_ok=1,
            ),
            DayReport(
                "2026-11-17",
                "success",
                {"raw_messages:ids_unique": True, "messages_sheet:sheet_reconciled": False},
                ["messages_sheet:sheet_reconciled"],
                messages=9,
                intents={"order": 1},
                dead_letters=1,
            ),
        ],
        dead_letters_by_stage={"media": 1},
        generated_at="2026-11-21T00:00:00+00:00",
        sheet="data/output/wa_pipeline.xlsx",
    )


def test_html_report_shows_checks_per_day_and_charts():
    page = Page(render_html(sample_report()))
    days = {row[0]: row for row in page.rows["days"][1:]}
    assert days["2026-11-16"][3] == "2/2" and days["2026-11-17"][4] == "messages_sheet:sheet_reconciled"
    assert days["2026-11-16"][5] == "50%"
    assert page.bars["messages-per-day"] == {"2026-11-16": 16, "2026-11-17": 9}
    assert page.bars["intents"] == {"order": 6, "payment": 2}
    assert page.bars["dead-letters"] == {"media": 1}
    assert "FAILED" in page.verdict
    assert page.rows["checks"][2][1:] == ["✓", "✗"] or page.rows["checks"][2][1:] == ["✗", "✓"]


def test_markdown_summary_has_a_row_per_day():
    markdown = render_markdown(sample_report())
    assert "| 2026-11-17 | success | 9 | 1/2 | messages_sheet:sheet_reconciled |" in markdown


def test_report_command_after_a_run_renders_every_day_green(tmp_path):
    env = {**os.environ, "WA_DATA_DIR": str(tmp_path / "data"), "DAGSTER_HOME": str(tmp_path / "home")}
    (tmp_path / "home").mkdir()
    for args in (["import", "sample_data"], ["run", "--from", "2026-11-16", "--to", "2026-11-17"]):
        done = subprocess.run([str(WA), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
    out = tmp_path / "report.html"
    result = subprocess.run(
        [str(WA), "report", "--from", "2026-11-15", "--to", "2026-11-17", "-o", str(out), "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    days = {d["day"]: d for d in map(json.loads, result.stdout.splitlines()[:-1])}
    assert days["2026-11-15"]["run"] == "not run"
    assert days["2026-11-16"]["run"] == "success" and days["2026-11-16"]["failed_checks"] == []
    assert days["2026-11-16"]["checks_total"] >= 9 and days["2026-11-16"]["messages"] > 0
    page = Page(out.read_text())
    assert "All asset checks passed" in page.verdict
    assert page.bars["messages-per-day"]["2026-11-16"] == days["2026-11-16"]["messages"]
