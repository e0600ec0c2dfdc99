"""Each RM's portfolio (`corptier staff portfolio`): the book by tier and weighted load
against capacity (the roster), the tier migration of the book, the contribution growth of
the RM's customers, the SLA of their service tasks and their customers' NPS.

One engine pass over the published Parquet (tiers, customers with the approved RM
assignments, indicators of the period and of the base period) and two aggregates of the app
database (tasks due in the period by RM, NPS answers): no per-customer Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from corptier.periods import Period
from corptier.services.staff import BATCH_ROWS, RosterRow, staff_roster
from corptier.staff import portfolio, workload
from corptier.store import UnitOfWork
from corptier.workspace import CUSTOMER_INDICATORS, PUBLISHED_TIERS, Workspace

CONTRIBUTION = pa.schema([("customer_id", pa.string()), ("contribution", pa.float64())])
NPS = pa.schema([("customer_id", pa.string()), ("campaign_period", pa.string()),
                 ("answered_at", pa.timestamp("us")), ("answer_id", pa.int64()),
                 ("score", pa.int64())])


@dataclass(frozen=True)
class RmPortfolio:
    """One RM's portfolio in a period."""

    rm_id: str
    name: str
    grade: str
    team: str | None
    sub_branch: str
    book: tuple[tuple[str, int], ...]
    customers: int
    load: float
    capacity: int | None
    utilisation: float | None
    upgraded: int
    downgraded: int
    kept: int
    new: int
    """Customers of the book by tier migration against the previous period."""
    contribution: float | None
    """Σ contribution (综合贡献) of the book in the period."""
    compared: int
    """Customers of the book with a contribution both now and in the base period."""
    contribution_growth: float | None
    """Σ now / Σ base − 1 over the compared customers (None: none, or a base ≤ 0)."""
    tasks_due: int
    tasks_on_time: int
    sla: float | None
    """Tasks done on time / tasks due (done or past due) among those due in the period."""
    nps_answers: int
    nps: float | None
    """% promoters − % detractors of the book's customers' latest NPS answers."""


@dataclass(frozen=True)
class StaffPortfolio:
    period: str
    base_period: str | None
    """The same customers' contribution is compared with this period: a year earlier when
    its indicators exist, else the previous period (None: neither)."""
    tiers: tuple[str, ...]
    rows: tuple[RmPortfolio, ...]


def utc_now() -> datetime:
    return datetime.now(UTC)


def staff_portfolio(ws: Workspace, period: str | None = None,
                    rm_ids: Sequence[str] | None = None, rules_path: Path | str | None = None,
                    *, clock: Any = utc_now) -> StaffPortfolio:
    """Each RM's portfolio KPIs of a closed period (of `rm_ids` only, when given)."""
    roster = staff_roster(ws, period, rules_path)
    p = Period.parse(roster.period)
    base = _base_period(ws, p)
    wanted = None if rm_ids is None else set(rm_ids)
    rows = [r for r in roster.rows if wanted is None or r.rm_id in wanted]
    stats = _engine_pass(ws, p, base)
    today = _naive(clock()).date()
    with UnitOfWork(ws.db) as uow:
        tasks = uow.service_plans.kpi_rows(p.start, p.month_end, "rm", today)
    due = dict(zip(tasks["key"], tasks["due"], strict=True))
    on_time = dict(zip(tasks["key"], tasks["on_time"], strict=True))
    return StaffPortfolio(str(p), None if base is None else str(base), roster.tiers, tuple(
        _row(r, stats.get(r.rm_id, {}), int(due.get(r.rm_id) or 0),
             int(on_time.get(r.rm_id) or 0)) for r in rows))


def _engine_pass(ws: Workspace, p: Period, base: Period | None) -> dict[str, dict[str, Any]]:
    from corptier.engine import connect
    from corptier.services.rm_assignments import assigned_rms

    with UnitOfWork(ws.db) as uow:
        questions = uow.surveys.nps_questions(str(p))
        answers = uow.surveys.nps_columns(questions) if questions else None
    with connect(ws, "duckdb") as con:
        published = con.read_parquet(ws.partition_file(PUBLISHED_TIERS, p))
        customers = workload.with_assigned_rm(
            con.read_parquet(ws.partition_file("customers", p)),
            ibis.memtable(assigned_rms(ws, p)))
        c = customers.select(_cid=customers.customer_id.cast("string"), rm_id=customers.rm_id)
        j = published.left_join(c, published.customer_id.cast("string") == c._cid)
        migration = (j.migration.cast("string") if "migration" in j.columns
                     else ibis.null("string"))
        book = j.select(customer_id=j.customer_id.cast("string"), rm_id=j.rm_id,
                        migration=migration)
        table = portfolio.portfolio_table(
            book, _contribution(con, ws, p), _contribution(con, ws, base),
            portfolio.latest_nps(ibis.memtable(pa.table(answers or {n: [] for n in NPS.names},
                                                        schema=NPS))))
        found = con.batches(table, BATCH_ROWS).read_all().to_pylist()
    return {r["rm_id"]: r for r in found if r["rm_id"] is not None}


def _contribution(con: Any, ws: Workspace, p: Period | None) -> Any:
    path = None if p is None else ws.partition_file(CUSTOMER_INDICATORS, p)
    if path is None or not path.is_file():
        return ibis.memtable(CONTRIBUTION.empty_table())
    found = con.read_parquet(path)
    if "contribution" not in found.columns:
        return ibis.memtable(CONTRIBUTION.empty_table())
    return found.select(customer_id=found.customer_id.cast("string"),
                        contribution=found.contribution.cast("float64"))


def _base_period(ws: Workspace, p: Period) -> Period | None:
    """A year earlier when its indicators exist, else the previous period, else None."""
    for candidate in (p.shift(-12), p.shift(-1)):
        if ws.partition_file(CUSTOMER_INDICATORS, candidate).is_file():
            return candidate
    return None


def _row(r: RosterRow, s: dict[str, Any], due: int, on_time: int) -> RmPortfolio:
    now, base = s.get("contribution_now"), s.get("contribution_base")
    growth = float(now) / float(base) - 1 if now is not None and base else None
    answers = int(s.get("nps_answers") or 0)
    nps = (100.0 * (int(s["promoters"]) - int(s["detractors"])) / answers if answers
           else None)
    return RmPortfolio(
        r.rm_id, r.name, r.grade, r.team, r.sub_branch, r.book, r.customers, r.load,
        r.capacity, r.utilisation, int(s.get("upgraded") or 0),
        int(s.get("downgraded") or 0), int(s.get("kept") or 0), int(s.get("new") or 0),
        None if s.get("contribution") is None else float(s["contribution"]),
        int(s.get("compared") or 0), growth if base is None or base > 0 else None,
        due, on_time, on_time / due if due else None, answers, nps)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
