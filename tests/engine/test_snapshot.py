"""`corptier indicators`: files, registration, idempotency, export, errors, memory limit."""

from __future__ import annotations

import csv

import pyarrow.parquet as pq
from sqlalchemy import select
from typer.testing import CliRunner

from corptier.cli import app
from corptier.config import render_config
from corptier.engine import CUSTOMER_SCHEMA, GROUP_SCHEMA, compute_indicators, read_snapshot
from corptier.errors import ConfigError, EngineError, PeriodError
from corptier.store.db import unit_of_work
from corptier.store.models import IndicatorRun
from corptier.workspace import Workspace

runner = CliRunner()


def _runs(ws: Workspace) -> list[IndicatorRun]:
    with unit_of_work(ws.db) as session:
        return list(session.scalars(select(IndicatorRun)))


def test_cli_writes_both_snapshots_and_registers(tiny_bank, tmp_path) -> None:
    out = tmp_path / "k.csv"
    result = runner.invoke(
        app,
        [
            "indicators",
            "--period",
            "2026-09",
            "--out",
            str(out),
            "--workspace",
            str(tiny_bank.root),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "7 customers, 2 groups on duckdb" in result.output
    customers = pq.read_table(
        tiny_bank.data_dir / "indicators_customer/period=2026-09/part-0.parquet"
    )
    groups = pq.read_table(tiny_bank.data_dir / "indicators_group/period=2026-09/part-0.parquet")
    assert customers.schema == CUSTOMER_SCHEMA and groups.schema == GROUP_SCHEMA
    assert out.read_bytes().startswith("\ufeff".encode())  # Excel reads it as UTF-8
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["customer_id"] for r in rows] == customers["customer_id"].to_pylist()
    assert rows[0]["dep_nii"] == "4250.00"  # 3,000,000 × 1.7 % × 30/360
    [run] = _runs(tiny_bank)
    assert (run.period, run.engine, run.customers, run.groups) == ("2026-09", "duckdb", 7, 2)
    assert run.customer_path == "data/indicators_customer/period=2026-09/part-0.parquet"
    assert len(run.input_fingerprint) == len(run.config_hash) == 64 and run.code_version


def test_rerun_is_idempotent(tiny_bank, tmp_path) -> None:
    from corptier.services import compute_indicators as compute_and_register

    first = compute_and_register(tiny_bank, "2026-09")
    before = first.customer_path.read_bytes(), first.group_path.read_bytes()
    second = compute_and_register(tiny_bank, "2026-09")
    assert (second.customer_path.read_bytes(), second.group_path.read_bytes()) == before
    assert second.input_fingerprint == first.input_fingerprint
    assert len(_runs(tiny_bank)) == 1


def test_out_parquet(tiny_bank, tmp_path) -> None:
    out = tmp_path / "snap.parquet"
    result = runner.invoke(
        app, ["indicators", "-p", "2026-08", "--out", str(out), "-w", str(tiny_bank.root)]
    )
    assert result.exit_code == 0, result.output
    assert pq.read_table(out).equals(read_snapshot(tiny_bank, "2026-08"))


def test_period_not_loaded_is_one_clear_line(tiny_bank) -> None:
    result = runner.invoke(app, ["indicators", "-p", "2026-10", "-w", str(tiny_bank.root)])
    assert result.exit_code == EngineError.exit_code
    assert "period 2026-10 is not loaded" in result.output
    assert "customers" in result.output and "load the period first" in result.output
    bad = runner.invoke(app, ["indicators", "-p", "2026-8", "-w", str(tiny_bank.root)])
    assert bad.exit_code == PeriodError.exit_code and "YYYY-MM" in bad.output
    engine = runner.invoke(
        app, ["indicators", "-p", "2026-09", "--engine", "oracle", "-w", str(tiny_bank.root)]
    )
    assert engine.exit_code == ConfigError.exit_code and "duckdb, spark" in engine.output


def test_tiny_memory_limit_gives_the_same_result(random_bank) -> None:
    normal = compute_indicators(random_bank, "2026-09").customer_path.read_bytes()
    cfg = random_bank.config.model_copy(deep=True)
    cfg.engine.memory_limit, cfg.engine.threads = "128MB", 1
    (random_bank.root / "corptier.toml").write_text(render_config(cfg), encoding="utf-8")
    limited = Workspace.open(random_bank.root)
    assert compute_indicators(limited, "2026-09").customer_path.read_bytes() == normal
    assert (limited.temp_dir / "duckdb").parent == limited.root / "tmp"
