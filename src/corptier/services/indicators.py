"""Indicator snapshots: compute a period's customer and group indicators and register the run;
copy a snapshot to a file the user names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from corptier.csv_safety import BOM, neutralise_arrow
from corptier.engine import IndicatorResult
from corptier.engine import compute_indicators as compute_snapshot
from corptier.errors import ParameterError
from corptier.periods import Period
from corptier.private_files import make_private
from corptier.services.outputs import writing_file
from corptier.services.progress import stage, step
from corptier.store import UnitOfWork
from corptier.store.models import IndicatorRun
from corptier.workspace import Workspace

EXPORT_FORMATS = (".parquet", ".csv")


@stage("indicators {period}", rows=lambda result: result.customers)
def compute_indicators(ws: Workspace, period: str, engine: str | None = None, *,
                       spark_session: Any = None) -> IndicatorResult:
    """Compute and write the customer and group snapshots of `period` and register the run
    (one per period and engine, replaced on re-run: same inputs, same bytes)."""
    from corptier.services.recovery import writing

    p = Period(period)
    with writing(ws, f"indicators {p}"):
        step("snapshot")
        result = compute_snapshot(ws, p, engine, spark_session=spark_session)
        step("register", rows=result.customers)
        with UnitOfWork(ws.db) as uow:
            uow.indicator_runs.replace(indicator_run(ws, result))
    return result


def indicator_run(ws: Workspace, result: IndicatorResult) -> IndicatorRun:
    """The app-database record of a written snapshot."""
    return IndicatorRun(
        period=result.period, engine=result.engine,
        input_fingerprint=result.input_fingerprint, config_hash=result.config_hash,
        code_version=result.code_version,
        customer_path=str(result.customer_path.relative_to(ws.root)),
        group_path=str(result.group_path.relative_to(ws.root)),
        customers=result.customers, groups=result.groups,
        created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
    )


def export_snapshot(result: IndicatorResult, out: Path | str) -> Path:
    """Copy the customer snapshot (already sorted by customer_id) to `out`: Parquet with the
    snapshot's schema, or CSV (UTF-8 with the byte order mark, header, money as plain
    decimals, text that a spreadsheet would run as a formula prefixed with `'`)."""
    out = Path(out)
    if out.suffix.lower() not in EXPORT_FORMATS:
        raise ParameterError("the snapshot file must end in .parquet or .csv; got {name!r}",
                             name=out.name)
    table = pq.read_table(result.customer_path)
    with writing_file(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".parquet":
            pq.write_table(table, out, compression="zstd")
        else:
            with out.open("wb") as handle:
                handle.write(BOM)
                pacsv.write_csv(neutralise_arrow(table), handle)
        make_private(out)
    return out
