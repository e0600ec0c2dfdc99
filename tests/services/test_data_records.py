"""The data page's records from a real load with rejected rows: the reconciliation and who
loaded, the quarantine file the load wrote read back page by page, and scoped to an RM's book."""

from __future__ import annotations

from pathlib import Path

import pytest

from corptier.errors import ForbiddenError, NotFoundError
from corptier.services import load_period
from corptier.services.access import BANK, DataScope, Principal
from corptier.services.data_records import data_overview, quarantine_rows
from corptier.workspace import Workspace
from sample_data import sample_rows, write_tables

ANALYST = Principal("ana", "analyst", BANK, None)
RM01 = Principal("zhang", "rm", DataScope(False, rm_ids=("RM01",)), None)
RM02 = Principal("li", "rm", DataScope(False, rm_ids=("RM02",)), None)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """2026-09 loaded with two transactions rejected: one of C001 (RM01), one of C003 (RM02),
    the latter holding formula text."""
    root = tmp_path_factory.mktemp("data-records")
    ws = Workspace.init(root / "ws", language="zh-CN")
    rows = sample_rows("2026-09")
    by_customer = {r["customer_id"]: r for r in rows["transactions"]}
    by_customer["C001"]["amount"] = "not-a-number"
    by_customer["C003"]["amount"] = "=cmd|' /C calc'!A0"
    write_tables(root / "in", rows)
    load_period(ws, "2026-09", root / "in", accept_partial=True)
    return ws


def test_the_overview_reconciles_each_table_of_the_load(ws: Workspace) -> None:
    overview = data_overview(ws, ANALYST)
    [load] = overview.loads
    assert load.period == "2026-09" and load.by == "system"
    tables = {t.table: t for t in load.tables}
    assert tables["transactions"].rejected == 2
    assert tables["transactions"].read == tables["transactions"].accepted + 2
    assert all(t.reconciled for t in load.tables)
    assert [(f.period, f.table, f.kind) for f in overview.quarantine] == [
        ("2026-09", "transactions", "rejected")]
    assert overview.runs == []


def test_the_quarantine_the_load_wrote_is_read_back_by_page(ws: Workspace) -> None:
    page = quarantine_rows(ws, ANALYST, "2026-09", "transactions", size=1)
    assert page.columns[:3] == ["row", "column", "reason"] and "customer_id" in page.columns
    assert page.total == 2 and len(page.rows) == 1
    second = quarantine_rows(ws, ANALYST, "2026-09", "transactions", page=2, size=1)
    values = [dict(zip(page.columns, r, strict=True)) for r in (*page.rows, *second.rows)]
    assert {v["customer_id"] for v in values} == {"C001", "C003"}
    assert "'=cmd|' /C calc'!A0" in {v["amount"] for v in values}
    assert all(v["column"] == "amount" and v["reason"] for v in values)


def test_an_rm_reads_only_the_rejected_rows_of_their_customers(ws: Workspace) -> None:
    for who, mine in ((RM01, "C001"), (RM02, "C003")):
        page = quarantine_rows(ws, who, "2026-09", "transactions")
        at = page.columns.index("customer_id")
        assert page.total == 1 and [r[at] for r in page.rows] == [mine]
    nobody = Principal("x", "team_head", DataScope(False), None)
    assert quarantine_rows(ws, nobody, "2026-09", "transactions").total == 0


def test_refusals(ws: Workspace) -> None:
    with pytest.raises(ForbiddenError):
        quarantine_rows(ws, Principal("p", "user", DataScope(False), None), "2026-09",
                        "transactions")
    with pytest.raises(NotFoundError):
        quarantine_rows(ws, ANALYST, "2026-09", "loans")
    with pytest.raises(NotFoundError):
        quarantine_rows(ws, ANALYST, "2026-09", Path("../../db").as_posix())
