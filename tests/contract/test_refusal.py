"""A load of the wrong month, or one that rejects most rows, is refused and keeps the old data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from test_atomic import snapshot
from typer.testing import CliRunner

from corptier.cli import app
from corptier.config import ConfigError, load_config
from corptier.errors import ContractError
from corptier.services import load_period, open_workspace
from corptier.store.db import unit_of_work
from corptier.store.models import LoadRun
from sample_data import sample_rows, write_sample_period, write_tables

PERIOD = "2026-09"


@pytest.fixture
def good(workspace, tmp_path):
    """The workspace with a clean load of PERIOD."""
    write_sample_period(tmp_path / "good", PERIOD)
    load_period(workspace, PERIOD, tmp_path / "good")
    return workspace


def load_runs(ws) -> int:
    with unit_of_work(ws.db) as session:
        return int(session.scalar(select(func.count()).select_from(LoadRun)))


def test_wrong_month_is_refused_and_keeps_the_data(good, tmp_path):
    write_sample_period(tmp_path / "aug", "2026-08")
    before, runs = snapshot(good), load_runs(good)
    with pytest.raises(ContractError, match=r"refused.*another month") as err:
        load_period(good, PERIOD, tmp_path / "aug")
    assert "month outside the loaded period 2026-09" in str(err.value)
    refused = good.quarantine_dir / PERIOD / "refused"
    after = {k: v for k, v in snapshot(good).items() if "/refused/" not in k}
    assert after == before and load_runs(good) == runs
    assert (refused / "balances.csv").exists()
    assert not list(good.temp_dir.glob("load-*"))


def test_low_accepted_share_is_refused(good, tmp_path):
    rows = sample_rows(PERIOD)
    for r in rows["transactions"][:6]:  # 6 of 10 rejected
        r["amount"] = "x"
    write_tables(tmp_path / "bad", rows)
    before = snapshot(good)
    with pytest.raises(ContractError, match=r"transactions: only 4 of 10 rows accepted \(40%"):
        load_period(good, PERIOD, tmp_path / "bad")
    assert {k: v for k, v in snapshot(good).items() if "/refused/" not in k} == before
    lines = (good.quarantine_dir / PERIOD / "refused" / "transactions.csv").read_text("utf-8-sig")
    assert len(lines.splitlines()) == 7


def test_no_customer_accepted_is_refused(workspace, tmp_path):
    rows = sample_rows(PERIOD)
    for r in rows["customers"]:
        r["uscc"] = "bad"
    write_tables(tmp_path / "bad", rows)
    workspace_config = workspace.root / "corptier.toml"
    text = workspace_config.read_text()
    assert "min_accepted_share = 0.5" in text
    workspace_config.write_text(text.replace("share = 0.5", "share = 0.0"))

    ws = open_workspace(workspace.root)
    with pytest.raises(ContractError, match="no customer accepted"):
        load_period(ws, PERIOD, tmp_path / "bad")
    assert ws.periods("customers") == []


def test_accept_partial_loads_anyway(good, tmp_path):
    rows = sample_rows(PERIOD)
    for r in rows["transactions"][:6]:
        r["amount"] = "x"
    write_tables(tmp_path / "bad", rows)
    report = load_period(good, PERIOD, tmp_path / "bad", accept_partial=True)
    assert report.tables["transactions"].accepted == 4
    assert not (good.quarantine_dir / PERIOD / "refused").exists()


def test_a_later_good_load_clears_the_refused_quarantine(good, tmp_path):
    write_sample_period(tmp_path / "aug", "2026-08")
    with pytest.raises(ContractError):
        load_period(good, PERIOD, tmp_path / "aug")
    load_period(good, PERIOD, tmp_path / "good")
    assert not (good.quarantine_dir / PERIOD / "refused").exists()


def test_cli_refusal_is_one_line_and_accept_partial_loads(good, tmp_path):
    write_sample_period(tmp_path / "aug", "2026-08")
    args = ["load", "-p", PERIOD, "-w", str(good.root), str(tmp_path / "aug")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == ContractError.exit_code
    assert isinstance(result.exception, SystemExit)
    assert "error: load of period 2026-09 refused" in result.output
    result = CliRunner().invoke(app, [*args, "--accept-partial"])
    assert result.exception is None, result.output
    assert "rejected" in result.output


@pytest.mark.parametrize("value", ["-0.1", "1.5", '"half"'])
def test_min_accepted_share_is_validated(tmp_path, value):
    path = tmp_path / "corptier.toml"
    path.write_text(f"[load]\nmin_accepted_share = {value}\n")
    with pytest.raises(ConfigError, match=r"load\.min_accepted_share"):
        load_config(path)
