"""Service plans and their tasks as stored: each period's plans replaced in bulk, tasks inserted
and removed in bulk, superseded by a tier change, completed one at a time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import ServicePlan, ServicePlanRun, ServiceTask

CHUNK = 1000
TASK_STATE_COLUMNS = ("customer_id", "kind", "last_done", "open_tasks")
EXISTING_COLUMNS = ("id", "customer_id", "kind", "tier", "due_date", "status")
KPI_GROUPS = {"tier": ServiceTask.tier, "rm": ServiceTask.rm_id,
              "sub_branch": ServiceTask.sub_branch}


class ServicePlanRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- the close -------------------------------------------------------------------------
    def replace_plans(self, run: ServicePlanRun, plans: Sequence[Mapping[str, Any]]) -> None:
        """Make `plans` the plans of `run.period` (one bulk insert) and record the run."""
        self.session.execute(sa.delete(ServicePlan).where(ServicePlan.period == run.period))
        for start in range(0, len(plans), CHUNK):
            self.session.execute(sa.insert(ServicePlan), list(plans[start:start + CHUNK]))
        self.session.merge(run)
        self.session.flush()

    def supersede_changed(self, period: str) -> int:
        """Supersede the open tasks of earlier closes whose tier is no longer the customer's
        tier in `period`'s plans (after reopening those a previous close of `period`
        superseded, so a re-close gives the same result); returns how many."""
        self.session.execute(
            sa.update(ServiceTask)
            .where(ServiceTask.status == "superseded", ServiceTask.closed_in == period)
            .values(status="open", closed_in=None)
            .execution_options(synchronize_session=False))
        changed = (sa.select(ServicePlan.id)
                   .where(ServicePlan.period == period,
                          ServicePlan.customer_id == ServiceTask.customer_id,
                          ServicePlan.tier != ServiceTask.tier)
                   .exists())
        result = self.session.execute(
            sa.update(ServiceTask)
            .where(ServiceTask.status == "open", ServiceTask.period < period,
                   ServiceTask.interaction_id.is_(None), changed)
            .values(status="superseded", closed_in=period)
            .execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)

    def reassign_open(self, period: str) -> None:
        """Give every open task the RM and sub-branch of its customer's plan in `period`."""
        plan = sa.select(ServicePlan).where(ServicePlan.period == period,
                                            ServicePlan.customer_id == ServiceTask.customer_id)
        self.session.execute(
            sa.update(ServiceTask)
            .where(ServiceTask.status == "open", plan.exists())
            .values(rm_id=plan.with_only_columns(ServicePlan.rm_id).scalar_subquery(),
                    sub_branch=plan.with_only_columns(ServicePlan.sub_branch)
                    .scalar_subquery())
            .execution_options(synchronize_session=False))

    def task_state(self, before: str) -> dict[str, list[Any]]:
        """Per customer and task kind, of the closes before `before`: the last completion
        date and the number of open tasks (column lists)."""
        query = (sa.select(ServiceTask.customer_id, ServiceTask.kind,
                           sa.func.max(ServiceTask.done_on),
                           sa.func.sum(sa.case((ServiceTask.status == "open", 1), else_=0)))
                 .where(ServiceTask.period < before, ServiceTask.interaction_id.is_(None),
                        ServiceTask.status.in_(("open", "done")))
                 .group_by(ServiceTask.customer_id, ServiceTask.kind))
        return _columns(self.session.execute(query), TASK_STATE_COLUMNS)

    def tasks_of(self, period: str) -> dict[str, list[Any]]:
        """The tasks the close of `period` made (column lists)."""
        query = sa.select(*(getattr(ServiceTask, c) for c in EXISTING_COLUMNS)).where(
            ServiceTask.period == period, ServiceTask.interaction_id.is_(None))
        return _columns(self.session.execute(query), EXISTING_COLUMNS)

    def delete_tasks(self, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), CHUNK):
            self.session.execute(sa.delete(ServiceTask).where(
                ServiceTask.id.in_(list(ids[start:start + CHUNK]))))

    def insert_tasks(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert tasks in bulk (executemany, a chunk at a time)."""
        for start in range(0, len(rows), CHUNK):
            self.session.execute(sa.insert(ServiceTask), list(rows[start:start + CHUNK]))

    # --- follow-ups of interactions --------------------------------------------------------
    def latest_plans(self, customer_ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """Each customer's tier and sub-branch in its latest plan (customers without one are
        left out)."""
        found: dict[str, tuple[str, str | None]] = {}
        ids = sorted(set(customer_ids))
        for start in range(0, len(ids), CHUNK):
            latest = (sa.select(ServicePlan.customer_id, sa.func.max(ServicePlan.period)
                                .label("period"))
                      .where(ServicePlan.customer_id.in_(ids[start:start + CHUNK]))
                      .group_by(ServicePlan.customer_id).subquery())
            query = sa.select(ServicePlan.customer_id, ServicePlan.tier,
                              ServicePlan.sub_branch).join(
                latest, sa.and_(latest.c.customer_id == ServicePlan.customer_id,
                                latest.c.period == ServicePlan.period))
            found.update({c: (t, b) for c, t, b in self.session.execute(query)})
        return found

    def open_follow_up_columns(self, until_period: str,
                               customer_ids: Sequence[str] | None = None
                               ) -> dict[str, list[Any]]:
        """Per customer, its open follow-up tasks made by interactions up to `until_period`
        (customer_id, open_next_steps columns; one grouped query)."""
        query = (sa.select(ServiceTask.customer_id, sa.func.count())
                 .where(ServiceTask.interaction_id.is_not(None), ServiceTask.status == "open",
                        ServiceTask.period <= until_period)
                 .group_by(ServiceTask.customer_id))
        if customer_ids is not None:
            query = query.where(ServiceTask.customer_id.in_(list(customer_ids)))
        return _columns(self.session.execute(query), ("customer_id", "open_next_steps"))

    def follow_ups_of(self, interaction_ids: Sequence[int]) -> list[ServiceTask]:
        """The follow-up tasks of `interaction_ids`, by id."""
        found: list[ServiceTask] = []
        for start in range(0, len(interaction_ids), CHUNK):
            found += self.session.scalars(sa.select(ServiceTask).where(
                ServiceTask.interaction_id.in_(list(interaction_ids[start:start + CHUNK]))))
        return sorted(found, key=lambda t: t.id)

    # --- reading and completing ------------------------------------------------------------
    def plan_of(self, customer_id: str,
                period: str | None = None) -> tuple[ServicePlan, ServicePlanRun] | None:
        """The customer's plan of `period` (default: its latest) with the run it came from."""
        query = (sa.select(ServicePlan, ServicePlanRun)
                 .join(ServicePlanRun, ServicePlanRun.period == ServicePlan.period)
                 .where(ServicePlan.customer_id == customer_id)
                 .order_by(ServicePlan.period.desc()).limit(1))
        if period is not None:
            query = query.where(ServicePlan.period == period)
        row = self.session.execute(query).first()
        return None if row is None else (row[0], row[1])

    def get_task(self, task_id: int) -> ServiceTask | None:
        return self.session.get(ServiceTask, task_id)

    def complete(self, task_id: int, **values: object) -> bool:
        """Mark an open task done as one conditional UPDATE; True when this call did it."""
        result = self.session.execute(
            sa.update(ServiceTask)
            .where(ServiceTask.id == task_id, ServiceTask.status == "open")
            .values(status="done", **values)
            .execution_options(synchronize_session=False))
        task = self.session.get(ServiceTask, task_id)
        if task is not None:
            self.session.refresh(task)
        return getattr(result, "rowcount", 0) == 1

    def tasks(self, *, rm_id: str | None = None, customer_id: str | None = None,
              statuses: Iterable[str] = ("open",), overdue_on: date | None = None,
              limit: int = 500) -> list[ServiceTask]:
        """Tasks by due date then id, filtered by RM, customer, status and overdue date."""
        query = (sa.select(ServiceTask).where(ServiceTask.status.in_(tuple(statuses)))
                 .order_by(ServiceTask.due_date, ServiceTask.id).limit(limit))
        if rm_id is not None:
            query = query.where(ServiceTask.rm_id == rm_id)
        if customer_id is not None:
            query = query.where(ServiceTask.customer_id == customer_id)
        if overdue_on is not None:
            query = query.where(ServiceTask.status == "open", ServiceTask.due_date < overdue_on)
        return list(self.session.scalars(query))

    def kpi_rows(self, start: date, end: date, by: str, today: date) -> dict[str, list[Any]]:
        """Per `by` (tier, rm or sub_branch) of the tasks due from `start` to `end` (superseded
        ones left out): tasks, done, done on time, due (done or past due) and overdue."""
        key = KPI_GROUPS[by]
        done = ServiceTask.status == "done"
        late = sa.and_(ServiceTask.status == "open", ServiceTask.due_date < today)
        query = (sa.select(
            key.label("key"), sa.func.count(),
            sa.func.sum(sa.case((done, 1), else_=0)),
            sa.func.sum(sa.case((sa.and_(done, ServiceTask.done_on <= ServiceTask.due_date), 1),
                                else_=0)),
            sa.func.sum(sa.case((sa.or_(done, late), 1), else_=0)),
            sa.func.sum(sa.case((late, 1), else_=0)))
            .where(ServiceTask.due_date >= start, ServiceTask.due_date <= end,
                   ServiceTask.status != "superseded")
            .group_by(key).order_by(key))
        return _columns(self.session.execute(query),
                        ("key", "tasks", "done", "on_time", "due", "overdue"))

    def planned_rows(self, period: str) -> dict[str, list[Any]]:
        """Per tier, the tasks the close of `period` planned (superseded ones left out)."""
        query = (sa.select(ServiceTask.tier, sa.func.count())
                 .where(ServiceTask.period == period, ServiceTask.status != "superseded")
                 .group_by(ServiceTask.tier).order_by(ServiceTask.tier))
        return _columns(self.session.execute(query), ("tier", "planned"))

    def run_catalogue(self, period: str) -> dict[str, Any] | None:
        """The service catalogue the plans of `period` were made with (None: no plans)."""
        return self.session.scalar(
            sa.select(ServicePlanRun.catalogue).where(ServicePlanRun.period == period))


def _columns(result: Any, names: Sequence[str]) -> dict[str, list[Any]]:
    rows = result.all()
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}
