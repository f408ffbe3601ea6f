"""`wa-pipeline extract-media FILE...`: what each file really is, the text in it and the facts in that text.

Nothing is stored: the files go through a throw-away media store, the same engines the pipeline runs.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

# The engines are imported when the verb runs, so `wa-pipeline --help` starts at once.
if TYPE_CHECKING:
    from wa_pipeline.media.engine_settings import MediaEngineSettings
    from wa_pipeline.media.media_text import MediaResult


def extract_media_command(
    files: Annotated[list[Path], typer.Argument(help="Media files: photos, voice notes, PDFs, DOCX, text.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file (JSON lines).")] = False,
) -> None:
    """Print the sniffed type, the extracted text, its status and the facts found in it (nothing is stored)."""
    from wa_pipeline.media.engine_settings import media_engine_settings
    from wa_pipeline.media.media_text import FAILED
    from wa_pipeline.settings import get_settings

    unreadable = [path for path in files if not path.is_file()]
    if unreadable:
        Console(stderr=True).print(f"Not a file: {', '.join(map(str, unreadable))}", style="red", markup=False)
        raise typer.Exit(2)
    lines = describe_files(files, media_engine_settings(get_settings()))
    if as_json:
        for line in lines:
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    else:
        _print_table(lines)
    if any(line["status"] == FAILED for line in lines):
        raise typer.Exit(1)


def describe_files(files: list[Path], settings: MediaEngineSettings) -> list[dict]:
    from wa_pipeline.media.engine_pool import media_pool
    from wa_pipeline.media.media_text import MediaItem, extract_media
    from wa_pipeline.store.media_store import MediaStore

    with tempfile.TemporaryDirectory(prefix="wa-extract-media-") as scratch:
        store = MediaStore(Path(scratch))
        items = [MediaItem(str(path), store.put(path.read_bytes()), "unknown", filename=path.name) for path in files]
        with media_pool(settings.workers) as pool:
            results = extract_media(items, store, None, settings, pool)
    facts = _facts([result.text for result in results])
    return [_line(result, found) for result, found in zip(results, facts)]


def _facts(texts: list[str]) -> list[dict[str, list[str]]]:
    """Entities of each text grouped by label (MONEY, DATE, PHONE, PERSON...), values as the extractor normalised them."""
    from wa_pipeline.nlp.entities import extract_entities
    from wa_pipeline.settings import get_settings

    settings = get_settings()
    grouped = []
    for entities in extract_entities(texts, settings.default_region):
        by_label: dict[str, list[str]] = {}
        for entity in entities:
            by_label.setdefault(entity.label, []).append(entity.value)
        grouped.append(by_label)
    return grouped


def _line(result: MediaResult, facts: dict[str, list[str]]) -> dict:
    return {
        "file": result.message_id,
        "mime": result.mime,
        "kind": result.kind,
        "bytes": result.bytes,
        "sha256": result.sha256,
        "width": result.width,
        "height": result.height,
        "duration_s": result.duration_s,
        "status": result.status,
        "confidence": result.confidence,
        "reason": result.reason or None,
        "text": result.text,
        "facts": facts,
    }


def _print_table(lines: list[dict]) -> None:
    table = Table(title="Media")
    for column in ("file", "type", "status", "text", "facts"):
        table.add_column(column, overflow="fold")
    for line in lines:
        facts = "; ".join(f"{label}: {', '.join(values)}" for label, values in line["facts"].items())
        status = line["status"] + (f" ({line['reason']})" if line["reason"] else "")
        # File text is data, never rich markup.
        table.add_row(
            *(Text(cell or "") for cell in (Path(line["file"]).name, line["mime"], status, line["text"], facts))
        )
    Console().print(table)
