"""Service plans (服务计划): made at each close from every customer's applied tier, and read
back per customer with the entitlements of its tier.

`plan_services` is the close's last step: DuckDB computes the plans and the tasks owed over the
published Parquet (set-wise, `corptier.service.plans`); one transaction stores the plans in
bulk, supersedes the open tasks of a tier the customer left, and inserts or removes the
period's tasks so that a re-close with the same inputs changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import ibis
import pyarrow as pa

from corptier.errors import NotFoundError, StandardError
from corptier.periods import Period
from corptier.service import Catalogue, TierService
from corptier.service import plans as rules
from corptier.store import UnitOfWork
from corptier.store.models import ServicePlanRun, ServiceTask
from corptier.workspace import PUBLISHED_TIERS, Workspace

Clock = Callable[[], datetime]
BATCH_ROWS = 100_000


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PlansResult:
    """What the plans of a close did: customers planned and tasks made, removed, superseded."""

    period: str
    customers: int
    tasks_added: int
    tasks_removed: int
    tasks_superseded: int
    catalogue_version: str


@dataclass(frozen=True)
class ServiceTaskView:
    """A task of a service plan as stored, with whether it is overdue on the day read."""

    id: int
    period: str
    customer_id: str
    kind: str
    tier: str
    rm_id: str | None
    sub_branch: str | None
    due_date: date
    status: str
    overdue: bool
    done_on: date | None
    done_by: str | None
    note: str | None


@dataclass(frozen=True)
class ServicePlanView:
    """A customer's plan: its tier and the change, who serves it, what the tier entitles it
    to (from the catalogue the plan applied) and its open tasks."""

    customer_id: str
    period: str
    tier: str
    previous_tier: str | None
    migration: str
    rm_id: str | None
    sub_branch: str | None
    run_id: str
    catalogue_id: str
    catalogue_version: str
    catalogue_hash: str
    entitlements: TierService
    tasks: tuple[ServiceTaskView, ...]


def plan_services(ws: Workspace, period: str, run_id: str,
                  tier_codes: list[str] | None = None, *,
                  clock: Clock = utc_now) -> PlansResult | None:
    """Make the service plans of the published `period` (None when the workspace has no
    catalogue, `standards/service.yaml`); the catalogue's tiers must be `tier_codes` (the
    close's standard; default: the active standard's)."""
    from corptier.services.service_catalogue import catalogue_path, workspace_catalogue

    p = Period.parse(period)
    if not catalogue_path(ws).is_file():
        return None
    try:
        catalogue, _rules = workspace_catalogue(ws, tier_codes=tier_codes)
    except StandardError as exc:
        raise StandardError("period {period} was closed and published, but its service plans were "
                            "not made: {error}\ncorrect the catalogue and close {period} again",
                            period=p, error=exc) from None
    from corptier.engine import connect

    with connect(ws, "duckdb") as con:
        published = con.read_parquet(ws.partition_file(PUBLISHED_TIERS, p))
        from corptier.services.rm_assignments import assigned_rms
        from corptier.staff.workload import with_assigned_rm

        customers = with_assigned_rm(con.read_parquet(ws.partition_file("customers", p)),
                                     ibis.memtable(assigned_rms(ws, p)))
        stamp = {"period": ibis.literal(str(p), "string")}
        plans = con.batches(rules.plan_table(published, customers).mutate(**stamp),
                            BATCH_ROWS).read_all()
        now = _naive(clock())
        run = ServicePlanRun(period=str(p), run_id=run_id, catalogue_id=catalogue.id,
                             catalogue_version=catalogue.version,
                             catalogue_hash=catalogue.content_hash,
                             catalogue=catalogue.model_dump(mode="json"),
                             customers=plans.num_rows, created_at=now)
        with UnitOfWork(ws.db) as uow:
            repo = uow.service_plans
            repo.replace_plans(run, plans.to_pylist())
            superseded = repo.supersede_changed(str(p))
            repo.reassign_open(str(p))
            state = pa.table(repo.task_state(str(p)), schema=rules.STATE_SCHEMA)
            existing = pa.table(repo.tasks_of(str(p)), schema=rules.EXISTING_SCHEMA)
            candidates = rules.task_candidates(
                ibis.memtable(plans), ibis.memtable(rules.cadence_table(catalogue)),
                ibis.memtable(state), p.month_end, catalogue.plan)
            owed = con.batches(candidates, BATCH_ROWS).read_all()
            stale, inserts = rules.task_changes(ibis.memtable(owed), ibis.memtable(existing))
            removed = con.batches(stale, BATCH_ROWS).read_all().column("id").to_pylist()
            added = _rows(con, inserts.mutate(**stamp, status=ibis.literal("open", "string")))
            repo.delete_tasks(removed)
            repo.insert_tasks(added)
    return PlansResult(str(p), plans.num_rows, len(added), len(removed), superseded,
                       catalogue.version)


def service_plan(ws: Workspace, customer_id: str, period: str | None = None, *,
                 clock: Clock = utc_now) -> ServicePlanView:
    """A customer's service plan (its latest, or that of `period`) with its open tasks."""
    today = _naive(clock()).date()
    wanted = str(Period.parse(period)) if period is not None else None
    with UnitOfWork(ws.db) as uow:
        found = uow.service_plans.plan_of(customer_id, wanted)
        if found is None:
            if wanted:
                raise NotFoundError("customer {customer} has no service plan for {period}; plans "
                                    "are made when a period is closed with a service catalogue "
                                    "(standards/service.yaml)", customer=customer_id,
                                    period=wanted)
            raise NotFoundError("customer {customer} has no service plan; plans are made when a "
                                "period is closed with a service catalogue "
                                "(standards/service.yaml)", customer=customer_id)
        plan, run = found
        tasks = uow.service_plans.tasks(customer_id=customer_id)
    catalogue = Catalogue.model_validate(run.catalogue)
    entitlements = catalogue.tiers.get(plan.tier)
    if entitlements is None:
        raise NotFoundError("the catalogue {catalogue} {version} of {period} has no service for "
                            "tier {tier}", catalogue=run.catalogue_id,
                            version=run.catalogue_version, period=plan.period, tier=plan.tier)
    return ServicePlanView(
        customer_id=plan.customer_id, period=plan.period, tier=plan.tier,
        previous_tier=plan.previous_tier, migration=plan.migration, rm_id=plan.rm_id,
        sub_branch=plan.sub_branch, run_id=run.run_id, catalogue_id=run.catalogue_id,
        catalogue_version=run.catalogue_version, catalogue_hash=run.catalogue_hash,
        entitlements=entitlements, tasks=tuple(task_view(t, today) for t in tasks))


def task_view(task: ServiceTask, today: date) -> ServiceTaskView:
    return ServiceTaskView(
        id=task.id, period=task.period, customer_id=task.customer_id, kind=task.kind,
        tier=task.tier, rm_id=task.rm_id, sub_branch=task.sub_branch, due_date=task.due_date,
        status=task.status, overdue=task.status == "open" and task.due_date < today,
        done_on=task.done_on, done_by=task.done_by, note=task.note)


def _rows(con: Any, expr: Any) -> list[dict[str, Any]]:
    """The rows of `expr` as dicts, the parameters of one bulk insert."""
    rows: list[dict[str, Any]] = con.batches(expr, BATCH_ROWS).read_all().to_pylist()
    return rows


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
