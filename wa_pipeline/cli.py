"""`wa-pipeline`: one verb per job, for people and scripts (exit code non-zero on failure)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from wa_pipeline.commands.dlq import dlq_list_command, dlq_replay_command
from wa_pipeline.commands.enrich import enrich_command
from wa_pipeline.commands.extract_media import extract_media_command
from wa_pipeline.commands.parse_export import parse_export_command
from wa_pipeline.commands.parse_webhook import parse_webhook_command


class _OneLineErrors(typer.Typer):
    """The app: an error no verb handled ends in one line and exit 1 or 2, its traceback shown only under --debug."""

    debug = False

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except Exception as error:
            if _OneLineErrors.debug:
                raise
            from wa_pipeline.commands.errors import error_line

            code, line = error_line(error)
            Console(stderr=True).print(line, style="red", markup=False, highlight=False, soft_wrap=True)
            sys.exit(code)


# Tracebacks without local variables: a settings object or token must never be printed. Help is click's plain
# text: typer's rich formatter imports markdown-it and doubles the time `--help` takes to start.
app = _OneLineErrors(
    help="WhatsApp conversations to validated, de-duplicated sheet rows.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)
# Soft wrap: a message is one line however long, so a script (or a person with grep) reads it whole.
console = Console(stderr=True, soft_wrap=True)


@app.callback()
def _global_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an unexpected error.")] = False,
) -> None:
    """WhatsApp conversations to validated, de-duplicated sheet rows."""
    _OneLineErrors.debug = debug


REPO_DAGSTER_YAML = Path(__file__).resolve().parent.parent / "dagster.yaml"

# Everything past typer and the console is imported by the verb that needs it, so `--help` starts at once.
if TYPE_CHECKING:
    from rich.progress import Progress

    from wa_pipeline.settings import Settings


def _progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Chat exports: .txt files or .zip archives with media.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import WhatsApp "Export chat" files into the landing store (importing twice adds nothing)."""
    from wa_pipeline.settings import get_settings
    from wa_pipeline.store.dead_letters import DeadLetterQueue
    from wa_pipeline.store.landing_factory import open_landing_store
    from wa_pipeline.store.media_store import MediaStore
    from wa_pipeline.whatsapp.importer import import_exports

    files = _expand(paths)
    if not files:
        console.print("[red]No export files found in the given paths.[/red]")
        raise typer.Exit(2)
    settings = get_settings()
    # Inferred before landing: an export's times are read in the timezone its numbers point to, unless set.
    facts, decision = _inferred_locale(files, settings)
    with _progress() as progress:
        task = progress.add_task("importing", total=len(files))
        summary = import_exports(
            files,
            store=open_landing_store(settings),
            media_store=MediaStore(settings.layout.media_dir),
            dead_letters=DeadLetterQueue(settings.layout.landing_db),
            tz=ZoneInfo(decision.timezone),
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            workers=settings.import_workers,
        )
    if as_json:
        print(json.dumps(asdict(summary), default=str))
    else:
        console.print(
            f"files {summary.files} · added {summary.added} · already present {summary.already_present}"
            f" · media linked {summary.media_linked} · errors {summary.error_count} · days {summary.days()}"
        )
        if summary.forgotten:
            # Without this line a chat imported again after `forget` showed "added 0 · already present 0": its
            # messages seemed lost rather than deliberately kept out.
            console.print(
                f"forgotten {summary.forgotten}: messages removed by `wa-pipeline forget` are not imported again",
                markup=False,
                highlight=False,
            )
    if summary.added or summary.already_present:
        _say_inferred(facts, decision, settings)
    # The errors last: what went wrong is the line a person reads first at the foot of the output.
    if not as_json:
        for error in summary.errors:
            console.print(f"[red]error:[/red] {error}")
        if summary.error_count > len(summary.errors):
            console.print(
                f"[red]error:[/red] {summary.error_count - len(summary.errors)} more lines could not be read; every one"
                " is in the dead-letter queue (`wa-pipeline dlq list --stage import`)"
            )
    if summary.error_count:
        raise typer.Exit(1)


def _inferred_locale(files: list[Path], settings):
    """What the exports say about where the business is, and the region and timezone that are in effect."""
    from wa_pipeline.commands.locale_inference import decide_locale, export_facts, infer_locale
    from wa_pipeline.store.landing_factory import open_landing_store

    facts = export_facts(files)
    landed = open_landing_store(settings).count()
    return facts, decide_locale(infer_locale(facts.texts), settings, landed=landed)


def _say_inferred(facts, decision, settings) -> None:
    """On the console (stderr, beside the summary): what was inferred, what now applies, what disagrees."""
    from wa_pipeline.commands.locale_inference import business_offer

    for line in decision.lines:
        console.print(line, markup=False, highlight=False)
    for warning in decision.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    offer = business_offer(facts, settings.business_senders)
    if offer:
        console.print(offer, markup=False, highlight=False)


def _expand(paths: list[Path]) -> list[Path]:
    from wa_pipeline.whatsapp.export_archive import export_files

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(export_files(path))
        else:
            files.append(path)
    return files


@app.command()
def run(
    date_from: Annotated[
        str | None, typer.Option("--from", help="First day (YYYY-MM-DD); default: first day with messages.")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Last day, inclusive; default: last day with messages.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print per-day results as JSON lines.")] = False,
) -> None:
    """Materialize every asset for a range of days without the UI, then summarise the asset checks.

    Exit code: 0 when every run succeeded and no check failed, or only checks that warn did; 1 when a run or an
    error check failed (or the landing store is empty, or the daily report could not be built); 2 on bad input."""
    _ensure_dagster_home()
    import dagster as dg

    from wa_pipeline.definitions import defs
    from wa_pipeline.defs._shared.day_range import run_scope, tagged
    from wa_pipeline.defs._shared.landing_coverage import landing_tag
    from wa_pipeline.landing_days import days_with_new_messages, runs_of_days
    from wa_pipeline.settings import get_settings
    from wa_pipeline.store.landing_factory import open_landing_store

    settings = get_settings()
    # Read before any run starts: each run records the mark, so the landing sensor (`make dev`) does not queue a
    # day again unless a message of it lands after this.
    store = open_landing_store(settings)
    if date_from and date_to:
        mark = store.high_water_mark()
        days = _day_range(date_from, date_to)
    else:
        landing = store.changes_since(0)
        mark = landing.high_water_mark
        landed = days_with_new_messages(landing.sent_at, settings.timezone)
        if not landed and not (date_from or date_to):
            console.print("[yellow]The landing store is empty: `wa-pipeline import PATH` first.[/yellow]")
            raise typer.Exit(1)
        # Without a range: the days that have messages (a history's quiet days are not runs of empty days).
        span = set(_day_range(date_from or landed[0], date_to or landed[-1]))
        days = [day for day in landed if day in span]

    definitions = defs()
    job = definitions.resolve_job_def("daily_pipeline")
    valid = set(job.partitions_def.get_partition_keys())
    outside = [d for d in days if d not in valid]
    if outside:
        console.print(
            f"[red]Days outside the partitions (WA_PARTITION_START={settings.partition_start}): {', '.join(outside[:5])}[/red]"
        )
        raise typer.Exit(2)

    instance = dg.DagsterInstance.get()
    # The runs a UI backfill of these days would launch: the job's backfill policy decides how many days share one.
    per_run = job.backfill_policy.max_partitions_per_run if job.backfill_policy else 1
    chunks = runs_of_days(days, per_run or len(days))
    results = []
    with _progress() as progress:
        task = progress.add_task(f"materializing {len(days)} days in {len(chunks)} runs", total=len(days))
        for chunk in chunks:
            progress.update(task, description=f"materializing {_span(chunk)}")
            # Step events go to the instance (the UI shows them); the terminal gets warnings and the summary.
            outcome = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                **tagged(run_scope(chunk), landing_tag(mark)),
                run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
            )
            chunk_results = _day_results(outcome, chunk)
            results.extend(chunk_results)
            progress.advance(task, len(chunk))
            failed = sum(1 for r in chunk_results if _errors(r))
            warned = sum(1 for r in chunk_results if r["warnings"])
            progress.console.print(
                f"{_span(chunk)}: {'ok' if outcome.success else 'FAILED'} · "
                f"{sum(r['rows'] or 0 for r in chunk_results)} messages · "
                f"{sum(r['checks_passed'] for r in chunk_results)}/{sum(r['checks_total'] for r in chunk_results)} checks"
                + (f" · {failed} days with failed checks" if failed else "")
                + (f" · {warned} days with warnings" if warned else "")
            )

    # The daily report after the days it reports on: the UI's `daily_report` is there from the first run, not only
    # once a nightly automation has made it.
    report = definitions.resolve_job_def("daily_report_job").execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
    )
    report_path = _report_path(report)
    if not report.success:
        console.print("[red]The daily report could not be built: see the daily_report_job run in the UI.[/red]")
    sheet = _sheet_location()
    if as_json:
        for result in results:
            print(json.dumps(result))
    else:
        print_run_table(results, Console())
        # Plain print: a terminal-width wrap must not break the path a user copies.
        print(f"Output sheet: {sheet}")
        if report_path:
            print(f"Daily report: {report_path}")
    # A warning (a WARN-severity check) is for the report, not for a cron job's pager: only a failed run or a failed
    # ERROR check makes the exit code non-zero.
    if not report.success or not all(r["success"] and not _errors(r) for r in results):
        raise typer.Exit(1)


def _report_path(outcome) -> str | None:
    """Where the report run wrote its HTML (the path in its materialization's metadata)."""
    for event in outcome.get_asset_materialization_events():
        value = event.materialization.metadata.get("report")
        if value is not None:
            return str(value.value)
    return None


def _errors(result: dict) -> list[str]:
    """A day's failed checks that are errors, not warnings."""
    warnings = set(result.get("warnings", []))
    return [check for check in result["failed_checks"] if check not in warnings]


def print_run_table(results: list[dict], out: Console) -> None:
    """Each day's checks in a table that fits 80 columns, then each failed check in full on a line of its own (a
    check's name is too long for a table cell at that width, and a folded name is not one a person can search)."""
    from rich import box
    from rich.table import Table

    table = Table(
        title="Asset checks per day",
        box=box.SIMPLE_HEAD,
        caption="checks: passed/evaluated · failed: how many failed (listed below)",
    )
    for column, justify in (("day", "left"), ("run", "left"), ("messages", "right"), ("checks", "right")):
        table.add_column(column, justify=justify, no_wrap=True)
    table.add_column("failed", justify="right", no_wrap=True)
    for r in results:
        table.add_row(
            r["day"],
            "[green]ok[/green]" if r["success"] else "[red]FAILED[/red]",
            str(r["rows"]),
            f"{r['checks_passed']}/{r['checks_total']}",
            _failed_cell(r),
        )
    out.print(table)
    failed = [(r["day"], check, check in r.get("warnings", [])) for r in results for check in r["failed_checks"]]
    if failed:
        out.print("Failed checks (asset:check; 'warning': it only warns, the exit code stays 0):")
        for day, check, warning in failed:
            out.print(f"  {day}  {check}" + ("  warning" if warning else ""), markup=False, highlight=False)


def _failed_cell(result: dict) -> str:
    if not result["failed_checks"]:
        return "-"
    return f"[{'red' if _errors(result) else 'yellow'}]{len(result['failed_checks'])}[/]"


def _span(days: list[str]) -> str:
    return days[0] if len(days) == 1 else f"{days[0]}..{days[-1]}"


def _day_results(outcome, days: list[str]) -> list[dict]:
    """Per-day results of a run: each check evaluation and materialization names its own day."""
    import dagster as dg

    checks: dict[str, list] = {day: [] for day in days}
    for evaluation in outcome.get_asset_check_evaluations():
        day = evaluation.partition or (days[0] if len(days) == 1 else None)
        if day in checks:
            checks[day].append(evaluation)
    rows: dict[str, int] = {}
    for event in outcome.get_asset_materialization_events():
        materialization = event.materialization
        if event.asset_key == dg.AssetKey("raw_messages") and materialization.partition in checks:
            value = materialization.metadata.get("dagster/row_count")
            if value is not None:
                rows[materialization.partition] = int(value.value)
    return [
        {
            "day": day,
            "run_id": outcome.run_id,
            "success": outcome.success,
            "checks_passed": sum(1 for c in checks[day] if c.passed),
            "checks_total": len(checks[day]),
            "failed_checks": sorted(c.asset_check_key.to_user_string() for c in checks[day] if not c.passed),
            "warnings": sorted(
                c.asset_check_key.to_user_string()
                for c in checks[day]
                if not c.passed and c.severity == dg.AssetCheckSeverity.WARN
            ),
            "rows": rows.get(day),
        }
        for day in days
    ]


def _sheet_location() -> str:
    from wa_pipeline.defs.backends import make_sink
    from wa_pipeline.settings import get_settings

    return make_sink(get_settings()).location


def _day_range(first: str, last: str) -> list[str]:
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError as exc:
        console.print(f"[red]Dates must be YYYY-MM-DD: {exc}[/red]")
        raise typer.Exit(2) from exc
    if end < start:
        console.print(f"[red]--to {last} is before --from {first}[/red]")
        raise typer.Exit(2)
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def _ensure_dagster_home() -> None:
    """Runs are recorded in a persistent instance, so the UI shows what the CLI did."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        home = str(Path(".dagster_home").resolve())
        os.environ["DAGSTER_HOME"] = home
        console.print(f"DAGSTER_HOME not set; using {home}")
    Path(home).mkdir(parents=True, exist_ok=True)
    target = Path(home) / "dagster.yaml"
    if not target.exists() and REPO_DAGSTER_YAML.exists():
        shutil.copyfile(REPO_DAGSTER_YAML, target)


@app.command("serve-webhook")
def serve_webhook(
    host: Annotated[
        str, typer.Option(help="Interface to listen on (put a TLS proxy in front for Meta).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    keep_alive: Annotated[
        float,
        typer.Option(min=1, help="Seconds an idle keep-alive connection stays open (longer than your proxy's)."),
    ] = 75.0,
) -> None:
    """Receive WhatsApp Cloud API webhooks into the landing store (200 only once a delivery is durable)."""
    from wa_pipeline.settings import get_settings
    from wa_pipeline.whatsapp.webhook_server import MissingWebhookSecrets, serve, webhook_secrets

    settings = get_settings()
    try:
        webhook_secrets(settings)
    except MissingWebhookSecrets as exc:
        console.print(str(exc), style="red", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(
        f"Webhook at http://{host}:{port}/webhook · landing store "
        f"{'PostgreSQL (WA_LANDING_URL)' if settings.landing_url else settings.layout.landing_db}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    # The receiver and its lander log what they refuse: their lines pass the logs' PII policy (no numbers, no
    # wamids in the clear).
    install_pii_log_policy(settings)
    serve(host, port, settings, keep_alive_s=keep_alive, process_setup=install_pii_log_policy)


def install_pii_log_policy(settings: Settings) -> None:
    """Install the logs' PII policy in this process (the webhook receiver's and its lander's)."""
    from wa_pipeline.privacy.pii_policy import PiiPolicy, install_log_policy

    install_log_policy(PiiPolicy.load(settings.pii, settings.data_dir))


@app.command()
def report(
    date_from: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="First day (YYYY-MM-DD); default: 13 days before --to (none before the first day with messages),"
            " and every earlier day that failed.",
        ),
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Last day, inclusive; default: last day with messages.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="HTML file to write (default: DATA_DIR/reports/report.html).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the per-day results as JSON lines.")] = False,
) -> None:
    """Write the asset-check report (HTML with charts) for a range of days and print its summary.

    Exit code: 0 when no day's newest run failed and no check failed, or only checks that warn did; 1 when one did;
    2 on bad input."""
    _ensure_dagster_home()
    import dagster as dg
    from rich.table import Table

    from wa_pipeline.defs._shared.report_builder import (
        RECENT_DAYS,
        build_report,
        default_report_days,
        default_report_end,
    )
    from wa_pipeline.landing_days import days_with_new_messages
    from wa_pipeline.privacy.pii_policy import PiiPolicy
    from wa_pipeline.reporting.html_report import render_html
    from wa_pipeline.settings import get_settings
    from wa_pipeline.store.landing_factory import open_landing_store

    settings = get_settings()
    landed = days_with_new_messages(open_landing_store(settings).changes_since(0).sent_at, settings.timezone)
    if date_to:
        _day_range(date_to, date_to)  # a bad date says so before anything is read
    else:
        date_to = default_report_end(landed)
    with dg.DagsterInstance.get() as instance:
        # No --from: the recent days and every older day that failed, however old.
        days = _day_range(date_from, date_to) if date_from else default_report_days(instance, date_to, landed)
        built = build_report(
            instance,
            days,
            settings.layout,
            _sheet_location(),
            timezone=settings.timezone,
            pii=PiiPolicy.load(settings.pii, settings.data_dir),
            landed=landed,
        )
    target = output or settings.layout.reports_dir / "report.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(built), encoding="utf-8")
    if as_json:
        for day in built.days:
            print(
                json.dumps(
                    {
                        "day": day.day,
                        "run": day.run_status,
                        "messages": day.messages,
                        "checks_passed": day.checks_passed,
                        "checks_total": len(day.checks),
                        "failed_checks": day.failed_checks,
                        "warnings": day.warnings,
                        "dead_letters": day.dead_letters,
                    }
                )
            )
    else:
        recent = (date.fromisoformat(date_to) - timedelta(days=RECENT_DAYS - 1)).isoformat()
        older = [day for day in days if day < recent]
        title = f"Asset checks {days[0]} .. {days[-1]}"
        if not date_from and older:
            title = f"Asset checks, {RECENT_DAYS} days to {date_to} and {len(older)} earlier days with failures"
        table = Table(title=title)
        for column in ("day", "run", "messages", "checks", "failed checks", "media ok", "dead letters"):
            table.add_column(column)
        for day in built.days:
            rate = day.media_success_rate
            table.add_row(
                day.day,
                day.run_status,
                str(day.messages),
                f"{day.checks_passed}/{len(day.checks)}",
                ", ".join(day.failed_checks) or "-",
                "-" if rate is None else f"{rate:.0%}",
                str(day.dead_letters),
            )
        Console().print(table)
    print(f"Report: {target.resolve()}")
    if built.has_failures:
        raise typer.Exit(1)


@app.command()
def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per probe.")] = False,
) -> None:
    """Prove each part works on a tiny real input: storage, NLP, OCR, transcription, the sheet, Dagster."""
    from rich.table import Table
    from rich.text import Text

    from wa_pipeline.commands.errors import error_line
    from wa_pipeline.commands.locale_inference import business_of, infer_locale
    from wa_pipeline.defs.backends import make_sink
    from wa_pipeline.doctor import probes
    from wa_pipeline.media.engine_settings import media_engine_settings
    from wa_pipeline.settings import get_settings

    try:
        settings = get_settings()
        engines = media_engine_settings(settings)
    except ValueError as exc:
        code, line = error_line(exc)
        console.print(line, style="red", markup=False, highlight=False)
        raise typer.Exit(code) from None
    # The landed messages the data probes compare the settings with (None until, or unless, they could be read).
    landed: list | None = None

    def read_landed() -> str:
        nonlocal landed
        landed = probes.landed_sample(settings)
        return f"{len(landed)} landed messages read (at most {probes.DATA_SAMPLE:,})"

    checks = [
        ("disk", lambda: probes.free_disk(settings)),
        ("landing store", lambda: probes.landing_store(settings)),
        ("landed data", read_landed),
        ("region and timezone", lambda: probes.locale_agrees(settings, landed, infer_locale)),
        ("business sender", lambda: probes.business_sender(settings, landed, business_of)),
        ("spaCy model", probes.spacy_model),
        ("OCR (tesseract)", lambda: probes.ocr(engines)),
        ("transcription (faster-whisper)", lambda: probes.transcription(engines)),
        ("sheet backend", lambda: probes.sheet_backend(settings, make_sink)),
        ("Dagster instance", _probe_dagster),
    ]
    results = []
    with _progress() as progress:
        task = progress.add_task("probing", total=len(checks))
        for name, check in checks:
            results.append(probes.run_probe(name, check))
            progress.advance(task)
    if as_json:
        for r in results:
            print(
                json.dumps(
                    {
                        "probe": r.name,
                        "ok": r.ok,
                        "warning": r.warning,
                        "detail": r.detail,
                        "fix": r.fix,
                        "seconds": round(r.seconds, 2),
                    }
                )
            )
    else:
        table = Table(title="wa-pipeline doctor")
        for column in ("probe", "result", "detail", "fix"):
            table.add_column(column, overflow="fold")
        for r in results:
            result = "[red]FAIL[/red]" if not r.ok else "[yellow]warn[/yellow]" if r.warning else "[green]pass[/green]"
            table.add_row(r.name, result, Text(r.detail), Text(r.fix))
        Console().print(table)
    if not all(r.ok for r in results):
        raise typer.Exit(1)


def _probe_dagster() -> str:
    """The instance answers and the code location loads, as the UI would load it."""
    _ensure_dagster_home()
    import dagster as dg

    from wa_pipeline.definitions import defs

    definitions = defs()
    dg.Definitions.validate_loadable(definitions)
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(limit=1)
    assets = len(definitions.resolve_asset_graph().get_all_asset_keys())
    return f"instance at {os.environ['DAGSTER_HOME']} answers ({'has runs' if runs else 'no runs yet'}); {assets} assets load"


app.command("parse-webhook")(parse_webhook_command)
app.command("parse-export")(parse_export_command)
app.command("extract-media")(extract_media_command)
app.command("enrich")(enrich_command)

dlq_app = typer.Typer(
    help="The dead-letter queue: items a stage could not process, with the reason.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
dlq_app.command("list")(dlq_list_command)
dlq_app.command("replay")(dlq_replay_command)
app.add_typer(dlq_app, name="dlq")


@app.command()
def forget(
    phone: Annotated[str | None, typer.Option("--phone", help="The customer's number, +<country><number>.")] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="A customer id (cust_...).")] = None,
    chat: Annotated[
        str | None, typer.Option("--chat", help="A chat's name, as the export or WhatsApp shows it.")
    ] = None,
    before: Annotated[
        str | None, typer.Option("--before", help="Only messages sent before this local day (YYYY-MM-DD).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was removed as JSON.")] = False,
) -> None:
    """Remove a customer's (or a chat's) data from every store and sheet, and keep it from coming back."""
    from datetime import datetime

    from wa_pipeline.defs.backends import make_sink
    from wa_pipeline.privacy.forget import ForgetRequest, forget
    from wa_pipeline.settings import get_settings
    from wa_pipeline.store.landing_factory import open_landing_store

    settings = get_settings()
    try:
        cutoff = datetime.combine(date.fromisoformat(before), datetime.min.time(), settings.tz) if before else None
        request = ForgetRequest(phone=phone, customer=customer, chat=chat, before=cutoff)
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    result = forget(request, landing=open_landing_store(settings), layout=settings.layout, sink=make_sink(settings))
    if as_json:
        print(json.dumps(result.as_dict()))
        return
    for store, count in result.removed.items():
        console.print(f"{store:<26} {count:>8} removed")
    console.print(f"{'tombstones':<26} {result.tombstones:>8} written")
    if not any(result.removed.values()):
        # A typo in a name removes nothing and says so only in zeros; the tombstone is still right to keep (a request
        # may come before the chat is imported), but the person should check what they typed.
        console.print(
            "[yellow]nothing held matched[/yellow]: no message, customer or row of the sheet is theirs yet. The"
            " tombstone keeps them out of later imports; if a name was misspelt, forget again with the name as the"
            " sheet's Chat or From column shows it.",
            highlight=False,
        )


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())
