"""Survey results as effect KPIs (满意度, NPS) in the KPI registry, so that the report's KPI
table, trend and before/after comparison show them beside the core KPIs.

For a period: the campaigns of that period, each target counted once per campaign in the tier
it was targeted in; satisfaction is the mean over respondents of their mean 1–5 answer, NPS is
% promoters (9–10) − % detractors (0–6) of the NPS answers (empty without answers). DuckDB
works them out over the answers read with one query per table; nothing per customer in Python.
Satisfaction and NPS by segment and RM are in each campaign's results (`survey_results`); the
registry's rows are tiers.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from corptier.crm import surveys as rules
from corptier.evaluation.kpis import N_, TOTAL, KpiContext, KpiSpec, register_kpi_provider
from corptier.store import UnitOfWork

PROVIDER = "survey"
SPECS = (KpiSpec("survey_satisfaction", N_("Satisfaction (1–5)"), "number"),
         KpiSpec("survey_nps", N_("NPS"), "number"))
BATCH_ROWS = 100_000


def survey_kpis(ctx: KpiContext) -> pd.DataFrame:
    """Satisfaction and NPS per tier (and `all`) of the campaigns of `ctx.period`."""
    index = [*ctx.tier_order, TOTAL] if ctx.tiered else [TOTAL]
    out = pd.DataFrame(math.nan, index=index, columns=[s.name for s in SPECS])
    ws = ctx.workspace
    if ws is None:
        return out
    with UnitOfWork(ws.db) as uow:
        campaigns = uow.surveys.campaigns(ctx.period)
        ids = [c.id for c in campaigns]
        if not ids:
            return out
        targets = uow.surveys.target_columns(ids)
        answers = uow.surveys.answer_columns(ids)
    kinds = [(c.id, str(q.get("id")), str(q.get("kind")))
             for c in campaigns for q in (c.questionnaire or {}).get("questions", [])]
    for row in _rows(ws, targets, answers, kinds, ctx.tiered):
        key = TOTAL if row["key"] is None else str(row["key"])
        if key in out.index:
            out.loc[key, "survey_satisfaction"] = _float(row["satisfaction"])
            answered = int(row["nps_answers"] or 0)
            out.loc[key, "survey_nps"] = (100.0 * (int(row["promoters"] or 0)
                                            - int(row["detractors"] or 0)) / answered
                                   if answered else math.nan)
    return out


def _rows(ws: Any, targets: dict[str, list[Any]], answers: dict[str, list[Any]],
          kinds: list[tuple[int, str, str]], tiered: bool) -> list[dict[str, Any]]:
    import ibis
    import pyarrow as pa

    from corptier.engine import connect

    t = ibis.memtable(pa.table({
        "campaign_id": pa.array(targets["campaign_id"], pa.int64()),
        "customer_id": pa.array(targets["customer_id"], pa.string()),
        "tier": pa.array(targets["tier"], pa.string())}))
    a = ibis.memtable(pa.table({
        "campaign_id": pa.array(answers["campaign_id"], pa.int64()),
        "customer_id": pa.array(answers["customer_id"], pa.string()),
        "question_id": pa.array(answers["question_id"], pa.string()),
        "number": pa.array(answers["number"], pa.int64())}))
    k = ibis.memtable(pa.table({
        "_k_campaign": pa.array([c for c, _, _ in kinds], pa.int64()),
        "_k_question": pa.array([q for _, q, _ in kinds], pa.string()),
        "kind": pa.array([kind for _, _, kind in kinds], pa.string())}))
    a = a.inner_join(k, [a.campaign_id == k._k_campaign, a.question_id == k._k_question])
    per = a.group_by(["campaign_id", "customer_id"]).aggregate(
        _sat=a.number.mean(where=a.kind == "scale"),
        _nps=a.number.max(where=a.kind == "nps"))
    per = per.rename(_pc="campaign_id", _pid="customer_id")
    j = t.left_join(per, [t.campaign_id == per._pc, t.customer_id == per._pid])
    metrics = {"satisfaction": j._sat.mean(), "nps_answers": j._nps.count(),
               "promoters": (j._nps >= rules.PROMOTER_MIN).ifelse(1, 0).sum(),
               "detractors": (j._nps <= rules.DETRACTOR_MAX).ifelse(1, 0).sum()}
    total = j.aggregate(**metrics).mutate(key=ibis.null("string"))
    with connect(ws, "duckdb") as con:
        rows: list[dict[str, Any]] = con.batches(total, BATCH_ROWS).read_all().to_pylist()
        if tiered:
            by_tier = j.group_by(key=j.tier).aggregate(**metrics)
            rows += con.batches(by_tier, BATCH_ROWS).read_all().to_pylist()
    return rows


def _float(value: Any) -> float:
    return math.nan if value is None else float(value)


register_kpi_provider(PROVIDER, SPECS, survey_kpis, replace=True)
