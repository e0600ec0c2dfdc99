"""`corptier recommend CUSTOMER` and `corptier recommend backtest` on the hand-built book of
tests/reco_book.py: the reasons in Chinese, JSON output, and one clear line for an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corptier.cli import app
from corptier.workspace import Workspace
from reco_book import build

runner = CliRunner(env={"COLUMNS": "240", "CORPTIER_LANG": None})


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = Workspace.init(tmp_path_factory.mktemp("reco_cli") / "ws", language="zh-CN")
    build(workspace, history=True)
    return workspace.root


def flat(text: str) -> str:
    """The output with the table's folded cells joined (box characters and spaces dropped)."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "│┃")


def test_a_customer_s_next_best_products_with_their_reasons_in_chinese(ws: Path) -> None:
    result = runner.invoke(app, ["recommend", "A4", "-w", str(ws)])
    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    assert "A4的下一最佳产品（2026-01）" in out
    assert ("3家同类客户（制造业、中型企业、结算主导型）中100%持有代发工资；"
            "近12个月综合贡献中位数+70万元") in out
    assert "其余产品缺口（1）" in out  # financing, after the top two


def test_json_output_holds_the_numbers(ws: Path) -> None:
    result = runner.invoke(app, ["recommend", "B1", "--period", "2026-01", "--json",
                                 "-w", str(ws)])
    doc = json.loads(result.stdout)
    assert [(p["category"], p["adoption"], p["peers"], p["expected_gain"])
            for p in doc["next_best"]] == [("cash_management", 0.5, 4, 800_000.0),
                                           ("financing", 0.5, 4, 650_000.0)]
    assert doc["held"] == ["payroll"] and doc["next_best"][0]["peer_group"] == ["needs_segment"]


def test_the_backtest_as_a_table_and_as_json(ws: Path) -> None:
    table = runner.invoke(app, ["recommend", "backtest", "-w", str(ws)])
    assert table.exit_code == 0, table.output
    assert "前2精确率：50.0%；推荐最热门产品：33.3%；提升倍数1.50" in flat(table.stdout)
    doc = json.loads(runner.invoke(app, ["recommend", "backtest", "--json", "-w",
                                         str(ws)]).stdout)
    assert (doc["hits"], doc["recommendations"], doc["lift"]) == (3, 6, 1.5)
    assert doc["skipped"] == ["2026-02", "2026-03", "2026-04"]


def test_an_unknown_customer_is_one_error_line(ws: Path) -> None:
    result = runner.invoke(app, ["recommend", "Z9", "-w", str(ws)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert result.stderr.strip().startswith("错误：") and "Z9" in result.stderr
