"""The report's relationship-management sections over a hand-built closed period (tests/
survey_book.py: C1 strategic RM01, C2 core RM02, C3 basic RM01, C4 basic RM02), with alerts,
service tasks, a roster and a survey campaign written directly; every number worked by hand.

Alerts first raised in 2026-01: C1 resolved before its escalation time, C2 resolved after it,
C4 still open, C3 dismissed; one more raised in 2025-12 is not counted.
Tasks of the 2026-01 plan due in 2026-01: C1 visit on time, C1 review late; C2 open and past
due; C3 on time on its due day; C4's superseded task is left out, its task due in February
counts as planned only.
Roster (shipped staff rules: weights strategic 10, core 5, basic 1): RM01 资深, capacity 40,
load 11; RM02 初级, capacity 5, load 6 (over); nobody holds a certification, so every
customer's RM lacks one (train), and C2's RM is below the core tier's grade (reassign).
Survey answers: C1 (5, 10), C2 (3, 6), C4 (4, 9).
"""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from corptier.periods import Period
from corptier.report.model import Relationship
from corptier.services import create_campaign, import_answers
from corptier.services.alerts import alert_counts
from corptier.services.report_relationship import relationship_sections
from corptier.store import UnitOfWork
from corptier.store.models import Alert, ServiceTask
from corptier.workspace import Workspace
from service_book import write_table
from survey_book import NPS, SAT, P, write_book

TIERS = ("strategic", "core", "key", "growth", "basic")


def clock() -> datetime:
    return datetime(2026, 2, 10, 9, 0, tzinfo=UTC)


def _alert(customer: str, tier: str, rm: str, state: str, closed: datetime | None,
           first: str = P) -> Alert:
    raised = datetime(2026, 2, 1, 9, 0)
    return Alert(rule_id="deposit_drop", customer_id=customer, state=state, severity="high",
                 assignee="rm", tier=tier, rm_id=rm, sub_branch=None, title_zh="存款下降",
                 title_en="Deposits down", facts="", first_period=first, last_period=P,
                 holds=True, raised_at=raised, updated_at=raised,
                 escalate_at=datetime(2026, 2, 3, 9, 0), closed_at=closed)


def _task(customer: str, tier: str, rm: str, due: date, status: str = "done",
          done: date | None = None, kind: str = "visit") -> ServiceTask:
    return ServiceTask(period=P, customer_id=customer, kind=kind, tier=tier, rm_id=rm,
                       sub_branch=None, due_date=due, status=status, done_on=done)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("report-relationship")
    ws = Workspace.init(root / "ws", language="en")
    write_book(ws)
    write_table(ws, "relationship_managers", P, [
        {"rm_id": "RM01", "name": "张伟", "grade": "资深", "sub_branch": "高新支行",
         "capacity": 40},
        {"rm_id": "RM02", "name": "李娜", "grade": "初级", "sub_branch": "锦江支行",
         "capacity": 5}])
    with UnitOfWork(ws.db) as uow:
        uow.session.add_all([
            _alert("C1", "strategic", "RM01", "resolved", datetime(2026, 2, 2, 9, 0)),
            _alert("C2", "core", "RM02", "resolved", datetime(2026, 2, 5, 9, 0)),
            _alert("C4", "basic", "RM02", "open", None),
            _alert("C3", "basic", "RM01", "dismissed", datetime(2026, 2, 2, 9, 0)),
            _alert("C2", "core", "RM02", "open", None, first="2025-12"),
            _task("C1", "strategic", "RM01", date(2026, 1, 10), done=date(2026, 1, 8)),
            _task("C1", "strategic", "RM01", date(2026, 1, 20), done=date(2026, 1, 25),
                  kind="annual_review"),
            _task("C2", "core", "RM02", date(2026, 1, 15), status="open"),
            _task("C3", "basic", "RM01", date(2026, 1, 31), done=date(2026, 1, 31)),
            _task("C4", "basic", "RM02", date(2026, 1, 5), status="superseded"),
            _task("C4", "basic", "RM02", date(2026, 2, 5), status="open",
                  kind="survey"),
        ])
    campaign = create_campaign(ws, "li", questionnaire="annual_needs", period=P, clock=clock)
    sheet = root / "answers.csv"
    with open(sheet, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["客户编号", SAT, NPS], ["C1", "5", "10"],
                                      ["C2", "3", "6"], ["C4", "4", "9"]])
    assert import_answers(ws, campaign.id, sheet, "li", clock=clock).accepted == 3
    return ws


@pytest.fixture(scope="module")
def sections(ws: Workspace) -> Relationship:
    return relationship_sections(ws, Period(P), "en", TIERS)


def _records(frame: pd.DataFrame | None, columns: list[str]) -> list[tuple]:
    assert frame is not None
    return [tuple(r) for r in frame[columns].itertuples(index=False)]


def test_alerts_raised_in_the_period_by_tier_and_rm(sections: Relationship) -> None:
    counts = ["raised", "resolved", "resolved_in_time", "dismissed", "open"]
    assert _records(sections.alerts_by_tier, ["tier", *counts]) == [
        ("strategic", 1, 1, 1, 0, 0), ("core", 1, 1, 0, 0, 0), ("basic", 2, 0, 0, 1, 1)]
    assert _records(sections.alerts_by_rm, ["rm", *counts]) == [
        ("RM01", 2, 1, 1, 1, 0), ("RM02", 2, 1, 0, 0, 1)]
    shares = sections.alerts_by_tier["in_time_share"].tolist()
    assert shares[:2] == [1.0, 0.0] and pd.isna(shares[2])


def test_service_delivery_by_tier(sections: Relationship) -> None:
    assert _records(sections.service_by_tier,
                    ["tier", "planned", "tasks", "done", "on_time", "due", "overdue"]) == [
        ("strategic", 2, 2, 2, 1, 2, 0), ("core", 1, 1, 0, 0, 1, 1),
        ("basic", 2, 1, 1, 1, 1, 0)]  # basic: C4's February task planned, not yet due
    assert _records(sections.service_by_tier, ["completion", "sla_compliance"]) == [
        (1.0, 0.5), (0.0, 0.0), (1.0, 1.0)]


def test_relationship_managers_over_capacity_and_coverage_gaps(sections: Relationship) -> None:
    assert sections.staff == {"customers": 4, "eligible": 0, "ineligible": 4, "unassigned": 0,
                              "expiring": 0, "rms": 2}
    assert _records(sections.over_capacity,
                    ["rm_id", "name", "customers", "load", "capacity", "utilisation"]) == [
        ("RM02", "李娜", 2, 6.0, 5, pytest.approx(1.2))]
    assert _records(sections.coverage_gaps, ["tier", "assign", "reassign", "train", "renew"]) \
        == [("strategic", 0, 0, 1, 0), ("core", 0, 1, 0, 0), ("basic", 0, 0, 2, 0)]


def test_survey_response_satisfaction_and_nps_by_tier(sections: Relationship) -> None:
    (survey,) = sections.surveys
    rows = _records(survey.by_tier, ["tier", "targeted", "responded", "response_rate",
                                     "satisfaction", "nps"])
    assert rows[:3] == [("strategic", 1, 1, 1.0, 5.0, 100.0), ("core", 1, 1, 1.0, 3.0, -100.0),
                        ("basic", 2, 1, 0.5, 4.0, 100.0)]
    assert pd.isna(rows[3][0]) and rows[3][1:] == (4, 3, 0.75, 4.0, pytest.approx(100 / 3))


def test_archive_completeness_per_tier_rm_and_sub_branch(sections: Relationship) -> None:
    groups = sections.completeness
    assert groups is not None and set(groups) == {"tier", "rm", "sub_branch"}
    # the shipped rules; this book's customers hold only an RM: strategic needs 7 fields + 4
    # contacts + a survey = 12 items (the period has no plans: no visit item); C1 meets rm_id
    # only, its survey answer (imported 2026-02-10) being after the period's end
    assert _records(groups["tier"], ["tier", "customers"]) == [
        ("strategic", 1), ("core", 1), ("basic", 2)]
    assert groups["tier"]["average"].tolist()[0] == round(100 * 1 / 12, 1)
    assert _records(groups["rm"], ["rm", "customers"]) == [("RM01", 2), ("RM02", 2)]
    assert groups["sub_branch"]["customers"].tolist() == [4]


def test_an_empty_workspace_has_no_section_data(tmp_path: Path) -> None:
    empty = Workspace.init(tmp_path / "ws", language="en")
    write_book(empty)
    (empty.standards_dir / "staff.yaml").unlink()
    found = relationship_sections(empty, Period(P), "en", TIERS)
    assert found.completeness is not None     # the customers are loaded
    assert replace(found, completeness=None) == Relationship()
    assert list(alert_counts(empty, P, "rm").columns) == [
        "rm", "raised", "resolved", "resolved_in_time", "dismissed", "open", "in_time_share"]
