"""Service-plan tasks: list them (an RM's own, the overdue ones), complete one (audited), and
measure delivery (plan completion and SLA compliance by tier, RM and sub-branch).

"Today" is the UTC date of the injectable `clock`: a task is overdue when it is open and its
due date is before today; it met its SLA when it was done on or before its due date.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from corptier.errors import ApprovalError, NotFoundError, RequestError
from corptier.periods import Period
from corptier.services.service_plans import Clock, ServiceTaskView, task_view, utc_now
from corptier.services.users import acting_name
from corptier.store import UnitOfWork

if TYPE_CHECKING:
    import pandas as pd

    from corptier.workspace import Workspace

ENTITY = "service_task"
MAX_NOTE = 2000
STATUSES = {"open": ("open",), "done": ("done",), "superseded": ("superseded",),
            "all": ("open", "done", "superseded")}
KPI_BY = ("tier", "rm", "sub_branch")
MAX_TASKS = 500


def list_service_tasks(ws: Workspace, *, rm_id: str | None = None, user: str | None = None,
                       customer_id: str | None = None, overdue: bool = False,
                       status: str = "open", limit: int = MAX_TASKS,
                       clock: Clock = utc_now) -> list[ServiceTaskView]:
    """Tasks by due date: of one RM (`rm_id`, or the RM the user `user` is), one customer,
    one status (open, done, superseded, all), or only the overdue ones."""
    if status not in STATUSES:
        raise RequestError("unknown task status '{status}'; use one of {statuses}", status=status,
                           statuses=", ".join(STATUSES))
    today = _naive(clock()).date()
    with UnitOfWork(ws.db) as uow:
        if user is not None:
            rm_id = _rm_of(uow, user)
        found = uow.service_plans.tasks(
            rm_id=rm_id, customer_id=customer_id, statuses=STATUSES[status],
            overdue_on=today if overdue else None, limit=max(1, min(limit, MAX_TASKS)))
        return [task_view(t, today) for t in found]


def complete_service_task(ws: Workspace, task_id: int, by: str, note: str | None = None, *,
                          clock: Clock = utc_now) -> ServiceTaskView:
    """Mark an open task done by `by` today, with `note` kept verbatim (without one, the
    task's note stays); audited."""
    now = _naive(clock())
    by = acting_name(ws, by, "done by")
    if note is not None and len(note) > MAX_NOTE:
        raise RequestError("the note is at most {limit} characters; got {count}", limit=MAX_NOTE,
                           count=len(note))
    kept = note if note is not None and note.strip() else None
    with UnitOfWork(ws.db) as uow:
        task = uow.service_plans.get_task(task_id)
        if task is None:
            raise NotFoundError("service task {id} does not exist", id=task_id)
        if task.status != "open":
            raise ApprovalError("service task {id} is {status}; only open tasks can be completed",
                                id=task_id, status=task.status)
        before = _snapshot(task)
        if kept is None:   # a follow-up keeps its next step as the note
            kept = task.note
        if not uow.service_plans.complete(task_id, done_on=now.date(), done_at=now,
                                          done_by=by, note=kept):
            raise ApprovalError("service task {id} was completed by someone else in the meantime; "
                                "nothing was changed", id=task_id)
        uow.audit.record(now, by, "complete", ENTITY, str(task_id), before=before,
                         after=_snapshot(task))
        return task_view(task, now.date())


def service_kpis(ws: Workspace, period: str, by: str = "tier", *,
                 clock: Clock = utc_now) -> pd.DataFrame:
    """Delivery of the plan tasks due in `period`, one row per tier, RM or sub-branch: tasks,
    done, done on time, due (done or past due), overdue, completion (done / tasks) and SLA
    compliance (done on time / due; empty while nothing is due yet)."""
    import pandas as pd

    if by not in KPI_BY:
        raise RequestError("unknown grouping '{by}'; use one of {groupings}", by=by,
                           groupings=", ".join(KPI_BY))
    p = Period.parse(period)
    today = _naive(clock()).date()
    with UnitOfWork(ws.db) as uow:
        columns = uow.service_plans.kpi_rows(p.start, p.month_end, by, today)
    frame = pd.DataFrame(columns).rename(columns={"key": by})
    for name in ("tasks", "done", "on_time", "due", "overdue"):
        frame[name] = frame[name].fillna(0).astype("int64")
    frame["completion"] = frame["done"] / frame["tasks"].where(frame["tasks"] > 0)
    frame["sla_compliance"] = frame["on_time"] / frame["due"].where(frame["due"] > 0)
    return frame


def planned_tasks(ws: Workspace, period: str) -> pd.DataFrame:
    """The tasks the close of `period` planned, per tier (tier, planned): how much service
    each tier was given, before any of it falls due."""
    import pandas as pd

    p = Period.parse(period)
    with UnitOfWork(ws.db) as uow:
        columns = uow.service_plans.planned_rows(p)
    frame = pd.DataFrame(columns)
    frame["planned"] = frame["planned"].fillna(0).astype("int64")
    return frame


def _rm_of(uow: UnitOfWork, user: str) -> str:
    from corptier.identity import normalise_name

    name = normalise_name(user, "user")
    found = uow.users.by_name(name)
    rm_id = found.rm_id if found is not None else None
    if not rm_id:
        raise RequestError("user {name} is not a relationship manager (no RM id); grant them the "
                           "rm role with --rm, or list by --rm", name=name)
    return str(rm_id)


def _snapshot(task: Any) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return None if value is None else value.isoformat()

    return {"id": task.id, "customer_id": task.customer_id, "kind": task.kind,
            "tier": task.tier, "rm_id": task.rm_id, "due_date": iso(task.due_date),
            "status": task.status, "done_on": iso(task.done_on), "done_by": task.done_by,
            "note": task.note}


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
