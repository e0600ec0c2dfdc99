"""Interactions on SQLite and PostgreSQL: logging one (a visit completes the due visit task,
audited), listing, and importing a visit log (GBK CSV with Chinese headers, xlsx with English
ones) whose reconciliation names each rejected row's file, row and field."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from archive_book import write_customers
from corptier.errors import ContractError, NotFoundError, RequestError
from corptier.services import (
    add_user,
    grant_user,
    import_interactions,
    list_interactions,
    list_service_tasks,
    log_interaction,
)
from corptier.store import UnitOfWork
from corptier.workspace import Workspace

HOSTILE = '=cmd|"/c calc"!A1 <script>x</script> [bold]'


def APR_10() -> datetime:
    return datetime(2026, 4, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    """C1 (strategic, RM02) has an open visit task due 2026-04-30 from the 2026-03 close."""
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    ws = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    write_customers(ws)
    task = {"period": "2026-03", "customer_id": "C1", "tier": "strategic", "rm_id": "RM02",
            "sub_branch": "锦江支行", "status": "open"}
    with UnitOfWork(ws.db) as uow:   # as the 2026-03 close would have made them
        uow.service_plans.insert_tasks([
            {**task, "kind": "annual_review", "due_date": date(2027, 3, 31)},
            {**task, "kind": "visit", "due_date": date(2026, 4, 30)}])
    return ws


def visit_task(ws: Workspace, customer: str = "C1"):  # type: ignore[no-untyped-def]
    return next(t for t in list_service_tasks(ws, customer_id=customer, status="all")
                if t.kind == "visit")


def test_a_visit_completes_the_due_visit_task(ws: Workspace) -> None:
    early = log_interaction(ws, "li", customer_id="C1", on="2026-02-20", type="visit",
                            clock=APR_10)
    call = log_interaction(ws, "li", customer_id="C1", on="2026-04-02", type="电话",
                           purpose=HOSTILE, needs="现金管理, payroll", clock=APR_10)
    assert early.task_id is None and call.task_id is None and visit_task(ws).status == "open"
    assert [t.kind for t in list_service_tasks(ws, customer_id="C1")] == ["visit",
                                                                          "annual_review"]
    visit = log_interaction(ws, "li", customer_id="C1", on="2026-04-05", type="走访",
                            bank_participants="李雷", customer_participants="张伟（法定代表人）",
                            summary="介绍现金管理", next_step="报价", next_step_due="2026-04-20",
                            clock=APR_10)
    task = visit_task(ws)
    assert visit.task_id == task.id and visit.rm_id == "RM02"
    assert (task.status, task.done_on, task.done_by, task.note) == (
        "done", date(2026, 4, 5), "li", f"interaction {visit.id}")
    with UnitOfWork(ws.db) as uow:
        entries = uow.audit.for_entity("service_task", str(task.id))
        assert [(e.actor, e.action, e.after["status"]) for e in entries] == [
            ("li", "complete", "done")]
        assert [e.action for e in uow.audit.for_entity("interaction", str(visit.id))] == ["add"]
    listed = list_interactions(ws, "C1")
    assert [i.id for i in listed] == [visit.id, call.id, early.id]
    assert listed[1].purpose == HOSTILE and listed[1].needs == ("cash_management", "payroll")
    with pytest.raises(RequestError, match=r"^type: "):
        log_interaction(ws, "li", customer_id="C1", on="2026-04-05", type="lunch")
    with pytest.raises(NotFoundError, match="C3"):   # not in the latest period
        log_interaction(ws, "li", customer_id="C3", on="2026-04-05", type="call")


def test_a_gbk_csv_with_chinese_headers_reconciles(ws: Workspace, tmp_path: Path) -> None:
    log = tmp_path / "走访记录.csv"
    rows = [["客户编号", "走访日期", "方式", "目的", "产品需求", "下一步", "下一步期限", "备注"],
            ["C1", "2026-04-03", "走访", "年度回访", "现金管理、代发工资", "报价", "2026-04-30",
             ""],
            ["C9", "2026-04-03", "电话", "", "", "", "", ""],
            ["", "", "", "", "", "", "", ""],
            ["C2", "2026-04-31", "会议", "", "", "", "", ""],
            ["C2", "2026-04-04", "会议", HOSTILE, "区块链", "", "", ""],
            ["C2", "2026-04-04", "活动", "客户沙龙", "", "", "", ""]]
    with open(log, "w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows(rows)
    done = import_interactions(ws, log, "li", clock=APR_10)
    assert (done.read, done.accepted, done.rejected) == (5, 2, 3)
    assert [str(r) for r in done.rejections] == [
        "走访记录.csv:3: customer_id: customer C9 is not among the customers of the latest "
        "loaded period",
        "走访记录.csv:5: date: a date is written YYYY-MM-DD; got '2026-04-31'",
        "走访记录.csv:6: needs: unknown product category '区块链'; use settlement, financing, "
        "trade, cash_management, investment_banking, payroll, wealth, ebanking"]
    assert done.completed_tasks == (visit_task(ws).id,)
    assert visit_task(ws).done_on == date(2026, 4, 3)
    first = list_interactions(ws, "C1")[0]
    assert (first.source, first.needs, first.next_step_due) == (
        "走访记录.csv:2", ("cash_management", "payroll"), date(2026, 4, 30))
    assert done.quarantine is not None
    with open(done.quarantine, encoding="utf-8-sig", newline="") as handle:
        kept = list(csv.DictReader(handle))
    assert [(r["row"], r["field"]) for r in kept] == [("3", "customer_id"), ("5", "date"),
                                                       ("6", "needs")]
    with UnitOfWork(ws.db) as uow:
        entry = uow.audit.for_entity("interaction_import", "走访记录.csv")[0]
        assert (entry.after["read"], entry.after["accepted"], entry.after["rejected"]) == (
            5, 2, 3)
    rows.append(["C2", "2026-04-04", "活动", "客户沙龙", "", "", "", ""])   # twice in the file
    with open(log, "w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows(rows)
    again = import_interactions(ws, log, "li", clock=APR_10)      # the same log again
    assert (again.read, again.accepted, again.rejected) == (6, 0, 6)
    same = "same customer, date, type, purpose and summary"
    c2 = list_interactions(ws, "C2")[0].id
    assert [str(r) for r in again.rejections if r.row in (2, 7, 8)] == [
        f"走访记录.csv:2: customer_id: already recorded (interaction {first.id}): {same}",
        f"走访记录.csv:7: customer_id: already recorded (interaction {c2}): {same}",
        f"走访记录.csv:8: customer_id: already recorded (interaction {c2}): {same}"]


def test_an_xlsx_with_english_headers_and_a_file_without_the_key_columns(
        ws: Workspace, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Customer ID", "Date", "Type", "Summary", "Outcome"])
    for _ in range(2):
        sheet.append(["C2", datetime(2026, 4, 8), "meeting", "Cash pooling talk", "positive"])
    sheet.append([None, None, None, None, None])
    sheet.append(["C2", datetime(2026, 4, 11), "call", None, None])   # UTC+8's today
    book.save(tmp_path / "visits.xlsx")
    done = import_interactions(ws, tmp_path / "visits.xlsx", "li", clock=APR_10)
    assert (done.read, done.accepted, done.rejected) == (3, 2, 1)
    assert str(done.rejections[0]) == ("visits.xlsx:3: customer_id: already recorded (row 2): "
                                       "same customer, date, type, purpose and summary")
    assert [i.occurred_on for i in list_interactions(ws, "C2")] == [date(2026, 4, 11),
                                                                    date(2026, 4, 8)]
    with pytest.raises(RequestError, match=r"^date: 2026-04-12 is after today"):
        log_interaction(ws, "li", customer_id="C2", on="2026-04-12", type="call", clock=APR_10)
    bad = tmp_path / "bad.csv"
    bad.write_text("customer,when\nC1,2026-04-01\n", encoding="utf-8")
    with pytest.raises(ContractError, match=r"bad\.csv: row 1: the header has no column "
                                            r"for date, type"):
        import_interactions(ws, bad, "li", clock=APR_10)


def test_an_rm_imports_only_for_their_own_book(ws: Workspace, tmp_path: Path) -> None:
    add_user(ws, "boss")
    add_user(ws, "li", "user", by="boss")
    grant_user(ws, "li", "rm", by="boss", rm_id="RM01")
    log = tmp_path / "li.csv"
    log.write_text("customer_id,date,type\nC1,2026-04-03,visit\n", encoding="utf-8")
    done = import_interactions(ws, log, "li", clock=APR_10)
    assert (done.accepted, [r.field for r in done.rejections]) == (0, ["customer_id"])
    assert "not in the book of li" in done.rejections[0].reason
    assert visit_task(ws).status == "open"
