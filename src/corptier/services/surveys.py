"""Needs surveys (需求调研): check a questionnaire, create a campaign over a closed period's
customers (by tier, needs segment, RM or an explicit list) and import the answers from CSV/xlsx
with a reconciliation read = accepted + rejected. Each import rewrites the period's stated
needs (`services/stated_needs.py`); the results are in `services/survey_results.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
from corptier.services.stated_needs import write_stated_needs
from corptier.store import UnitOfWork
from corptier.store.models import SurveyCampaign
from corptier.workspace import PUBLISHED_TIERS, Workspace

Questionnaire = rules.Questionnaire
CAMPAIGN_ENTITY = "survey_campaign"
IMPORT_ENTITY = "survey_import"
BATCH_ROWS = 65_536


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
        raise NotFoundError("no questionnaire '{ref}' in {folder}", ref=ref,
                            folder=ws.standards_dir / rules.FOLDER)
    if len(found) > 1:
        raise RequestError("questionnaire '{wanted}' has versions {versions}: name one as "
                           "{wanted}@VERSION", wanted=wanted,
                           versions=", ".join(q.version for q in found))
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
        raise RequestError("the campaign targets no customer of {period}: check the tiers, "
                           "segments, RMs or customers given", period=p)
    now = _naive(clock())
    with workspace_lock(ws, "survey campaign"), UnitOfWork(ws.db) as uow:
        campaign = uow.surveys.add_campaign(SurveyCampaign(
            name=(name or f"{q.title} {p}")[:200], questionnaire_id=q.id,
            questionnaire_version=q.version, questionnaire=q.model_dump(mode="json"),
            period=str(p), target=target, targeted=len(rows), created_by=actor,
            created_at=now))
        uow.surveys.add_targets(campaign.id, rows)
        view = campaign_view(campaign)
        uow.audit.record(now, actor, "create", CAMPAIGN_ENTITY, str(campaign.id), after={
            "name": view.name, "questionnaire": q.id, "version": q.version,
            "period": view.period, "target": target, "targeted": len(rows)})
    return view


def list_campaigns(ws: Workspace, period: str | None = None) -> list[CampaignView]:
    with UnitOfWork(ws.db) as uow:
        return [campaign_view(c) for c in uow.surveys.campaigns(
            None if period is None else str(Period.parse(period)))]


def import_answers(ws: Workspace, campaign_id: int, path: Path | str, by: str | None, *,
                   clock: Clock = utc_now) -> SurveyImport:
    """Import a campaign's answers (CSV UTF-8/GBK or xlsx; one row per customer; headers the
    customer column and each question's Chinese text or id). Each row is accepted whole or
    rejected naming its row and field (quarantine/surveys/); accepted rows are stored in one
    transaction and the period's stated needs gap is rewritten."""
    from corptier.services._lock import workspace_lock

    source = Path(path)
    campaign = campaign_record(ws, campaign_id)
    q = rules.Questionnaire.model_validate(campaign.questionnaire)
    if source.suffix.lower() not in (".csv", ".txt", ".xlsx"):
        raise ContractError("{name}: survey answers are a .csv or .xlsx file", name=source.name)
    rows = read_sheet_rows(source)
    headers, body = rows[0][1], rows[1:]
    columns = rules.map_headers(q, headers)
    if "customer_id" not in columns.values():
        raise ContractError("{name}: row 1: the header has no customer column (e.g. 客户编号)",
                            name=source.name)
    if len(columns) < 2:
        raise ContractError("{name}: row 1: no column names a question of {id} {version} (use the "
                            "question's text or id)", name=source.name, id=q.id, version=q.version)
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
        raise NotFoundError("period {period} has not been closed (no published tiers); close it "
                            "first", period=p)
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


def campaign_record(ws: Workspace, campaign_id: int) -> SurveyCampaign:
    with UnitOfWork(ws.db) as uow:
        found = uow.surveys.campaign(campaign_id)
    if found is None:
        raise NotFoundError("no survey campaign {id}", id=campaign_id)
    return found


def _clean(values: Sequence[str]) -> list[str]:
    return sorted({v.strip() for v in values if v and v.strip()})


def campaign_view(c: SurveyCampaign) -> CampaignView:
    return CampaignView(c.id, c.name, c.questionnaire_id, c.questionnaire_version, c.period,
                        dict(c.target), c.targeted, c.created_by, c.created_at)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
