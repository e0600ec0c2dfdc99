"""The report's RM portfolio sub-section over the hand-built book of tests/portfolio_book.py:
the frame the report reads, its table and sentence in English and Chinese, and no data
without staff rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from corptier.i18n import Translator
from corptier.periods import Period
from corptier.report.model import Relationship, ReportData
from corptier.report.relationship import portfolio_part
from corptier.services.report_staff import staff_portfolios
from corptier.workspace import Workspace
from portfolio_book import P, write_portfolio_book


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace.init(tmp_path_factory.mktemp("report-staff") / "ws", language="en")
    write_portfolio_book(ws)
    return ws


def _part(found: dict, lang: str):
    data = object.__new__(ReportData)
    object.__setattr__(data, "period", P)
    object.__setattr__(data, "relationship", Relationship(**found))
    return portfolio_part(data, Translator(lang))


def test_the_report_frame_holds_each_rms_kpis(ws: Workspace) -> None:
    found = staff_portfolios(ws, Period(P))
    assert found["portfolio_base"] == "2025-09"
    frame = found["portfolios"]
    assert frame["rm_id"].tolist() == ["RM01", "RM02", "RM03"]
    rm1 = frame.iloc[0]
    assert (rm1["customers"], rm1["upgraded"], rm1["downgraded"], rm1["contribution"]) == (
        3, 1, 1, 350.0)
    assert rm1["contribution_growth"] == pytest.approx(0.2)
    assert rm1["sla"] == pytest.approx(1 / 3) and rm1["nps"] == pytest.approx(100 / 3)


def test_the_sub_section_reads_in_english_and_chinese(ws: Workspace) -> None:
    found = staff_portfolios(ws, Period(P))
    en = _part(found, "en")
    assert en.key == "portfolios" and en.empty is None
    assert "the same customers with 2025-09" in en.lines[0]
    (grid,) = en.grids
    assert grid.rows[0][:3] == ["RM01", "张伟", 3] and len(grid.rows) == 3
    assert grid.rows[2][-1] is None  # RM03: no NPS answer
    zh = _part(found, "zh-CN")
    assert "2025-09" in zh.lines[0] and "客户经理" in zh.title
    assert all(label for label, _ in zh.grids[0].columns)


def test_no_staff_rules_no_portfolio(ws: Workspace, tmp_path: Path) -> None:
    rules = ws.standards_dir / "staff.yaml"
    rules.rename(tmp_path / "staff.yaml")
    try:
        found = staff_portfolios(ws, Period(P))
    finally:
        (tmp_path / "staff.yaml").rename(rules)
    assert found == {"portfolios": None, "portfolio_base": None}
    assert _part(found, "en").empty is not None
