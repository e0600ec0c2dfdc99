"""A hand-made book for the completeness score: three customers of 2026-09 with their tiers,
plans, contacts, visits and survey answers (tests/services/test_completeness.py works each
score out by hand)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from corptier.services.service_plans import plan_services
from corptier.store import UnitOfWork
from corptier.store.models import Contact, SurveyCampaign
from corptier.workspace import Workspace

P = "2026-09"
RULES = """id: completeness
version: "1"
profile_fields: [name, uscc, rating]
contact_roles:
  default: [legal_representative]
  strategic: [legal_representative, finance_head]
visit_within_cadence: true
survey_within_months: 12
"""
CUSTOMERS = [  # customer, tier, RM, sub-branch, name, uscc, rating
    ("C1", "strategic", "RM01", "高新支行", "一号公司", "91510100MA61234567", "A"),
    ("C2", "key", "RM01", "高新支行", "=cmd|' /C calc'!A0", "  ", "BBB"),
    ("C3", "basic", "RM02", "锦江支行", "三号公司", "91510100MA61234568", None),
]
T0 = datetime(2026, 10, 1)


def _write(ws: Workspace, table: str, data: dict[str, list[Any]]) -> None:
    path = ws.partition_file(table, P)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({k: pa.array(v, pa.string()) for k, v in data.items()}), path)


def _contact(customer: str, role: str, verified: date | None) -> Contact:
    return Contact(customer_id=customer, role=role, name="张三", verified_on=verified,
                   is_primary=False, version=1, created_by="li", created_at=T0,
                   updated_by="li", updated_at=T0)


def build_book(ws: Workspace) -> Workspace:
    """Write the book into `ws` (its rules, partitions, plans and archive records)."""
    (ws.standards_dir / "completeness.yaml").write_text(RULES, encoding="utf-8")
    names = ("customer_id", "tier", "rm_id", "sub_branch", "name", "uscc", "rating")
    columns = {n: [c[i] for c in CUSTOMERS] for i, n in enumerate(names)}
    tier = columns.pop("tier")
    columns |= {"industry_code": ["3511"] * 3, "enterprise_size": ["medium"] * 3,
                "group_id": [None] * 3, "status": ["active"] * 3}
    _write(ws, "customers", columns)
    _write(ws, "tiers", {"customer_id": columns["customer_id"], "applied_tier": tier,
                         "previous_tier": [None] * 3, "migration": ["new"] * 3})
    plan_services(ws, P, "run-9", clock=lambda: T0)   # strategic visits every 30 days, key 90
    with UnitOfWork(ws.db) as uow:
        for contact in (_contact("C1", "legal_representative", date(2026, 9, 1)),
                        _contact("C1", "finance_head", None),                 # not verified
                        _contact("C2", "legal_representative", date(2026, 10, 15))):  # later
            uow.contacts.add(contact)
        uow.interactions.insert_many([
            {"customer_id": c, "occurred_on": d, "type": "visit", "needs": [], "source": "t",
             "created_by": "li", "created_at": T0}
            for c, d in (("C1", date(2026, 9, 20)), ("C2", date(2026, 5, 1)))])
        campaign = uow.surveys.add_campaign(SurveyCampaign(
            name="c", questionnaire_id="q", questionnaire_version="1",
            questionnaire={"questions": [{"id": "sat", "kind": "scale"}]}, period="2026-03",
            target={}, targeted=0, created_by="li", created_at=T0)).id
        uow.surveys.add_answers([
            {"campaign_id": campaign, "customer_id": c, "question_id": "sat", "choice": None,
             "number": 4, "text": None, "source": "t.xlsx:2", "created_by": "li",
             "created_at": at}
            for c, at in (("C1", datetime(2026, 3, 1)), ("C3", datetime(2025, 8, 1)))])
    return ws


