import os
import tempfile

# Definitions read settings when loaded: point the data directory away from the checkout before any test imports them.
os.environ.setdefault("WA_DATA_DIR", tempfile.mkdtemp(prefix="wa-tests-data-"))
