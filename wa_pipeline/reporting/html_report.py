"""The report as one self-contained HTML page (inline SVG charts, no scripts) and as markdown."""

from __future__ import annotations

from html import escape

from wa_pipeline.reporting.report_data import DayReport, LetterNote, Report

BAR_WIDTH, BAR_GAP, CHART_HEIGHT = 28, 8, 160
# Room for the y axis's tick labels and title, and the x axis's title; label text is about this wide per character.
AXIS_LEFT, AXIS_TITLE, CHAR_WIDTH = 44, 16, 5.6
LABEL_ANGLE = 40  # degrees: a day ("2026-11-16") or an intent ("cancellation") is shown whole, slanted


def bar_chart(
    title: str, values: dict[str, float], unit: str = "", chart_id: str = "", x_label: str = "", y_label: str = ""
) -> str:
    """A labelled SVG bar chart with both axes drawn and titled; values keep their order, and each bar shows its
    value (a zero is drawn as a zero, not left out)."""
    if not values:
        return f'<figure id="{escape(chart_id)}"><figcaption>{escape(title)}</figcaption><p>no data</p></figure>'
    top = max(values.values()) or 1
    longest = max(len(label) for label in values)
    # A slanted label needs its width times sin(angle) below the axis, and half its height beyond the last bar.
    label_room = int(longest * CHAR_WIDTH * 0.65) + 12
    plot_top, plot_left = 18, AXIS_LEFT
    baseline = plot_top + CHART_HEIGHT
    width = plot_left + len(values) * (BAR_WIDTH + BAR_GAP) + BAR_GAP + int(longest * CHAR_WIDTH * 0.3)
    height = baseline + label_room + AXIS_TITLE + 4
    parts = [
        # The axes, their ticks at zero and at the top value, and their titles.
        f'<line class="axis" x1="{plot_left}" y1="{plot_top}" x2="{plot_left}" y2="{baseline}" stroke="#555"/>',
        f'<line class="axis" x1="{plot_left}" y1="{baseline}" x2="{width - 4}" y2="{baseline}" stroke="#555"/>',
        f'<text x="{plot_left - 4}" y="{baseline + 3}" font-size="9" text-anchor="end">0</text>',
        f'<text x="{plot_left - 4}" y="{plot_top + 3}" font-size="9" text-anchor="end">{top:g}{escape(unit)}</text>',
        f'<text class="axis-title" x="10" y="{plot_top + CHART_HEIGHT / 2}" font-size="10" text-anchor="middle" '
        f'transform="rotate(-90 10 {plot_top + CHART_HEIGHT / 2})">{escape(y_label)}</text>',
        f'<text class="axis-title" x="{(plot_left + width) / 2}" y="{height - 4}" font-size="10" '
        f'text-anchor="middle">{escape(x_label)}</text>',
    ]
    for index, (label, value) in enumerate(values.items()):
        bar = CHART_HEIGHT * value / top
        x = plot_left + BAR_GAP + index * (BAR_WIDTH + BAR_GAP)
        middle = x + BAR_WIDTH / 2
        parts.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{value:g}">'
            # A zero still gets a hairline on the axis and its "0", so a reader sees zero, not a missing bar.
            f'<rect x="{x}" y="{baseline - max(bar, 1):.1f}" width="{BAR_WIDTH}" height="{max(bar, 1):.1f}" '
            f'fill="#4f43dd"/>'
            f'<text class="value" x="{middle}" y="{baseline - bar - 3:.1f}" font-size="9" '
            f'text-anchor="middle">{value:g}{escape(unit)}</text>'
            f'<text class="label" x="{middle}" y="{baseline + 12}" font-size="9" text-anchor="end" '
            f'transform="rotate(-{LABEL_ANGLE} {middle} {baseline + 12})">{escape(label)}</text>'
            f"<title>{escape(label)}: {value:g}{escape(unit)}</title></g>"
        )
    return (
        f'<figure id="{escape(chart_id)}"><figcaption>{escape(title)}</figcaption>'
        f'<svg width="{width}" height="{height}" role="img" aria-label="{escape(title)}">{"".join(parts)}</svg>'
        f"</figure>"
    )


def checks_by_asset(report: Report) -> list[tuple[str, list[tuple[str, int, list[str]]]]]:
    """(asset, [(check, days it passed, days it failed)]) with failing assets and checks first, then by name."""
    grouped: dict[str, dict[str, tuple[int, list[str]]]] = {}
    for day in report.days:
        for name, passed in day.checks.items():
            asset, _, check = name.partition(":")
            ok, failed = grouped.setdefault(asset, {}).get(check, (0, []))
            grouped[asset][check] = (ok + 1, failed) if passed else (ok, [*failed, day.day])
    ordered = []
    for asset, checks in grouped.items():
        rows = sorted(((check, ok, failed) for check, (ok, failed) in checks.items()), key=lambda r: (not r[2], r[0]))
        ordered.append((asset, rows))
    return sorted(ordered, key=lambda group: (not any(failed for _, _, failed in group[1]), group[0]))


# What to do about a failed check, in the owner's words; a check not named here gets GENERIC_ADVICE.
ADVICE = {
    "media_success_rate": "Some photos, voice notes or documents gave no text. `wa-pipeline extract-media FILE` shows "
    "why for one file; items waiting for an engine (pending) are tried again by the day's next run.",
    "no_stale_pending_media": "Media has waited days for its text: an engine (OCR, transcription) is missing or keeps "
    "failing on it. `wa-pipeline doctor` checks the engines; then re-run the day.",
    "media_dead_letters_not_growing": "A photo, voice note or document could not be read at all and went to the "
    "dead-letter queue (listed below). Replace the file if you have a good copy, then `wa-pipeline dlq replay ID`.",
}
GENERIC_ADVICE = "Fix the cause, then re-run the day: `wa-pipeline run --from {day} --to {day}`."
LETTER_ADVICE = (
    "`wa-pipeline dlq list` shows each one whole; after fixing the cause, `wa-pipeline dlq replay ID` sends it through "
    "again (an export line with an impossible date: correct the phone's clock or the line, then import again)."
)


def _letter_items(letters: list[LetterNote]) -> str:
    return "".join(
        f'<li class="letter" data-letter="{letter.id}">dead letter {letter.id} ({escape(letter.stage)}'
        f"{', ' + escape(letter.item) if letter.item else ''}): {escape(letter.reason)}</li>"
        for letter in letters
    )


def attention_html(report: Report) -> str:
    """Each day that needs a look, in words: its failed checks (warning or failure) with why and what to do, and its
    dead letters with their reasons; then the dead letters tied to no day."""
    parts = []
    for day in report.days:
        if not (day.failed_checks or day.letters or day.run_status in {"failure", "canceled"}):
            continue
        items = []
        if day.run_status in {"failure", "canceled"}:
            why = f" ({day.run_note})" if day.run_note else ""
            items.append(
                f'<li class="run">The run for this day {escape(day.run_status.replace("ure", "ed"))}{escape(why)}. '
                f"{escape(GENERIC_ADVICE.format(day=day.day))}</li>"
            )
        for name in day.failed_checks:
            kind = "warning" if name in day.warnings else "failed"
            check = name.partition(":")[2]
            advice = ADVICE.get(check, GENERIC_ADVICE.format(day=day.day))
            why = day.check_notes.get(name, "")
            items.append(
                f'<li class="{kind}" data-check="{escape(name)}"><b>{kind}</b> {escape(name)}'
                f"{': ' + escape(why) if why else ''}<br><i>What to do:</i> {escape(advice)}</li>"
            )
        items.append(_letter_items(day.letters))
        parts.append(
            f'<h3 data-day="{escape(day.day)}">{escape(day.day)}: {_day_line(day)}</h3><ul>{"".join(items)}</ul>'
        )
    if report.undated_letters:
        parts.append(f"<h3>Not tied to a day</h3><ul>{_letter_items(report.undated_letters)}</ul>")
    if not parts:
        return '<section id="attention"><h2>What needs attention</h2><p>Nothing: every check passed and no dead letter is open.</p></section>'
    return (
        f'<section id="attention"><h2>What needs attention</h2>{"".join(parts)}'
        f"<p>Dead letters: {escape(LETTER_ADVICE)}</p></section>"
    )


def _day_line(day: DayReport) -> str:
    warned = sum(1 for name in day.failed_checks if name in day.warnings)
    facts = [f"{day.messages} messages", f"run {escape(day.run_status)}"]
    if len(day.failed_checks) > warned:
        facts.append(f"{len(day.failed_checks) - warned} checks failed")
    if warned:
        facts.append(f"{warned} warnings")
    if day.letters:
        facts.append(f"{len(day.letters)} dead letters")
    return ", ".join(facts)


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
    # One row per check, grouped under its asset, failures first: as many columns however many days.
    check_rows = []
    for asset, group in checks_by_asset(report):
        check_rows.append(f'<tr class="asset"><th colspan="3">{escape(asset)}</th></tr>')
        for check, ok, failed in group:
            verdict = "fail" if failed else "pass"
            failed_days = escape(", ".join(failed)) if failed else "&ndash;"
            check_rows.append(
                f'<tr class="{verdict}" data-check="{escape(asset)}:{escape(check)}"><td>{escape(check)}</td>'
                f"<td>{ok}/{ok + len(failed)}</td><td>{failed_days}</td></tr>"
            )
    charts = "".join(
        [
            bar_chart(
                "Messages per day",
                {d.day: d.messages for d in report.days},
                chart_id="messages-per-day",
                x_label="day",
                y_label="messages",
            ),
            bar_chart("Intents", intents, chart_id="intents", x_label="intent", y_label="messages"),
            bar_chart(
                "Media extraction success (%)",
                {d.day: round(100 * d.media_success_rate, 1) for d in report.days if d.media_success_rate is not None},
                unit="%",
                chart_id="media-success",
                x_label="day",
                y_label="media with text (%)",
            ),
            bar_chart(
                "Open dead letters by stage",
                dict(report.dead_letters_by_stage),
                chart_id="dead-letters",
                x_label="stage",
                y_label="dead letters",
            ),
        ]
    )
    status = "All asset checks passed" if report.all_checks_passed else "Some asset checks FAILED"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>wa_pipeline asset-check report</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1216px}}
table{{border-collapse:collapse;margin:1em 0;max-width:100%}} td{{overflow-wrap:anywhere}} tr.asset th{{text-align:left;background:#eee}}
td,th{{border:1px solid #ccc;padding:4px 8px;font-size:13px}} tr.fail td,td.fail{{background:#fde2e1}}
tr.pass td:first-child,td.pass{{background:#e3f6e8}} figure{{display:inline-block;margin:1em 2em 1em 0;vertical-align:top}}
figcaption{{font-weight:600;margin-bottom:4px}}
</style></head><body>
<h1>wa_pipeline asset-check report</h1>
<p id="verdict">{escape(status)} &middot; {totals["days"]} days &middot; {totals["messages"]} messages &middot;
checks {totals["checks_passed"]}/{totals["checks_total"]} &middot; open dead letters {totals["open_dead_letters"]}</p>
<p>Generated {escape(report.generated_at)}; sheet: {escape(report.sheet)}</p>
<p id="retention">{escape(report.retention)}</p>
{attention_html(report)}
<h2>Per day</h2>
<table id="days"><thead><tr><th>day</th><th>run</th><th>messages</th><th>checks</th><th>failed checks</th>
<th>media ok</th><th>dead letters</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
<h2>Charts</h2>{charts}
<h2>Checks by asset</h2>
<table id="checks"><thead><tr><th>check</th><th>days passed</th><th>failed on</th></tr></thead>
<tbody>{"".join(check_rows)}</tbody></table>
</body></html>
"""


def render_markdown(report: Report) -> str:
    totals = report.totals()
    lines = [
        f"**{'All asset checks passed' if report.all_checks_passed else 'Some asset checks FAILED'}** — "
        f"{totals['days']} days, {totals['messages']} messages, checks {totals['checks_passed']}/{totals['checks_total']}, "
        f"open dead letters {totals['open_dead_letters']}",
        *(["", report.retention] if report.retention else []),
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
