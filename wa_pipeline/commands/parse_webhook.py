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
    """Show everything a Cloud API webhook body becomes (nothing is stored): messages with their flags and ad
    referral, statuses with Meta's pricing and errors, events (calls, consent, contacts, account and template news,
    unknown fields), the customers it names, and rejected elements."""
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
    records = [
        {**message_line(m), "flags": m.flags, "referral": json.loads(m.referral) if m.referral else None}
        for m in parsed.messages
    ]
    records += [
        {
            "record": "status",
            "message_id": s.message_id,
            "status": s.status,
            "at": s.at.isoformat(),
            "recipient_id": s.recipient_id,
            "recipient_user_id": s.recipient_user_id,
            "pricing": s.pricing,
            "conversation": s.conversation,
            "errors": s.errors,
        }
        for s in parsed.statuses
    ]
    records += [
        {
            "record": "event",
            "event_id": e.event_id,
            "kind": e.kind,
            "field": e.field,
            "at": e.occurred_at.isoformat(),
            "customer": e.customer,
            "summary": e.summary,
            "data": e.data,
        }
        for e in parsed.events
    ]
    records += [
        {
            "record": "customer",
            "phone": c.phone,
            "user_id": c.user_id,
            "parent_user_id": c.parent_user_id,
            "name": c.name,
            "formerly": list(c.formerly),
        }
        for c in parsed.sightings
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
            ("sent_at (UTC)", "sender", "kind", "text / caption", "attachment", "flags / ad"),
            lambda r: (
                when(r["sent_at"]),
                r["sender_name"] or r["sender"],
                r["kind"],
                "\n".join(t for t in (r["text"], r["caption"]) if t),
                r["filename"] or r["mime"] or r["attachment"],
                "\n".join(t for t in (r["flags"], _ad(r["referral"])) if t),
            ),
        ),
        "status": (
            "Statuses",
            ("message_id", "status", "at (UTC)", "recipient", "pricing", "error"),
            lambda r: (
                r["message_id"],
                r["status"],
                when(r["at"]),
                r["recipient_id"] or r["recipient_user_id"],
                _pricing(r["pricing"]),
                "; ".join(f"{e.get('code')} {e.get('title') or e.get('message') or ''}".strip() for e in r["errors"]),
            ),
        ),
        "event": (
            "Events",
            ("at (UTC)", "kind", "field", "customer", "summary"),
            lambda r: (when(r["at"]), r["kind"], r["field"], r["customer"], r["summary"]),
        ),
        "customer": (
            "Customers named",
            ("phone", "user id (BSUID)", "name", "formerly"),
            lambda r: (r["phone"], r["user_id"], r["name"], ", ".join(r["formerly"])),
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
        out.print("The body holds no messages, statuses, events or errors.")


def _ad(referral: dict | None) -> str:
    if not referral:
        return ""
    return f"ad: {referral.get('headline') or referral.get('source_url') or referral.get('source_id') or '?'}"


def _pricing(pricing: dict | None) -> str:
    if not pricing:
        return ""
    billable = {True: "billable", False: "free"}.get(pricing.get("billable"), "")
    return " ".join(str(p) for p in (pricing.get("category"), pricing.get("type"), billable) if p)
