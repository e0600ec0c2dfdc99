"""The figures of the dashboard and the RM workbench for one user: tier pyramid and its change,
migration, contribution by tier, top movers, the latest load's data quality, pending approvals;
all computed by DuckDB over the user's scope of the published book."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corptier.errors import NotFoundError
from corptier.periods import Period
from corptier.services.access import Principal, require
from corptier.services.book import _Book, published_periods
from corptier.store import UnitOfWork
from corptier.workspace import Workspace

TOP_MOVERS = 10
TIERS_ONLY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TierName:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Dashboard:
    period: str
    previous_period: str | None
    tiers: list[TierName]
    """The run's standard's tiers, best first."""
    counts: dict[str, int]
    previous_counts: dict[str, int]
    migration: dict[tuple[str, str], int]
    """(tier last period or "new", tier now) → customers."""
    contribution: dict[str, float]
    movers: list[dict[str, Any]]
    flagged: dict[str, int]
    pending_overrides: int
    quality: list[dict[str, Any]]


def tier_names(ws: Workspace, period: str) -> list[TierName]:
    """The tiers of the standard `period` was closed under, best first."""
    from corptier.services.standards import standard_of

    with UnitOfWork(ws.db) as uow:
        run = uow.runs.published(Period(period))
        if run is None:
            raise NotFoundError("period {period} has not been closed; close it first",
                                period=period)
        standard = standard_of(run)
    return [TierName(t.code, t.name_zh, t.name_en or t.code) for t in standard.tiers]


def dashboard(ws: Workspace, who: Principal, period: str) -> Dashboard:
    """The dashboard of `period` over the customers `who` sees."""
    require(who, "read_book")
    from corptier.services.scoped_overrides import scoped_overrides

    with _Book(ws, who, period, joins=TIERS_ONLY) as book:
        counts = _pairs(book, "SELECT applied_tier, count(*) FROM book GROUP BY 1")
        migration = {(str(a), str(b)): int(n) for a, b, n in book.con.execute(
            "SELECT coalesce(previous_tier, 'new'), applied_tier, count(*) FROM book "
            "GROUP BY 1, 2").fetchall()}
        flagged = _pairs(book, "SELECT f, count(*) FROM (SELECT unnest(string_split(flags, "
                               "',')) AS f FROM book WHERE coalesce(flags, '') <> '') GROUP BY 1")
        period = book.period
    with _Book(ws, who, period, joins=frozenset({"i"})) as book:
        contribution = _pairs(book, "SELECT applied_tier, coalesce(sum(contribution), 0) "
                                    "FROM book GROUP BY 1")
    with _Book(ws, who, period) as book:
        movers = book.rows(
            "SELECT customer_id, name, previous_tier, applied_tier, migration, contribution "
            f"FROM book WHERE migration IN ('up', 'down') ORDER BY abs(coalesce(contribution, "
            f"0)) DESC, customer_id LIMIT {TOP_MOVERS}", {})
    previous = _previous(ws, period)
    previous_counts: dict[str, Any] = {}
    if previous is not None:
        with _Book(ws, who, previous, joins=TIERS_ONLY) as book:
            previous_counts = _pairs(book, "SELECT applied_tier, count(*) FROM book GROUP BY 1")
    pending = len(scoped_overrides(ws, who, "pending"))
    return Dashboard(period, previous, tier_names(ws, period),
                     {k: int(v) for k, v in counts.items()},
                     {k: int(v) for k, v in previous_counts.items()}, migration,
                     {k: float(v) for k, v in contribution.items()}, movers,
                     {k: int(v) for k, v in flagged.items()}, pending, _quality(ws, period))


def _pairs(book: _Book, sql: str) -> dict[str, Any]:
    return {str(k): v for k, v in book.con.execute(sql).fetchall()}


def _previous(ws: Workspace, period: str) -> str | None:
    earlier = [p for p in published_periods(ws) if p < period]
    return earlier[-1] if earlier else None


def _quality(ws: Workspace, period: str) -> list[dict[str, Any]]:
    with UnitOfWork(ws.db) as uow:
        loads = uow.loads.for_period(Period(period))
        return [{"table": r.table_name, "read": r.rows_read, "accepted": r.rows_accepted,
                 "rejected": r.rows_rejected} for r in loads]
