"""Satisfaction and NPS by tier as KPIs of the registry (SQLite and PostgreSQL): worked out by
hand from one campaign of the period; another period's campaign does not count."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

import corptier.services.report_data  # noqa: F401  (the report registers the survey KPIs)
from corptier.evaluation.kpis import KPI_PROVIDERS, KpiContext, kpi_specs, kpis_by_tier
from corptier.services.survey_kpis import PROVIDER
from corptier.store import UnitOfWork
from corptier.store.models import SurveyCampaign
from corptier.workspace import Workspace

QUESTIONS = [{"id": "sat", "kind": "scale"}, {"id": "sat2", "kind": "scale"},
             {"id": "nps", "kind": "nps"}, {"id": "note", "kind": "text"}]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    ws = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    with UnitOfWork(ws.db) as uow:
        for period, answers in (
            ("2026-09", [("C1", "sat", 5), ("C1", "sat2", 4), ("C1", "nps", 10),
                         ("C2", "sat", 3), ("C2", "nps", 5), ("C3", "sat", 4),
                         ("C3", "nps", 9)]),
            ("2026-08", [("C1", "sat", 1), ("C1", "nps", 0)])):
            campaign = uow.surveys.add_campaign(SurveyCampaign(
                name=f"c{period}", questionnaire_id="q", questionnaire_version="1",
                questionnaire={"questions": QUESTIONS}, period=period, target={},
                targeted=4, created_by="li", created_at=datetime(2026, 9, 1))).id
            uow.surveys.add_targets(campaign, [
                {"customer_id": c, "tier": t, "segment": None, "rm_id": "RM01"}
                for c, t in (("C1", "strategic"), ("C2", "strategic"), ("C3", "key"),
                             ("C4", "key"))])
            uow.surveys.add_answers([
                {"campaign_id": campaign, "customer_id": c, "question_id": q, "choice": None,
                 "number": n, "text": None, "source": "t.xlsx:2", "created_by": "li",
                 "created_at": datetime(2026, 9, 2)} for c, q, n in answers])
    return ws


def test_satisfaction_and_nps_by_tier_are_kpis(ws: Workspace) -> None:
    assert {"survey_satisfaction", "survey_nps"} <= {s.name for s in kpi_specs()}
    ctx = KpiContext(period="2026-09", indicators=None,
                     tiers=pd.DataFrame({"customer_id": ["C1"], "applied_tier": ["strategic"]}),
                     tier_order=("strategic", "key", "basic"), workspace=ws)
    frame = kpis_by_tier(ctx, [KPI_PROVIDERS[PROVIDER]])
    # strategic: C1 (5+4)/2 = 4.5 promoter, C2 3 detractor; key: C3 4 promoter, C4 no answer
    assert frame.loc["strategic"].tolist() == [3.75, 0.0]
    assert frame.loc["key"].tolist() == [4.0, 100.0]
    assert frame.loc["all", "survey_satisfaction"] == pytest.approx((4.5 + 3 + 4) / 3)
    assert frame.loc["all", "survey_nps"] == pytest.approx(100 * (2 - 1) / 3)
    assert frame.loc["basic"].isna().all()
    quiet = kpis_by_tier(KpiContext(period="2026-07", indicators=None, tiers=None,
                                    workspace=ws), [KPI_PROVIDERS[PROVIDER]])
    assert math.isnan(quiet.loc["all", "survey_nps"])
