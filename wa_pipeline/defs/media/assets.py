"""Each day's media: the text in photos, voice notes and documents, and the gallery (its tab: sync/tabs.py)."""

import dagster as dg
import pandas as pd

from wa_pipeline.defs._shared.day_range import DayFrames, DayResult, frames_by_day, materialize_days
from wa_pipeline.defs._shared.run_log import for_the_log
from wa_pipeline.defs._shared.run_metrics import Stopwatch
from wa_pipeline.defs.media.resources import MediaEngines
from wa_pipeline.defs.partitions import Daily, daily_definitions
from wa_pipeline.defs.resources import PipelineStorage
from wa_pipeline.media.engine_pool import media_pool
from wa_pipeline.media.extraction_cache import ExtractionCache
from wa_pipeline.media.media_frames import media_catalog_frame, media_items, media_text_frame
from wa_pipeline.media.media_text import STAGE, ExtractionStats, extract_media, record_dead_letters, success_rate
from wa_pipeline.media.whatsapp_file_names import made_by_whatsapp

# Check names, written once: the spec declares each, the asset body reports it.
MEDIA_SUCCESS_RATE = "media_success_rate"
MEDIA_DEAD_LETTERS_NOT_GROWING = "media_dead_letters_not_growing"
# Enough of a failure's reason to say why in a check's one line; `dlq list` shows it whole.
REASON_CHARS = 160


def _open_media_letters(storage: PipelineStorage) -> int:
    return sum(1 for letter in storage.dead_letters().list() if letter.stage == STAGE)


def _without_text(result, filename: str | None) -> str:
    """`IMG-0001.jpg (m5, failed: image does not decode: ...)`, or `m5 (pending:ocr_timeout)` for a file not named."""
    why = f"{result.status}: {for_the_log(result.reason[:REASON_CHARS])}" if result.reason else result.status
    return f"{filename} ({result.message_id}, {why})" if filename else f"{result.message_id} ({why})"


def _media_text_day(day, raw_messages: pd.DataFrame, storage, media_engines, settings, cache, pool) -> DayResult:
    watch = Stopwatch()
    items = media_items(raw_messages)
    letters_before = _open_media_letters(storage)
    stats = ExtractionStats()
    results = extract_media(items, storage.media(), cache, settings, pool, stats=stats)
    record_dead_letters(results, storage.dead_letters(), day)
    letters_after = _open_media_letters(storage)
    frame = media_text_frame(results)

    ok = stats.by_status.get("ok", 0)
    rate = success_rate(results)
    # The items a failed check names: what gave no text, and why (files left out of the export are no failure), by
    # the name an owner finds in the chat and the export where WhatsApp made it (a name a person chose may be personal,
    # and the logs' policy would hash a name's date as a number).
    names = {item.message_id: item.filename for item in items if made_by_whatsapp(item.filename)}
    without_text = ", ".join(
        [
            _without_text(r, names.get(r.message_id))
            for r in results
            if r.status != "ok" and not r.status.startswith("media_omitted")
        ][:5]
    )
    wall = max(stats.wall_s, 1e-9)
    return DayResult(
        value=frame,
        metadata={
            **watch.metadata(len(frame), unit="items"),
            "files": dg.MetadataValue.int(stats.files),
            "cache_hits": dg.MetadataValue.int(stats.cache_hits),
            "images_ocr": dg.MetadataValue.int(stats.images),
            "documents": dg.MetadataValue.int(stats.documents),
            "audio_files": dg.MetadataValue.int(stats.audio_files),
            "images_per_s": dg.MetadataValue.float(round(stats.images / wall, 3)),
            "audio_seconds_per_wall_second": dg.MetadataValue.float(round(stats.audio_seconds / wall, 3)),
            "success_rate": dg.MetadataValue.float(round(rate, 4)),
            "not_in_export": dg.MetadataValue.int(stats.by_status.get("media_omitted", 0)),
            "ok": dg.MetadataValue.int(ok),
            "pending": dg.MetadataValue.int(stats.by_status.get("pending", 0)),
            "failed": dg.MetadataValue.int(stats.by_status.get("failed", 0)),
            "whisper_model": dg.MetadataValue.text(settings.whisper_model_size),
        },
        checks=[
            dg.AssetCheckResult(
                check_name=MEDIA_SUCCESS_RATE,
                passed=rate >= media_engines.min_success_rate,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "success_rate": round(rate, 4),
                    "threshold": media_engines.min_success_rate,
                    "items": len(results),
                },
                description=f"{ok} of {len(results)} media items gave their text"
                + (f"; not: {without_text}" if without_text else ""),
            ),
            dg.AssetCheckResult(
                check_name=MEDIA_DEAD_LETTERS_NOT_GROWING,
                passed=letters_after <= letters_before,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "open_before": letters_before,
                    "open_after": letters_after,
                    "failed_this_run": stats.by_status.get("failed", 0),
                },
                description=f"open media dead letters: {letters_before} before the day's extraction, {letters_after} after"
                + (f"; not extracted: {without_text}" if letters_after > letters_before else ""),
            ),
        ],
    )


def build(daily: Daily) -> dg.Definitions:
    """Each day's media text, with its checks, and the media gallery."""
    media_text_checks = daily.checks(
        "media_text",
        {
            MEDIA_SUCCESS_RATE: "Enough of the day's media gave their text (threshold: MediaEngines.min_success_rate).",
            MEDIA_DEAD_LETTERS_NOT_GROWING: "This run added no media item of the day to the dead-letter queue.",
        },
        blocking=False,
    )

    @dg.asset(
        **daily.asset,
        group_name="media",
        kinds={"tesseract", "whisper", "pandas", "parquet"},
        check_specs=media_text_checks,
    )
    def media_text(
        context: dg.AssetExecutionContext,
        raw_messages: DayFrames,
        storage: PipelineStorage,
        media_engines: MediaEngines,
    ):
        """The text in each media message of the day: receipts and photos OCR'd, voice notes transcribed, documents read."""
        settings = media_engines.settings()
        raw_by_day = frames_by_day(raw_messages, context.partition_keys)
        days = {}
        cache = ExtractionCache(storage.dead_letters().path)
        try:
            # One pool for the whole step: a range run starts the engines once, and a day without new images or
            # documents starts none (workers start on the first submitted file).
            with media_pool(settings.workers) as pool:
                for day in context.partition_keys:
                    days[day] = _media_text_day(day, raw_by_day[day], storage, media_engines, settings, cache, pool)
        finally:
            cache.close()
        yield from materialize_days(context, days)

    @dg.asset(**daily.asset, group_name="media", kinds={"pandas", "parquet"})
    def media_catalog(context: dg.AssetExecutionContext, raw_messages: DayFrames, media_text: DayFrames):
        """The day's media gallery: who sent which photo, voice note or document, what it really is, and what it says."""
        raw_by_day = frames_by_day(raw_messages, context.partition_keys)
        text_by_day = frames_by_day(media_text, context.partition_keys)
        days = {}
        for day in context.partition_keys:
            watch = Stopwatch()
            catalog = media_catalog_frame(raw_by_day[day], text_by_day[day])
            by_kind = catalog["media_kind"].value_counts().to_dict() if len(catalog) else {}
            days[day] = DayResult(
                value=catalog,
                metadata={
                    **watch.metadata(len(catalog)),
                    "bytes": dg.MetadataValue.int(
                        int(pd.to_numeric(catalog["bytes"]).fillna(0).sum()) if len(catalog) else 0
                    ),
                    "audio_seconds": dg.MetadataValue.float(
                        round(float(pd.to_numeric(catalog["duration_s"]).fillna(0).sum()), 2) if len(catalog) else 0.0
                    ),
                    "by_kind": dg.MetadataValue.json({str(k): int(v) for k, v in by_kind.items()}),
                },
            )
        yield from materialize_days(context, days)

    return dg.Definitions(assets=[media_text, media_catalog])


defs = daily_definitions(build)
