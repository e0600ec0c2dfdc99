"""The HTML pages: login, dashboard, customers, customer 360 (with its archive, contacts,
interactions, service plan and recommendations), RM workbench, service dashboard, overrides,
staff (roster, gaps, assignment proposals)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from corptier.errors import AuthenticationError
from corptier.i18n import Translator
from corptier.services.access import Principal
from corptier.web import service_views, views
from corptier.web.deps import permit, translator
from corptier.web.matrix import SIGNED_IN
from corptier.web.security import COOKIE, LANG_COOKIE, csrf_ok
from corptier.web.templating import render

router = APIRouter(include_in_schema=False)
Lang = Annotated[Translator, Depends(translator)]
PeriodQ = Annotated[str | None, Query(max_length=7)]


@router.get("/login")
def login_page(request: Request, t: Lang, error: str | None = None) -> Response:
    codec = request.app.state.codec
    session = codec.new("", -1)
    request.state.session, request.state.csrf = session, session.csrf
    return render(request, "login.html", t, error=error)


@router.post("/login")
async def login(request: Request, t: Lang, name: Annotated[str, Form(max_length=200)],
                password: Annotated[str, Form(max_length=1000)],
                csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    from corptier.services.sessions import log_in

    state = request.app.state
    client = request.client.host if request.client else "?"
    anonymous = _anonymous_session(request)
    if anonymous is None or not csrf_ok(anonymous, csrf_token):
        return _login_again(request, t, t("The login form has expired; please try again."))
    if not state.limiter.allow(client):
        return _login_again(request, t, t("Too many login attempts; wait a minute."), 429)
    try:
        who = await run_in_threadpool(log_in, state.ws, name, password)
    except AuthenticationError:
        return _login_again(request, t, t("Unknown user, wrong password, or the user is "
                                          "disabled or locked."), 401)
    request.state.session = state.codec.new(who.name, who.session_epoch)
    return RedirectResponse("/workbench" if who.role == "rm" else "/", status_code=303)


def _anonymous_session(request: Request) -> Any:
    cookie = request.cookies.get(COOKIE)
    try:
        return request.app.state.codec.loads(cookie) if cookie else None
    except AuthenticationError:
        return None


def _login_again(request: Request, t: Translator, error: str, status: int = 400) -> Response:
    session = request.app.state.codec.new("", -1)
    request.state.session, request.state.csrf = session, session.csrf
    return render(request, "login.html", t, status_code=status, error=error)


@router.post("/logout")
async def logout(request: Request,
                 who: Annotated[Principal, Depends(permit(SIGNED_IN))]) -> Response:
    from corptier.services.sessions import log_out

    await run_in_threadpool(log_out, request.app.state.ws, who.name)
    request.state.logged_out = True
    return RedirectResponse("/login", status_code=303)


@router.post("/language")
async def language(request: Request, who: Annotated[Principal, Depends(permit(SIGNED_IN))],
                   lang: Annotated[str, Form(max_length=10)],
                   next: Annotated[str, Form(max_length=500)] = "/") -> Response:
    from corptier.services.users import set_language

    await run_in_threadpool(set_language, request.app.state.ws, who.name, lang)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="lax", path="/")
    return response


def _local(path: str) -> str:
    """`path` when it is a path of this site, else the dashboard (no open redirect)."""
    ok = path.startswith("/") and not path.startswith(("//", "/\\")) and "\\" not in path
    return path if ok else "/"


@router.get("/")
def dashboard_page(request: Request, t: Lang,
                   who: Annotated[Principal, Depends(permit("read_book"))],
                   period: PeriodQ = None) -> Response:
    return render(request, "dashboard.html", t, **views.dashboard(request, who, t, period))


@router.get("/customers")
def customers_page(request: Request, t: Lang,
                   who: Annotated[Principal, Depends(permit("read_book"))]) -> Response:
    context = views.customer_list(request, who, t)
    partial = request.headers.get("hx-request") == "true"
    return render(request, "customer_rows.html" if partial else "customers.html", t, **context)


@router.get("/customers/export.xlsx")
def customers_export(request: Request, t: Lang,
                     who: Annotated[Principal, Depends(permit("export_book"))]) -> Response:
    from corptier.services.book_export import export_customers_xlsx

    query, period = views.book_query(request)
    data, period = export_customers_xlsx(request.app.state.ws, who, period, query, t.lang)
    return Response(data, media_type="application/vnd.openxmlformats-officedocument."
                                      "spreadsheetml.sheet",
                    headers={"Content-Disposition":
                             f'attachment; filename="customers-{period}.xlsx"'})


@router.get("/customers/{customer_id}")
def customer_page(request: Request, t: Lang, customer_id: str,
                  who: Annotated[Principal, Depends(permit("read_book"))],
                  period: PeriodQ = None) -> Response:
    context = views.customer_360(request, who, t, customer_id, period)
    context.update(service_views.customer_panels(request, who, customer_id))
    return render(request, "customer.html", t, **context)


@router.get("/customers/{customer_id}/recommendations")
def recommendations_panel(request: Request, t: Lang, customer_id: str,
                          who: Annotated[Principal, Depends(permit("read_book"))],
                          period: PeriodQ = None) -> Response:
    context = service_views.recommendations(request, who, t, customer_id, period)
    partial = request.headers.get("hx-request") == "true"
    return render(request, "recommendations_panel.html" if partial else "recommendations.html",
                  t, **context)


@router.post("/customers/{customer_id}/contacts/full")
def contacts_in_full(request: Request, t: Lang, customer_id: str,
                     who: Annotated[Principal, Depends(permit("view_contacts"))]) -> Response:
    return render(request, "contacts.html", t,
                  **service_views.full_contacts(request, who, customer_id))


@router.post("/customers/{customer_id}/interactions")
def log_interaction_form(
        request: Request, customer_id: str,
        who: Annotated[Principal, Depends(permit("edit_archive"))],
        on: Annotated[str, Form(max_length=10)], type: Annotated[str, Form(max_length=20)],
        purpose: Annotated[str | None, Form(max_length=400)] = None,
        summary: Annotated[str | None, Form(max_length=4000)] = None,
        bank_participants: Annotated[str | None, Form(max_length=400)] = None,
        customer_participants: Annotated[str | None, Form(max_length=400)] = None,
        needs: Annotated[list[str] | None, Form()] = None,
        outcome: Annotated[str | None, Form(max_length=1000)] = None,
        next_step: Annotated[str | None, Form(max_length=1000)] = None,
        next_step_due: Annotated[str | None, Form(max_length=10)] = None) -> Response:
    from corptier.services import log_interaction
    from corptier.services.book import check_in_scope

    ws = request.app.state.ws
    check_in_scope(ws, who, customer_id)
    log_interaction(ws, who.name, customer_id=customer_id, on=on, type=type,
                    purpose=purpose or None, summary=summary or None,
                    bank_participants=bank_participants or None,
                    customer_participants=customer_participants or None,
                    needs=[n for n in needs or [] if n][:20] or None,
                    outcome=outcome or None, next_step=next_step or None,
                    next_step_due=next_step_due or None)
    return RedirectResponse(f"/customers/{_path_id(customer_id)}#interactions",
                            status_code=303)


@router.post("/customers/{customer_id}/tasks/{task_id}/done")
def complete_task_form(request: Request, customer_id: str, task_id: int,
                       who: Annotated[Principal, Depends(permit("complete_task"))],
                       note: Annotated[str | None, Form(max_length=2000)] = None,
                       next: Annotated[str | None, Form(max_length=500)] = None) -> Response:
    from corptier.services import complete_service_task

    service_views.check_task_of(request, who, customer_id, task_id)
    complete_service_task(request.app.state.ws, task_id, who.name, note)
    back = _local(next) if next else f"/customers/{_path_id(customer_id)}#service-plan"
    return RedirectResponse(back, status_code=303)


@router.post("/customers/{customer_id}/overrides")
def request_override_form(request: Request, customer_id: str,
                          who: Annotated[Principal, Depends(permit("request_override"))],
                          tier: Annotated[str, Form(max_length=40)],
                          reason: Annotated[str, Form(max_length=2000)],
                          until: Annotated[str, Form(max_length=10)],
                          valid_from: Annotated[str | None, Form(max_length=10)] = None,
                          risk_exception: Annotated[str | None, Form(max_length=2000)] = None,
                          ) -> Response:
    from corptier.services.scoped_overrides import request_as

    request_as(request.app.state.ws, who, customer_id, tier, reason, until,
               risk_exception=risk_exception, valid_from=valid_from or None)
    return RedirectResponse(f"/customers/{_path_id(customer_id)}#overrides", status_code=303)


def _path_id(customer_id: str) -> str:
    from urllib.parse import quote

    return quote(customer_id, safe="")


@router.get("/workbench")
def workbench_page(request: Request, t: Lang,
                   who: Annotated[Principal, Depends(permit("read_book"))],
                   period: PeriodQ = None) -> Response:
    context = views.workbench(request, who, t, period)
    context.update(service_views.workbench_tasks(request, who))
    context.update(service_views.workbench_portfolio(request, who, context["d"].period))
    return render(request, "workbench.html", t, **context)


@router.get("/service")
def service_page(request: Request, t: Lang,
                 who: Annotated[Principal, Depends(permit("read_service_kpis"))],
                 period: PeriodQ = None) -> Response:
    return render(request, "service.html", t,
                  **service_views.service_dashboard(request, t, period))


@router.get("/staff")
def staff_page(request: Request, t: Lang,
               who: Annotated[Principal, Depends(permit("read_staff"))],
               period: PeriodQ = None) -> Response:
    from corptier.services.scoped_staff import staff_view

    return render(request, "staff.html", t, staff=staff_view(request.app.state.ws, who, period))


@router.post("/staff/proposals/{proposal_id}/approve")
def approve_proposal_form(request: Request, proposal_id: int,
                          who: Annotated[Principal, Depends(permit("decide_assignment"))],
                          note: Annotated[str | None, Form(max_length=2000)] = None
                          ) -> Response:
    return _decide_proposal(request, who, proposal_id, True, note)


@router.post("/staff/proposals/{proposal_id}/reject")
def reject_proposal_form(request: Request, proposal_id: int,
                         who: Annotated[Principal, Depends(permit("decide_assignment"))],
                         note: Annotated[str | None, Form(max_length=2000)] = None
                         ) -> Response:
    return _decide_proposal(request, who, proposal_id, False, note)


def _decide_proposal(request: Request, who: Principal, proposal_id: int, approve: bool,
                     note: str | None) -> Response:
    from corptier.services.scoped_staff import decide_proposal_as

    decide_proposal_as(request.app.state.ws, who, proposal_id, approve, note)
    return RedirectResponse("/staff", status_code=303)


@router.get("/overrides")
def overrides_page(request: Request, t: Lang,
                   who: Annotated[Principal, Depends(permit("read_book"))],
                   state: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    return render(request, "overrides.html", t, **views.overrides(request, who, t, state))


def _decide(request: Request, who: Principal, override_id: int, approve: bool,
            note: str | None) -> Response:
    from corptier.services.scoped_overrides import decide_as

    decide_as(request.app.state.ws, who, override_id, approve, note)
    return RedirectResponse("/overrides", status_code=303)


@router.post("/overrides/{override_id}/approve")
def approve_form(request: Request, override_id: int,
                 who: Annotated[Principal, Depends(permit("decide_override"))],
                 note: Annotated[str | None, Form(max_length=2000)] = None) -> Response:
    return _decide(request, who, override_id, True, note)


@router.post("/overrides/{override_id}/reject")
def reject_form(request: Request, override_id: int,
                who: Annotated[Principal, Depends(permit("decide_override"))],
                note: Annotated[str | None, Form(max_length=2000)] = None) -> Response:
    return _decide(request, who, override_id, False, note)


@router.post("/overrides/{override_id}/revoke")
def revoke_form(request: Request, override_id: int,
                who: Annotated[Principal, Depends(permit("revoke_override"))],
                note: Annotated[str | None, Form(max_length=2000)] = None) -> Response:
    from corptier.services.scoped_overrides import revoke_as

    revoke_as(request.app.state.ws, who, override_id, note)
    return RedirectResponse("/overrides", status_code=303)


@router.get("/alerts")
def alerts_page(request: Request, t: Lang,
                who: Annotated[Principal, Depends(permit("read_book"))],
                state: Annotated[str | None, Query(max_length=20)] = None,
                severity: Annotated[str | None, Query(max_length=20)] = None,
                mine: Annotated[bool, Query()] = False) -> Response:
    return render(request, "alerts.html", t,
                  **views.alerts(request, who, state, severity, mine))


@router.post("/alerts/{alert_id}/{action}")
def alert_form(request: Request, alert_id: int, action: str,
               who: Annotated[Principal, Depends(permit("handle_alert"))],
               note: Annotated[str | None, Form(max_length=4000)] = None) -> Response:
    from corptier.services.scoped_alerts import handle_as

    handle_as(request.app.state.ws, who, alert_id, action, note)
    return RedirectResponse("/alerts", status_code=303)


AuditQ = Annotated[str | None, Query(max_length=80)]


def _audit_filter(actor: str | None, action: str | None, entity: str | None, since: str | None,
                  until: str | None) -> Any:
    from corptier.services.audit_log import AuditFilter

    return AuditFilter(actor=actor or None, action=action or None, entity=entity or None,
                       since=since or None, until=until or None)


@router.get("/audit")
def audit_page(request: Request, t: Lang,
               who: Annotated[Principal, Depends(permit("read_audit"))],
               actor: AuditQ = None, action: AuditQ = None, entity: AuditQ = None,
               since: AuditQ = None, until: AuditQ = None) -> Response:
    from urllib.parse import urlencode

    from corptier.services.audit_log import audit_entries

    where = _audit_filter(actor, action, entity, since, until)
    entries = audit_entries(request.app.state.ws, who, where=where)
    query = urlencode({k: v for k, v in vars(where).items() if v})
    return render(request, "audit.html", t, entries=entries, where=where, query=query)


@router.get("/audit/export.csv")
def audit_export(request: Request,
                 who: Annotated[Principal, Depends(permit("export_audit"))],
                 actor: AuditQ = None, action: AuditQ = None, entity: AuditQ = None,
                 since: AuditQ = None, until: AuditQ = None) -> Response:
    from corptier.services.audit_log import export_audit_csv

    data = export_audit_csv(request.app.state.ws, who,
                            _audit_filter(actor, action, entity, since, until))
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
