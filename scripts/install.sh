#!/usr/bin/env bash
# Installs what is missing, idempotently: Debian packages (when root), uv, the locked virtualenv, the Dagster home.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: tesseract for OCR; espeak-ng synthesises the voice-note test fixtures;
# chromium + chromium-driver run the UI test in a real browser; postgresql + redis-server back the scale-out test;
# strace watches the order of fsync and acknowledgement in the durability tests; LibreOffice (calc, no GUI) and
# poppler-utils render the workbook as a person sees it.
SYSTEM_PACKAGES=(${WA_SYSTEM_PACKAGES:-tesseract-ocr tesseract-ocr-eng espeak-ng chromium chromium-driver postgresql redis-server fonts-dejavu-core strace libreoffice-calc-nogui poppler-utils dict-freedict-eng-spa dict-freedict-eng-por dict-freedict-eng-fra dict-freedict-eng-deu dict-freedict-eng-swh})
missing=()
for package in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing Debian packages: ${missing[*]} — run: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# uv from PyPI into a private tools venv when it is not on PATH (never a downloaded binary).
if command -v uv >/dev/null 2>&1; then
  UV=$(command -v uv)
else
  if [ ! -x .tools/bin/uv ]; then
    python3 -m venv .tools
    .tools/bin/pip install -q "uv>=0.5"
  fi
  UV=.tools/bin/uv
fi

# Python never downloaded: the machine's 3.11 is used.
export UV_PYTHON_DOWNLOADS=never
"$UV" sync --frozen --python "${WA_PYTHON:-python3.11}" --quiet

# The Dagster instance lives in the repo (git-ignored), its config kept in step with dagster.yaml.
export DAGSTER_HOME="${DAGSTER_HOME:-$PWD/.dagster_home}"
mkdir -p "$DAGSTER_HOME"
cp dagster.yaml "$DAGSTER_HOME/dagster.yaml"
.venv/bin/dagster instance concurrency set sheets 1 >/dev/null
