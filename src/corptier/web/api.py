"""The JSON API `/api/v1`: customers, tiers, explanations, overrides, standards and runs, with
the same permissions and data scopes as the pages; errors are {"error": {"code", "message"}}."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from corptier.services.access import Principal
from corptier.web.deps import permit

router = APIRouter(prefix="/api/v1", tags=["corptier"])
Reader = Annotated[Principal, Depends(permit("read_book"))]
PeriodQ = Annotated[str | None, Query(max_length=7, description="YYYY-MM; default latest")]
StandardReader = Annotated[Principal, Depends(permit("read_standards"))]
OverrideId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ProposalId = Annotated[int, Path(ge=1, le=2**31 - 1)]
CustomerId = Annotated[str, Path(min_length=1, max_length=40)]


class ErrorBody(BaseModel):
    code: str
    message: str


class Error(BaseModel):
    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": Error} for s in (401, 403, 404, 409, 422, 503)}


class Run(BaseModel):
    period: str
    run_id: str
    standard_id: str
    standard_version: str
    customers: int


class TierCount(BaseModel):
    tier: str
    name_zh: str
    name_en: str
    customers: int
    previous_customers: int
    contribution: float


class Tiers(BaseModel):
    period: str
    previous_period: str | None
    tiers: list[TierCount]


class Customer(BaseModel):
    customer_id: str
    name: str | None = None
    uscc: str | None = None
    applied_tier: str | None = None
    computed_tier: str | None = None
    score: float | None = None
    flags: list[str] = []
    migration: str | None = None
    previous_tier: str | None = None
    needs_segment: str | None = None
    behaviour_state: str | None = None
    rm_id: str | None = None
    sub_branch: str | None = None
    industry_section: str | None = None
    enterprise_size: str | None = None
    group_id: str | None = None
    contribution: float | None = None
    dep_avg: float | None = None
    loan_avg: float | None = None


class CustomerList(BaseModel):
    period: str
    run_id: str
    count: int
    page: int
    size: int
    data: list[Customer]


class ExplanationOut(BaseModel):
    customer_id: str
    period: str
    run_id: str
    text: str
    data: dict[str, Any]


class OverrideOut(BaseModel):
    id: int
    customer_id: str
    tier: str
    reason: str
    valid_until: date
    requested_by: str
    requested_at: datetime
    state: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    risk_exception: str | None = None
    valid_from: date | None = None


class OverrideList(BaseModel):
    count: int
    data: list[OverrideOut]


class OverrideRequest(BaseModel):
    customer_id: str = Field(min_length=1, max_length=40)
    tier: str = Field(min_length=1, max_length=40)
    reason: str = Field(min_length=1, max_length=2000)
    until: date
    valid_from: date | None = None
    risk_exception: str | None = Field(default=None, max_length=2000)


class Decision(BaseModel):
    note: str | None = Field(default=None, max_length=2000)


class StandardTier(BaseModel):
    code: str
    name_zh: str
    name_en: str
    description: str


class StandardIndicator(BaseModel):
    indicator: str
    weight: float
    method: str


class StandardDimension(BaseModel):
    code: str
    name_zh: str
    name_en: str
    weight: float
    description: str
    indicators: list[StandardIndicator]


class StandardGate(BaseModel):
    kind: str = Field(description="floor or cap")
    id: str
    description: str
    tier: str
    when: str | None = None
    named_list: str | None = None
    immediate: bool | None = None


class StandardOut(BaseModel):
    id: str
    version: str
    content_hash: str
    effective_from: date
    description: str
    tiers: list[StandardTier]
    dimensions: list[StandardDimension]
    cutoffs: dict[str, Any] = Field(description="method, values per tier, ladders (as in YAML)")
    gates: list[StandardGate]
    group_rule: dict[str, Any] | None = None


class AdoptionOut(BaseModel):
    standard_id: str
    version: str
    content_hash: str
    period: str
    by: str
    at: datetime
    note: str | None


class ProposalOut(BaseModel):
    id: int
    standard_id: str
    version: str
    content_hash: str
    file_name: str
    start_period: str
    reason: str
    proposed_by: str
    proposed_at: datetime
    state: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


class ProposalList(BaseModel):
    count: int
    data: list[ProposalOut]


class ProposalRequest(BaseModel):
    candidate: str = Field(min_length=16, max_length=16, pattern="^[0-9a-f]{16}$",
                           description="key of a candidate uploaded on /standards")
    period: str = Field(min_length=7, max_length=7, description="YYYY-MM: adopted from")
    reason: str = Field(min_length=1, max_length=2000)


def _ws(request: Request) -> Any:
    return request.app.state.ws


def _period(request: Request, period: str | None) -> str:
    from corptier.services.book import latest_period

    return period or latest_period(_ws(request))


@router.get("/runs", responses=ERRORS)
def runs(request: Request, who: Reader) -> list[Run]:
    """The closed periods with their published runs, oldest first."""
    from corptier.services import published_run
    from corptier.services.book import published_periods

    ws = _ws(request)
    out = []
    for p in published_periods(ws):
        r = published_run(ws, p)
        out.append(Run(period=r.period, run_id=r.run_id, standard_id=r.standard_id,
                       standard_version=r.standard_version, customers=r.customers))
    return out


@router.get("/tiers", responses=ERRORS)
def tiers(request: Request, who: Reader, period: PeriodQ = None) -> Tiers:
    """Customers and contribution per tier (this and the previous period) in the user's scope."""
    from corptier.services.dashboard import dashboard

    d = dashboard(_ws(request), who, _period(request, period))
    return Tiers(period=d.period, previous_period=d.previous_period, tiers=[
        TierCount(tier=x.code, name_zh=x.name_zh, name_en=x.name_en,
                  customers=d.counts.get(x.code, 0),
                  previous_customers=d.previous_counts.get(x.code, 0),
                  contribution=d.contribution.get(x.code, 0.0)) for x in d.tiers])


@router.get("/customers", responses=ERRORS)
def customers(request: Request, who: Reader, period: PeriodQ = None,
              q: Annotated[str | None, Query(max_length=100)] = None,
              tier: Annotated[str | None, Query(max_length=40)] = None,
              flag: Annotated[str | None, Query(max_length=40)] = None,
              sort: Annotated[str, Query(max_length=20)] = "customer_id",
              desc: bool = False, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
              size: Annotated[int, Query(ge=1, le=200)] = 50) -> CustomerList:
    """One page of the customers the user sees, searched by name, USCC or id."""
    from corptier.services.book import BookQuery, list_customers

    query = BookQuery(filters={"applied_tier": tier} if tier else {}, flag=flag, search=q,
                      sort=sort, descending=desc, page=page, size=size)
    found = list_customers(_ws(request), who, _period(request, period), query)
    return CustomerList(period=found.period, run_id=found.run_id, count=found.total,
                        page=found.page, size=found.size,
                        data=[_customer(r) for r in found.rows])


def _customer(row: dict[str, Any]) -> Customer:
    fields = {k: row.get(k) for k in Customer.model_fields if k != "flags"}
    flags = [f for f in (row.get("flags") or "").split(",") if f]
    return Customer.model_validate({**fields, "flags": flags})


@router.get("/customers/{customer_id}", responses=ERRORS)
def customer(request: Request, who: Reader, customer_id: CustomerId,
             period: PeriodQ = None) -> Customer:
    """One customer of the user's scope (404 for any other)."""
    from corptier.services.book import customer_record

    return _customer(customer_record(_ws(request), who, customer_id,
                                     _period(request, period)))


@router.get("/customers/{customer_id}/explanation", responses=ERRORS)
def explanation(request: Request, who: Reader, customer_id: CustomerId,
                period: PeriodQ = None,
                lang: Annotated[str, Query(pattern="^(zh-CN|en)$")] = "zh-CN"
                ) -> ExplanationOut:
    """How the customer's published tier came about, as data and as text in `lang`."""
    from corptier.services import explain_customer
    from corptier.services.book import check_in_scope

    ws = _ws(request)
    check_in_scope(ws, who, customer_id)
    e = explain_customer(ws, customer_id, _period(request, period), lang)
    return ExplanationOut(customer_id=e.customer_id, period=e.period, run_id=e.run_id,
                          text=e.text, data=e.data)


def _override(o: Any) -> OverrideOut:
    return OverrideOut(id=o.id, customer_id=o.customer_id, tier=o.tier, reason=o.reason,
                       valid_until=o.valid_until, requested_by=o.requested_by,
                       requested_at=o.requested_at, state=o.state, decided_by=o.decided_by,
                       decided_at=o.decided_at, decision_note=o.decision_note,
                       risk_exception=o.risk_exception, valid_from=o.valid_from)


@router.get("/overrides", responses=ERRORS)
def overrides(request: Request, who: Reader,
              state: Annotated[str | None, Query(max_length=20)] = None,
              customer_id: Annotated[str | None, Query(max_length=40)] = None) -> OverrideList:
    """Overrides of the customers the user sees."""
    from corptier.services.scoped_overrides import scoped_overrides

    found = scoped_overrides(_ws(request), who, state, customer_id)
    return OverrideList(count=len(found), data=[_override(o) for o in found])


@router.post("/overrides", status_code=201, responses=ERRORS)
def request_override(request: Request,
                     who: Annotated[Principal, Depends(permit("request_override"))],
                     body: OverrideRequest) -> OverrideOut:
    """Request an override of a customer of the user's book (pending until approved)."""
    from corptier.services.scoped_overrides import request_as

    return _override(request_as(_ws(request), who, body.customer_id, body.tier, body.reason,
                                body.until, risk_exception=body.risk_exception,
                                valid_from=body.valid_from))


@router.post("/overrides/{override_id}/approve", responses=ERRORS)
def approve(request: Request, override_id: OverrideId,
            who: Annotated[Principal, Depends(permit("decide_override"))],
            body: Decision | None = None) -> OverrideOut:
    """Approve a pending override (the approver is not its requester)."""
    from corptier.services.scoped_overrides import decide_as

    return _override(decide_as(_ws(request), who, override_id, True,
                               body.note if body else None))


@router.post("/overrides/{override_id}/reject", responses=ERRORS)
def reject(request: Request, override_id: OverrideId,
           who: Annotated[Principal, Depends(permit("decide_override"))],
           body: Decision | None = None) -> OverrideOut:
    """Reject a pending override."""
    from corptier.services.scoped_overrides import decide_as

    return _override(decide_as(_ws(request), who, override_id, False,
                               body.note if body else None))


@router.get("/standards/active", responses=ERRORS)
def active(request: Request, who: StandardReader) -> StandardOut:
    """The active standard as data: tiers, dimensions with indicators and weights, cut-offs,
    gates and the group rule."""
    from corptier.services import active_standard

    s = active_standard(_ws(request))
    gates = [StandardGate(kind=kind, id=g.id, description=g.description, tier=g.tier,
                          when=g.when, immediate=getattr(g, "immediate", None),
                          named_list=(g.named_list.name or g.named_list.file
                                      or f"{len(g.named_list.ids)} ids")
                          if g.named_list else None)
             for kind, found in (("floor", s.gates.floors), ("cap", s.gates.caps))
             for g in found]
    return StandardOut(
        id=s.id, version=s.version, content_hash=s.content_hash,
        effective_from=s.effective_from, description=s.description,
        tiers=[StandardTier(code=x.code, name_zh=x.name_zh, name_en=x.name_en,
                            description=x.description) for x in s.tiers],
        dimensions=[StandardDimension(
            code=code, name_zh=d.name_zh, name_en=d.name_en, weight=d.weight,
            description=d.description,
            indicators=[StandardIndicator(indicator=name, weight=i.weight, method=i.method)
                        for name, i in d.indicators.items()])
            for code, d in s.dimensions.items()],
        cutoffs=s.cutoffs.model_dump(mode="json", exclude_none=True), gates=gates,
        group_rule=s.group_rule.model_dump(mode="json", exclude_none=True)
        if s.group_rule else None)


@router.get("/standards/adoptions", responses=ERRORS)
def adoptions(request: Request, who: StandardReader) -> list[AdoptionOut]:
    """The adoptions of standards, newest first."""
    from corptier.services.standard_adoption import adoption_history

    return [AdoptionOut(standard_id=a.standard_id, version=a.version,
                        content_hash=a.content_hash, period=a.period, by=a.by, at=a.at,
                        note=a.note) for a in adoption_history(_ws(request))]


def _proposal(p: Any) -> ProposalOut:
    return ProposalOut.model_validate(p, from_attributes=True)


@router.get("/standards/proposals", responses=ERRORS)
def proposals(request: Request, who: StandardReader,
              state: Annotated[str | None, Query(max_length=20)] = None) -> ProposalList:
    """Proposals to adopt a standard (maker-checker), newest first."""
    from corptier.services.standard_adoption import list_proposals

    found = list_proposals(_ws(request), state)
    return ProposalList(count=len(found), data=[_proposal(p) for p in found])


@router.post("/standards/proposals", status_code=201, responses=ERRORS)
def propose(request: Request, who: Annotated[Principal, Depends(permit("propose_standard"))],
            body: ProposalRequest) -> ProposalOut:
    """Propose an uploaded candidate for adoption from a period on (pending until another
    user approves it)."""
    from corptier.services.standard_adoption import candidate, propose_adoption

    ws = _ws(request)
    return _proposal(propose_adoption(ws, candidate(ws, body.candidate).path, body.period,
                                      who.name, body.reason))


@router.post("/standards/proposals/{proposal_id}/approve", responses=ERRORS)
def approve_standard(request: Request, proposal_id: ProposalId,
                     who: Annotated[Principal, Depends(permit("decide_standard"))],
                     body: Decision | None = None) -> ProposalOut:
    """Approve a pending proposal and adopt its standard (the checker is not its maker)."""
    from corptier.services.standard_adoption import approve_adoption, get_proposal

    ws = _ws(request)
    approve_adoption(ws, proposal_id, who.name, body.note if body else None)
    return _proposal(get_proposal(ws, proposal_id))


@router.post("/standards/proposals/{proposal_id}/reject", responses=ERRORS)
def reject_standard(request: Request, proposal_id: ProposalId,
                    who: Annotated[Principal, Depends(permit("decide_standard"))],
                    body: Decision | None = None) -> ProposalOut:
    """Reject a pending proposal (the checker is not its maker)."""
    from corptier.services.standard_adoption import reject_adoption

    return _proposal(reject_adoption(_ws(request), proposal_id, who.name,
                                     body.note if body else None))
