import json
import os
import subprocess
import sys
from datetime import date, timedelta
from html import unescape
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
    # Checks grouped under their asset, the failing asset and check first, with the days each failed on.
    assert page.rows["checks"][1:] == [
        ["messages_sheet"],
        ["sheet_reconciled", "1/2", "2026-11-17"],
        ["raw_messages"],
        ["ids_unique", "2/2", "–"],
    ]


def test_report_fails_on_an_error_check_or_a_failed_run_but_not_on_a_warning():
    """`wa-pipeline report` in a cron job exited 1 on a day whose only failed check warns (a broken voice note)."""
    warned = DayReport(
        "2026-11-16", "success", {"media_text:media_success_rate": False}, ["media_text:media_success_rate"]
    )
    warned.warnings = ["media_text:media_success_rate"]
    assert not Report(days=[warned]).has_failures
    assert Report(days=[warned, *sample_report().days]).has_failures  # sheet_reconciled failed as an error
    assert Report(days=[DayReport("2026-11-18", "failure")]).has_failures  # a failed run with no check evaluated


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
    assert days["2026-11-15"]["run"] == "no messages"  # the day before the sample's first: nothing to run
    assert days["2026-11-16"]["run"] == "success" and days["2026-11-16"]["failed_checks"] == []
    assert days["2026-11-16"]["checks_total"] >= 9 and days["2026-11-16"]["messages"] > 0
    page = Page(out.read_text())
    assert "All asset checks passed" in page.verdict
    assert page.bars["messages-per-day"]["2026-11-16"] == days["2026-11-16"]["messages"]


def test_charts_have_titled_axes_whole_labels_and_draw_a_zero():
    report = sample_report()
    report.days[1].intents["cancellation"] = 0
    html = render_html(report)
    intents = html[html.index('id="intents"') : html.index("</figure>", html.index('id="intents"'))]
    assert ">intent</text>" in intents and ">messages</text>" in intents  # both axes titled
    assert ">cancellation</text>" in intents  # the whole label, not its last five letters
    zero = intents[intents.index('data-label="cancellation"') :]
    assert 'height="1.0"' in zero.split("</g>")[0] and ">0</text>" in zero.split("</g>")[0]


def test_the_report_fits_a_1280_px_page_in_chromium(tmp_path):
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    many_days = Report(
        days=[
            DayReport(
                f"2026-11-{day:02d}",
                "success",
                {f"{asset}:{check}": (day, check) != (20, "sheet_reconciled") for asset, check in CHECKS},
                ["messages_sheet:sheet_reconciled"] if day == 20 else [],
                messages=day * 3,
                intents={"order": day, "cancellation": 0, "complaint": 1},
                media_items=2,
                media_ok=day % 3 and 1,
            )
            for day in range(1, 31)
        ],
        dead_letters_by_stage={"media": 1, "export_import": 0},
        generated_at="2026-12-01T00:00:00+00:00",
        sheet="data/output/wa_pipeline.xlsx",
    )
    page = tmp_path / "report.html"
    page.write_text(render_html(many_days), encoding="utf-8")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium'}")
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    try:
        driver.get(page.as_uri())
        width = driver.execute_script("return document.documentElement.scrollWidth")
        viewport = driver.execute_script("return document.documentElement.clientWidth")
        assert width <= viewport <= 1280, (width, viewport)
        # Every chart label is drawn inside its chart (none clipped at the svg's edge).
        clipped = driver.execute_script(
            """return [...document.querySelectorAll('svg')].flatMap(svg => {
                 const box = svg.getBoundingClientRect();
                 return [...svg.querySelectorAll('text')].filter(t => {
                   const r = t.getBoundingClientRect();
                   return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1);
                 }).map(t => t.textContent);
               });"""
        )
        assert clipped == []
        first_check = driver.execute_script("return document.querySelector('#checks tr[data-check]').dataset.check")
        assert first_check == "messages_sheet:sheet_reconciled"
        driver.set_window_size(1280, driver.execute_script("return document.body.scrollHeight") + 100)
        artifacts = REPO / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        driver.save_screenshot(str(artifacts / "report_1280.png"))
    finally:
        driver.quit()


CHECKS = [
    ("raw_messages", "schema_valid"),
    ("raw_messages", "ids_unique"),
    ("enriched_messages", "all_messages_enriched"),
    ("messages_sheet", "sheet_reconciled"),
    ("messages_sheet", "no_duplicate_sheet_keys"),
    ("media_sheet", "media_sheet_reconciled"),
]


def test_the_default_report_keeps_a_day_that_failed_40_days_ago(tmp_path):
    import dagster as dg

    from wa_pipeline.data_layout import DataLayout
    from wa_pipeline.defs._shared.report_builder import RECENT_DAYS, build_report, default_report_days

    today = date.today()
    day = lambda offset: (today - timedelta(days=offset)).isoformat()  # noqa: E731
    daily = dg.DailyPartitionsDefinition(start_date=day(60), end_offset=1)

    @dg.asset(partitions_def=daily)
    def tiny(context: dg.AssetExecutionContext) -> None:
        """A stand-in for a day's asset."""

    @dg.asset_check(asset=tiny, partitions_def=daily)
    def tiny_complete(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        """Fails on the day 40 days ago, passes on every other day."""
        return dg.AssetCheckResult(passed=context.partition_key != day(40))

    with dg.instance_for_test() as instance:
        for offset in (40, 30, 1):
            dg.materialize([tiny, tiny_complete], partition_key=day(offset), instance=instance, raise_on_error=False)
        landed = [day(40), day(30), day(1)]
        days = default_report_days(instance, day(0), landed)
        # The recent window whole, and of the older days only the one that failed.
        assert days == [day(40)] + [day(offset) for offset in range(RECENT_DAYS - 1, -1, -1)]
        report = build_report(instance, days, DataLayout(tmp_path), "sheet")
    old = report.days[0]
    assert (old.day, old.failed_checks) == (day(40), ["tiny:tiny_complete"])
    assert not report.all_checks_passed
    page = Page(render_html(report))
    assert day(40) in {row[0] for row in page.rows["days"][1:]} and "FAILED" in page.verdict


def test_the_default_report_starts_on_the_first_day_with_messages():
    """A first import of two days' chats reported twelve earlier days as 'not run', days that had nothing to run."""
    import dagster as dg

    from wa_pipeline.defs._shared.report_builder import default_report_days

    with dg.instance_for_test() as instance:
        assert default_report_days(instance, "2026-11-21", ["2026-11-20", "2026-11-21"]) == ["2026-11-20", "2026-11-21"]
        # Asked for a day before the first one with messages, the report still shows that day.
        assert default_report_days(instance, "2026-11-01", ["2026-11-20"]) == ["2026-11-01"]


def test_the_default_report_finds_a_range_run_that_began_on_a_quiet_day(tmp_path):
    """A month's import ran as range runs (10-06..10-11 and so on); the default report listed the old failed days
    inside them as 'not run' with 0/0 checks, because a run was looked up only by a start day it was asked about."""
    import dagster as dg

    from wa_pipeline.data_layout import DataLayout
    from wa_pipeline.defs._shared.day_range import check_days, run_scope
    from wa_pipeline.defs._shared.report_builder import build_report, default_report_days

    daily = dg.DailyPartitionsDefinition(start_date="2026-09-01", end_offset=1)
    early, broken = "2026-10-01", "2026-10-09"

    @dg.asset(partitions_def=daily)
    def tiny(context: dg.AssetExecutionContext) -> None:
        """A stand-in for a day's asset."""

    @dg.asset_check(asset=tiny, partitions_def=daily)
    def tiny_complete(context: dg.AssetCheckExecutionContext):
        """Fails on the first day and on one day of the range, passes on the others."""
        yield from check_days(
            context, {d: dg.AssetCheckResult(passed=d not in (early, broken)) for d in context.partition_keys}
        )

    with dg.instance_for_test() as instance:
        days = ["2026-10-06", "2026-10-07", "2026-10-08", broken, "2026-10-10"]
        dg.materialize([tiny, tiny_complete], instance=instance, raise_on_error=False, **run_scope([early]))
        dg.materialize([tiny, tiny_complete], instance=instance, raise_on_error=False, **run_scope(days))
        # Landed: those days and three a month later; both failed days are older than the recent window.
        landed = [early, *days, *(f"2026-11-{n:02d}" for n in range(16, 19))]
        shown = default_report_days(instance, "2026-11-18", landed)
        assert shown[:2] == [early, broken]
        report = build_report(instance, shown, DataLayout(tmp_path), "sheet")
    old = {d.day: d for d in report.days}[broken]
    assert (old.run_status, old.failed_checks) == ("success", ["tiny:tiny_complete"])


def test_the_report_says_why_a_check_failed_what_to_do_and_why_each_letter_is_dead(tmp_path):
    """An owner read 'media_text:media_success_rate' in a red row and nothing else: not why, not that it was only a
    warning, not what to do, not what the dead letter of a day with only a broken voice note was about."""
    import dagster as dg

    from wa_pipeline.data_layout import DataLayout
    from wa_pipeline.defs._shared.report_builder import build_report
    from wa_pipeline.privacy.pii_policy import PiiPolicy
    from wa_pipeline.settings import PiiSettings
    from wa_pipeline.store.dead_letters import DeadLetterQueue

    daily = dg.DailyPartitionsDefinition(start_date="2026-10-01", end_offset=1)
    quiet = "2026-10-22"

    @dg.asset(partitions_def=daily)
    def media_text(context: dg.AssetExecutionContext) -> None:
        """A stand-in for the day's media."""

    @dg.asset_check(asset=media_text, partitions_def=daily)
    def media_success_rate(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        """Warns on the day whose only message is an empty voice note."""
        return dg.AssetCheckResult(
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{quiet}: 0 of 1 media items gave their text; sender +254 712 345 678",
        )

    layout = DataLayout(tmp_path)
    queue = DeadLetterQueue(layout.landing_db)
    queue.add(
        "media",
        "exp_1",
        "empty file (0 bytes)",
        {"message_id": "exp_1", "filename": "PTT-20261022-WA0001.opus"},
        partition=quiet,
    )
    # A name a person chose may name someone: the report (which drops free text) says which message instead.
    queue.add(
        "media",
        "exp_2",
        "encrypted PDF",
        {"message_id": "exp_2", "filename": "Grace Wanjiku invoice.pdf"},
        partition=quiet,
    )
    queue.add("import", "chat.zip:175", "chat.txt:175: impossible date: '01/01/05, 10:00 - Neema: pay me back'")
    with dg.instance_for_test() as instance:
        dg.materialize([media_text, media_success_rate], partition_key=quiet, instance=instance, raise_on_error=False)
        report = build_report(
            instance,
            [quiet],
            layout,
            "sheet",
            timezone="Africa/Nairobi",
            pii=PiiPolicy.load(PiiSettings(), tmp_path),
        )
    assert report.generated_at.endswith("+03:00")
    html = render_html(report)
    attention = unescape(html[html.index('<section id="attention">') : html.index("</section>")])
    # Why (the evaluation's words, the number masked), that it only warns, and what to do.
    assert "<b>warning</b> media_text:media_success_rate: 2026-10-22: 0 of 1 media items gave their text" in attention
    assert "+254 7•• ••• 678" in attention and "345" not in attention
    assert "extract-media" in attention
    assert "dead letter 1 (media, file PTT-20261022-WA0001.opus): empty file (0 bytes)" in attention
    assert "dead letter 2 (media, message exp_2): encrypted PDF" in attention and "Grace" not in html
    # A letter tied to no day is listed too, without the chat line it quotes (the report drops free text).
    assert "dead letter 3 (import): chat.txt:175: impossible date: '…'" in attention
    assert "pay me back" not in html


def test_the_report_says_why_a_day_s_run_failed(tmp_path):
    """A day whose run failed read 'run failure' and 'fix the cause', with no cause: the failed step's error is
    what the owner needs to read."""
    import dagster as dg

    from wa_pipeline.data_layout import DataLayout
    from wa_pipeline.defs._shared.report_builder import build_report

    daily = dg.DailyPartitionsDefinition(start_date="2026-10-01", end_offset=1)

    @dg.asset(partitions_def=daily)
    def messages_sheet(context: dg.AssetExecutionContext) -> None:
        """Fails as a sheet held open by another program would."""
        raise PermissionError("the workbook is open in another program: close it and re-run")

    with dg.instance_for_test() as instance:
        dg.materialize([messages_sheet], partition_key="2026-10-22", instance=instance, raise_on_error=False)
        report = build_report(instance, ["2026-10-22"], DataLayout(tmp_path), "sheet")
    [day] = report.days
    assert day.run_status == "failure"
    attention = unescape(render_html(report))
    assert (
        "The run for this day failed (step messages_sheet failed: PermissionError: the workbook is open in another "
        "program: close it and re-run). Fix the cause" in attention
    )


def test_a_day_without_messages_says_so_instead_of_not_run(tmp_path):
    """A shop closed on Mondays read 'not run' for every Monday of its month, as if something had been missed."""
    import dagster as dg

    from wa_pipeline.data_layout import DataLayout
    from wa_pipeline.defs._shared.report_builder import build_report

    days = ["2026-10-04", "2026-10-05", "2026-10-06"]
    with dg.instance_for_test() as instance:
        report = build_report(instance, days, DataLayout(tmp_path), "sheet", landed=["2026-10-04", "2026-10-06"])
    # A day with messages that no run has reached yet is still 'not run'.
    assert [d.run_status for d in report.days] == ["not run", "no messages", "not run"]
