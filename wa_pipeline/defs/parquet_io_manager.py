"""IO manager storing each partition of a frame asset as one Parquet file."""

from pathlib import Path

import dagster as dg
import pandas as pd

from wa_pipeline.store.frames import read_frame, write_frame


class ParquetFrameIOManager(dg.ConfigurableIOManager):
    """Frames under base_dir/<asset>/<partition>.parquet: open them with pandas, DuckDB or any Parquet tool."""

    base_dir: str

    def _path(self, asset_key: dg.AssetKey, partition_key: str | None) -> Path:
        name = partition_key or "all"
        return Path(self.base_dir).joinpath(*asset_key.path, f"{name}.parquet")

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        partition = context.partition_key if context.has_partition_key else None
        path = self._path(context.asset_key, partition)
        write_frame(obj, path)
        context.add_output_metadata({"path": dg.MetadataValue.path(str(path))})

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        partition = context.asset_partition_key if context.has_asset_partitions else None
        return read_frame(self._path(context.asset_key, partition))
