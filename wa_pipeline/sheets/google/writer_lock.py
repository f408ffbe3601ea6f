"""One writer per spreadsheet on this machine: an exclusive file lock held for a whole upsert (read, plan, write).

Two runs writing the same tab at once would both read the same last row and both write their new rows there.
Dagster's `sheets` pool (limit 1) queues such runs; this lock holds even outside Dagster (the CLI, a second
instance, a test). flock locks an open file description, so threads that open the file separately exclude
each other as processes do.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def lock_path(state_dir: Path, spreadsheet_key: str) -> Path:
    # A digest, not the key: the key is fine in a file name, but this keeps names short and uniform.
    digest = hashlib.sha256(spreadsheet_key.encode("utf-8")).hexdigest()[:16]
    return Path(state_dir) / f".sheets-{digest}.lock"


@contextmanager
def exclusive(path: Path | None) -> Iterator[None]:
    """Hold the lock at `path` for the block (waits for the current holder); `None` locks nothing."""
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
