import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
WA = VENV_BIN / "wa-pipeline"


def doctor(tmp_path, **extra_env) -> tuple[int, dict[str, dict]]:
    env = {**os.environ, "WA_DATA_DIR": str(tmp_path / "data"), "DAGSTER_HOME": str(tmp_path / "home"), **extra_env}
    (tmp_path / "home").mkdir(exist_ok=True)
    result = subprocess.run(
        [str(WA), "doctor", "--json"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    probes = {p["probe"]: p for p in map(json.loads, result.stdout.splitlines())}
    return result.returncode, probes


def test_doctor_passes_on_a_machine_set_up_by_make(tmp_path):
    code, probes = doctor(tmp_path)
    assert code == 0, probes
    assert len(probes) == 7 and all(p["ok"] for p in probes.values())
    assert "4521" in probes["OCR (tesseract)"]["detail"]
    assert "three" in probes["transcription (faster-whisper)"]["detail"].lower()


def test_doctor_fails_with_the_fix_when_tesseract_is_not_on_path(tmp_path):
    # Only the virtualenv on PATH: Python and its tools still run, Debian's tesseract is gone.
    code, probes = doctor(tmp_path, PATH=str(VENV_BIN))
    assert code == 1
    ocr = probes["OCR (tesseract)"]
    assert not ocr["ok"] and "apt-get install tesseract-ocr" in ocr["fix"]
    assert probes["spaCy model"]["ok"] and probes["landing store"]["ok"]


def test_doctor_fails_with_the_fix_when_the_model_path_is_wrong(tmp_path):
    code, probes = doctor(tmp_path, WA_WHISPER_MODEL_PATH=str(tmp_path / "no-such-model"))
    assert code == 1
    transcription = probes["transcription (faster-whisper)"]
    assert not transcription["ok"]
    assert "no-such-model" in transcription["detail"] and "WA_WHISPER_MODEL_PATH" in transcription["fix"]
    assert probes["OCR (tesseract)"]["ok"]
