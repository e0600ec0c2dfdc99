"""Write a computed customer snapshot to a file the user names (.parquet or .csv)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from corptier.engine.snapshot import IndicatorResult
from corptier.errors import WorkspaceError

FORMATS = (".parquet", ".csv")


def export_snapshot(result: IndicatorResult, out: Path | str) -> Path:
    """Copy the customer snapshot (already sorted by customer_id) to `out`: Parquet with the
    snapshot's schema, or CSV (UTF-8, header, money as plain decimals)."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise WorkspaceError(f"--out must end in .parquet or .csv; got {out.name!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    table = pq.read_table(result.customer_path)
    if suffix == ".parquet":
        pq.write_table(table, out, compression="zstd")
    else:
        pacsv.write_csv(table, out)
    return out
