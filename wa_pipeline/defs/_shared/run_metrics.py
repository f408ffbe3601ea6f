"""Numeric metadata every asset reports, so the UI plots volume and speed across runs (the performance monitor)."""

import time

import dagster as dg


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    def metadata(self, rows: int, unit: str = "rows") -> dict[str, dg.MetadataValue]:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        return {
            "dagster/row_count": dg.MetadataValue.int(int(rows)),
            "duration_s": dg.MetadataValue.float(round(elapsed, 4)),
            f"{unit}_per_s": dg.MetadataValue.float(round(rows / elapsed, 2)),
        }


def check_result(outcome, check_name: str, asset_key=None, severity=None) -> dg.AssetCheckResult:
    """An AssetCheckResult from a data-quality Outcome, with its evidence as metadata."""
    metadata = {"description": outcome.description}
    for key, value in outcome.evidence.items():
        metadata[key] = value if isinstance(value, (int, float, str)) else dg.MetadataValue.json(value)
    return dg.AssetCheckResult(
        check_name=check_name,
        asset_key=asset_key,
        passed=bool(outcome.passed),
        severity=severity or dg.AssetCheckSeverity.ERROR,
        metadata=metadata,
        description=outcome.description,
    )
