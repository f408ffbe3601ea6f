"""Media engines through our pipeline against the raw engines called the obvious way, on the same files, in one run.

    python -m benchmarks.bench_media [--quick]

* OCR: N receipt images (clean scans and grainy phone photos, alternating). Ours: `extract_media` with the
  process pool (2 workers, OMP_THREAD_LIMIT=1, image preparation). Raw: `pytesseract.image_to_string(path)` on
  each file in turn, tesseract's default settings and threading.
* Transcription: M voice notes (Opus). Ours: `extract_media` (PyAV decode, faster-whisper int8, cpu_threads=1,
  num_workers=2, two files at a time, VAD). Raw: `WhisperModel(path).transcribe(file)` with default settings.
  Both models are loaded before the clock starts; the pool's process start-up is inside ours.

Goal: our wall time at most 1.15x the raw engine's (throughput ratio at least 0.87), ideally better.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from wa_pipeline.media.engine_pool import media_pool
from wa_pipeline.media.engine_settings import MediaEngineSettings
from wa_pipeline.media.media_text import MediaItem, extract_media
from wa_pipeline.media.transcribe import load_model
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline_tests.media import make_fixtures

GOAL_TIME = "<= 1.15x"
GOAL_RATE = ">= 0.87x"


def _receipts(out: Path, n: int) -> list[Path]:
    made = make_fixtures.make_receipts(out)
    pool = [f.path for pair in zip(made["clean"], made["noisy"]) for f in pair]
    # Distinct bytes per file: a repeated file would be served from our cache, which is not what is measured here.
    files = []
    for i in range(n):
        source = pool[i % len(pool)]
        target = out / f"copy-{i}{source.suffix}"
        # Bytes after a PNG/JPEG end marker are ignored by every decoder and change the sha256.
        target.write_bytes(source.read_bytes() + f"copy {i}".encode())
        files.append(target)
    return files


def _voice_notes(out: Path, n: int) -> list[Path]:
    texts = make_fixtures.VOICE_NOTES
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        path = out / f"PTT-{i}.opus"
        path.write_bytes(make_fixtures.voice_note_opus(f"{texts[i % len(texts)]}, order number {i + 1}"))
        files.append(path)
    return files


def _ours(files: list[Path], kind: str, settings: MediaEngineSettings) -> tuple[float, list]:
    with tempfile.TemporaryDirectory() as scratch:
        store = MediaStore(Path(scratch))
        items = [MediaItem(str(p), store.put(p.read_bytes()), kind) for p in files]
        started = time.perf_counter()
        with media_pool(settings.workers) as pool:
            results = extract_media(items, store, None, settings, pool)
        elapsed = time.perf_counter() - started
    bad = [r for r in results if r.status != "ok"]
    if bad:
        raise RuntimeError(f"our pipeline did not process every file: {bad[:2]}")
    return elapsed, results


def bench_ocr(n: int, scratch: Path) -> list[dict]:
    import pytesseract

    files = _receipts(scratch / "receipts", n)
    settings = MediaEngineSettings()
    saved = os.environ.pop("OMP_THREAD_LIMIT", None)  # the raw engine as a user runs it: its own threading
    try:
        started = time.perf_counter()
        for path in files:
            pytesseract.image_to_string(str(path))
        raw = time.perf_counter() - started
    finally:
        if saved is not None:
            os.environ["OMP_THREAD_LIMIT"] = saved
    ours, _ = _ours(files, "image", settings)
    return [
        {
            "benchmark": "media_ocr",
            "measure": f"images/s, {n} receipts",
            "ours": round(n / ours, 3),
            "baseline": round(n / raw, 3),
            "baseline_name": "pytesseract.image_to_string per file",
            "goal": GOAL_RATE,
        },
        {
            "benchmark": "media_ocr",
            "measure": f"wall seconds, {n} receipts",
            "ours": round(ours, 3),
            "baseline": round(raw, 3),
            "baseline_name": "pytesseract.image_to_string per file",
            "goal": GOAL_TIME,
        },
    ]


def bench_transcription(n: int, scratch: Path) -> list[dict]:
    from faster_whisper import WhisperModel

    files = _voice_notes(scratch / "voice", n)
    settings = MediaEngineSettings()
    raw_model = WhisperModel(settings.whisper_model_path, local_files_only=True)
    load_model(settings)  # ours, loaded once per process as in the pipeline

    started = time.perf_counter()
    audio_seconds = 0.0
    for path in files:
        segments, info = raw_model.transcribe(str(path))
        list(segments)  # the generator does the work
        audio_seconds += info.duration
    raw = time.perf_counter() - started
    ours, _ = _ours(files, "voice", settings)
    return [
        {
            "benchmark": "media_transcription",
            "measure": f"audio s per wall s, {n} voice notes",
            "ours": round(audio_seconds / ours, 3),
            "baseline": round(audio_seconds / raw, 3),
            "baseline_name": "WhisperModel(path).transcribe, defaults",
            "goal": GOAL_RATE,
        },
        {
            "benchmark": "media_transcription",
            "measure": f"wall seconds, {audio_seconds:.0f} s of audio",
            "ours": round(ours, 3),
            "baseline": round(raw, 3),
            "baseline_name": "WhisperModel(path).transcribe, defaults",
            "goal": GOAL_TIME,
        },
    ]


def run(quick: bool = False) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-media-") as scratch:
        root = Path(scratch)
        return bench_ocr(8 if quick else 30, root) + bench_transcription(4 if quick else 10, root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer files, for a smoke run")
    rows = run(quick=parser.parse_args().quick)
    header = f"{'benchmark':<20} {'measure':<36} {'ours':>9} {'raw':>9} {'ratio':>7}  goal"
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = row["ours"] / row["baseline"]
        print(
            f"{row['benchmark']:<20} {row['measure']:<36} {row['ours']:>9} {row['baseline']:>9} {ratio:>6.2f}x  {row['goal']}"
        )


if __name__ == "__main__":
    main()
