"""`corptier archive ...` in a zh-CN workspace: the timeline in Chinese, masked and full
contacts, a stale edit refused in one line, interactions logged, listed (hostile text shown as
typed) and imported with their reconciliation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archive_book import write_customers
from corptier.cli import app
from corptier.workspace import Workspace

HOSTILE = "[bold]粗体[/bold] =cmd|x <script>"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> str:
    ws = Workspace.init(tmp_path_factory.mktemp("archive") / "ws", language="zh-CN")
    write_customers(ws)
    return str(ws.root)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"COLUMNS": "240", "CORPTIER_LANG": None}).invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_show_prints_the_profile_and_the_timeline_in_chinese(ws: str) -> None:
    code, out, _err = run("archive", "show", "C1", "-w", ws)
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    assert "客户 C1：成都锦程机械有限公司" in lines
    assert "企业规模: 中型" in lines and "评级: BBB" in lines
    assert "已加载期间：2026-01 至 2026-03（3 期）" in lines
    assert lines[lines.index("变更时间线："):][1:5] == [
        "2026-01：首次加载", "2026-03：评级 A → BBB", "2026-03：客户经理由 RM01 变更为 RM02",
        "2026-03：支行由 高新支行 变更为 锦江支行"]
    code, out, _err = run("archive", "show", "C3", "-w", ws)
    assert "不在最新加载期间的客户中（最后出现于 2026-02）" in out
    code, _out, err = run("archive", "show", "C9", "-w", ws)
    assert code == 7 and err.strip().startswith("错误：") and len(err.strip().splitlines()) == 1


def test_contacts_are_masked_unless_full_and_a_stale_edit_is_one_line(ws: str,
                                                                      tmp_path: Path) -> None:
    code, out, _ = run("archive", "contact", "add", "C2", "--role", "法定代表人", "--name",
                       HOSTILE, "--phone", "13812345678", "--email", "zhang@example.com",
                       "--primary", "--by", "li", "-w", ws)
    assert code == 0 and out.startswith("联系人 ") and "法定代表人" in out
    contact_id = re.match(r"联系人 (\d+)", out).group(1)  # type: ignore[union-attr]
    code, out, _ = run("archive", "contacts", "C2", "--out", str(tmp_path / "c.csv"),
                       "-w", ws)
    assert "138****5678" in out and "z***@example.com" in out and "13812345678" not in out
    assert HOSTILE in out    # shown as typed, not read as markup
    assert "13812345678" not in (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    code, out, _ = run("archive", "contacts", "C2", "--full", "--by", "wang", "-w", ws)
    assert "13812345678" in out and "zhang@example.com" in out
    assert run("archive", "contact", "edit", contact_id, "--version", "1", "--position",
               "董事长", "--by", "wang", "-w", ws)[0] == 0
    code, out, err = run("archive", "contact", "edit", contact_id, "--version", "1",
                         "--phone", "13900000000", "--by", "li", "-w", ws)
    assert code == 8 and out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith("错误：") and "被 wang 修改" in err and "现为第 2 版" in err
    code, out, _ = run("archive", "contact", "remove", contact_id, "--version", "2", "--by",
                       "li", "-w", ws)
    assert code == 0 and "已由 li 删除" in out


def test_interactions_are_logged_listed_and_imported(ws: str, tmp_path: Path) -> None:
    code, out, _ = run("archive", "interaction", "add", "C1", "--date", "2026-04-01",
                       "--type", "走访", "--purpose", HOSTILE, "--needs", "现金管理,payroll",
                       "--next-step", "报价", "--due", "2026-04-30", "--by", "li", "-w", ws)
    assert code == 0 and "2026-04-01 走访" in out and "已由 li 登记" in out
    log = tmp_path / "visits.csv"
    log.write_text("客户编号,日期,类型,目的\nC1,2026-04-02,电话,跟进\nC1,2026-04-02,午餐,\n",
                   encoding="utf-8")
    code, out, _ = run("archive", "import", str(log), "--by", "li", "-w", ws)
    assert code == 0
    assert "visits.csv：读取 2 行 = 接受 1 行 + 拒绝 1 行" in out
    assert "visits.csv:3: type: unknown type '午餐'" in out and "被拒绝的行：" in out
    code, out, _ = run("archive", "interactions", "C1", "-w", ws)
    assert code == 0 and HOSTILE in out and "现金管理、代发工资" in out
    assert "报价 (2026-04-30)" in out and "电话" in out


def test_with_users_the_token_decides_who_sees_contacts_in_full(tmp_path: Path) -> None:
    from corptier.services import add_contact, add_user

    ws = Workspace.init(tmp_path / "ws", language="en")
    write_customers(ws)
    add_contact(ws, "C1", "li", role="operator", name="刘洋", phone="13800001234")
    boss = add_user(ws, "boss").token
    analyst = add_user(ws, "ana", "analyst", by="boss").token

    def as_user(token: str, *args: str) -> tuple[int, str, str]:
        result = CliRunner(env={"COLUMNS": "240", "CORPTIER_LANG": None,
                                "CORPTIER_TOKEN": token}).invoke(app, [*args, "-w",
                                                                       str(ws.root)])
        return result.exit_code, result.stdout, result.stderr

    code, out, _ = as_user(analyst, "archive", "contacts", "C1")
    assert code == 0 and "138****1234" in out
    code, out, err = as_user(analyst, "archive", "contacts", "C1", "--full")
    assert code == 18 and out == ""
    assert err.strip() == "error: the role analyst may not view contacts"
    code, out, _ = as_user(boss, "archive", "contacts", "C1", "--full")
    assert code == 0 and "13800001234" in out
