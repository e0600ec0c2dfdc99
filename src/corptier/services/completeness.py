"""The archive's completeness score (档案完整度) of the whole book in one engine pass, per
customer and on average per tier, RM and sub-branch (`corptier.crm.completeness` holds the rules).

The score is of a closed period: its customers and published tiers, the contacts verified by
its end, the visits and survey answers up to its end, and the visit cadence of the service
catalogue its plans applied (no visit item before the period has plans). The app database is
read with one bulk query per table; DuckDB does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pyarrow as pa

from corptier.crm.completeness import (
    FILE_NAME,
    SCORE_COLUMNS,
    CompletenessRules,
    completeness,
    default_completeness_path,
    load_completeness_rules,
)
from corptier.errors import NotFoundError, RequestError
from corptier.periods import Period
from corptier.store import UnitOfWork
from corptier.workspace import PUBLISHED_TIERS, Workspace

if TYPE_CHECKING:
    import pandas as pd

BY = ("tier", "rm", "sub_branch")
_BY_COLUMN = {"tier": "tier", "rm": "rm_id", "sub_branch": "sub_branch"}
CUSTOMERS = "customers"
BATCH_ROWS = 100_000


@dataclass(frozen=True)
class Completeness:
    """One customer's score: items that apply, items met, the score (0–100; None without
    items) and the items missing (`field:uscc`, `contact:finance_head`, `visit`, `survey`)."""

    customer_id: str
    period: str
    tier: str | None
    items: int
    met: int
    score: float | None
    missing: tuple[str, ...]


def completeness_rules_path(ws: Workspace, path: Path | str | None = None) -> Path:
    """`path`, else the workspace's `standards/completeness.yaml`, else the shipped rules."""
    if path is not None:
        return Path(path)
    own = ws.standards_dir / FILE_NAME
    return own if own.is_file() else default_completeness_path()


def completeness_rules(ws: Workspace, path: Path | str | None = None) -> CompletenessRules:
    """The completeness rules (see `completeness_rules_path`); errors name file and line."""
    return load_completeness_rules(completeness_rules_path(ws, path))


def completeness_scores(ws: Workspace, period: str | None = None, *,
                        customer_ids: list[str] | None = None) -> pa.Table:
    """Every customer's score of `period` (default: the latest closed one) as Arrow columns
    SCORE_COLUMNS, by customer id; only `customer_ids` when given."""
    from corptier.engine import connect

    p = _period(ws, period)
    with connect(ws, "duckdb") as con:
        expr = _score_expr(ws, con, p, customer_ids).order_by("customer_id")
        table: pa.Table = con.batches(expr, BATCH_ROWS).read_all()
    return table.select(list(SCORE_COLUMNS))


def _score_expr(ws: Workspace, con: Any, p: Period, customer_ids: list[str] | None) -> Any:
    """The score expression of period `p` on the engine `con` (see the module's note)."""
    rules = completeness_rules(ws)
    as_of = p.month_end
    until = datetime.combine(as_of + timedelta(days=1), time())
    ids = None if customer_ids is None else sorted(set(customer_ids))
    with UnitOfWork(ws.db) as uow:
        contacts = uow.contacts.verified_roles(as_of, ids)
        visits = uow.interactions.visit_columns(as_of, as_of, ids) or {
            "customer_id": [], "last_visit": []}
        surveys = uow.surveys.last_answers(until, ids)
        stored = uow.service_plans.run_catalogue(str(p))
    from corptier.services.alert_archive import _cadence

    customers = con.read_parquet(ws.partition_file(CUSTOMERS, p))
    if ids is not None:
        customers = customers.filter(customers.customer_id.cast("string").isin(ids))
    tiers_file = ws.partition_file(PUBLISHED_TIERS, p)
    tiers = (con.read_parquet(tiers_file) if tiers_file.is_file()
             else ibis.memtable(pa.table({"customer_id": pa.array([], pa.string()),
                                          "applied_tier": pa.array([], pa.string())})))
    return completeness(
        customers, tiers,
        ibis.memtable(pa.table({"customer_id": pa.array(contacts["customer_id"], pa.string()),
                                "role": pa.array(contacts["role"], pa.string())})),
        ibis.memtable(pa.table({"customer_id": pa.array(visits["customer_id"], pa.string()),
                                "last_visit": pa.array(visits["last_visit"], pa.date32())})),
        None if stored is None else _cadence(ws, stored, []),
        ibis.memtable(pa.table({
            "customer_id": pa.array(surveys["customer_id"], pa.string()),
            "last_answer": pa.array([d.date() for d in surveys["last_answer"]],
                                    pa.date32())})),
        rules, as_of)


def customer_completeness(ws: Workspace, customer_id: str,
                          period: str | None = None) -> Completeness:
    """One customer's score and what is missing (NotFoundError when it is not a customer of
    the period)."""
    p = _period(ws, period)
    rows = completeness_scores(ws, str(p), customer_ids=[customer_id]).to_pylist()
    if not rows:
        raise NotFoundError("customer {customer} is not among the customers of {period}",
                            customer=customer_id, period=p)
    row = rows[0]
    return Completeness(customer_id, str(p), row["tier"], row["items"], row["met"],
                        row["score"], tuple(m for m in row["missing"].split("; ") if m))


def completeness_by(ws: Workspace, by: str = "tier", period: str | None = None
                    ) -> pd.DataFrame:
    """The average score per tier, RM or sub-branch: (by, customers, average, complete: how
    many score 100), ordered by the key."""
    if by not in BY:
        raise RequestError("unknown grouping '{by}'; use one of {groupings}", by=by,
                           groupings=", ".join(BY))
    return completeness_groups(ws, period, (by,))[by]


def completeness_groups(ws: Workspace, period: str | Period | None = None,
                        groupings: tuple[str, ...] = BY) -> dict[str, pd.DataFrame]:
    """`completeness_by` of each grouping, from one read of the app database and one engine
    session (the report's relationship section)."""
    from corptier.engine import connect

    p = _period(ws, None if period is None else str(period))
    out = {}
    with connect(ws, "duckdb") as con:
        t = _score_expr(ws, con, p, None)
        for by in groupings:
            grouped = t.group_by(key=t[_BY_COLUMN[by]]).aggregate(
                customers=t.count(), average=t.score.mean().round(1),
                complete=(t.score >= 100).cast("int64").sum()).order_by("key")
            frame = con.batches(grouped, BATCH_ROWS).read_all().to_pandas()
            out[by] = frame.rename(columns={"key": by})
    return out


def _period(ws: Workspace, period: str | None) -> Period:
    """`period`, else the latest closed one, else the latest loaded one."""
    if period is not None:
        p = Period.parse(period)
        if not ws.partition_file(CUSTOMERS, p).is_file():
            raise NotFoundError("no customers are loaded for {period}", period=p)
        return p
    with UnitOfWork(ws.db) as uow:
        closed = uow.runs.published_periods()
    if closed:
        return Period.parse(max(closed))
    loaded = ws.periods(CUSTOMERS)
    if not loaded:
        raise NotFoundError("no period is loaded yet; load one with 'corptier load'")
    return Period.parse(str(loaded[-1]))
