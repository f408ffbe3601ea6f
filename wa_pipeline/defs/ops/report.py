"""The daily report asset: the asset-check report of recent days and every older day that failed, as markdown in
the UI and as an HTML file."""

from pathlib import Path

import dagster as dg

from wa_pipeline.defs._shared.report_builder import build_report, default_report_days, default_report_end
from wa_pipeline.defs.partitions import Daily, daily_definitions
from wa_pipeline.defs.resources import Locale, PipelineStorage, SheetSinkResource
from wa_pipeline.landing_days import days_with_new_messages
from wa_pipeline.privacy.pii_policy import PiiPolicy
from wa_pipeline.reporting.html_report import render_html, render_markdown
from wa_pipeline.settings import get_settings


def build(daily: Daily) -> dg.Definitions:
    """The nightly report, its job and the sensor that runs it, at 02:30 in the business's timezone."""

    @dg.asset(
        group_name="ops",
        kinds={"html"},
        deps=["messages_sheet"],
        # At 02:30 where the business is, after the 01:15 re-run of yesterday (daily_schedule, the same timezone).
        automation_condition=dg.AutomationCondition.on_cron("30 2 * * *", cron_timezone=daily.timezone),
    )
    def daily_report(
        context: dg.AssetExecutionContext, storage: PipelineStorage, sheet_sink: SheetSinkResource, locale: Locale
    ) -> dg.MaterializeResult:
        """Check results, messages, intents, media success and dead letters per day: two weeks, and older failures."""
        landed = days_with_new_messages(storage.landing().changes_since(0).sent_at, locale.timezone)
        days = default_report_days(context.instance, default_report_end(landed), landed)
        report = build_report(
            context.instance,
            days,
            storage.layout,
            sheet_sink.get_sink().location,
            timezone=locale.timezone,
            pii=PiiPolicy.load(get_settings().pii, storage.layout.root),
            landed=landed,
        )
        path = storage.layout.reports_dir / "daily_report.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_html(report), encoding="utf-8")
        totals = report.totals()
        return dg.MaterializeResult(
            metadata={
                "summary": dg.MetadataValue.md(render_markdown(report)),
                "report": dg.MetadataValue.path(str(Path(path).resolve())),
                "checks_passed": dg.MetadataValue.int(totals["checks_passed"]),
                "checks_total": dg.MetadataValue.int(totals["checks_total"]),
                "open_dead_letters": dg.MetadataValue.int(totals["open_dead_letters"]),
            }
        )

    # `wa-pipeline run` materializes the report after its days, so the UI shows one from the first `make run`.
    daily_report_job = dg.define_asset_job(
        name="daily_report_job",
        selection=dg.AssetSelection.assets(daily_report),
        description="Build the asset-check report of recent days (and older failures), as `wa-pipeline report` does.",
    )

    # Dagster's default automation sensor starts stopped, so the nightly report never came in a new `make dev`: this one
    # runs from the start.
    daily_report_automation = dg.AutomationConditionSensorDefinition(
        "daily_report_automation",
        target=dg.AssetSelection.assets(daily_report),
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Materializes daily_report after 02:30 (WA_TIMEZONE) once the Messages tab has synced since.",
    )

    return dg.Definitions(assets=[daily_report], jobs=[daily_report_job], sensors=[daily_report_automation])


defs = daily_definitions(build)
