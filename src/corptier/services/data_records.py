"""The data page's records: the loads of each period with their reconciliation (read =
accepted + rejected per table), the closes and runs, and the quarantine rows of a table,
paged by DuckDB and limited to the reader's data scope."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from corptier.contract.quarantine import WARNINGS_FOLDER
from corptier.contract.schema import TABLES
from corptier.errors import NotFoundError, ParameterError
from corptier.periods import Period
from corptier.services.access import Principal, require
from corptier.store import UnitOfWork
from corptier.workspace import Workspace

RECORDS = 500
"""Newest table loads and runs the page lists."""
KINDS = {"rejected": "", "warnings": WARNINGS_FOLDER, "refused": "refused"}
"""Kind of quarantine file → its folder under quarantine/<period>/."""
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class TableLoad:
    table: str
    file: str
    read: int
    accepted: int
    rejected: int

    @property
    def reconciled(self) -> bool:
        return self.read == self.accepted + self.rejected


@dataclass(frozen=True)
class LoadRecord:
    """One load of one period: when, who, and each table's reconciliation."""

    load_id: str
    period: str
    loaded_at: datetime
    by: str | None
    tables: tuple[TableLoad, ...]

    @property
    def read(self) -> int:
        return sum(t.read for t in self.tables)

    @property
    def rejected(self) -> int:
        return sum(t.rejected for t in self.tables)


@dataclass(frozen=True)
class RunRecord:
    """One close of a period: its run, standard, when, who and status."""

    run_id: str
    period: str
    standard: str
    engine: str
    customers: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    by: str | None


@dataclass(frozen=True)
class QuarantineFile:
    period: str
    table: str
    kind: str


@dataclass(frozen=True)
class DataOverview:
    loads: list[LoadRecord]
    runs: list[RunRecord]
    quarantine: list[QuarantineFile]


@dataclass(frozen=True)
class QuarantinePage:
    """One page of a quarantine file's rows (row, column, reason, then the row's values as
    they were in the input); `scoped_out` when the reader's scope hides the whole file."""

    period: str
    table: str
    kind: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    total: int
    page: int
    size: int
    scoped_out: bool


def data_overview(ws: Workspace, who: Principal) -> DataOverview:
    """The newest loads and runs, and the quarantine files of the periods loaded."""
    require(who, "read_loads")
    with UnitOfWork(ws.db) as uow:
        loads = uow.loads.latest(RECORDS)
        runs = uow.runs.latest(RECORDS)
        loaders = _actors(uow.audit.latest(RECORDS, action="load_period"), "load_id")
        closers = _actors(uow.audit.latest(RECORDS, action="close"), "run_id")
        records = _group_loads(loads, loaders)
        run_rows = [RunRecord(r.run_id, r.period, f"{r.standard_id} {r.standard_version}",
                              r.engine, r.customers, r.status, r.started_at, r.finished_at,
                              closers.get(r.run_id)) for r in runs]
    periods = sorted({r.period for r in records}, reverse=True)
    return DataOverview(records, run_rows, [f for p in periods for f in _files(ws, p)])


def _actors(entries: list[Any], key: str) -> dict[str, str]:
    """The id under `key` of each audit entry's after-state → the entry's actor (oldest wins
    last, so the newest entry of an id names its actor)."""
    return {str(e.after[key]): e.actor for e in reversed(entries)
            if isinstance(e.after, dict) and key in e.after}


def _group_loads(rows: list[Any], loaders: dict[str, str]) -> list[LoadRecord]:
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.load_id, []).append(row)
    return [LoadRecord(load_id, group[0].period, group[0].loaded_at, loaders.get(load_id),
                       tuple(TableLoad(r.table_name, Path(r.source).name, r.rows_read,
                                       r.rows_accepted, r.rows_rejected)
                             for r in sorted(group, key=lambda r: r.table_name)))
            for load_id, group in grouped.items()]


def _files(ws: Workspace, period: str) -> list[QuarantineFile]:
    found = []
    for kind, sub in KINDS.items():
        folder = ws.quarantine_dir / period / sub
        found += [QuarantineFile(period, f.stem, kind) for f in sorted(folder.glob("*.csv"))
                  if f.stem in TABLES]
    return found


def quarantine_rows(ws: Workspace, who: Principal, period: str, table: str,
                    kind: str = "rejected", page: int = 1, size: int = 50) -> QuarantinePage:
    """One page of the quarantine rows of `table` in `period`, in row order. A reader with a
    data scope sees only the rows of their customers (by customer id); a table without
    customer ids is shown to bank-wide readers only."""
    import duckdb

    from corptier.services.book import scope_subquery

    require(who, "read_loads")
    path = _quarantine_path(ws, period, table, kind)
    if not 1 <= size <= MAX_PAGE_SIZE or page < 1:
        raise ParameterError("page must be 1 or more and page size 1 to {limit}",
                             limit=MAX_PAGE_SIZE)
    empty = QuarantinePage(str(Period(period)), table, kind, [], [], 0, page, size, True)
    source, params = "read_csv($p, header = true, all_varchar = true) q", {"p": str(path)}
    con = duckdb.connect()
    try:
        columns = [d[0] for d in con.execute(f"SELECT * FROM {source} LIMIT 0",
                                             params).description]
        scope = scope_subquery(ws, who)
        if scope is not None and "customer_id" not in columns:
            return replace(empty, columns=columns)
        where = "TRUE" if scope is None else f"customer_id IN ({scope[0]})"
        params.update({} if scope is None else scope[1])
        total = con.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()
        rows = con.execute(
            f"SELECT * FROM {source} WHERE {where} "
            "ORDER BY TRY_CAST(\"row\" AS BIGINT), \"column\" "
            f"LIMIT {size} OFFSET {(page - 1) * size}", params).fetchall()
    finally:
        con.close()
    return replace(empty, columns=columns, rows=rows, total=int(total[0]) if total else 0,
                   scoped_out=False)


def _quarantine_path(ws: Workspace, period: str, table: str, kind: str) -> Path:
    p = Period(period)
    if table not in TABLES:
        raise NotFoundError("no quarantine file of table {table} in {period}",
                            table=table[:40], period=p)
    if kind not in KINDS:
        raise ParameterError("the quarantine kind must be one of {kinds}; got {kind!r}",
                             kinds=", ".join(KINDS), kind=kind[:20])
    path = ws.quarantine_dir / str(p) / KINDS[kind] / f"{table}.csv"
    if not path.is_file():
        raise NotFoundError("no quarantine file of table {table} in {period}", table=table,
                            period=p)
    return path
