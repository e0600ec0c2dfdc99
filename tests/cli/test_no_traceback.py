"""Fail loudly, never crash: every command on an empty, a fully rejected and a half-loaded
workspace ends in output or one clear error line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from corptier.cli import app
from corptier.services import init_workspace, load_period
from sample_data import sample_rows, write_tables

PERIOD = "2026-09"


def _workspace(root: Path, rejected: int | None) -> Path:
    ws = init_workspace(root / "ws", language="en")
    if rejected is not None:
        rows = sample_rows(PERIOD)
        for r in rows["customers"][:rejected]:
            r["uscc"] = "bad"
        write_tables(root / "in", rows)
        load_period(ws, PERIOD, root / "in", accept_partial=True)
    return ws.root


def _commands(ws: Path, tmp: Path) -> list[list[str]]:
    w = ["-w", str(ws)]
    standard = str(ws / "standards" / "default.yaml")
    return [
        ["indicators", "-p", PERIOD, *w],
        ["close", "-p", PERIOD, *w],
        ["tiers", "-p", PERIOD, *w],
        ["explain", "C005", "-p", PERIOD, *w],
        ["override", "list", *w],
        ["override", "request", "C005", "--tier", "core", "--reason", "test", "--until",
         "2027-01-31", *w],
        ["standard", "suggest", "-p", PERIOD, *w],
        ["standard", "compare", standard, standard, "-p", PERIOD, *w],
        ["standard", "backtest", standard, "--from", PERIOD, "--to", PERIOD, *w],
        ["report", "-p", PERIOD, *w],
        ["audit", "verify", *w],
        ["user", "list", *w],
        ["backup", str(tmp / "backup"), *w],
        ["load", "-p", PERIOD, str(tmp / "nothing-here"), *w],
        ["profile", "check", str(tmp), "--profile", "cn_core_banking", "-p", PERIOD],
        ["archive", "show", "C005", *w],
        ["archive", "contacts", "C005", "--full", "--by", "alice", *w],
        ["archive", "interaction", "add", "C005", "--type", "visit", "--by", "alice", *w],
        ["archive", "interactions", "C005", *w],
        ["archive", "import", str(tmp / "nothing.csv"), "--by", "alice", *w],
        ["survey", "campaign", "create", "-q", "annual_needs", "-p", PERIOD, "--by", "alice",
         *w],
        ["survey", "campaign", "create", "-q", "annual_needs", "-p", PERIOD, "--list",
         str(tmp / "nothing.txt"), "--by", "alice", *w],
        ["survey", "import", "1", str(tmp / "nothing.csv"), "--by", "alice", *w],
        ["survey", "results", "1", *w],
        ["survey", "check", str(tmp / "nothing.yaml")],
    ]


@pytest.mark.slow
@pytest.mark.parametrize("rejected", [None, 5, 3], ids=["empty", "fully-rejected", "half"])
def test_every_command_fails_loudly_never_crashes(tmp_path, rejected):
    ws = _workspace(tmp_path, rejected)
    runner = CliRunner()
    for args in _commands(ws, tmp_path):
        result = runner.invoke(app, args)
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        assert not crashed, f"{' '.join(args[:2])}: {result.exception!r}\n{result.output}"
        assert "Traceback" not in result.output, args
        if result.exit_code != 0:
            errors = [line for line in result.output.splitlines() if line.startswith("error:")]
            assert errors, f"{args[:2]} exits {result.exit_code} without an error line"


def test_a_close_without_accepted_customers_is_one_line(tmp_path):
    ws = _workspace(tmp_path, 5)
    result = CliRunner().invoke(app, ["close", "-p", PERIOD, "-w", str(ws)])
    assert result.exit_code == 5
    assert result.output.startswith(f"error: period {PERIOD} has no accepted customer to tier")
    assert not (ws / "data" / "tier_result").exists() or not any(
        (ws / "data" / "tier_result").rglob("*.parquet"))
