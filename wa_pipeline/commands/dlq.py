"""`wa-pipeline dlq list|replay`: see what could not be processed, and send it through again."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

# The verbs import the store when they run, so `wa-pipeline --help` starts at once.
if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from wa_pipeline.store.dead_letters import DeadLetterQueue

console = Console(stderr=True)


def _queue() -> DeadLetterQueue:
    from wa_pipeline.settings import get_settings
    from wa_pipeline.store.dead_letters import DeadLetterQueue

    return DeadLetterQueue(get_settings().layout.landing_db)


def _check_stage(stage: str | None) -> str | None:
    """A stage the queue knows, or a usage error (exit 2) listing them: an unknown one would match nothing, silently."""
    from wa_pipeline.store.dead_letters import Stage

    known = [member.value for member in Stage]
    if stage is not None and stage not in known:
        raise typer.BadParameter(f"unknown stage {stage!r}; one of: {', '.join(known)}")
    return stage


def _check_day(day: str | None) -> str | None:
    if day is not None:
        try:
            date.fromisoformat(day)
        except ValueError:
            raise typer.BadParameter(f"{day!r} is not a day (YYYY-MM-DD)") from None
    return day


def _check_ids(ids: list[int] | None) -> list[int] | None:
    bad = [number for number in ids or [] if number < 1]
    if bad:
        raise typer.BadParameter(f"letter ids are positive numbers from `dlq list`, not {', '.join(map(str, bad))}")
    return ids


StageOption = Annotated[
    str | None,
    typer.Option(help="Only letters of this stage (import, webhook, media_download...).", callback=_check_stage),
]
DayOption = Annotated[str | None, typer.Option(help="Only letters of this day (YYYY-MM-DD).", callback=_check_day)]


def dlq_list_command(
    stage: StageOption = None,
    partition: DayOption = None,
    include_replayed: Annotated[bool, typer.Option("--all", help="Include letters already replayed.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per letter.")] = False,
) -> None:
    """List dead letters: items a stage could not process, with the reason (open ones unless --all)."""
    letters = _queue().list(include_replayed=include_replayed, partition=partition, stage=stage)
    if as_json:
        for letter in letters:
            print(json.dumps(asdict(letter), ensure_ascii=False, default=str))
        return
    if not letters:
        console.print("No dead letters." if not include_replayed else "No dead letters, replayed or not.")
        return
    from wa_pipeline.settings import get_settings

    # Times as the shop's clocks read them (stored in UTC; the JSON keeps that instant with its offset).
    zone = get_settings().tz

    # Readable at 80 columns: the reason gets the room, times are month-day hour:minute, and the replayed column
    # shows only with --all (the legend says what the short headers mean).
    table = Table(
        title=f"Dead letters ({len(letters)})",
        caption=f"day: the partition; since/replayed: MM-DD HH:MM, {zone.key}",
    )
    columns = ["id", "stage", "item", "day", "reason", "since"] + (["replayed"] if include_replayed else [])
    for column in columns:
        table.add_column(column, overflow="fold", ratio=4 if column == "reason" else None)
    for letter in letters:
        # Reasons and keys come from untrusted input: shown as text, never as rich markup.
        cells = [
            str(letter.id),
            letter.stage,
            Text(letter.item_key),
            letter.partition[5:] if letter.partition else "-",
            Text(_reason_with_file(letter)),
            _short_time(letter.created_at, zone),
        ]
        if include_replayed:
            cells.append(_short_time(letter.replayed_at, zone) if letter.replayed_at else "-")
        table.add_row(*cells)
    Console().print(table)


def _reason_with_file(letter) -> str:
    """The reason, after the file's name where the letter has one: the item key of a photo that could not be read is
    its message's id, which says nothing about which photo it was."""
    filename = letter.payload.get("filename") if isinstance(letter.payload, dict) else None
    return f"{filename}: {letter.reason}" if filename else letter.reason


def _short_time(stamp: str, zone: ZoneInfo) -> str:
    """ "2026-11-16T09:15:07+00:00" -> "11-16 12:15" in Nairobi: the year and seconds cost columns and say little."""
    return datetime.fromisoformat(stamp).astimezone(zone).strftime("%m-%d %H:%M")


def dlq_replay_command(
    ids: Annotated[
        list[int] | None,
        typer.Argument(help="Letter ids from `dlq list`; none: every open letter that matches.", callback=_check_ids),
    ] = None,
    stage: StageOption = None,
    partition: DayOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per replayed letter.")] = False,
) -> None:
    """Replay open dead letters through their stage's normal path; exits 1 if any failed again."""
    from wa_pipeline.replay.replayer import DeadLetterReplayer
    from wa_pipeline.settings import get_settings
    from wa_pipeline.store.landing_factory import open_landing_store
    from wa_pipeline.store.media_store import MediaStore

    settings = get_settings()
    queue = _queue()
    letters = queue.list(stage=stage, partition=partition, ids=ids or None)
    if ids:
        # Ids asked for by name: one that is not there is a mistake to point out, not "nothing to do".
        known = {letter.id: letter for letter in queue.list(include_replayed=True, ids=ids)}
        unknown = sorted(set(ids) - set(known))
        if unknown:
            console.print(Text(f"error: no dead letter with id {', '.join(map(str, unknown))} (see `dlq list --all`)"))
            raise typer.Exit(2)
    if not letters:
        console.print("No open dead letters match.")
        return
    replayer = DeadLetterReplayer(
        queue, open_landing_store(settings), MediaStore(settings.layout.media_dir), settings.tz
    )
    outcomes = replayer.replay(letters)
    if as_json:
        for outcome in outcomes:
            print(json.dumps({**asdict(outcome), "failed": outcome.failed}, ensure_ascii=False))
    else:
        table = Table(title=f"Replayed {len(outcomes)} dead letters")
        for column in ("id", "stage", "item", "action", "detail"):
            table.add_column(column, overflow="fold")
        for o in outcomes:
            action = Text(o.action, style="red" if o.failed else "green")
            table.add_row(str(o.letter_id), o.stage, Text(o.item_key), action, Text(o.detail))
        Console().print(table)
        # Each new failure's reason in full, one line each, whatever the table had to fold.
        for o in outcomes:
            if o.failed:
                console.print(Text(f"letter {o.letter_id} ({o.stage}, {o.item_key}): {o.detail}"), soft_wrap=True)
    if any(outcome.failed for outcome in outcomes):
        raise typer.Exit(1)
