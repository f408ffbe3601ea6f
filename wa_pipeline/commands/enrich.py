"""`wa-pipeline enrich`: what the enrichment reads in messages (entities, intent, sentiment, language), shown
without storing anything."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import Annotated, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer


def enrich_command(
    file: Annotated[
        str,
        typer.Argument(
            help="Messages: plain text, one per line, or JSON lines with text, sent_at, region; '-' reads stdin."
        ),
    ] = "-",
    region: Annotated[
        str | None,
        typer.Option(help="Phone region (ISO 3166, e.g. KE) of lines without one; default WA_DEFAULT_REGION."),
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="IANA timezone relative dates are read in; default WA_TIMEZONE.")
    ] = None,
    currency: Annotated[
        str | None, typer.Option(help="ISO 4217 currency of '$', '/=', 'Rs'...; default: the region's.")
    ] = None,
    date_order: Annotated[str, typer.Option(help="How '03/04' reads: DMY, MDY or YMD.")] = "DMY",
    patterns: Annotated[
        Path | None, typer.Option(help="YAML file of your own entities (see patterns.example.yaml).")
    ] = None,
    examples: Annotated[
        list[Path] | None, typer.Option("--examples", help="Extra labelled intent examples (JSON lines); repeatable.")
    ] = None,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Intent confidence below which it is 'other'.")
    ] = 0.5,
) -> None:
    """Print, as one JSON object per message, the entities, intent, sentiment and language found in it."""
    from wa_pipeline.nlp.code_switching import mixed_languages
    from wa_pipeline.nlp.enrich import bounded, truncation_flag
    from wa_pipeline.nlp.entities import extract_entities
    from wa_pipeline.nlp.intent import DEFAULT_EXAMPLES, Tokens, intent_model_in
    from wa_pipeline.nlp.language import detect_languages
    from wa_pipeline.nlp.sentiment import sentiment_model_in, sentiments
    from wa_pipeline.settings import get_settings

    settings = get_settings()
    if date_order.upper() not in ("DMY", "MDY", "YMD"):
        _fail(f"--date-order must be DMY, MDY or YMD, not {date_order!r}")
    try:
        tz = ZoneInfo(timezone or settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        _fail(f"--timezone {timezone!r} is not an IANA timezone (e.g. Africa/Nairobi)")
    messages = _read_messages(file, region or settings.default_region, tz)
    if not messages:
        return
    # A line of any length is read on the prefix the pipeline reads, so the verb returns as the day's run does.
    for message in messages:
        read = bounded(message["text"])
        message["flags"] = truncation_flag(message["text"], read)
        message["text"] = read

    texts = [m["text"] for m in messages]
    # The language first, as the pipeline reads it: names read a capitalised German noun as a noun.
    languages = detect_languages(texts)
    found: dict[int, list] = {}
    by_region = sorted(range(len(messages)), key=lambda i: messages[i]["region"] or "")
    for message_region, group in groupby(by_region, key=lambda i: messages[i]["region"] or ""):
        indexes = list(group)
        entities = extract_entities(
            [messages[i]["text"] for i in indexes],
            message_region or None,
            sent_at=[messages[i]["sent_at"] for i in indexes],
            timezone=tz,
            default_currency=currency,
            date_order=date_order.upper(),
            patterns=patterns,
            languages=[languages[i] for i in indexes],
        )
        found.update(zip(indexes, entities))
    model = intent_model_in(settings.layout.intent_model_dir, [DEFAULT_EXAMPLES, *(examples or [])])
    tokens = Tokens.of(model)
    intents = model.predict(texts, threshold=threshold, tokens=tokens, languages=languages)
    mixed = mixed_languages(texts, languages)
    # Read as the pipeline reads it (enriched_messages): in its own language, a complaint never praise.
    feeling = sentiment_model_in(settings.layout.sentiment_model_dir)
    read = sentiments(texts, [language or None for language in languages], [p.intent for p in intents], feeling, tokens)
    for index, message in enumerate(messages):
        label, score = read[index]
        print(
            json.dumps(
                {
                    "text": message["text"],
                    "sent_at": message["sent_at"].isoformat() if message["sent_at"] else None,
                    "region": message["region"],
                    "entities": [entity.to_dict() for entity in found[index]],
                    "intent": intents[index].intent,
                    "intent_confidence": intents[index].confidence,
                    "sentiment": label,
                    "sentiment_score": score,
                    "language": languages[index],
                    "mixed_languages": mixed[index],
                    **({"flags": message["flags"]} if message["flags"] else {}),
                },
                ensure_ascii=False,
            )
        )


def _read_messages(file: str, region: str | None, tz: ZoneInfo) -> list[dict]:
    try:
        raw = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        _fail(f"Cannot read {file}: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        _fail(f"{file} is not UTF-8 text: {exc}")
    lines = [(number, line) for number, line in enumerate(raw.splitlines(), start=1) if line.strip()]
    # JSON lines when the first message is a JSON object; otherwise each line is a message as written.
    as_json = bool(lines) and lines[0][1].lstrip().startswith("{")
    messages = []
    for number, line in lines:
        if not as_json:
            messages.append({"text": line, "sent_at": None, "region": region})
            continue
        try:
            record = json.loads(line)
            text = record["text"]
            if not isinstance(text, str):
                raise TypeError("text is not a string")
            sent_at = _moment(record.get("sent_at"), tz)
        except (ValueError, KeyError, TypeError) as exc:
            _fail(f"{file}:{number}: expected a JSON object with text (and optional sent_at, region): {exc}")
        messages.append({"text": text, "sent_at": sent_at, "region": record.get("region") or region})
    return messages


def _moment(value: object, tz: ZoneInfo) -> datetime | None:
    """An ISO 8601 time; one without an offset is local to `tz`."""
    if value is None:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _fail(message: str) -> NoReturn:
    from rich.console import Console

    Console(stderr=True).print(message, style="red", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(2)
