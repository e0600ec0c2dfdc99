"""What the archive, service-plan and recommendation panels show (customer 360, workbench,
service dashboard), gathered from the services after the data scope was checked; no business
rule lives here."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request

from corptier.errors import CorptierError, NotFoundError
from corptier.i18n import Translator
from corptier.services.access import Principal
from corptier.web.views import tier_label

WORKBENCH_TASKS = 50
KPI_GROUPS = ("tier", "rm", "sub_branch")


def customer_panels(request: Request, who: Principal, customer_id: str) -> dict[str, Any]:
    """The 360 page's archive, contacts (masked), interactions, relationships and service plan
    of a customer the caller already knows is in `who`'s scope."""
    from corptier.services import list_contacts, list_interactions
    from corptier.services.archive import customer_archive

    ws = request.app.state.ws
    return {
        "archive": customer_archive(ws, customer_id, viewer=who.name),
        "contacts": list_contacts(ws, customer_id, viewer=who.name),
        "interactions": list_interactions(ws, customer_id, viewer=who.name, limit=50),
        "plan": _optional(lambda: _plan(ws, customer_id)),
        "relationships": _optional(lambda: _relationships(ws, customer_id, who.name)),
        "interaction_types": _types(), "needs": _needs(), "today": date.today().isoformat(),
    }


def recommendations(request: Request, who: Principal, t: Translator, customer_id: str,
                    period: str | None) -> dict[str, Any]:
    """The customer's next best products with their reasons (a whole-book engine pass, so the
    360 page loads it apart, with htmx)."""
    from corptier.services.book import check_in_scope, latest_period

    ws = request.app.state.ws
    check_in_scope(ws, who, customer_id)
    period = period or latest_period(ws)
    return {"customer_id": customer_id, "period": period,
            "recommendations": _optional(lambda: _recommendations(ws, customer_id, period, t))}


def _plan(ws: Any, customer_id: str) -> Any:
    from corptier.services import service_plan

    return service_plan(ws, customer_id)


def _relationships(ws: Any, customer_id: str, viewer: str) -> Any:
    from corptier.services import customer_relationships

    return customer_relationships(ws, customer_id, viewer=viewer)


def _recommendations(ws: Any, customer_id: str, period: str, t: Translator) -> Any:
    from corptier.services import recommend_customer

    return recommend_customer(ws, customer_id, period, lang=t.lang)


def _optional(read: Any) -> dict[str, Any]:
    """{"value": ...} or {"missing": the one-line reason} for a panel that may not exist yet
    (no service catalogue, period not closed, customer without recommendations)."""
    try:
        return {"value": read(), "missing": None}
    except CorptierError as exc:
        return {"value": None, "missing": str(exc)}


def _types() -> tuple[str, ...]:
    from corptier.services.interactions import TYPES

    return tuple(TYPES)


def _needs() -> tuple[str, ...]:
    from corptier.services.interactions import NEEDS

    return tuple(NEEDS)


def full_contacts(request: Request, who: Principal, customer_id: str) -> dict[str, Any]:
    """The customer's contacts unmasked (the service audits the view)."""
    from corptier.services import list_contacts
    from corptier.services.book import check_in_scope

    ws = request.app.state.ws
    check_in_scope(ws, who, customer_id)
    return {"customer_id": customer_id,
            "contacts": list_contacts(ws, customer_id, full=True, viewer=who.name)}


def check_task_of(request: Request, who: Principal, customer_id: str, task_id: int) -> None:
    """NotFoundError unless the customer is in `who`'s scope and the task is one of its."""
    from corptier.services import list_service_tasks
    from corptier.services.book import check_in_scope

    ws = request.app.state.ws
    check_in_scope(ws, who, customer_id)
    tasks = list_service_tasks(ws, customer_id=customer_id, status="all")
    if not any(task.id == task_id for task in tasks):
        raise NotFoundError("customer {customer} has no service task {task}",
                            customer=customer_id, task=task_id)


def workbench_tasks(request: Request, who: Principal) -> dict[str, Any]:
    """The open and the overdue service tasks of `who`'s book, earliest due first: an RM's
    own, a team's RMs', else the scope's (kept to what `in_scope` grants)."""
    from corptier.services import list_service_tasks
    from corptier.services.book import in_scope

    ws = request.app.state.ws
    rm_ids: tuple[str | None, ...] = (
        who.scope.rm_ids if not who.scope.bank_wide and who.scope.rm_ids else (None,))
    if who.scope.empty:
        return {"open_tasks": [], "overdue_tasks": []}
    lists: dict[str, list[Any]] = {}
    for key, overdue in (("open_tasks", False), ("overdue_tasks", True)):
        found = [task for rm_id in rm_ids
                 for task in list_service_tasks(ws, rm_id=rm_id, overdue=overdue)]
        seen = in_scope(ws, who, sorted({task.customer_id for task in found}))
        kept = sorted((task for task in found if task.customer_id in seen),
                      key=lambda task: (task.due_date, task.id))
        lists[key] = kept[:WORKBENCH_TASKS]
    return lists


def workbench_portfolio(request: Request, who: Principal, period: str) -> dict[str, Any]:
    """The portfolio line of the RMs `who` is tied to: an RM's own, a team head's team's
    (none for other roles, or without staff rules or a roster for the period)."""
    from corptier.errors import NotFoundError, StandardError
    from corptier.services import staff_portfolio

    if who.scope.bank_wide or not who.scope.rm_ids:
        return {"portfolio": None}
    try:
        found = staff_portfolio(request.app.state.ws, period, who.scope.rm_ids)
    except (NotFoundError, StandardError):
        return {"portfolio": None}
    return {"portfolio": found}


def service_dashboard(request: Request, t: Translator, period: str | None) -> dict[str, Any]:
    """Delivery KPIs of the tasks due in `period` by tier, RM and sub-branch."""
    from corptier.services import service_kpis
    from corptier.services.book import latest_period
    from corptier.services.dashboard import tier_names

    ws = request.app.state.ws
    period = period or latest_period(ws)
    tables = {by: service_kpis(ws, period, by).to_dict("records") for by in KPI_GROUPS}
    try:
        tiers = tier_names(ws, period)
    except CorptierError:
        tiers = []
    return {"period": period, "tables": tables, "names": tier_label(t, tiers)}
