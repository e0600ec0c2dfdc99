"""`corptier staff check|roster|training-gaps` in Chinese and English, as JSON, with user text
shown as typed and errors as one line naming file:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corptier.cli import app
from corptier.errors import RequestError
from corptier.workspace import Workspace
from service_book import STAFF_MANAGERS, publish_staff, write_table

P = "2026-09"
HOSTILE = "[bold red]张伟[/] =cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace.init(tmp_path_factory.mktemp("staffcli") / "ws", language="zh-CN")
    publish_staff(ws, P)
    managers = [dict(STAFF_MANAGERS[0], name=HOSTILE), *STAFF_MANAGERS[1:]]
    write_table(ws, "relationship_managers", P, managers)
    return ws


def run(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "240", "CORPTIER_LANG": None}).invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


def test_roster_and_training_gaps_speak_chinese(ws: Workspace) -> None:
    w = str(ws.root)
    code, out = run("staff", "check", "-w", w)
    assert code == 0 and "客户经理规则 branch-staff 2026.1 校验通过：5 个层级，4 个职级" in out
    code, out = run("staff", "roster", "-w", w)
    assert code == 0 and "客户经理名册（2026-09，客户经理规则 2026.1）" in out
    assert "[bold red]张伟[/] =cmd|'" in out and "战略客户" in out  # user text as typed
    assert "150（按职级）" in out and "120.0% ⚠" in out
    assert "aml 2026-10-15" in out
    assert "3 名客户经理，覆盖 8 户客户；1 名超出容量" in out
    assert "无在册客户经理的客户：重点客户 1, 基础客户 1" in out
    code, out = run("staff", "training-gaps", "--period", P, "-w", w)
    assert code == 0
    assert ("2026-09 服务覆盖（客户经理规则 2026.1）：共 10 户客户；1 户由具备资格的客户经理服务，"
            "7 户的客户经理不具备该层级服务资格，2 户无客户经理") in out
    assert "调整客户经理（职级不足）" in out and "国际结算与贸易融资资格 (trade_finance)" in out
    assert "培训计划（4 门课程，56 学时）" in out
    assert "1 户客户需要更高职级的客户经理" in out


def test_json_output(ws: Workspace) -> None:
    code, out = run("staff", "training-gaps", "--json", "-w", str(ws.root))
    assert code == 0
    doc = json.loads(out)
    assert (doc["period"], doc["customers"], doc["ineligible"]) == (P, 10, 7)
    assert doc["plan"][1] == {"rm_id": "RM01", "rm_name": HOSTILE,
                              "certification": "trade_finance", "action": "train",
                              "course": "TF-201", "hours": 16, "tiers": ["strategic"],
                              "customers": 2}
    code, out = run("--lang", "en", "staff", "roster", "--json", "-w", str(ws.root))
    rows = json.loads(out)["rows"]
    assert code == 0 and rows[0]["certifications"][0] == {
        "code": "aml", "status": "expiring", "expires": "2026-10-15"}
    assert rows[1]["start_date"] == "2024-07-01" and rows[1]["book"] == [
        ["core", 1], ["growth", 1], ["basic", 1]]


def test_errors_are_one_line(ws: Workspace, tmp_path: Path) -> None:
    w = str(ws.root)
    bad = tmp_path / "staff.yaml"
    bad.write_text((ws.standards_dir / "staff.yaml").read_text(encoding="utf-8").replace(
        "weight: 3\n", "weight: zero\n"), encoding="utf-8")
    code, out = run("staff", "roster", "--rules", str(bad), "-w", w)
    assert code == 6 and out.startswith("错误：") and "staff.yaml:" in out
    assert "tiers.key.weight" in out and "Traceback" not in out
    code, out = run("staff", "training-gaps", "--period", "2026-12", "-w", w)
    assert code == 7 and len(out.strip().splitlines()) == 1 and "2026-12" in out
    code, out = run("--lang", "en", "staff", "check", str(tmp_path / "none.yaml"), "-w", w)
    assert code == 6 and out.startswith("error:") and "no staff rules at" in out


def test_assign_proposes_and_does_not_apply(ws: Workspace) -> None:
    w = str(ws.root)
    code, out = run("staff", "assign", "--propose", "-w", w)
    assert code == 0
    assert ("2026-09 客户经理分配建议（客户经理规则 2026.1）：待安排 9 户，调整 9 户，保持 0 户，"
            "2 户暂无具备资格且有余量的客户经理") in out
    assert "目标值 2070.0（最优" in out and "最高负荷率 120.0% → 70.0%" in out
    assert "建议调整（9）" in out and "客户经理不具备资格" in out and "无客户经理" in out
    code, out = run("staff", "assign", "--propose", "--json", "-w", w)
    doc = json.loads(out)
    assert code == 0 and doc["uncovered"] == 2 and doc["moves"][0]["customer_id"] == "C1"
    code, out = run("--lang", "en", "staff", "assign", "-w", w)  # no action: one clear line
    assert code == RequestError.exit_code and out.startswith("error:")
    assert "give one of --propose, --approve ID, --reject ID or --list" in out
    assert len(out.strip().splitlines()) == 1
