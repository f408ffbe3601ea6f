"""Any voice note or video's sound as Whisper wants it: 16 kHz mono float32 samples, decoded by PyAV."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from wa_pipeline.media.media_errors import MediaFailed

SAMPLE_RATE = 16_000
NO_AUDIO = "no audio track"


def decode_audio(path: Path, max_seconds: float) -> np.ndarray:
    """Decode the first audio stream (OGG/Opus, AAC, MP3, AMR, an MP4's track) to 16 kHz mono float32.

    MediaFailed when the file is not decodable, has no audio, or is longer than `max_seconds`: the cap is
    checked against the container's claim first and enforced while decoding, since a header can lie.
    """
    if _ogg_cut_short(path):
        raise MediaFailed("Ogg stream ends without its end-of-stream page: the file is truncated")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise MediaFailed(f"audio does not open: {_reason(exc)}") from None
    with container:
        if not container.streams.audio:
            raise MediaFailed(NO_AUDIO)
        if container.duration and container.duration / 1_000_000 > max_seconds:
            raise MediaFailed(f"audio is {container.duration / 1_000_000:.0f} s long, over the {max_seconds:g} s cap")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        samples = 0
        limit = int(max_seconds * SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
                    samples += out.samples
                if samples > limit:
                    raise MediaFailed(f"audio runs past the {max_seconds:g} s cap")
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
        except (av.error.FFmpegError, ValueError) as exc:
            # A stream cut short mid-packet: what decoded before the damage is all there is; none means corrupt.
            if not chunks:
                raise MediaFailed(f"audio does not decode: {_reason(exc)}") from None
    if not chunks:
        raise MediaFailed("audio track holds no samples (truncated or empty)")
    return np.concatenate(chunks).astype(np.float32, copy=False)


def _ogg_cut_short(path: Path) -> bool:
    """True for an Ogg file whose last page lacks the end-of-stream flag, as every finished recording sets it.

    A voice note cut off in transfer still decodes up to the cut, so without this it would pass as a shorter one.
    """
    with path.open("rb") as handle:
        if handle.read(4) != b"OggS":
            return False
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 65_536))
        tail = handle.read()
    last = tail.rfind(b"OggS")
    if last < 0 or len(tail) - last < 27:
        return True
    page_segments = tail[last + 26]
    header_end = last + 27 + page_segments
    if len(tail) < header_end or len(tail) < header_end + sum(tail[last + 27 : header_end]):
        return True  # the last page's body is missing bytes
    return not tail[last + 5] & 0x04


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
