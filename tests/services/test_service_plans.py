"""Service plans made at the close, on SQLite and PostgreSQL: tasks per applied tier with their
due dates, idempotent re-closes, onboarding on an upgrade, completion and delivery KPIs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from corptier.errors import ApprovalError, RequestError
from corptier.services import (
    complete_service_task,
    list_service_tasks,
    read_published,
    service_kpis,
    service_plan,
)
from corptier.services.overrides import override_history
from corptier.services.service_plans import plan_services
from corptier.store import UnitOfWork
from corptier.workspace import Workspace
from service_book import publish

HOSTILE = '=cmd|"/c calc"!A1 <script>alert(1)</script> [bold red]x[/] \'; DROP TABLE t;--\n二行'


def clock(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC)


def OCT_15() -> datetime:  # a fixed clock
    return clock(date(2026, 10, 15))


def NOV_2() -> datetime:  # C1 visit (due 10-30) is then overdue
    return clock(date(2026, 11, 2))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    """A new workspace (its shipped catalogue) on SQLite or in a PostgreSQL schema."""
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    return Workspace.init(tmp_path / "ws", language="en", database_url=url)


def due(ws: Workspace, customer: str, status: str = "open") -> dict[str, date]:
    return {t.kind: t.due_date for t in list_service_tasks(ws, customer_id=customer,
                                                           status=status)}


SEPT = [("C1", "strategic", None, "new", "RM01"), ("C2", "key", None, "new", "RM01"),
        ("C3", "basic", None, "new", "RM02")]


def test_every_customer_gets_a_plan_from_its_applied_tier_and_keeps_it_on_a_reclose(
        ws: Workspace) -> None:
    publish(ws, "2026-09", SEPT)
    result = plan_services(ws, "2026-09", "run-9", clock=OCT_15)
    assert result is not None and (result.customers, result.tasks_added) == (3, 7)
    assert due(ws, "C1") == {"visit": date(2026, 10, 30), "annual_review": date(2027, 9, 30),
                             "needs_survey": date(2027, 3, 29)}
    assert due(ws, "C2") == {"visit": date(2026, 12, 29), "annual_review": date(2027, 9, 30)
                             } | {"needs_survey": date(2027, 9, 30)}
    assert due(ws, "C3") == {"annual_review": date(2027, 9, 30)}
    plan = service_plan(ws, "C1", clock=OCT_15)
    assert (plan.tier, plan.rm_id, plan.sub_branch, plan.run_id) == (
        "strategic", "RM01", "高新支行", "run-9")
    assert plan.entitlements.service_model.kind == "team"
    assert plan.entitlements.response_hours == 2
    assert "green_channel" in {s.code for s in plan.entitlements.exclusive_services}
    assert {t.rm_id for t in list_service_tasks(ws, rm_id="RM02")} == {"RM02"}
    before = list_service_tasks(ws, status="all")
    again = plan_services(ws, "2026-09", "run-9", clock=OCT_15)  # a re-close: nothing changes
    assert again is not None and (again.tasks_added, again.tasks_removed) == (0, 0)
    assert list_service_tasks(ws, status="all") == before


def test_an_upgrade_creates_onboarding_tasks_and_supersedes_the_old_tier(
        ws: Workspace) -> None:
    publish(ws, "2026-09", SEPT)
    plan_services(ws, "2026-09", "run-9", clock=OCT_15)
    october = [("C1", "strategic", "strategic", "same", "RM01"),
               ("C2", "core", "key", "up", "RM02"), ("C3", "basic", "basic", "same", "RM02")]
    publish(ws, "2026-10", october)
    first = plan_services(ws, "2026-10", "run-10", clock=OCT_15)
    assert first is not None and first.tasks_superseded == 3
    assert due(ws, "C2") == {
        "assign_rm": date(2026, 11, 10), "welcome_visit": date(2026, 11, 30),
        "onboarding_survey": date(2026, 12, 15), "visit": date(2026, 12, 30),
        "annual_review": date(2027, 10, 31), "needs_survey": date(2027, 10, 31)}
    assert {t.tier for t in list_service_tasks(ws, customer_id="C2")} == {"core"}
    assert {t.rm_id for t in list_service_tasks(ws, customer_id="C2")} == {"RM02"}
    assert len(list_service_tasks(ws, customer_id="C2", status="superseded")) == 3
    assert list_service_tasks(ws, customer_id="C1")[0].period == "2026-09"  # kept
    plan = service_plan(ws, "C2")
    assert (plan.period, plan.previous_tier, plan.migration) == ("2026-10", "key", "up")
    tasks = list_service_tasks(ws, status="all")
    again = plan_services(ws, "2026-10", "run-10", clock=OCT_15)
    assert again is not None and (again.tasks_added, again.tasks_removed) == (0, 0)
    assert again.tasks_superseded == 3 and list_service_tasks(ws, status="all") == tasks


def test_completing_a_task_updates_the_kpis(ws: Workspace) -> None:
    publish(ws, "2026-09", SEPT)
    plan_services(ws, "2026-09", "run-9", clock=OCT_15)
    frame = service_kpis(ws, "2026-10", "tier", clock=NOV_2)
    row = frame.set_index("tier").loc["strategic"]
    assert (row.tasks, row.done, row.overdue, row.completion, row.sla_compliance) == (
        1, 0, 1, 0.0, 0.0)
    [visit] = [t for t in list_service_tasks(ws, customer_id="C1") if t.kind == "visit"]
    done = complete_service_task(ws, visit.id, "zhang", "走访完成", clock=OCT_15)
    assert (done.status, done.done_on, done.done_by) == ("done", date(2026, 10, 15), "zhang")
    after = service_kpis(ws, "2026-10", "rm", clock=NOV_2).set_index("rm").loc["RM01"]
    assert (after.tasks, after.done, after.on_time, after.overdue) == (1, 1, 1, 0)
    assert after.completion == 1.0 and after.sla_compliance == 1.0
    by_branch = service_kpis(ws, "2026-10", "sub_branch", clock=NOV_2)
    assert list(by_branch["sub_branch"]) == ["高新支行"]
    with pytest.raises(ApprovalError, match="is done"):
        complete_service_task(ws, visit.id, "zhang", clock=OCT_15)
    with pytest.raises(RequestError, match="grouping"):
        service_kpis(ws, "2026-10", "colour")


def test_a_hostile_note_is_stored_verbatim_and_audited(ws: Workspace) -> None:
    publish(ws, "2026-09", SEPT)
    plan_services(ws, "2026-09", "run-9", clock=OCT_15)
    task = list_service_tasks(ws, customer_id="C3")[0]
    done = complete_service_task(ws, task.id, "li", HOSTILE, clock=OCT_15)
    assert done.note == HOSTILE
    assert list_service_tasks(ws, customer_id="C3", status="done")[0].note == HOSTILE
    with UnitOfWork(ws.db) as uow:
        [entry] = uow.audit.for_entity("service_task", str(task.id))
    assert (entry.actor, entry.action) == ("li", "complete")
    assert entry.after is not None and entry.after["note"] == HOSTILE
    assert entry.before is not None and entry.before["status"] == "open"
    assert override_history(ws, task.id) == []  # a task's entries are its own entity


def test_mine_lists_the_tasks_of_the_rm_a_user_is(ws: Workspace) -> None:
    from corptier.services import add_user, grant_user

    publish(ws, "2026-09", SEPT)
    plan_services(ws, "2026-09", "run-9", clock=OCT_15)
    add_user(ws, "boss")
    add_user(ws, "zhang", "user", by="boss")
    grant_user(ws, "zhang", "rm", by="boss", rm_id="RM02")
    assert {(t.customer_id, t.rm_id) for t in list_service_tasks(ws, user="zhang")} == {
        ("C3", "RM02")}
    with pytest.raises(RequestError, match="boss is not a relationship manager"):
        list_service_tasks(ws, user="boss")


def test_a_workspace_without_a_catalogue_makes_no_plans(ws: Workspace) -> None:
    (ws.standards_dir / "service.yaml").unlink()
    publish(ws, "2026-09", SEPT)
    assert plan_services(ws, "2026-09", "run-9") is None


def test_the_close_plans_every_published_customer(bank: Workspace) -> None:
    """The sample bank's close (2026-09) made the plans; closing again changes no task (on
    the SQLite copy: the PostgreSQL bank is shared by the session)."""
    from corptier.services import close_period

    published = read_published(bank, "2026-09", ["customer_id", "applied_tier"]).table
    tiers = dict(zip(published.column("customer_id").to_pylist(),
                     published.column("applied_tier").to_pylist(), strict=True))
    assert {c: service_plan(bank, c).tier for c in tiers} == tiers
    before = list_service_tasks(bank, status="all")
    assert {t.customer_id for t in before} == set(tiers)
    if bank.sqlite_path is None:
        return
    close_period(bank, "2026-09", by="boss")
    assert list_service_tasks(bank, status="all") == before
