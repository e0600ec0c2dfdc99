"""Each RM's portfolio over a tiny hand-built book: tier migration, contribution growth of the
same customers against a year earlier, task SLA and NPS, every number worked by hand.

Book of 2026-09 (the roster of tests/service_book.py; contribution now / a year earlier):

    RM01: C1 strategic up 100/80, C2 strategic same 200/170, C3 core down 50/–
    RM02: C4 core new 10/–, C5 basic same 5/10, C6 growth up 20/0
    RM03: C7 key same 30/40, C8 key down −10/10
    no RM: C9; RM99 (not on the roster): C10
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corptier.cli import app
from corptier.services import staff_portfolio
from corptier.workspace import CUSTOMER_INDICATORS, Workspace
from portfolio_book import write_portfolio_book

P = "2026-09"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace.init(tmp_path_factory.mktemp("portfolio") / "ws", language="en")
    write_portfolio_book(ws)
    return ws


def _clock() -> datetime:
    return datetime(2026, 10, 5, 9, 0)


def test_each_rms_portfolio_is_worked_by_hand(ws: Workspace) -> None:
    found = staff_portfolio(ws, clock=_clock)
    assert (found.period, found.base_period) == (P, "2025-09")
    rm1, rm2, rm3 = found.rows
    assert (rm1.book, rm1.customers, rm1.load) == ((("strategic", 2), ("core", 1)), 3, 25.0)
    assert (rm1.upgraded, rm1.downgraded, rm1.kept, rm1.new) == (1, 1, 1, 0)
    assert (rm2.upgraded, rm2.downgraded, rm2.kept, rm2.new) == (1, 0, 1, 1)
    assert (rm3.upgraded, rm3.downgraded, rm3.kept, rm3.new) == (0, 1, 1, 0)
    # contribution of the book; growth over the customers present both years
    assert (rm1.contribution, rm1.compared) == (350.0, 2)
    assert rm1.contribution_growth == pytest.approx(300 / 250 - 1)
    assert (rm2.contribution, rm2.compared) == (35.0, 2)
    assert rm2.contribution_growth == pytest.approx(25 / 10 - 1)
    assert rm3.contribution_growth == pytest.approx(20 / 50 - 1)
    # tasks due in September: RM01 one on time of three due; RM02 none of one; RM03 none due
    assert (rm1.tasks_on_time, rm1.tasks_due, rm1.sla) == (1, 3, pytest.approx(1 / 3))
    assert (rm2.tasks_on_time, rm2.tasks_due, rm2.sla) == (0, 1, 0.0)
    assert (rm3.tasks_due, rm3.sla) == (0, None)
    # latest answers: C1 10, C2 9 (not its March 5), C3 6 → 2 promoters, 1 detractor
    assert (rm1.nps_answers, rm1.nps) == (3, pytest.approx(100 / 3))
    assert (rm2.nps_answers, rm2.nps) == (1, 0.0)
    assert (rm3.nps_answers, rm3.nps) == (0, None)


def test_one_rm_and_the_previous_period_as_base(ws: Workspace, tmp_path: Path) -> None:
    only = staff_portfolio(ws, rm_ids=["RM02"], clock=_clock)
    assert [r.rm_id for r in only.rows] == ["RM02"]
    ws.partition_file(CUSTOMER_INDICATORS, "2025-09").rename(tmp_path / "aside.parquet")
    try:
        found = staff_portfolio(ws, rm_ids=["RM01"], clock=_clock)
        assert found.base_period == "2026-08"
        assert found.rows[0].contribution_growth == pytest.approx(350 / 3 - 1)
    finally:
        (tmp_path / "aside.parquet").rename(ws.partition_file(CUSTOMER_INDICATORS, "2025-09"))


def test_the_cli_prints_the_portfolios(ws: Workspace) -> None:
    out = CliRunner(env={"COLUMNS": "250"}).invoke(
        app, ["staff", "portfolio", "--rm", "RM01", "--workspace", str(ws.root)])
    assert out.exit_code == 0, out.output
    assert "RM portfolios (2026-09)" in out.output and "RM01" in out.output
    assert "RM02" not in out.output
    assert "the same customers against 2025-09" in out.output
