"""Every command through the real CLI: its success path and at least one error path.

The demo and a few others run as a subprocess of the `corptier` console script (the real entry
point: exit code, stdout and stderr as a user sees them); the rest run in-process with Typer's
CliRunner, where a crash would be the stored `result.exception` — so every call below checks
it: None on success, SystemExit with the error's own exit code on a refusal.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corptier.cli import app

SRC = Path(__file__).resolve().parents[2] / "src"
PERIOD = "2025-02"
CUSTOMER = "C0000000001"


def corptier(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The console script in a subprocess, this checkout's code first on the path."""
    script = Path(sys.executable).with_name("corptier")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "corptier.cli"]
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300, check=False)


def _invoke(args: tuple[str | Path, ...]):  # -> click.testing.Result
    return CliRunner(env={"COLUMNS": "500"}).invoke(app, [str(a) for a in args])


def ok(*args: str | Path) -> str:
    """Run in-process; the command must succeed without an exception. Returns stdout."""
    result = _invoke(args)
    assert result.exception is None, (result.output, result.exception)
    assert result.exit_code == 0
    return result.stdout


def refused(code: int, *args: str | Path, lines: int = 1) -> str:
    """Run in-process; the command must stop with exit `code` by a clean SystemExit (not a
    crash) and an error of `lines` lines on stderr (a standard's list of issues is longer).
    Returns stderr, its lines joined by spaces."""
    result = _invoke(args)
    assert isinstance(result.exception, SystemExit), (result.output, result.exception)
    assert result.exit_code == code, result.output
    found = result.stderr.strip().splitlines()
    assert len(found) == lines and found[0].startswith("error: "), result.stderr
    return " ".join(found)


def failed(done: subprocess.CompletedProcess[str], code: int) -> str:
    assert done.returncode == code, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(("error: ", "错误：")), done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`corptier demo` (30 customers, 2 months) through the console script; its workspace is
    the one the other commands use."""
    root = tmp_path_factory.mktemp("cli")
    done = corptier("demo", root / "demo", "--customers", "30", "--months", "2",
                    "--language", "en", "--no-users")
    assert done.returncode == 0, done.stderr
    ws = root / "demo" / "workspace"
    assert f"Report: {ws / 'reports' / PERIOD / 'report.en.pdf'}" in done.stdout.replace("\n", "")
    assert (ws / "reports" / PERIOD / "report.en.pdf").stat().st_size > 1000
    return ws


@pytest.fixture
def ws(demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(demo, target)
    return target


# --- init, demo, synth, load -----------------------------------------------------------------
def test_the_demo_makes_one_login_per_role_and_then_acts_as_its_admin(ws: Path) -> None:
    from corptier.services import list_users
    from corptier.services.demo import make_demo_users
    from corptier.services.users import authenticate_password
    from corptier.workspace import Workspace

    bank = Workspace.open(ws)
    logins, token = make_demo_users(bank)
    assert [login.role for login in logins] == [
        "admin", "branch_head", "team_head", "rm", "rm", "analyst", "risk", "auditor"]
    for login in logins:
        assert authenticate_password(bank, login.name, login.password) == login.name
    users = {u.name: u for u in list_users(bank)}
    head, rms = users["team_head"], [u for u in users.values() if u.role == "rm"]
    assert {u.rm_id for u in rms} <= set(head.team_members) and len(head.team_members) >= 2
    assert users["branch_head"].sub_branches and not users["analyst"].rm_id
    refused(8, "close", "--period", PERIOD, "--workspace", ws)  # users now: a token is needed
    closed = CliRunner(env={"COLUMNS": "500", "CORPTIER_TOKEN": token}).invoke(
        app, ["close", "--period", PERIOD, "--workspace", str(ws)])
    assert closed.exit_code == 0, closed.output


def test_the_demo_prints_the_web_app_and_each_login_once(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from types import SimpleNamespace

    import corptier.services
    from corptier.services.demo import DemoLogin

    logins = (DemoLogin("admin", "admin", "pw-<b>[red]x[/]"),
              DemoLogin("rm01", "rm", "pw2-abcdefghij", rm_id="RM01"),
              DemoLogin("team_head", "team_head", "pw3", team_members=("RM01", "RM02")))
    close = SimpleNamespace(period=PERIOD, standard_id="s", standard_version="1", run_id="r",
                            tier_counts={}, migrations={})
    monkeypatch.setattr(corptier.services, "run_demo", lambda *a, **k: SimpleNamespace(
        workspace=tmp_path / "ws", incoming=tmp_path / "in", periods=[PERIOD], rows_loaded=1,
        rows_rejected=0, last_close=close, report=(), logins=logins, admin_token="ctk_x"))
    out = " ".join(ok("demo", tmp_path, "--language", "en").split())
    assert f"corptier serve --workspace {tmp_path / 'ws'}, then open http://127.0.0.1:8000/" in out
    assert "Administrator │ admin │ pw-<b>[red]x[/] │ the whole bank" in out
    assert "Relationship manager │ rm01 │ pw2-abcdefghij │ book of RM RM01" in out
    assert "team of RM01, RM02" in out and "export CORPTIER_TOKEN=ctk_x" in out


def test_init_then_init_again_is_refused(tmp_path: Path) -> None:
    done = corptier("init", tmp_path / "bank", "--language", "en")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "bank" / "corptier.toml").is_file()
    assert (tmp_path / "bank" / "standards" / "default.yaml").is_file()
    line = failed(corptier("init", tmp_path / "bank", "--language", "en"), 3)
    assert "is already a workspace" in line


def test_init_and_demo_speak_the_language_of_the_workspace_they_create(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without --language the workspace is zh-CN, and so are init's and demo's own lines."""
    monkeypatch.delenv("CORPTIER_LANG", raising=False)
    done = corptier("init", tmp_path / "bank")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("工作区已就绪") and 'language = "zh-CN"' in (
        tmp_path / "bank" / "corptier.toml").read_text(encoding="utf-8")
    assert "已是工作区" in failed(corptier("init", tmp_path / "bank"), 3)
    line = failed(corptier("demo", tmp_path / "d", "--customers", "0", "--months", "2"), 11)
    assert line.startswith("错误") and "客户数必须是不小于 1 的整数；收到 0" in line
    assert "customers" not in line


def test_demo_refuses_zero_customers(tmp_path: Path) -> None:
    line = failed(corptier("demo", tmp_path / "d", "--customers", "0", "--months", "2",
                           "--language", "en"), 11)
    assert "number of customers must be a whole number of at least 1; got 0" in line


def test_synth_and_load_into_a_new_workspace(tmp_path: Path) -> None:
    ok("synth", tmp_path / "in", "--customers", "15", "--months", "1", "--format", "csv")
    assert (tmp_path / "in" / "2025-01" / "customers.csv").is_file()
    refused(11, "synth", tmp_path / "x", "--months", "0")
    ok("init", tmp_path / "bank", "--language", "en")
    out = ok("load", tmp_path / "in" / "2025-01", "--period", "2025-01", "--json",
             "--workspace", tmp_path / "bank")
    report = json.loads(out)
    assert report["customers"]["read"] == 15
    assert all(t["read"] == t["accepted"] + t["rejected"] for t in report.values())
    line = refused(5, "load", tmp_path / "nowhere", "--period", "2025-01",
                   "--workspace", tmp_path / "bank")
    assert "nowhere" in line


def test_a_command_outside_a_workspace_is_refused(tmp_path: Path) -> None:
    line = failed(corptier("tiers", "--period", PERIOD, cwd=tmp_path), 3)
    assert "is not a corptier workspace" in line


# --- indicators, close, tiers, explain, report -----------------------------------------------
def test_indicators(ws: Path, tmp_path: Path) -> None:
    out = ok("indicators", "--period", PERIOD, "--out", tmp_path / "snap.csv", "--workspace", ws)
    # nobody leaves in two months: a leaver's drain starts in its fourth month at the earliest
    assert out.startswith("30 customers, 1 groups on duckdb")
    assert len((tmp_path / "snap.csv").read_text(encoding="utf-8").splitlines()) == 31
    line = refused(10, "indicators", "--period", "2030-01", "--workspace", ws)
    assert "period 2030-01 is not loaded" in line


def test_close_again_is_identical_and_a_bad_period_is_refused(ws: Path) -> None:
    before = ok("tiers", "--period", PERIOD, "--workspace", ws)
    out = ok("close", "--period", PERIOD, "--workspace", ws)
    assert "(identical to the run already published)" in " ".join(out.split())
    assert ok("tiers", "--period", PERIOD, "--workspace", ws) == before
    refused(12, "close", "--period", "2025-13", "--workspace", ws)
    refused(10, "close", "--period", "2031-01", "--workspace", ws)


def test_tiers_json_to_a_file_through_the_console_script(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "tiers.json"
    done = corptier("tiers", "--period", PERIOD, "--format", "json", "--out", out,
                    "--workspace", ws)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Wrote {out}"
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert (doc["period"], doc["count"], len(doc["data"])) == (PERIOD, 30, 30)
    assert doc["data"][0]["customer_id"] == CUSTOMER
    csv_rows = ok("tiers", "--period", PERIOD, "--workspace", ws).splitlines()
    assert len(csv_rows) == 31 and csv_rows[1].startswith(CUSTOMER + ",")
    line = failed(corptier("tiers", "--period", PERIOD, "--format", "xml", "--workspace", ws), 11)
    assert "export format must be csv or json" in line
    refused(7, "tiers", "--period", "2024-12", "--workspace", ws)


def test_explain(ws: Path) -> None:
    data = json.loads(ok("explain", CUSTOMER, "--period", PERIOD, "--json", "--workspace", ws))
    assert data["customer_id"] == CUSTOMER
    assert CUSTOMER in ok("explain", CUSTOMER, "--period", PERIOD, "--workspace", ws)
    line = refused(7, "explain", "NOPE", "--period", PERIOD, "--workspace", ws)
    assert "NOPE" in line


def test_report_of_an_unclosed_period_is_refused(ws: Path) -> None:
    refused(7, "report", "--period", "2030-01", "--workspace", ws)


# --- standards ------------------------------------------------------------------------------
def _broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nversion: '1'\n", encoding="utf-8")
    return path


def test_standard_validate(ws: Path, tmp_path: Path) -> None:
    assert "branch-default" in ok("standard", "validate", ws / "standards" / "default.yaml")
    result = _invoke(("standard", "validate", _broken(tmp_path)))
    assert isinstance(result.exception, SystemExit) and result.exit_code == 6
    assert result.output.strip().splitlines()[-1].endswith("broken.yaml: INVALID (4 error(s))")


def test_standard_adopt_records_and_switches(ws: Path, tmp_path: Path) -> None:
    text = (ws / "standards" / "default.yaml").read_text(encoding="utf-8")
    new = tmp_path / "v2.yaml"
    new.write_text(text.replace('version: "2026.1"', 'version: "2026.2"'), encoding="utf-8")
    ok("standard", "adopt", new, "--period", "2025-03", "--by", "alice", "--note", "annual",
       "--workspace", ws)
    assert 'standard = "v2.yaml"' in (ws / "corptier.toml").read_text(encoding="utf-8")
    assert (ws / "standards" / "v2.yaml").read_text(encoding="utf-8") == new.read_text(
        encoding="utf-8")
    line = refused(6, "standard", "adopt", _broken(tmp_path), "--period", "2025-03", "--by",
                   "alice", "--workspace", ws, lines=5)
    assert line.startswith("error: the standard has 4 error(s):")
    assert 'standard = "v2.yaml"' in (ws / "corptier.toml").read_text(encoding="utf-8")


def test_standard_suggest_compare_backtest(ws: Path, tmp_path: Path) -> None:
    default = ws / "standards" / "default.yaml"
    assert ok("standard", "suggest", "--period", PERIOD, "--workspace", ws)
    refused(7, "standard", "suggest", "--period", "2030-01", "--workspace", ws)
    ok("standard", "compare", default, "--period", PERIOD, "--out", tmp_path / "c.csv",
       "--workspace", ws)
    assert (tmp_path / "c.csv").is_file()
    refused(6, "standard", "compare", _broken(tmp_path), "--period", PERIOD, "--workspace", ws,
            lines=5)
    doc = json.loads(ok("standard", "backtest", default, "--from", "2025-01", "--to", PERIOD,
                        "--json", "--workspace", ws))
    assert doc
    refused(12, "standard", "backtest", default, "--from", PERIOD, "--to", "2025-01",
            "--workspace", ws)


# --- overrides -------------------------------------------------------------------------------
def _request(ws: Path, tier: str = "core") -> int:
    out = ok("override", "request", CUSTOMER, "--tier", tier, "--reason", "new mandate",
             "--until", "2099-12-31", "--by", "alice", "--workspace", ws)
    return int(out.strip())


def test_override_request_approve_list(ws: Path) -> None:
    line = refused(9, "override", "request", CUSTOMER, "--tier", "platinum", "--reason", "r",
                   "--until", "2099-12-31", "--by", "alice", "--workspace", ws)
    assert "unknown tier 'platinum'" in line
    oid = _request(ws)
    refused(8, "override", "approve", oid, "--by", "alice", "--workspace", ws)
    out = ok("override", "approve", oid, "--by", "bob", "--workspace", ws)
    assert out.strip() == f"override {oid} ({CUSTOMER} → Core) approved by bob"
    assert "Approved" in ok("override", "list", "--customer", CUSTOMER, "--workspace", ws)
    refused(9, "override", "list", "--state", "bogus", "--workspace", ws)


def test_override_reject(ws: Path) -> None:
    oid = _request(ws)
    out = ok("override", "reject", oid, "--by", "bob", "--note", "no case", "--workspace", ws)
    assert out.strip() == f"override {oid} ({CUSTOMER} → Core) rejected by bob"
    line = refused(8, "override", "reject", oid, "--by", "carol", "--workspace", ws)
    assert f"override {oid} is rejected; only pending overrides can be rejected" in line
    refused(7, "override", "reject", 9999, "--by", "carol", "--workspace", ws)


def test_override_revoke(ws: Path) -> None:
    oid = _request(ws)
    ok("override", "approve", oid, "--by", "bob", "--workspace", ws)
    out = ok("override", "revoke", oid, "--by", "carol", "--note", "ended", "--workspace", ws)
    assert out.strip() == f"override {oid} ({CUSTOMER} → Core) revoked by carol"
    line = refused(8, "override", "revoke", oid, "--by", "carol", "--workspace", ws)
    assert "is revoked; only pending or approved overrides can be revoked" in line
    refused(7, "override", "revoke", 9999, "--by", "carol", "--workspace", ws)


# --- backup, restore -------------------------------------------------------------------------
def test_backup_and_restore(ws: Path, tmp_path: Path) -> None:
    out = ok("backup", tmp_path / "bk", "--workspace", ws)
    assert "2 published periods" in " ".join(out.split())
    refused(3, "backup", tmp_path / "bk", "--workspace", ws)  # not an empty folder
    ok("restore", tmp_path / "bk", tmp_path / "again")
    assert ok("tiers", "--period", PERIOD, "--workspace", tmp_path / "again") == ok(
        "tiers", "--period", PERIOD, "--workspace", ws)
    line = refused(3, "restore", tmp_path / "again", tmp_path / "third")
    assert "is not a corptier backup" in line
