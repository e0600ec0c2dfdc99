"""`corptier archive completeness` and the completeness line of `archive show`, on the
hand-made book of tests/completeness_book.py (in Chinese; hostile text shown as text)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from completeness_book import build_book
from corptier.cli import app
from corptier.workspace import Workspace


def run(ws: Workspace, *args: str) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "240", "CORPTIER_LANG": None}).invoke(
        app, [*args, "-w", str(ws.root)])
    return result.exit_code, result.output


def test_averages_by_rm_and_one_customers_line(tmp_path: Path) -> None:
    ws = build_book(Workspace.init(tmp_path / "ws", language="zh-CN"))
    code, out = run(ws, "archive", "completeness", "--by", "rm")
    assert code == 0, out
    assert "按客户经理的档案完整度" in out
    assert [[c.strip() for c in line.split("│")[1:4]] for line in out.splitlines()
            if "RM0" in line] == [["RM01", "2", "59.5"], ["RM02", "1", "40.0"]]
    code, out = run(ws, "archive", "completeness", "--by", "colour")
    assert code != 0 and "Traceback" not in out and "colour" in out
    code, out = run(ws, "archive", "show", "C2")
    assert code == 0, out
    line = next(x for x in out.splitlines() if "档案完整度" in x)
    assert line.startswith("档案完整度：33.3（缺少：") and "法定代表人联系人" in line, line
