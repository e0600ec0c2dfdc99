"""A tiny hand-built RM book for the portfolio tests (tests/services/test_staff_portfolio.py
works its numbers by hand): migration, contribution now and a year earlier, service tasks and
NPS answers written directly."""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from corptier.store import UnitOfWork
from corptier.store.models import ServiceTask, SurveyCampaign
from corptier.workspace import CUSTOMER_INDICATORS, Workspace
from service_book import STAFF_CERTS, STAFF_MANAGERS, publish, write_table

P = "2026-09"
BOOK = [("C1", "strategic", "core", "up", "RM01"), ("C2", "strategic", "strategic", "same", "RM01"),
        ("C3", "core", "strategic", "down", "RM01"), ("C4", "core", None, "new", "RM02"),
        ("C5", "basic", "basic", "same", "RM02"), ("C6", "growth", "basic", "up", "RM02"),
        ("C7", "key", "key", "same", "RM03"), ("C8", "key", "core", "down", "RM03"),
        ("C9", "key", "key", "same", None), ("C10", "basic", "basic", "same", "RM99")]
NOW = {"C1": 100, "C2": 200, "C3": 50, "C4": 10, "C5": 5, "C6": 20, "C7": 30, "C8": -10}
YEAR_AGO = {"C1": 80, "C2": 170, "C5": 10, "C6": 0, "C7": 40, "C8": 10}


def _indicators(ws: Workspace, period: str, values: dict[str, int]) -> None:
    path = ws.partition_file(CUSTOMER_INDICATORS, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"customer_id": list(values),
                             "contribution": [float(v) for v in values.values()]}), path)


def _task(rm: str, customer: str, due: date, status: str = "open",
          done_on: date | None = None) -> ServiceTask:
    return ServiceTask(period=P, customer_id=customer, kind=f"visit-{due.isoformat()}", tier="core",
                       rm_id=rm, due_date=due, status=status, done_on=done_on)


def _campaign(uow: UnitOfWork, period: str, scores: dict[str, int]) -> None:
    at = datetime(2026, 9, 1)
    campaign = uow.surveys.add_campaign(SurveyCampaign(
        name=f"survey {period}", questionnaire_id="q", questionnaire_version="1",
        questionnaire={"questions": [{"id": "nps", "kind": "nps"}]}, period=period,
        target={}, targeted=len(scores), created_by="alice", created_at=at))
    uow.surveys.add_answers([{"campaign_id": campaign.id, "customer_id": c,
                              "question_id": "nps", "number": n, "source": "test.csv:2",
                              "created_by": "alice", "created_at": at}
                             for c, n in scores.items()])


def write_portfolio_book(ws: Workspace) -> None:
    """Publish BOOK with the roster, indicators, tasks and survey answers of the module doc."""
    publish(ws, P, [(c, t, prev, m, rm) for c, t, prev, m, rm in BOOK])
    write_table(ws, "relationship_managers", P, STAFF_MANAGERS)
    write_table(ws, "rm_certifications", P, STAFF_CERTS)
    _indicators(ws, P, NOW)
    _indicators(ws, "2025-09", YEAR_AGO)
    _indicators(ws, "2026-08", {c: 1 for c in NOW})  # the year-ago base wins over it
    with UnitOfWork(ws.db) as uow:
        uow.session.add_all([
            _task("RM01", "C1", date(2026, 9, 10), "done", date(2026, 9, 8)),   # on time
            _task("RM01", "C2", date(2026, 9, 15), "done", date(2026, 9, 20)),  # late
            _task("RM01", "C3", date(2026, 9, 20)),                            # overdue
            _task("RM01", "C3", date(2026, 10, 20)),                           # due later
            _task("RM02", "C4", date(2026, 9, 30)),                            # overdue
            _task("RM03", "C7", date(2026, 9, 12), "superseded")])
        _campaign(uow, "2026-03", {"C2": 5})
        _campaign(uow, "2026-08", {"C1": 10, "C2": 9, "C3": 6, "C4": 8})
        _campaign(uow, "2026-10", {"C7": 0})  # after the period: not counted
