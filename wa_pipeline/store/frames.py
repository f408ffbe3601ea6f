"""Intermediate tables as Parquet files, one per asset partition: inspectable with any tool, never pickles."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def write_frame(frame: pd.DataFrame, path: Path, schema: pa.Schema | None = None) -> None:
    """Write atomically: a crashed run leaves the previous file, never half of a new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_frame(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: materialize the upstream asset for this partition first")
    return pq.read_table(path).to_pandas()
