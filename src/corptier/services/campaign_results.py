"""Results of a needs-survey campaign: response rate, satisfaction and NPS in total and by tier,
segment and RM, the NPS detractors and the needs stated and not held, computed by DuckDB over
the answers and the period's Parquet, never per customer in Python."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corptier.contract.schema import PRODUCT_CATEGORIES
from corptier.crm import surveys as rules
from corptier.services.stated_needs import BATCH_ROWS, STATED_NEEDS, stated_needs
from corptier.services.surveys import CampaignView, campaign_record, campaign_view
from corptier.store import UnitOfWork
from corptier.store.models import SurveyCampaign
from corptier.workspace import Workspace

DIMENSIONS = ("tier", "segment", "rm_id")
Questionnaire = rules.Questionnaire


@dataclass(frozen=True)
class ResultGroup:
    """Response, satisfaction (mean of the 1–5 answers) and NPS (% promoters − % detractors)
    of the campaign's targets, in total (`key` None) or of one tier, segment or RM."""

    key: str | None
    targeted: int
    responded: int
    satisfaction: float | None
    nps_answers: int
    promoters: int
    detractors: int

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.targeted if self.targeted else None

    @property
    def nps(self) -> float | None:
        if not self.nps_answers:
            return None
        return 100.0 * (self.promoters - self.detractors) / self.nps_answers


@dataclass(frozen=True)
class Detractor:
    customer_id: str
    score: int
    tier: str | None
    segment: str | None
    rm_id: str | None


@dataclass(frozen=True)
class SurveyResults:
    campaign: CampaignView
    total: ResultGroup
    by: dict[str, tuple[ResultGroup, ...]]
    """"tier", "segment" and "rm_id" → one group per value, in order of the value."""
    detractors: tuple[Detractor, ...]
    needs: tuple[tuple[str, int, int], ...]
    """(category, customers stating it, of whom not holding it = the needs gap)."""
    names: dict[str, dict[str, str]]
    """"tier" and "segment" → code → name in the language asked, from the standard the
    period was closed under (empty when the period has no published run)."""


def survey_results(ws: Workspace, campaign_id: int, *, lang: str | None = None
                   ) -> SurveyResults:
    """Response rate, satisfaction and NPS in total and by tier, segment and RM, the NPS
    detractors (0–6) and the needs stated and not held, from one DuckDB session; tier and
    segment names in `lang` (default: the workspace's language)."""
    import ibis
    import pyarrow as pa

    from corptier.engine import connect

    campaign = campaign_record(ws, campaign_id)
    q = rules.Questionnaire.model_validate(campaign.questionnaire)
    with UnitOfWork(ws.db) as uow:
        targets = uow.surveys.target_columns([campaign_id])
        answers = uow.surveys.answer_columns([campaign_id])
    scale = [x.id for x in q.questions if x.kind == "scale"]
    nps_q = next((x.id for x in q.questions if x.kind == "nps"), None)
    t = ibis.memtable(pa.table({
        "customer_id": pa.array(targets["customer_id"], pa.string()),
        **{d: pa.array(targets[d], pa.string()) for d in DIMENSIONS}}))
    a = ibis.memtable(pa.table({
        "customer_id": pa.array(answers["customer_id"], pa.string()),
        "question_id": pa.array(answers["question_id"], pa.string()),
        "number": pa.array(answers["number"], pa.int64())}))
    per = a.group_by("customer_id").aggregate(
        _sat=a.number.mean(where=a.question_id.isin(scale or [""])),
        _nps=a.number.max(where=a.question_id == (nps_q or "")))
    per = per.rename(_rid="customer_id")
    j = t.left_join(per, t.customer_id == per._rid)
    j = j.mutate(_resp=j._rid.notnull().ifelse(1, 0))

    def groups(key: str | None) -> Any:
        metrics = {"targeted": j.count(), "responded": j._resp.sum(),
                   "satisfaction": j._sat.mean(), "nps_answers": j._nps.count(),
                   "promoters": (j._nps >= rules.PROMOTER_MIN).ifelse(1, 0).sum(),
                   "detractors": (j._nps <= rules.DETRACTOR_MAX).ifelse(1, 0).sum()}
        if key is None:
            return j.aggregate(**metrics).mutate(key=ibis.null("string"))
        return j.group_by(key=j[key]).aggregate(**metrics).order_by("key")

    with connect(ws, "duckdb") as con:
        def read(expr: Any) -> list[dict[str, Any]]:
            return con.batches(expr, BATCH_ROWS).read_all().to_pylist()

        total = _group(read(groups(None))[0])
        by = {d: tuple(_group(r) for r in read(groups(d))) for d in DIMENSIONS}
        det = j.filter(j._nps <= rules.DETRACTOR_MAX).order_by(["_nps", "customer_id"])
        detractors = tuple(Detractor(r["customer_id"], int(r["_nps"]), r["tier"], r["segment"],
                                     r["rm_id"]) for r in read(det))
    needs = _needs_counts(ws, campaign, q)
    names = _names(ws, campaign.period, lang or ws.config.workspace.language)
    return SurveyResults(campaign_view(campaign), total, by, detractors, needs, names)


def _names(ws: Workspace, period: str, lang: str) -> dict[str, dict[str, str]]:
    """Tier and needs segment code → name in `lang`, from the period's published run."""
    with UnitOfWork(ws.db) as uow:
        run = uow.runs.published(period)
        standard = (run.standard or {}) if run is not None else {}
    key = "name_zh" if lang.startswith("zh") else "name_en"

    def names(items: Any) -> dict[str, str]:
        return {item["code"]: item.get(key) or item["code"] for item in items or []
                if isinstance(item, dict) and "code" in item}

    return {"tier": names(standard.get("tiers")),
            "segment": names((standard.get("needs_segments") or {}).get("segments"))}


def _needs_counts(ws: Workspace, campaign: SurveyCampaign,
                  q: Questionnaire) -> tuple[tuple[str, int, int], ...]:
    """(category, customers of the campaign stating it, of whom in the period's gap)."""
    import ibis

    from corptier.engine import connect

    with UnitOfWork(ws.db) as uow:
        answers = uow.surveys.answer_columns([campaign.id])
    stated = stated_needs(ibis, answers, [(campaign.id, q)])
    gap_file = ws.partition_file(STATED_NEEDS, campaign.period)
    with connect(ws, "duckdb") as con:
        if gap_file.is_file():
            g = con.read_parquet(gap_file)
            g = g.select(_gid=g.customer_id.cast("string"), _gcat=g.category.cast("string"),
                         _gap=ibis.literal(1, "int64"))
            s = stated.left_join(g, [stated.customer_id == g._gid, stated.category == g._gcat])
            s = s.select("customer_id", "category", gap=s._gap.coalesce(0))
        else:
            s = stated.mutate(gap=ibis.literal(0, "int64"))
        counts = s.group_by("category").aggregate(stating=s.count(), gap=s.gap.sum())
        rows = con.batches(counts, BATCH_ROWS).read_all().to_pylist()
    order = {c: i for i, c in enumerate(PRODUCT_CATEGORIES)}
    return tuple(sorted(((r["category"], int(r["stating"]), int(r["gap"] or 0)) for r in rows),
                        key=lambda x: order.get(x[0], len(order))))


def _group(r: dict[str, Any]) -> ResultGroup:
    sat = r["satisfaction"]
    return ResultGroup(r["key"], int(r["targeted"]), int(r["responded"] or 0),
                       None if sat is None else float(sat), int(r["nps_answers"] or 0),
                       int(r["promoters"] or 0), int(r["detractors"] or 0))
