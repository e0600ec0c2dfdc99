"""The report's recommendations section over the hand-built book of tests/reco_book.py: next
best products by tier, the backtest's precision and lift as measured, and the plain sentence
when the lift does not beat the popularity baseline."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from corptier.i18n import Translator
from corptier.periods import Period
from corptier.report.model import Relationship, ReportData
from corptier.report.relationship import recommendations_part
from corptier.services.report_recommendations import recommendation_sections
from corptier.workspace import Workspace
from reco_book import build

TIERS = ("strategic", "core", "key", "growth", "basic")
K = 1000.0


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace.init(tmp_path_factory.mktemp("report-reco") / "ws", language="en")
    build(ws, history=True)
    return ws


def _part(found: dict, lang: str = "en"):
    data = object.__new__(ReportData)
    for name, value in (("period", "2026-01"), ("tier_order", TIERS),
                        ("tiers", pd.DataFrame({"applied_tier": ["basic"] * 5})),
                        ("relationship", Relationship(**found))):
        object.__setattr__(data, name, value)
    return recommendations_part(data, Translator(lang))


def test_next_best_products_by_tier_and_the_backtest(ws: Workspace) -> None:
    """Top 2 picks: A2 cash (+600k); A3 financing (+300k); A4 payroll (+700k), cash (+600k);
    B1 cash (+800k), financing (+650k) — all basic."""
    found = recommendation_sections(ws, Period("2026-01"))
    frame = found["recommendations"]
    rows = {(r["tier"], None if pd.isna(r["category"]) else r["category"]):
            (r["customers"], r["gain"])
            for r in frame.to_dict("records")}
    assert rows == {("basic", "cash_management"): (3, 2000 * K),
                    ("basic", "financing"): (2, 950 * K), ("basic", "payroll"): (1, 700 * K),
                    ("basic", None): (4, 3650 * K)}
    assert found["reco_backtest"]["precision"] == 0.5
    assert found["reco_backtest"]["lift"] == pytest.approx(1.5)
    part = _part(found)
    (grid,) = part.grids
    assert grid.rows == [["Basic", 5, 4, 0.8, "Cash management (3), Financing (2), Payroll (1)",
                          3650 * K]]
    assert "precision@2" in part.lines[1] and "lift 1.50" in part.lines[1]
    assert "do not beat" not in part.lines[1]
    zh = _part(found, "zh-CN")
    assert "提升度 1.50" in zh.lines[1] and zh.title == "产品推荐"


def test_a_lift_near_one_is_said_plainly(ws: Workspace) -> None:
    found = recommendation_sections(ws, Period("2026-01"))
    flat = {**found, "reco_backtest": {**found["reco_backtest"], "lift": 1.02}}
    assert "do not beat offering the most popular products" in _part(flat).lines[1]
    assert "并未优于" in _part(flat, "zh-CN").lines[1]


def test_without_holdings_there_is_no_section(tmp_path: Path) -> None:
    empty = Workspace.init(tmp_path / "ws", language="en")
    found = recommendation_sections(empty, Period("2026-01"))
    assert found == {"recommendations": None, "reco_backtest": None}
    assert _part(found).empty is not None
    none = _part({"recommendations": pd.DataFrame(columns=["tier", "category", "customers",
                                                             "gain", "label"]),
                  "reco_backtest": None})
    assert none.empty is None and none.grids == []
    assert none.lines[0].startswith("No customer has a next best product")
    assert none.lines[1].startswith("No month up to this period can be backtested")
