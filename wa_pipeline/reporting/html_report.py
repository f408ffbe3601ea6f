"""The report as one self-contained HTML page (inline SVG charts, no scripts) and as markdown."""

from __future__ import annotations

from html import escape

from wa_pipeline.reporting.report_data import Report

BAR_WIDTH, BAR_GAP, CHART_HEIGHT = 28, 8, 160


def bar_chart(title: str, values: dict[str, float], unit: str = "", chart_id: str = "") -> str:
    """A labelled SVG bar chart; values keep their order."""
    if not values:
        return f'<figure id="{escape(chart_id)}"><figcaption>{escape(title)}</figcaption><p>no data</p></figure>'
    top = max(values.values()) or 1
    width = len(values) * (BAR_WIDTH + BAR_GAP) + BAR_GAP
    bars = []
    for index, (label, value) in enumerate(values.items()):
        height = CHART_HEIGHT * value / top
        x = BAR_GAP + index * (BAR_WIDTH + BAR_GAP)
        bars.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{value:g}">'
            f'<rect x="{x}" y="{CHART_HEIGHT - height:.1f}" width="{BAR_WIDTH}" height="{height:.1f}" fill="#4f43dd"/>'
            f'<text x="{x + BAR_WIDTH / 2}" y="{CHART_HEIGHT + 14}" font-size="9" text-anchor="middle">{escape(label[-5:])}</text>'
            f"<title>{escape(label)}: {value:g}{escape(unit)}</title></g>"
        )
    return (
        f'<figure id="{escape(chart_id)}"><figcaption>{escape(title)}</figcaption>'
        f'<svg width="{width}" height="{CHART_HEIGHT + 20}" role="img" aria-label="{escape(title)}">{"".join(bars)}</svg>'
        f"</figure>"
    )


def render_html(report: Report) -> str:
    totals = report.totals()
    intents: dict[str, float] = {}
    for day in report.days:
        for intent, count in day.intents.items():
            intents[intent] = intents.get(intent, 0) + count
    rows = []
    for day in report.days:
        verdict = "pass" if day.checks and not day.failed_checks else ("fail" if day.failed_checks else "none")
        rate = day.media_success_rate
        rows.append(
            f'<tr class="{verdict}" data-day="{escape(day.day)}"><td>{escape(day.day)}</td><td>{escape(day.run_status)}</td>'
            f"<td>{day.messages}</td><td>{day.checks_passed}/{len(day.checks)}</td>"
            f"<td>{escape(', '.join(day.failed_checks)) or '&ndash;'}</td>"
            f"<td>{'&ndash;' if rate is None else f'{rate:.0%}'}</td><td>{day.dead_letters}</td></tr>"
        )
    checks = sorted({name for day in report.days for name in day.checks})
    matrix_head = "".join(f"<th>{escape(name)}</th>" for name in checks)
    matrix = "".join(
        f"<tr><td>{escape(day.day)}</td>"
        + "".join(
            '<td class="pass">✓</td>'
            if day.checks.get(name)
            else ('<td class="fail">✗</td>' if name in day.checks else "<td>&ndash;</td>")
            for name in checks
        )
        + "</tr>"
        for day in report.days
    )
    charts = "".join(
        [
            bar_chart("Messages per day", {d.day: d.messages for d in report.days}, chart_id="messages-per-day"),
            bar_chart("Intents", intents, chart_id="intents"),
            bar_chart(
                "Media extraction success (%)",
                {d.day: round(100 * d.media_success_rate, 1) for d in report.days if d.media_success_rate is not None},
                unit="%",
                chart_id="media-success",
            ),
            bar_chart("Open dead letters by stage", dict(report.dead_letters_by_stage), chart_id="dead-letters"),
        ]
    )
    status = "All asset checks passed" if report.all_checks_passed else "Some asset checks FAILED"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>wa_pipeline asset-check report</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2em;color:#222}} table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:4px 8px;font-size:13px}} tr.fail td,td.fail{{background:#fde2e1}}
tr.pass td:first-child,td.pass{{background:#e3f6e8}} figure{{display:inline-block;margin:1em 2em 1em 0;vertical-align:top}}
figcaption{{font-weight:600;margin-bottom:4px}}
</style></head><body>
<h1>wa_pipeline asset-check report</h1>
<p id="verdict">{escape(status)} &middot; {totals["days"]} days &middot; {totals["messages"]} messages &middot;
checks {totals["checks_passed"]}/{totals["checks_total"]} &middot; open dead letters {totals["open_dead_letters"]}</p>
<p>Generated {escape(report.generated_at)}; sheet: {escape(report.sheet)}</p>
<h2>Per day</h2>
<table id="days"><thead><tr><th>day</th><th>run</th><th>messages</th><th>checks</th><th>failed checks</th>
<th>media ok</th><th>dead letters</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
<h2>Charts</h2>{charts}
<h2>Checks per day</h2>
<table id="checks"><thead><tr><th>day</th>{matrix_head}</tr></thead><tbody>{matrix}</tbody></table>
</body></html>
"""


def render_markdown(report: Report) -> str:
    totals = report.totals()
    lines = [
        f"**{'All asset checks passed' if report.all_checks_passed else 'Some asset checks FAILED'}** — "
        f"{totals['days']} days, {totals['messages']} messages, checks {totals['checks_passed']}/{totals['checks_total']}, "
        f"open dead letters {totals['open_dead_letters']}",
        "",
        "| day | run | messages | checks | failed checks | media ok | dead letters |",
        "|---|---|---|---|---|---|---|",
    ]
    for day in report.days:
        rate = day.media_success_rate
        lines.append(
            f"| {day.day} | {day.run_status} | {day.messages} | {day.checks_passed}/{len(day.checks)} | "
            f"{', '.join(day.failed_checks) or '-'} | {'-' if rate is None else f'{rate:.0%}'} | {day.dead_letters} |"
        )
    return "\n".join(lines)
