"""`wa-pipeline parse-export`: show what an export file becomes, without storing anything."""

from __future__ import annotations

import json
import sys
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from wa_pipeline.whatsapp.export_archive import ExportArchive


def _one_export(path: Path) -> Path:
    """The chat text `import` would read for `path`: a folder stands for the one export unzipped into it."""
    from wa_pipeline.whatsapp.export_archive import ExportArchiveError, export_files

    if not path.is_dir():
        return path
    files = export_files(path)
    if len(files) == 1:
        return files[0]
    if not files:
        raise ExportArchiveError(f"{path}: no chat export in this folder (expected '_chat.txt', a .txt or a .zip)")
    names = ", ".join(str(file.relative_to(path).parent / file.name) for file in files[:5])
    raise ExportArchiveError(f"{path}: {len(files)} chat exports in this folder; name one of them: {names}")


def parse_export_command(
    path: Annotated[
        Path,
        typer.Argument(help="A chat export: .txt, .zip with _chat.txt and media, or the folder it was unzipped into."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per message (JSON lines).")] = False,
    parquet: Annotated[
        Path | None,
        typer.Option(
            "--parquet",
            help="Write every field of every message to this Parquet file (one row a message), for pandas or polars.",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Print the canonical messages an export file becomes (nothing is imported)."""
    # Imported when the verb runs, so `wa-pipeline --help` starts at once.
    from wa_pipeline.commands.message_line import message_line
    from wa_pipeline.settings import get_settings
    from wa_pipeline.whatsapp.chat_export import ChatExportError, parse_chat_export
    from wa_pipeline.whatsapp.export_archive import ExportArchiveError, read_export

    settings = get_settings()
    try:
        archive = read_export(_one_export(path))
        if parquet is not None:
            _write_parquet(archive, parquet, settings.tz)
            return
        parsed = parse_chat_export(
            archive.text, chat_name=archive.chat_name, tz=settings.tz, source_name=archive.source_name
        )
    except (ExportArchiveError, ChatExportError, OSError) as exc:
        # Most errors already name the file; naming it again printed the path twice.
        message = str(exc) if path.name in str(exc) else f"{path}: {exc}"
        Console(stderr=True).print(message, style="red", markup=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    lines = [message_line(m) for m in parsed.messages]
    if as_json:
        for line in lines:
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        for error in parsed.errors:
            sys.stdout.write(json.dumps({"error": str(error)}, ensure_ascii=False) + "\n")
    else:
        table = Table(title=f"{archive.chat_name}: {len(lines)} messages (date order {parsed.date_order})")
        for column in ("sent_at", "sender", "kind", "text", "attachment"):
            table.add_column(column, overflow="fold")
        for line in lines:
            # Message text is data, never rich markup.
            cells = (
                line["sent_at"],
                line["sender_name"] or "",
                line["kind"],
                (line["text"] or "")[:80],
                line["attachment"] or "",
            )
            table.add_row(*(Text(cell) for cell in cells))
        Console().print(table)
        for error in parsed.errors:
            Console(stderr=True).print(str(error), style="yellow", markup=False)


def _write_parquet(archive: ExportArchive, target: Path, tz: tzinfo) -> None:
    """The export's messages as one Parquet table (`export_table`, read a column at a time where the file allows);
    lines that could not be read go to stderr, as the other forms print them."""
    import pyarrow.parquet as pq

    from wa_pipeline.whatsapp.chat_export import export_text_reader
    from wa_pipeline.whatsapp.export_table import export_table

    reader = export_text_reader(archive.text, chat_name=archive.chat_name, tz=tz, source_name=archive.source_name)
    table = export_table(reader)
    # Written beside the target and moved into place, so a failed write never leaves half a file under its name.
    partial = target.with_name(target.name + ".partial")
    pq.write_table(table, partial)
    partial.replace(target)
    for error in sorted(reader.errors, key=lambda e: e.line_number):
        Console(stderr=True).print(str(error), style="yellow", markup=False)
    Console(stderr=True).print(
        f"{archive.chat_name}: {table.num_rows} messages written to {target}", markup=False, soft_wrap=True
    )
