"""The standards pages: the active standard, uploading a candidate, comparing and backtesting it,
and its adoption by maker-checker (propose, then approve or reject by another user)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from corptier.errors import CorptierError, StandardError
from corptier.i18n import Translator, tier_labels_from_standard
from corptier.services.access import Principal
from corptier.web import standard_views
from corptier.web.deps import permit, translator
from corptier.web.templating import render

router = APIRouter(include_in_schema=False)
Lang = Annotated[Translator, Depends(translator)]
PeriodQ = Annotated[str | None, Query(max_length=7)]
UPLOAD_LIMIT = 1 << 20


@router.get("/standards")
def standards_page(request: Request, t: Lang,
                   who: Annotated[Principal, Depends(permit("read_standards"))]) -> Response:
    from corptier.services import active_standard
    from corptier.services.standard_adoption import adoption_history, list_proposals

    ws = request.app.state.ws
    proposals = list_proposals(ws)
    return render(request, "standards.html", t,
                  **standard_views.standard_tables(active_standard(ws), t),
                  history=adoption_history(ws),
                  pending=[p for p in proposals if p.state == "pending"],
                  decided=[p for p in proposals if p.state != "pending"])


@router.post("/standards/candidates")
async def upload_candidate(request: Request, t: Lang,
                           who: Annotated[Principal, Depends(permit("evaluate_standard"))],
                           file: Annotated[UploadFile | None, File()] = None) -> Response:
    from starlette.concurrency import run_in_threadpool

    from corptier.services.standard_adoption import save_candidate

    content = await file.read(UPLOAD_LIMIT + 1) if file is not None else b""
    if not content:
        return _invalid(request, t, [{"line": None, "field": "",
                                      "message": t("Choose a standard file (YAML) to upload.")}])
    try:
        kept = await run_in_threadpool(save_candidate, request.app.state.ws, content)
    except StandardError as exc:
        issues = getattr(exc, "issues", None) or ()
        return _invalid(request, t, [{"line": i.line, "field": i.field, "message": i.message}
                                     for i in issues] or [{"line": None, "field": "",
                                                           "message": exc.say(t.lang)}])
    return RedirectResponse(f"/standards/candidates/{kept.key}", status_code=303)


def _invalid(request: Request, t: Translator, issues: list[dict[str, Any]]) -> Response:
    return render(request, "standard_invalid.html", t, status_code=422, issues=issues)


@router.get("/standards/candidates/{key}")
def candidate_page(request: Request, t: Lang, key: str,
                   who: Annotated[Principal, Depends(permit("evaluate_standard"))],
                   period: PeriodQ = None) -> Response:
    from corptier.services.book import published_periods
    from corptier.services.standard_adoption import candidate

    ws = request.app.state.ws
    found = candidate(ws, key[:40])
    periods = published_periods(ws)
    compared, problem = None, None
    if period:
        try:
            compared = standard_views.comparison(ws, found.path, found.standard, period, t)
        except CorptierError as exc:
            problem = exc.say(t.lang)
    return render(request, "standard_candidate.html", t, key=found.key, periods=periods,
                  period=period or "", compared=compared, problem=problem,
                  **standard_views.standard_tables(found.standard, t))


@router.get("/standards/candidates/{key}/backtest")
def backtest_page(request: Request, t: Lang, key: str,
                  who: Annotated[Principal, Depends(permit("evaluate_standard"))],
                  start: Annotated[str | None, Query(alias="from", max_length=7)] = None,
                  end: Annotated[str | None, Query(alias="to", max_length=7)] = None) -> Response:
    from corptier.services.standard_adoption import candidate, loaded_periods

    ws = request.app.state.ws
    found = candidate(ws, key[:40])
    periods = loaded_periods(ws)
    start, end = start or (periods[0] if periods else ""), end or (periods[-1] if periods else "")
    result, problem = None, None
    if start and end:
        try:
            result = standard_views.backtest(ws, found.path, start, end)
        except CorptierError as exc:
            problem = exc.say(t.lang)
    return render(request, "standard_backtest.html", t, key=found.key, periods=periods,
                  start=start, end=end, result=result, problem=problem,
                  standard=found.standard,
                  names=tier_labels_from_standard(found.standard, t.lang))


@router.post("/standards/candidates/{key}/propose")
def propose_form(request: Request, key: str,
                 who: Annotated[Principal, Depends(permit("propose_standard"))],
                 period: Annotated[str, Form(max_length=7)],
                 reason: Annotated[str, Form(max_length=2000)]) -> Response:
    from corptier.services.standard_adoption import candidate, propose_adoption

    ws = request.app.state.ws
    propose_adoption(ws, candidate(ws, key[:40]).path, period, who.name, reason)
    return RedirectResponse("/standards#proposals", status_code=303)


@router.post("/standards/proposals/{proposal_id}/approve")
def approve_form(request: Request, proposal_id: int,
                 who: Annotated[Principal, Depends(permit("decide_standard"))],
                 note: Annotated[str | None, Form(max_length=2000)] = None) -> Response:
    from corptier.services.standard_adoption import approve_adoption

    approve_adoption(request.app.state.ws, proposal_id, who.name, note)
    return RedirectResponse("/standards", status_code=303)


@router.post("/standards/proposals/{proposal_id}/reject")
def reject_form(request: Request, proposal_id: int,
                who: Annotated[Principal, Depends(permit("decide_standard"))],
                note: Annotated[str | None, Form(max_length=2000)] = None) -> Response:
    from corptier.services.standard_adoption import reject_adoption

    reject_adoption(request.app.state.ws, proposal_id, who.name, note)
    return RedirectResponse("/standards#proposals", status_code=303)
