"""Needs surveys (需求调研): check a questionnaire, create a campaign over a closed period's
customers (by tier, needs segment, RM or an explicit list), import the answers from CSV/xlsx
with a reconciliation read = accepted + rejected, and the results — response rate,
satisfaction and NPS by tier, segment and RM, the NPS detractors and the needs gap — computed
by DuckDB over the answers and the period's Parquet, never per customer in Python.

**Needs gap → recommendations.** After each import the categories the customers of the
period's campaigns stated (choices with `needs`) that they do not hold in the period's
indicator snapshot are written to `data/stated_needs/period=P/part-0.parquet`
(`customer_id`, `category`), where `corptier recommend` looks for stated needs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from corptier.contract.schema import PRODUCT_CATEGORIES
from corptier.crm import surveys as rules
from corptier.errors import ContractError, NotFoundError, RequestError
from corptier.periods import Period
from corptier.services._archive_access import bulk_editor
from corptier.services.interactions import (
    Rejection,
    quarantine_rejections,
    read_sheet_rows,
)
from corptier.services.overrides import Clock, utc_now
from corptier.store import UnitOfWork
from corptier.store.models import SurveyCampaign
from corptier.workspace import CUSTOMER_INDICATORS, PUBLISHED_TIERS, Workspace

Questionnaire = rules.Questionnaire
STATED_NEEDS = "stated_needs"
CAMPAIGN_ENTITY = "survey_campaign"
IMPORT_ENTITY = "survey_import"
BATCH_ROWS = 65_536
DIMENSIONS = ("tier", "segment", "rm_id")


@dataclass(frozen=True)
class CampaignView:
    id: int
    name: str
    questionnaire_id: str
    questionnaire_version: str
    period: str
    target: dict[str, list[str]]
    targeted: int
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class SurveyImport:
    """An import's reconciliation: rows read = accepted + rejected; the answers stored and
    the stated-needs file rewritten for the campaign's period."""

    file: str
    campaign_id: int
    read: int
    accepted: int
    rejected: int
    rejections: tuple[Rejection, ...]
    answers: int
    quarantine: Path | None
    stated_needs: Path
    gap_rows: int


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


def check_questionnaire(path: Path | str) -> Questionnaire:
    """The questionnaire in a YAML file, or QuestionnaireError naming file, line and field."""
    return rules.load_questionnaire(path)


def list_questionnaires(ws: Workspace) -> list[tuple[Path, Questionnaire]]:
    """The questionnaires of `standards/surveys/` (an invalid file raises its errors)."""
    folder = ws.standards_dir / rules.FOLDER
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    return [(f, rules.load_questionnaire(f)) for f in files]


def find_questionnaire(ws: Workspace, ref: str) -> Questionnaire:
    """A questionnaire by file path, or by id (`id` or `id@version`) in `standards/surveys/`."""
    path = Path(ref)
    if path.suffix.lower() in (".yaml", ".yml") and path.is_file():
        return rules.load_questionnaire(path)
    wanted, _, version = ref.partition("@")
    found = [q for _, q in list_questionnaires(ws)
             if q.id == wanted and (not version or q.version == version)]
    if not found:
        raise NotFoundError(f"no questionnaire '{ref}' in {ws.standards_dir / rules.FOLDER}")
    if len(found) > 1:
        raise RequestError(f"questionnaire '{wanted}' has versions "
                           f"{', '.join(q.version for q in found)}: name one as {wanted}@VERSION")
    return found[0]


def create_campaign(ws: Workspace, by: str | None, *, questionnaire: str, period: str,
                    name: str | None = None, tiers: Sequence[str] = (),
                    segments: Sequence[str] = (), rms: Sequence[str] = (),
                    customers: Sequence[str] = (), clock: Clock = utc_now) -> CampaignView:
    """Create a campaign asking `questionnaire` of the customers of the closed `period` that
    are in one of `tiers` (applied tier), `segments` (needs segment), `rms` and `customers`
    (each list empty = any); the targets and their tier, segment and RM are kept (audited)."""
    from corptier.services._lock import workspace_lock

    q = find_questionnaire(ws, questionnaire)
    p = Period.parse(period)
    actor, _who = bulk_editor(ws, by)
    target = {"tiers": _clean(tiers), "segments": _clean(segments), "rms": _clean(rms),
              "customers": _clean(customers)}
    rows = _targets(ws, p, target)
    if not rows:
        raise RequestError(f"the campaign targets no customer of {p}: check the tiers, "
                           "segments, RMs or customers given")
    now = _naive(clock())
    with workspace_lock(ws, "survey campaign"), UnitOfWork(ws.db) as uow:
        campaign = uow.surveys.add_campaign(SurveyCampaign(
            name=(name or f"{q.title} {p}")[:200], questionnaire_id=q.id,
            questionnaire_version=q.version, questionnaire=q.model_dump(mode="json"),
            period=str(p), target=target, targeted=len(rows), created_by=actor,
            created_at=now))
        uow.surveys.add_targets(campaign.id, rows)
        view = _view(campaign)
        uow.audit.record(now, actor, "create", CAMPAIGN_ENTITY, str(campaign.id), after={
            "name": view.name, "questionnaire": q.id, "version": q.version,
            "period": view.period, "target": target, "targeted": len(rows)})
    return view


def list_campaigns(ws: Workspace, period: str | None = None) -> list[CampaignView]:
    with UnitOfWork(ws.db) as uow:
        return [_view(c) for c in uow.surveys.campaigns(
            None if period is None else str(Period.parse(period)))]


def import_answers(ws: Workspace, campaign_id: int, path: Path | str, by: str | None, *,
                   clock: Clock = utc_now) -> SurveyImport:
    """Import a campaign's answers (CSV UTF-8/GBK or xlsx; one row per customer; headers the
    customer column and each question's Chinese text or id). Each row is accepted whole or
    rejected naming its row and field (quarantine/surveys/); accepted rows are stored in one
    transaction and the period's stated needs gap is rewritten."""
    from corptier.services._lock import workspace_lock

    source = Path(path)
    campaign = _campaign(ws, campaign_id)
    q = rules.Questionnaire.model_validate(campaign.questionnaire)
    if source.suffix.lower() not in (".csv", ".txt", ".xlsx"):
        raise ContractError(f"{source.name}: survey answers are a .csv or .xlsx file")
    rows = read_sheet_rows(source)
    headers, body = rows[0][1], rows[1:]
    columns = rules.map_headers(q, headers)
    if "customer_id" not in columns.values():
        raise ContractError(f"{source.name}: row 1: the header has no customer column "
                            f"(e.g. 客户编号)")
    if len(columns) < 2:
        raise ContractError(f"{source.name}: row 1: no column names a question of "
                            f"{q.id} {q.version} (use the question's text or id)")
    actor, _who = bulk_editor(ws, by)
    checked: list[tuple[int, str, list[tuple[str, rules.Answer]]]] = []
    rejections: list[Rejection] = []
    for number, row in body:
        values = {field: row[i] if i < len(row) else None for i, field in columns.items()}
        try:
            customer, answers = _check_row(q, values)
        except rules.AnswerProblem as exc:
            rejections.append(Rejection(source.name, number, exc.field, exc.message))
            continue
        checked.append((number, customer, answers))
    now = _naive(clock())
    with workspace_lock(ws, "survey import"):
        with UnitOfWork(ws.db) as uow:
            ids = [c for _, c, _ in checked]
            targeted = uow.surveys.targeted(campaign_id, ids)
            answered = uow.surveys.answered(campaign_id, ids)
            store: list[dict[str, Any]] = []
            accepted = 0
            for number, customer, answers in checked:
                problem = (f"customer {customer} is not a target of campaign {campaign_id}"
                           if customer not in targeted else
                           f"customer {customer} has already answered ({answered[customer]})"
                           if customer in answered else None)
                if problem is not None:
                    rejections.append(Rejection(source.name, number, "customer_id", problem))
                    continue
                answered[customer] = f"{source.name}:{number}"
                accepted += 1
                store.extend({"campaign_id": campaign_id, "customer_id": customer,
                              "question_id": qid, "choice": a[0], "number": a[1],
                              "text": a[2], "source": f"{source.name}:{number}"[:200],
                              "created_by": actor, "created_at": now} for qid, a in answers)
            uow.surveys.add_answers(store)
            rejections.sort(key=lambda r: r.row)
            uow.audit.record(now, actor, "import", IMPORT_ENTITY, str(campaign_id), after={
                "file": source.name, "campaign": campaign_id, "read": len(body),
                "accepted": accepted, "rejected": len(rejections), "answers": len(store)})
        target, gap_rows = write_stated_needs(ws, campaign.period)
        quarantine = (quarantine_rejections(ws, "surveys", source, rejections, now)
                      if rejections else None)
    return SurveyImport(source.name, campaign_id, len(body), accepted, len(rejections),
                        tuple(rejections), len(store), quarantine, target, gap_rows)


def write_stated_needs(ws: Workspace, period: str) -> tuple[Path, int]:
    """Rewrite `data/stated_needs/period=P/part-0.parquet` from the answers of every campaign
    of `period`: (customer, category) stated and not held in the period's indicator snapshot.
    Returns the file and its row count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    gap = needs_gap(ws, period)
    target = ws.partition_file(STATED_NEEDS, period)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    table = pa.table({"customer_id": pa.array(gap.column("customer_id").to_pylist(), pa.string()),
                      "category": pa.array(gap.column("category").to_pylist(), pa.string())})
    pq.write_table(table, staged)
    os.replace(staged, target)
    return target, table.num_rows


def needs_gap(ws: Workspace, period: str) -> Any:
    """(customer_id, category) of every need stated in the campaigns of `period` and not
    held in its indicator snapshot (no snapshot: nothing counts as held), as an Arrow table
    sorted by customer and category; one engine query."""
    import ibis

    from corptier.engine import connect

    p = Period.parse(period)
    with UnitOfWork(ws.db) as uow:
        campaigns = uow.surveys.campaigns(str(p))
        answers = uow.surveys.answer_columns([c.id for c in campaigns])
    mapping: dict[str, list[Any]] = {"campaign_id": [], "question_id": [], "choice": [],
                                     "category": []}
    for c in campaigns:
        for qid, code, category in rules.Questionnaire.model_validate(
                c.questionnaire).needs_map():
            for name, value in zip(mapping, (c.id, qid, code, category), strict=True):
                mapping[name].append(value)
    stated = _stated(ibis, answers, mapping)
    snapshot = ws.partition_file(CUSTOMER_INDICATORS, p)
    with connect(ws, "duckdb") as con:
        if snapshot.is_file():
            held = _held(ibis, con.read_parquet(snapshot))
            joined = stated.left_join(held, [stated.customer_id == held._hid,
                                             stated.category == held._hcat])
            stated = joined.select("customer_id", "category",
                                   held=joined._held.coalesce(0))
        else:
            stated = stated.mutate(held=ibis.literal(0, "int64"))
        gap = stated.filter(stated.held == 0).select("customer_id", "category")
        return con.batches(gap.order_by(["customer_id", "category"]), BATCH_ROWS).read_all()


def _stated(ibis: Any, answers: dict[str, list[Any]],
            mapping: dict[str, list[Any]]) -> Any:
    import pyarrow as pa

    a = ibis.memtable(pa.table({
        "campaign_id": pa.array(answers["campaign_id"], pa.int64()),
        "customer_id": pa.array(answers["customer_id"], pa.string()),
        "question_id": pa.array(answers["question_id"], pa.string()),
        "choice": pa.array(answers["choice"], pa.string())}))
    m = ibis.memtable(pa.table({
        "_mc": pa.array(mapping["campaign_id"], pa.int64()),
        "_mq": pa.array(mapping["question_id"], pa.string()),
        "_mchoice": pa.array(mapping["choice"], pa.string()),
        "category": pa.array(mapping["category"], pa.string())}))
    j = a.join(m, [a.campaign_id == m._mc, a.question_id == m._mq, a.choice == m._mchoice])
    return j.select("customer_id", "category").distinct()


def _held(ibis: Any, snapshot: Any) -> Any:
    """(customer, category, held 1) of the categories each customer holds."""
    parts = [snapshot.filter(snapshot[f"has_{c}"] > 0).select(
        _hid=snapshot.customer_id.cast("string"), _hcat=ibis.literal(c, "string"),
        _held=ibis.literal(1, "int64"))
        for c in PRODUCT_CATEGORIES if f"has_{c}" in snapshot.columns]
    if not parts:
        return snapshot.limit(0).select(_hid=snapshot.customer_id.cast("string"),
                                        _hcat=ibis.literal("", "string"),
                                        _held=ibis.literal(1, "int64"))
    return ibis.union(*parts, distinct=True)


def survey_results(ws: Workspace, campaign_id: int, *, lang: str | None = None
                   ) -> SurveyResults:
    """Response rate, satisfaction and NPS in total and by tier, segment and RM, the NPS
    detractors (0–6) and the needs stated and not held, from one DuckDB session; tier and
    segment names in `lang` (default: the workspace's language)."""
    import ibis
    import pyarrow as pa

    from corptier.engine import connect

    campaign = _campaign(ws, campaign_id)
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
    return SurveyResults(_view(campaign), total, by, detractors, needs, names)


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
    mapping: dict[str, list[Any]] = {"campaign_id": [], "question_id": [], "choice": [],
                                     "category": []}
    for qid, code, category in q.needs_map():
        for name, value in zip(mapping, (campaign.id, qid, code, category), strict=True):
            mapping[name].append(value)
    stated = _stated(ibis, answers, mapping)
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


# --- helpers -------------------------------------------------------------------------------------
def _check_row(q: Questionnaire, values: dict[str, Any]) -> tuple[
        str, list[tuple[str, rules.Answer]]]:
    raw = values.get("customer_id")
    if isinstance(raw, float) and raw.is_integer():   # a spreadsheet's number cell
        raw = int(raw)
    customer = str(raw).strip() if raw is not None else ""
    if not customer:
        raise rules.AnswerProblem("customer_id", "the customer id is required")
    answers: list[tuple[str, rules.Answer]] = []
    for question in q.questions:
        if question.id in values:
            answers.extend((question.id, a) for a in rules.check_answer(question,
                                                                      values[question.id]))
        elif question.required:
            raise rules.AnswerProblem(question.id, "an answer is required (no column)")
    if not answers:
        raise rules.AnswerProblem("customer_id", "the row answers no question")
    return customer, answers


def _targets(ws: Workspace, p: Period, target: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The period's published customers that the target selects, with tier, segment and RM
    (one engine query)."""
    import ibis

    from corptier.engine import connect

    tiers_file = ws.partition_file(PUBLISHED_TIERS, p)
    if not tiers_file.is_file():
        raise NotFoundError(f"period {p} has not been closed (no published tiers); close it "
                            "first")
    customers_file = ws.partition_file("customers", p)
    with connect(ws, "duckdb") as con:
        tiers = con.read_parquet(tiers_file)
        segment = (tiers.needs_segment.cast("string") if "needs_segment" in tiers.columns
                   else ibis.null("string"))
        t = tiers.select(customer_id=tiers.customer_id.cast("string"),
                         tier=tiers.applied_tier.cast("string"), segment=segment)
        if customers_file.is_file():
            c = con.read_parquet(customers_file)
            c = c.select(_cid=c.customer_id.cast("string"), rm_id=c.rm_id.cast("string"))
            t = t.left_join(c, t.customer_id == c._cid).drop("_cid")
        else:
            t = t.mutate(rm_id=ibis.null("string"))
        for column, key in (("tier", "tiers"), ("segment", "segments"), ("rm_id", "rms"),
                            ("customer_id", "customers")):
            if target[key]:
                t = t.filter(t[column].isin(target[key]))
        rows = con.batches(t.order_by("customer_id"), BATCH_ROWS).read_all().to_pylist()
    return rows


def _campaign(ws: Workspace, campaign_id: int) -> SurveyCampaign:
    with UnitOfWork(ws.db) as uow:
        found = uow.surveys.campaign(campaign_id)
    if found is None:
        raise NotFoundError(f"no survey campaign {campaign_id}")
    return found


def _group(r: dict[str, Any]) -> ResultGroup:
    sat = r["satisfaction"]
    return ResultGroup(r["key"], int(r["targeted"]), int(r["responded"] or 0),
                       None if sat is None else float(sat), int(r["nps_answers"] or 0),
                       int(r["promoters"] or 0), int(r["detractors"] or 0))


def _clean(values: Sequence[str]) -> list[str]:
    return sorted({v.strip() for v in values if v and v.strip()})


def _view(c: SurveyCampaign) -> CampaignView:
    return CampaignView(c.id, c.name, c.questionnaire_id, c.questionnaire_version, c.period,
                        dict(c.target), c.targeted, c.created_by, c.created_at)




def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
