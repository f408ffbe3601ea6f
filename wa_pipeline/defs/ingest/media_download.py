"""Media of Cloud API messages fetched through the Graph API soon after landing, and the sensor that asks for it."""

import time

import dagster as dg

from wa_pipeline.defs.ingest.assets import landing_messages
from wa_pipeline.defs.resources import TOKEN_VARIABLE, GraphApi, PipelineStorage
from wa_pipeline.store.media_download_ledger import pending_downloads
from wa_pipeline.whatsapp.graph_media import GraphAuthError
from wa_pipeline.whatsapp.media_downloads import DownloadSummary, download_pending_media


class MediaDownloadConfig(dg.Config):
    """How much one run fetches, and how many transient failures an item gets before it is dead-lettered."""

    limit: int | None = None
    max_attempts: int = 5


@dg.asset(
    deps=[landing_messages],
    group_name="ingest",
    kinds={"whatsapp"},
    # One download pass at a time: two would fetch the same items and double-count their attempts.
    pool="media_download",
)
def downloaded_media(
    context: dg.AssetExecutionContext, config: MediaDownloadConfig, storage: PipelineStorage, graph_api: GraphApi
) -> dg.MaterializeResult:
    """Photos, voice notes, videos and documents of WhatsApp Cloud API messages, fetched and stored by content."""
    started = time.perf_counter()
    landing = storage.landing()
    if graph_api.configured:
        with graph_api.client() as client:
            try:
                summary = download_pending_media(
                    landing,
                    storage.media(),
                    storage.dead_letters(),
                    client,
                    limit=config.limit,
                    max_attempts=config.max_attempts,
                    workers=graph_api.concurrent_downloads,
                )
            except GraphAuthError as exc:
                raise dg.Failure(description=str(exc)) from None
    else:
        waiting = pending_downloads(landing)
        if waiting.total:
            raise dg.Failure(
                description=(
                    f"{waiting.total} WhatsApp media downloads are waiting but {TOKEN_VARIABLE} is not set. "
                    f"Set {TOKEN_VARIABLE} to a Graph API token with whatsapp_business_messaging permission "
                    "and restart the code location; media ids expire after about 7 days."
                )
            )
        # Chat-export-only setups have no token and nothing to fetch: that is not a failure.
        context.log.info(f"{TOKEN_VARIABLE} is not set and no media is waiting; nothing to do")
        summary = DownloadSummary()
    elapsed = max(time.perf_counter() - started, 1e-9)
    return dg.MaterializeResult(
        metadata={
            "downloaded": dg.MetadataValue.int(summary.downloaded),
            "already_present": dg.MetadataValue.int(summary.already_present),
            "failed": dg.MetadataValue.int(summary.failed),
            "dead_lettered": dg.MetadataValue.int(summary.dead_lettered),
            "still_pending": dg.MetadataValue.int(pending_downloads(landing).total),
            "bytes_downloaded": dg.MetadataValue.int(summary.bytes_downloaded),
            "duration_s": dg.MetadataValue.float(round(elapsed, 4)),
            "bytes_per_s": dg.MetadataValue.float(round(summary.bytes_downloaded / elapsed, 2)),
        }
    )


@dg.sensor(
    name="media_download_sensor",
    target=downloaded_media,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def media_download_sensor(context: dg.SensorEvaluationContext, storage: PipelineStorage) -> dg.SensorResult:
    """Requests a media download run whenever Cloud API media has landed or is waiting for a retry."""
    waiting = pending_downloads(storage.landing())
    if not waiting.total:
        return dg.SensorResult(skip_reason="no WhatsApp media waiting to be downloaded")
    return dg.SensorResult(
        # The key moves with the landing and ledger high-water marks: new media or a run that left retries
        # behind gets a new run, while ticks over unchanged data (a run still queued) add nothing.
        run_requests=[dg.RunRequest(run_key=f"downloaded_media@{waiting.high_water_mark}")],
        cursor=waiting.high_water_mark,
    )
