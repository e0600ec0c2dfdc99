"""`corptier service ...`: check, plan, tasks, tasks done and kpis, in English and Chinese,
with user text shown as typed and errors as one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from corptier.cli import app
from corptier.services.service_plans import plan_services
from corptier.workspace import Workspace
from service_book import publish

NOTE = "=cmd|' /C calc'!A0 [bold red]走访[/] <b>ok</b>"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "ws", language="zh-CN")
    publish(ws, "2026-09", [("C1", "strategic", None, "new", "RM01"),
                            ("C2", "growth", "key", "down", "RM02")])
    plan_services(ws, "2026-09", "run-9")
    return ws


def run(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "240", "CORPTIER_LANG": None}).invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


def test_the_service_commands_speak_the_workspace_language(ws: Workspace) -> None:
    w = str(ws.root)
    code, out = run("service", "check", "-w", w)
    assert code == 0 and "服务目录 branch-service 2026.1 校验通过：5 个层级" in out
    code, out = run("service", "plan", "C1", "-w", w)
    assert code == 0 and "C1 的服务计划（2026-09）：战略客户" in out
    assert "1+N 服务团队" in out and "授信审批绿色通道（免费）" in out and "走访" in out
    code, out = run("service", "tasks", "--customer", "C2", "-w", w)
    assert code == 0 and "层级调整沟通" in out and "成长客户" in out
    task_id = next(line.split("│")[1].strip() for line in out.splitlines()
                   if "层级调整沟通" in line)
    code, out = run("service", "tasks", "done", task_id, "--by", "li", "--note", NOTE, "-w", w)
    assert code == 0 and f"任务 {task_id}（C2：层级调整沟通）已由 li 完成" in out
    code, out = run("--lang", "en", "service", "tasks", "--status", "done", "-w", w)
    assert code == 0 and NOTE in out and "Tier transition talk" in out
    code, out = run("service", "kpis", "--period", "2026-10", "-w", w)
    assert code == 0 and "按层级的服务落实情况（2026-10）" in out and "按支行" in out


def test_errors_are_one_line(ws: Workspace) -> None:
    w = str(ws.root)
    code, out = run("service", "plan", "C9", "-w", w)
    assert code == 7 and out.startswith("错误：") and "C9" in out and "Traceback" not in out
    code, out = run("service", "tasks", "done", "999", "--by", "li", "-w", w)
    assert code == 7 and len(out.strip().splitlines()) == 1
    catalogue = ws.standards_dir / "service.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace(
        "visit_days: 30", "visit_days: -30"), encoding="utf-8")
    code, out = run("service", "check", "-w", w)
    assert code == 6 and "service.yaml:" in out and "tiers.strategic.visit_days" in out
    code, out = run("service", "tasks", "--mine", "--by", "nobody", "-w", w)
    assert code == 9 and "nobody" in out


def test_a_catalogue_file_is_checked_outside_a_workspace(ws: Workspace, tmp_path: Path) -> None:
    shipped = ws.standards_dir / "service.yaml"
    code, out = run("--lang", "en", "service", "check", str(shipped), "-w", str(tmp_path))
    assert code == 0 and "service catalogue branch-service 2026.1 is valid: 5 tiers" in out
