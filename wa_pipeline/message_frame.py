"""Canonical messages as a pandas frame with the contract's columns and types."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pyarrow as pa

from wa_pipeline.message import MESSAGE_SCHEMA, Message


def messages_to_frame(messages: Iterable[Message]) -> pd.DataFrame:
    records = [m.to_record() for m in messages]
    # Going through Arrow with the contract schema gives the same dtypes whether there are 0 rows or 10,000.
    table = pa.Table.from_pylist(records, schema=MESSAGE_SCHEMA)
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)


def frame_to_messages(frame: pd.DataFrame) -> list[Message]:
    return [
        Message.from_record({key: (None if _missing(value) else value) for key, value in record.items()})
        for record in frame.to_dict(orient="records")
    ]


def _missing(value: object) -> bool:
    # pandas marks absent values as NaN, NaT or NA depending on the dtype; the canonical record says None.
    return value is None or (not isinstance(value, (list, dict)) and bool(pd.isna(value)))
