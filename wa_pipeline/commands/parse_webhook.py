"""`wa-pipeline parse-webhook`: show what a Cloud API webhook body becomes, without storing anything."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text


def parse_webhook_command(
    file: Annotated[str, typer.Argument(help="A webhook body as Meta posts it (JSON); '-' reads stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per line.")] = False,
) -> None:
    """Show the canonical messages, statuses and rejects a Cloud API webhook body becomes (nothing is stored)."""
    # Imported when the verb runs, so `wa-pipeline --help` starts at once.
    from wa_pipeline.commands.message_line import message_line
    from wa_pipeline.whatsapp.cloud_api import parse_webhook

    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        body = json.loads(raw)
    except OSError as exc:
        Console(stderr=True).print(
            f"Cannot read {file}: {exc.strerror or exc}", style="red", markup=False, soft_wrap=True
        )
        raise typer.Exit(2) from None
    except ValueError as exc:
        Console(stderr=True).print(f"{file} is not valid JSON: {exc}", style="red", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    parsed = parse_webhook(body)
    records = [message_line(m) for m in parsed.messages]
    records += [
        {
            "record": "status",
            "message_id": s.message_id,
            "status": s.status,
            "at": s.at.isoformat(),
            "recipient_id": s.recipient_id,
            "errors": s.errors,
        }
        for s in parsed.statuses
    ]
    records += [{"record": "reject", "item_key": r.item_key, "reason": r.reason} for r in parsed.rejects]
    if as_json:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    else:
        _print_webhook_tables(records)
    if parsed.rejects:
        raise typer.Exit(1)


def _print_webhook_tables(records: list[dict]) -> None:
    def when(iso: str) -> str:
        return iso.replace("T", " ").replace("+00:00", "Z")

    layouts = {
        "message": (
            "Messages",
            ("sent_at (UTC)", "sender", "kind", "text / caption", "attachment"),
            lambda r: (
                when(r["sent_at"]),
                r["sender_name"] or r["sender"],
                r["kind"],
                "\n".join(t for t in (r["text"], r["caption"]) if t),
                r["filename"] or r["mime"] or r["attachment"],
            ),
        ),
        "status": (
            "Statuses",
            ("message_id", "status", "at (UTC)", "recipient"),
            lambda r: (
                r["message_id"],
                r["status"],
                when(r["at"]),
                r["recipient_id"],
            ),
        ),
        "reject": ("Rejected elements", ("item_key", "reason"), lambda r: (r["item_key"], r["reason"])),
    }
    out = Console()
    for record_type, (title, columns, cells) in layouts.items():
        rows = [r for r in records if r["record"] == record_type]
        if not rows:
            continue
        table = Table(title=title)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(Text("" if cell is None else str(cell)) for cell in cells(row)))
        out.print(table)
    if not records:
        out.print("The body holds no messages, statuses or errors.")
