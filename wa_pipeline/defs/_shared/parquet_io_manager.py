"""IO manager storing each partition of a frame asset as one Parquet file, whether a step covers one day or a range."""

from collections.abc import Iterator, Mapping
from pathlib import Path

import dagster as dg
import pandas as pd

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.store.frames import read_frame, write_frame


class PartitionFrames(Mapping[str, pd.DataFrame]):
    """The frames of a range of partitions, each read from its file only when asked for: a 30-day step holds one
    day's input at a time, not the month."""

    def __init__(self, paths: Mapping[str, Path]):
        self._paths = dict(paths)

    def __getitem__(self, partition: str) -> pd.DataFrame:
        return read_frame(self._paths[partition])

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


class ParquetFrameIOManager(dg.ConfigurableIOManager):
    """Frames under DATA_DIR/frames/<asset>/<partition>.parquet: open them with pandas, DuckDB or any Parquet tool.

    A step over a range of partitions returns {partition: frame} and gets its inputs the same way (read lazily);
    a one-partition step stores and receives a plain frame.
    """

    data_dir: str

    def _path(self, asset_key: dg.AssetKey, partition_key: str | None) -> Path:
        return DataLayout(Path(self.data_dir)).frame(asset_key.path, partition_key)

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame | Mapping[str, pd.DataFrame]) -> None:
        if isinstance(obj, Mapping):
            expected = list(context.asset_partition_keys)
            if sorted(obj) != sorted(expected):
                raise ValueError(
                    f"{context.asset_key.to_user_string()} returned frames for {sorted(obj)[:5]}..., "
                    f"the step covers {expected[:5]}...: a range step returns one frame per partition"
                )
            for partition, frame in obj.items():
                write_frame(frame, self._path(context.asset_key, partition))
            folder = self._path(context.asset_key, expected[0]).parent
            context.add_output_metadata({"path": dg.MetadataValue.path(str(folder))})
            return
        partition = self._single_partition(context)
        path = self._path(context.asset_key, partition)
        write_frame(obj, path)
        context.add_output_metadata({"path": dg.MetadataValue.path(str(path))})

    def load_input(self, context: dg.InputContext) -> pd.DataFrame | Mapping[str, pd.DataFrame]:
        if not context.has_asset_partitions:
            return read_frame(self._path(context.asset_key, None))
        partitions = list(context.asset_partition_keys)
        if len(partitions) == 1:
            return read_frame(self._path(context.asset_key, partitions[0]))
        return PartitionFrames({partition: self._path(context.asset_key, partition) for partition in partitions})

    @staticmethod
    def _single_partition(context: dg.OutputContext) -> str | None:
        if not context.has_asset_partitions:
            return None
        partitions = list(context.asset_partition_keys)
        if len(partitions) != 1:
            raise ValueError(
                f"{context.asset_key.to_user_string()} returned one frame for {len(partitions)} partitions: "
                "a range step returns {partition: frame}"
            )
        return partitions[0]
