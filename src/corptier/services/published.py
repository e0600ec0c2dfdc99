"""What a close published: the tiers of a period (as a table or as CSV/JSON text) and one
customer's explanation. Every reader goes through `read_published`, which checks that the
Parquet export is the run the app database says is published."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from corptier.csv_safety import neutralise
from corptier.errors import NotFoundError, ParameterError
from corptier.periods import Period
from corptier.store import UnitOfWork
from corptier.store.models import TierRun
from corptier.tiering import Standard
from corptier.tiering import overrides as rules
from corptier.tiering.explanations import explain_published
from corptier.workspace import PUBLISHED_TIERS, Workspace

if TYPE_CHECKING:
    import pandas as pd

EXPORT_COLUMNS = (
    "customer_id",
    "computed_tier",
    "applied_tier",
    "score",
    "dimension_scores",
    "flags",
    "migration",
    "previous_tier",
    "needs_segment",
    "behaviour_state",
)
FORMATS = ("csv", "json")
CUSTOMERS = "customers"
EXPORT_METADATA = b"corptier.close"
"""Key of the export's Parquet metadata: what the close keeps with it (`export_metadata`)."""


@dataclass(frozen=True)
class RunInfo:
    """The published run of a period."""

    run_id: str
    period: str
    standard_id: str
    standard_version: str
    standard_hash: str
    input_fingerprint: str
    engine: str
    customers: int
    published_at: str | None


@dataclass(frozen=True)
class Published:
    """A period's published run and (some of) its per-customer results."""

    run: RunInfo
    table: pa.Table

    def to_pandas(self) -> pd.DataFrame:
        return self.table.to_pandas()


@dataclass(frozen=True)
class Explanation:
    """How one customer's published tier came about: the data, and the text in a language."""

    customer_id: str
    period: str
    run_id: str
    data: dict[str, Any]
    text: str


def published_run(ws: Workspace, period: str) -> RunInfo:
    """The published run of `period`; NotFoundError when it has not been closed."""
    with UnitOfWork(ws.db) as uow:
        return _info(published_run_record(uow, Period(period)))


def read_published(ws: Workspace, period: str, columns: Sequence[str] | None = None, *,
                   customer_id: str | None = None) -> Published:
    """The published results of `period` (sorted by customer id), all columns or `columns`,
    all customers or one."""
    p = Period(period)
    with UnitOfWork(ws.db) as uow:
        run = _info(published_run_record(uow, p))
    return Published(run, read_export(ws, run, columns, customer_id=customer_id))


def read_export(ws: Workspace, run: RunInfo | TierRun, columns: Sequence[str] | None = None,
                *, customer_id: str | None = None) -> pa.Table:
    """The Parquet export of the published `run`; NotFoundError when the file is missing or
    holds another run than the one the app database says is published."""
    p = Period(run.period)
    path = ws.partition_file(PUBLISHED_TIERS, p)
    if not path.is_file():
        raise NotFoundError("the published tiers of {period} are missing ({path}); close {period} "
                            "again", period=p, path=path)
    wanted = None if columns is None else list(dict.fromkeys(["run_id", *columns]))
    if customer_id is None:
        table = pq.ParquetFile(path).read(columns=wanted)
    else:
        table = read_matching(path, wanted, "customer_id", customer_id)
    found = set(table.column("run_id").unique().to_pylist())
    if found - {run.run_id}:
        raise NotFoundError("the published tiers of {period} are from run {found}, but the app "
                            "database says run {run_id} is published; close {period} again",
                            period=p, found=sorted(found)[0], run_id=run.run_id)
    if columns is not None and "run_id" not in columns:
        table = table.drop_columns(["run_id"])
    return table


def published_tiers(ws: Workspace, period: str) -> pd.DataFrame:
    """The published tiers of `period` as a DataFrame, one row per customer (override_id a
    nullable integer)."""
    import pandas as pd

    table = read_published(ws, period).table
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)


def export_tiers(ws: Workspace, period: str, fmt: str = "csv") -> str:
    """The published result as CSV or JSON text: same close, same bytes (CSV text that a
    spreadsheet would run as a formula prefixed with `'`)."""
    if fmt not in FORMATS:
        raise ParameterError("the export format must be csv or json; got {fmt!r}", fmt=fmt)
    published = read_published(ws, period, _export_columns(ws, Period(period)))
    run, rows = published.run, _export_rows(published.table)
    if fmt == "json":
        doc = {
            "period": run.period,
            "run_id": run.run_id,
            "standard": {"id": run.standard_id, "version": run.standard_version},
            "count": len(rows),
            "data": rows,
        }
        return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    dims = sorted({k for r in rows for k in r["dimension_scores"]})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = [c for c in EXPORT_COLUMNS if c != "dimension_scores"]
    writer.writerow([*header[:4], *(f"score_{d}" for d in dims), *header[4:]])
    for r in rows:
        dim_values = [_cell(r["dimension_scores"].get(d)) for d in dims]
        writer.writerow([neutralise(cell) for cell in (
            r["customer_id"], r["computed_tier"], r["applied_tier"], _cell(r["score"]),
            *dim_values, ";".join(r["flags"]), r["migration"], _cell(r["previous_tier"]),
            _cell(r["needs_segment"]), _cell(r["behaviour_state"]),
        )])
    return buffer.getvalue()


def explain_customer(ws: Workspace, customer: str, period: str,
                     lang: str | None = None) -> Explanation:
    """How one customer's published tier came about, rendered on demand from its published row
    (the only row read) and the run's standard, with its text in `lang` (default: the
    workspace's language). `customer` is a customer id, a USCC or an exact registered name;
    a name several customers share is refused with the candidates listed."""
    from corptier.report.explanation import render_explanation

    p = Period(period)
    with UnitOfWork(ws.db) as uow:
        record = published_run_record(uow, p)
        run, standard = _info(record), standard_of(record)
    identity = find_customer(ws, p, customer)
    table = read_export(ws, run, customer_id=identity.customer_id)
    if table.num_rows == 0:
        raise NotFoundError("customer {customer} is not in the close of {period} (run {run_id})",
                            customer=identity.customer_id, period=run.period, run_id=run.run_id)
    meta = export_metadata(ws.partition_file(PUBLISHED_TIERS, p))
    data = explain_published(table.to_pylist()[0], standard, meta.get("previous_period"),
                             meta.get("bgnbd_model"))
    data.update(run_id=run.run_id, period=run.period, name=identity.name, uscc=identity.uscc)
    if data["override"] is not None:
        data["override"].update(_override_facts(ws, data["override"]["id"]))
    text = render_explanation(data, lang or ws.config.workspace.language)
    return Explanation(identity.customer_id, run.period, run.run_id, data, text)


@dataclass(frozen=True)
class CustomerIdentity:
    """A customer as the period's customer file names it."""

    customer_id: str
    name: str | None
    uscc: str | None


def find_customer(ws: Workspace, period: Period, query: str) -> CustomerIdentity:
    """The customer of `period` whose id, USCC or exact registered name is `query` (matched in
    that order); NotFoundError when none is, ParameterError listing them when a name is shared
    by several customers. Reads only the matching rows of the period's customer file."""
    text = query.strip()
    path = ws.partition_file(CUSTOMERS, period)
    if not text:
        raise ParameterError("name a customer: its id, USCC or registered name")
    if not path.is_file():
        return CustomerIdentity(text, None, None)
    for column in ("customer_id", "uscc", "name"):
        found = read_matching(path, ["customer_id", "name", "uscc"], column, text).to_pylist()
        if len(found) == 1:
            return CustomerIdentity(**found[0])
        if len(found) > 1:
            listed = "; ".join(f"{r['customer_id']} {r['uscc'] or ''}".strip()
                               for r in sorted(found, key=lambda r: r["customer_id"])[:20])
            raise ParameterError("{count} customers of {period} are named {text!r}: {listed}; "
                                 "give the customer id or USCC", count=len(found), period=period,
                                 text=text, listed=listed)
    raise NotFoundError("no customer of {period} has the id, USCC or name {text!r}", period=period,
                        text=text)


def read_matching(path: Path, columns: Sequence[str] | None, column: str, value: str) -> pa.Table:
    """The rows of a Parquet file whose text `column` is `value` (`columns` of them, or all),
    reading only the row groups whose min/max statistics may hold it: the filter pushdown of
    `pq.read_table(filters=…)` without importing `pyarrow.dataset` and Acero."""
    handle = pq.ParquetFile(path)
    meta = handle.metadata
    at = [meta.row_group(0).column(j).path_in_schema for j in range(meta.num_columns)].index(
        column) if meta.num_row_groups else -1
    groups = [i for i in range(meta.num_row_groups)
              if _may_hold(meta.row_group(i).column(at).statistics, value)]
    wanted = None if columns is None else list(dict.fromkeys([*columns, column]))
    table = handle.read_row_groups(groups, columns=wanted)
    table = table.filter(pc.equal(table[column], value))
    return table if columns is None or column in columns else table.drop_columns([column])


def _may_hold(stats: Any, value: str) -> bool:
    if stats is None or not stats.has_min_max:
        return True
    low, high = stats.min, stats.max
    return not (isinstance(low, str) and isinstance(high, str)) or low <= value <= high


def export_metadata(path: Path) -> dict[str, Any]:
    """What a close keeps with its export (the previous close's period, the fitted
    silent-attrition model, the run id); {} for an export without it."""
    raw = (pq.read_schema(path).metadata or {}).get(EXPORT_METADATA)
    return {} if raw is None else dict(json.loads(raw))


def history_files(ws: Workspace, runs: Sequence[TierRun]) -> list[tuple[str, Path]]:
    """The exports of the published `runs` (period, path) where the next close's hysteresis and
    migration start from; NotFoundError when one is missing, holds another run or was written
    before exports kept the hysteresis state as columns."""
    files = []
    for run in runs:
        path = ws.partition_file(PUBLISHED_TIERS, run.period)
        if not path.is_file():
            raise NotFoundError("the published tiers of {period} are missing ({path}); close "
                                "{period} again", period=run.period, path=path)
        if export_metadata(path).get("run_id") != run.run_id:
            raise NotFoundError("the published tiers of {period} are not those of run {run_id} "
                                "(or were written by an older corptier); close {period} again",
                                period=run.period, run_id=run.run_id)
        files.append((run.period, path))
    return files


def _override_facts(ws: Workspace, override_id: int) -> dict[str, Any]:
    with UnitOfWork(ws.db) as uow:
        o = uow.overrides.get(override_id)
        if o is None:
            return {}
        start = rules.starts_on(o)
        return {"reason": o.reason, "approved_by": o.decided_by,
                "valid_from": None if start is None else start.isoformat(),
                "valid_until": o.valid_until.isoformat()}


def published_run_record(uow: UnitOfWork, period: Period) -> TierRun:
    """The published run of `period`, or a clear error saying to close it first."""
    run = uow.runs.published(period)
    if run is None:
        raise NotFoundError("period {period} has not been closed; close it first", period=period)
    return run


def standard_of(run: TierRun) -> Standard:
    if run.standard is None:
        raise NotFoundError("run {run_id} of {period} does not keep its standard (it was "
                            "published before runs kept them); close {period} again",
                            run_id=run.run_id, period=run.period)
    return Standard.model_validate(run.standard)


def _info(run: TierRun) -> RunInfo:
    return RunInfo(run.run_id, run.period, run.standard_id, run.standard_version,
                   run.standard_hash, run.input_fingerprint, run.engine, run.customers,
                   None if run.finished_at is None else run.finished_at.isoformat())


def _export_columns(ws: Workspace, period: Period) -> list[str] | None:
    """The columns of the export file the CSV / JSON export shows (its own and each dimension's
    score), so that the points and indicator values behind them are not read; None (all)
    when there is no file (`read_published` then says so)."""
    path = ws.partition_file(PUBLISHED_TIERS, period)
    if not path.is_file():
        return None
    return [c for c in pq.read_schema(path).names if c in EXPORT_COLUMNS or c.startswith("dim_")]


def _export_rows(table: pa.Table) -> list[dict[str, Any]]:
    dims = [c for c in table.column_names if c.startswith("dim_")]
    out = []
    for r in table.to_pylist():
        out.append({
            "customer_id": r["customer_id"],
            "computed_tier": r["computed_tier"],
            "applied_tier": r["applied_tier"],
            "score": _score(r["score"]),
            "dimension_scores": {d.removeprefix("dim_"): _round(r[d]) for d in sorted(dims)},
            "flags": [f for f in (r["flags"] or "").split(",") if f],
            "migration": r["migration"],
            "previous_tier": r["previous_tier"],
            "needs_segment": r["needs_segment"],
            "behaviour_state": r["behaviour_state"],
        })
    return out


_FOUR = Decimal("0.0001")


def _score(value: float | None) -> str | None:
    if value is None:
        return None
    return format(Decimal(repr(round(value, 4))).quantize(_FOUR), "f")


def _round(value: Any) -> Any:
    return None if value is None else round(float(value), 4)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
