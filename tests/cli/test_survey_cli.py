"""`corptier survey ...`: check, campaign create and list, import and results in Chinese, with
user text shown as typed, rejections as file:row:field lines and errors as one line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corptier.cli import app
from corptier.workspace import Workspace
from survey_book import NPS, SAT, TRADE, WANTED, write_book

NAME = "=cmd|' /C calc'!A0 [bold red]调研[/] <b>ok</b>"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace.init(tmp_path_factory.mktemp("survey") / "ws", language="zh-CN")
    write_book(ws)
    return ws


def run(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "240", "CORPTIER_LANG": None}).invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


def test_check_names_file_line_and_field(ws: Workspace, tmp_path: Path) -> None:
    shipped = ws.standards_dir / "surveys" / "annual_needs.yaml"
    code, out = run("--lang", "zh-CN", "survey", "check", str(shipped))
    assert code == 0 and "校验通过（annual_needs 版本 2026.1，6 道题）" in out
    assert "cross_border: 明年是否有跨境贸易计划？ [单选] → " in out
    assert "comments: 其他意见和建议 [文本]" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: 1\ntitle: 调研\nquestions:\n"
                   "  - id: q1\n    text: 满意吗\n    kind: stars\n"
                   "  - id: q2\n    text: 需要融资吗\n    kind: single\n    choices:\n"
                   "      - {code: y, label: 是, needs: [crypto]}\n"
                   "      - {code: n, label: 否}\n", encoding="utf-8")
    code, out = run("survey", "check", str(bad))
    assert code != 0 and "Traceback" not in out
    out = out.replace("\n", "")     # a long path wraps the line
    assert f"{bad}:7: questions[0].kind:" in out
    assert f"{bad}:12: questions[1].choices[0].needs[0]: unknown product category 'crypto'" in out


def test_campaign_import_and_results(ws: Workspace, tmp_path: Path) -> None:
    w = str(ws.root)
    code, out = run("survey", "campaign", "create", "-q", "annual_needs", "-p", "2026-01",
                    "--name", NAME, "--by", "li", "-w", w)
    assert code == 0 and "调研对象 4 户" in out and NAME in out
    campaign = out.split("已创建调研活动 ")[1].split("：")[0]
    code, out = run("survey", "campaign", "list", "-w", w)
    assert code == 0 and NAME in out and "annual_needs 2026.1" in out
    sheet = tmp_path / "调研.csv"
    with open(sheet, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([
            ["客户号", SAT, NPS, TRADE, WANTED],
            ["C1", "5", "10", "是", "资金归集"],
            ["C2", "2", "3", "否", ""],
            ["C3", "5", "11", "", ""]])
    code, out = run("survey", "import", campaign, str(sheet), "--by", "li", "-w", w)
    assert code == 0 and "调研.csv：读取 3 行 = 接受 2 行 + 拒绝 1 行" in out
    assert "调研.csv:4: recommend: a whole number from 0 to 10; got '11'" in out
    assert "需求缺口：1 条" in out and "stated_needs" in out
    code, out = run("survey", "results", campaign, "-w", w)
    assert code == 0 and "调研结果" in out and "按客户经理" in out
    assert "NPS 贬损者（0–6 分）：1 户" in out and "现金管理" in out
    assert "战略客户" in out and "贸易国际型" in out and "strategic" not in out
    code, out = run("survey", "results", campaign, "--json", "-w", w)
    assert code == 0 and '"nps": 0.0' in out and '"customer_id": "C2"' in out
    code, out = run("survey", "import", "99", str(sheet), "--by", "li", "-w", w)
    assert code != 0 and "调研活动 99 不存在" in out and "Traceback" not in out
