"""Next steps become RM tasks, on SQLite and PostgreSQL: a logged or imported interaction with a
next step due makes one `follow_up` task for the customer's RM (none twice on a re-import); it
is overdue, completed and kept across closes like a plan task, and a tier change leaves it open."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from corptier.services import (
    complete_service_task,
    import_interactions,
    list_service_tasks,
    log_interaction,
)
from corptier.services.service_plans import plan_services
from corptier.store import UnitOfWork
from corptier.workspace import Workspace
from service_book import publish

HOSTILE = '=cmd|"/c calc"!A1 <script>x</script> [bold]'
SEPT = [("C1", "strategic", None, "new", "RM01"), ("C2", "key", None, "new", "RM02")]
OCT = [("C1", "key", "strategic", "down", "RM02"), ("C2", "key", "key", "same", "RM02")]


def OCT_10() -> datetime:
    return datetime(2026, 10, 10, 9, 0, tzinfo=UTC)


def NOV_2() -> datetime:
    return datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    """C1 (strategic, RM01, 高新支行) and C2 (key, RM02) with the plans of the 2026-09 close."""
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    ws = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    publish(ws, "2026-09", SEPT)
    plan_services(ws, "2026-09", "run-9", clock=OCT_10)
    return ws


def follow_ups(ws: Workspace, status: str = "open", **where: str):  # type: ignore[no-untyped-def]
    return [t for t in list_service_tasks(ws, status=status, clock=NOV_2, **where)
            if t.kind == "follow_up"]


def test_a_next_step_becomes_the_rms_task_and_is_completed_like_others(ws: Workspace) -> None:
    plain = log_interaction(ws, "li", customer_id="C1", on="2026-10-08", type="call",
                            clock=OCT_10)
    meeting = log_interaction(ws, "li", customer_id="C1", on="2026-10-09", type="meeting",
                              next_step=HOSTILE, next_step_due="2026-10-30", clock=OCT_10)
    assert plain.next_step_due is None
    [task] = follow_ups(ws, rm_id="RM01")
    assert (task.customer_id, task.period, task.tier, task.rm_id, task.sub_branch) == (
        "C1", "2026-10", "strategic", "RM01", "高新支行")
    assert (task.due_date, task.note, task.overdue) == (date(2026, 10, 30), HOSTILE, True)
    assert [t.id for t in list_service_tasks(ws, rm_id="RM01", overdue=True, clock=NOV_2)
            if t.kind == "follow_up"] == [task.id]
    with UnitOfWork(ws.db) as uow:
        [entry] = uow.audit.for_entity("service_task", str(task.id))
        assert (entry.actor, entry.action, entry.after["kind"]) == ("li", "add", "follow_up")
        assert uow.service_plans.follow_ups_of([meeting.id])[0].id == task.id
    done = complete_service_task(ws, task.id, "zhang", clock=NOV_2)
    assert (done.status, done.done_on, done.note) == ("done", date(2026, 11, 2), HOSTILE)
    assert follow_ups(ws) == [] and [t.id for t in follow_ups(ws, "done")] == [task.id]


def test_a_close_keeps_follow_ups_and_hands_them_to_the_new_rm(ws: Workspace) -> None:
    log_interaction(ws, "li", customer_id="C1", on="2026-10-09", type="visit",
                    next_step="报价", next_step_due="2026-12-15", clock=OCT_10)
    publish(ws, "2026-10", OCT)     # C1 down to key and to RM02
    for _ in range(2):              # a re-close changes nothing more
        plan_services(ws, "2026-10", "run-10", clock=NOV_2)
        [task] = follow_ups(ws)
        assert (task.period, task.tier, task.rm_id, task.status) == (
            "2026-10", "strategic", "RM02", "open")
    assert {t.kind for t in list_service_tasks(ws, customer_id="C1", status="superseded")} \
        >= {"annual_review"}


def test_an_import_makes_follow_ups_once(ws: Workspace, tmp_path: Path) -> None:
    log = tmp_path / "visits.csv"
    log.write_text("客户编号,日期,类型,目的,下一步,下一步期限\n"
                   "C1,2026-10-03,走访,年度回访,报价,2026-10-20\n"
                   "C2,2026-10-04,电话,,,\n"
                   "C2,2026-10-05,会议,授信,补充材料,2026-11-30\n"
                   "C9,2026-10-05,会议,授信,补充材料,2026-11-30\n", encoding="utf-8")
    done = import_interactions(ws, log, "li", clock=OCT_10)
    assert (done.accepted, done.rejected, len(done.follow_ups)) == (3, 1, 2)
    tasks = follow_ups(ws)
    assert [(t.customer_id, t.rm_id, t.due_date, t.note, t.overdue) for t in tasks] == [
        ("C1", "RM01", date(2026, 10, 20), "报价", True),
        ("C2", "RM02", date(2026, 11, 30), "补充材料", False)]
    assert sorted(t.id for t in tasks) == sorted(done.follow_ups)
    again = import_interactions(ws, log, "li", clock=OCT_10)
    assert (again.accepted, again.follow_ups) == (0, ())
    assert len(follow_ups(ws, "all")) == 2
    with UnitOfWork(ws.db) as uow:
        entry = uow.audit.for_entity("interaction_import", "visits.csv")[0]
        assert entry.after["follow_ups"] == 2


def test_open_next_steps_is_an_archive_fact(ws: Workspace) -> None:
    import ibis
    import pyarrow as pa

    from corptier.crm.alert_archive import join_archive
    from corptier.periods import Period
    from corptier.services.alert_archive import archive_tables

    def facts() -> dict[str, int | None]:
        frame = ibis.memtable(pa.table({"customer_id": ["C1", "C2"],
                                        "applied_tier": ["strategic", "key"]}))
        tables = archive_tables(ws, Period("2026-10"), ["strategic", "key"],
                                {"open_next_steps"})
        rows = ibis.duckdb.connect().to_pyarrow(join_archive(frame, tables)).to_pylist()
        return {r["customer_id"]: r["open_next_steps"] for r in rows}

    assert facts() == {"C1": None, "C2": None}     # no interaction logged yet
    for due in ("2026-10-30", "2026-11-30"):
        log_interaction(ws, "li", customer_id="C1", on="2026-10-09", type="call",
                        summary=due, next_step="回电", next_step_due=due, clock=OCT_10)
    log_interaction(ws, "li", customer_id="C2", on="2026-10-09", type="call", clock=OCT_10)
    assert facts() == {"C1": 2, "C2": 0}
    complete_service_task(ws, follow_ups(ws)[0].id, "zhang", clock=NOV_2)
    assert facts() == {"C1": 1, "C2": 0}
