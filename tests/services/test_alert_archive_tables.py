"""The archive's alert facts read from the app database (SQLite and PostgreSQL): one bulk query
each, bounded by the period, turned into the engine's facts; and, on the closed sample bank, a
key contact changed through the contacts service raises its alert for that customer only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

from corptier.crm.alert_archive import join_archive
from corptier.crm.alert_rules import default_alert_rules_path
from corptier.periods import Period
from corptier.services import add_contact, evaluate_alerts, list_alerts
from corptier.services.alert_archive import archive_tables
from corptier.store import UnitOfWork
from corptier.store.models import SurveyCampaign
from corptier.workspace import Workspace

P = Period("2026-09")
TIERS = ["strategic", "core", "key", "growth", "basic"]
IDS = ["C1", "C2", "C3", "C4", "C5"]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    url = request.getfixturevalue("pg_schema_url") if request.param == "postgres" else None
    return Workspace.init(tmp_path / "ws", database_url=url)


def _interaction(customer: str, on: date, kind: str) -> dict[str, Any]:
    return {"customer_id": customer, "occurred_on": on, "type": kind, "needs": [],
            "source": "test", "created_by": "li", "created_at": datetime(2026, 10, 1)}


def _campaign(uow: UnitOfWork, period: str, nps_id: str) -> int:
    questions = [{"id": "sat", "kind": "scale"}, {"id": nps_id, "kind": "nps"}]
    return uow.surveys.add_campaign(SurveyCampaign(
        name=f"c{period}", questionnaire_id="q", questionnaire_version="1",
        questionnaire={"questions": questions}, period=period, target={}, targeted=0,
        created_by="li", created_at=datetime(2026, 1, 1))).id


def _answer(campaign: int, customer: str, question: str, number: int) -> dict[str, Any]:
    return {"campaign_id": campaign, "customer_id": customer, "question_id": question,
            "choice": None, "number": number, "text": None, "source": "t.xlsx:2",
            "created_by": "li", "created_at": datetime(2026, 9, 1)}


def _contact(uow: UnitOfWork, at: datetime, action: str, customer: str,
             before_role: str | None, after_role: str | None) -> None:
    def snap(role: str | None) -> dict[str, Any] | None:
        return None if role is None else {"id": 1, "customer_id": customer, "role": role}
    uow.audit.record(at, "li", action, "contact", "1", before=snap(before_role),
                     after=snap(after_role))


def _fill(ws: Workspace) -> None:
    with UnitOfWork(ws.db) as uow:
        uow.interactions.insert_many([
            _interaction("C1", date(2026, 9, 1), "visit"),
            _interaction("C1", date(2025, 9, 30), "visit"),   # before the 12 months
            _interaction("C1", date(2026, 10, 5), "visit"),   # after the period end
            _interaction("C2", date(2026, 9, 10), "call"),    # not a visit
            _interaction("C3", date(2026, 6, 30), "visit"),
        ])
        march, sept, october = (_campaign(uow, "2026-03", "nps"),
                                _campaign(uow, "2026-09", "nps2"),
                                _campaign(uow, "2026-10", "nps"))
        uow.surveys.add_answers([
            _answer(march, "C1", "nps", 3), _answer(sept, "C1", "nps2", 9),
            _answer(march, "C2", "nps", 5), _answer(march, "C2", "sat", 1),
            _answer(october, "C2", "nps", 10),               # a campaign after the period
            _answer(sept, "C3", "sat", 2),                    # not the NPS question
        ])
        _contact(uow, datetime(2026, 9, 15), "add", "C1", None, "legal_representative")
        _contact(uow, datetime(2026, 9, 20), "edit", "C2", "finance_head", "finance_head")
        _contact(uow, datetime(2026, 8, 31, 23), "remove", "C3", "actual_controller", None)
        _contact(uow, datetime(2026, 9, 2), "edit", "C4", "legal_representative",
                 "finance_head")
        _contact(uow, datetime(2026, 10, 1), "add", "C5", None, "legal_representative")


def _facts(ws: Workspace) -> dict[str, dict[str, object]]:
    frame = ibis.memtable(pa.table({"customer_id": IDS, "applied_tier": ["core"] * 5}))
    joined = join_archive(frame, archive_tables(ws, P, TIERS)).drop("applied_tier")
    rows = ibis.duckdb.connect().to_pyarrow(joined).to_pylist()
    return {r.pop("customer_id"): r for r in rows}


def test_the_archive_facts_come_from_the_app_database_bounded_by_the_period(
        empty_ws: Workspace) -> None:
    _fill(empty_ws)
    cadence = 60  # the shipped catalogue (copied by init) visits core every 60 days
    assert _facts(empty_ws) == {
        "C1": {"days_since_visit": 29, "visits_12m": 1, "visit_cadence_days": cadence,
               "nps_latest": 9, "key_contact_changed": 1, "open_next_steps": 0},
        "C2": {"days_since_visit": None, "visits_12m": 0, "visit_cadence_days": cadence,
               "nps_latest": 5, "key_contact_changed": 0, "open_next_steps": 0},
        "C3": {"days_since_visit": 92, "visits_12m": 1, "visit_cadence_days": cadence,
               "nps_latest": None, "key_contact_changed": 0, "open_next_steps": 0},
        "C4": {"days_since_visit": None, "visits_12m": 0, "visit_cadence_days": cadence,
               "nps_latest": None, "key_contact_changed": 1, "open_next_steps": 0},
        "C5": {"days_since_visit": None, "visits_12m": 0, "visit_cadence_days": cadence,
               "nps_latest": None, "key_contact_changed": 0, "open_next_steps": 0},
    }


def test_a_workspace_without_archive_data_has_no_archive_tables(empty_ws: Workspace) -> None:
    tables = archive_tables(empty_ws, P, TIERS)
    assert (tables.visits, tables.nps, tables.key_contacts) == (None, None, None)
    facts = _facts(empty_ws)
    assert {v for row in facts.values() for k, v in row.items()
            if k != "visit_cadence_days"} == {None}


def test_a_key_contact_added_in_the_period_raises_its_alert_for_that_customer_only(
        sqlite_bank: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copytree(sqlite_bank, tmp_path / "ws")
    ws = Workspace.open(tmp_path / "ws")
    in_period = datetime(2026, 9, 20, 9, 0, tzinfo=UTC)
    add_contact(ws, "C004", "li", role="legal_representative", name="张三",
                phone="13800001234", clock=lambda: in_period)
    add_contact(ws, "C003", "li", role="finance_head", name="李四", phone="13800005678",
                clock=lambda: in_period)
    evaluate_alerts(ws, str(P), rules_path=default_alert_rules_path(),
                    clock=lambda: datetime(2026, 10, 1, tzinfo=UTC))
    fired = [(a.customer_id, a.facts) for a in list_alerts(ws)
             if a.rule_id == "key_contact_changed"]
    assert fired == [("C004", "key_contact_changed=1")]
    assert not [a for a in list_alerts(ws) if a.rule_id == "nps_detractor"]


def test_only_the_tables_behind_the_facts_the_rules_use_are_read(empty_ws: Workspace) -> None:
    _fill(empty_ws)
    assert archive_tables(empty_ws, P, TIERS, {"max_days_overdue", "rm_id"}) is None
    tables = archive_tables(empty_ws, P, TIERS, {"nps_latest", "rm_id"})
    assert tables is not None and tables.nps is not None
    assert (tables.visits, tables.key_contacts, tables.cadence) == (None, None, None)
