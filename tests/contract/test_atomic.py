"""Re-loading a period is all or nothing: a failure half-way leaves the previous data intact."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sample_data import sample_rows, write_sample_period, write_tables
from sqlalchemy import select

from corptier.contract import load as load_module
from corptier.contract import staging as staging_module
from corptier.contract.schema import TABLES
from corptier.services import load_period
from corptier.services import loading as loading_service
from corptier.store.db import unit_of_work
from corptier.store.models import LoadRun

PERIOD = "2026-09"


def snapshot(ws) -> dict[str, bytes]:
    files = sorted(ws.data_dir.rglob("*.parquet")) + sorted(ws.quarantine_dir.rglob("*.csv"))
    return {str(p.relative_to(ws.root)): p.read_bytes() for p in files}


@pytest.fixture
def loaded(workspace, tmp_path):
    """A workspace holding a first load with one rejected row, and a changed second folder."""
    first = sample_rows(PERIOD)
    first["transactions"][0]["amount"] = "x"
    write_tables(tmp_path / "first", first)
    load_period(workspace, PERIOD, tmp_path / "first")
    write_sample_period(tmp_path / "second", PERIOD)
    return tmp_path / "second"


def assert_untouched(ws, before):
    assert snapshot(ws) == before
    assert not list(ws.temp_dir.glob("load-*"))
    with unit_of_work(ws.db) as session:
        assert len(session.scalars(select(LoadRun)).all()) == len(TABLES)


def test_failure_after_some_tables_are_staged(workspace, loaded, monkeypatch):
    before = snapshot(workspace)
    real = load_module.load_table

    def failing(con, source, *args):
        if source.table == "transactions":
            raise RuntimeError("disk full")
        return real(con, source, *args)

    monkeypatch.setattr(load_module, "load_table", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        load_period(workspace, PERIOD, loaded)
    assert_untouched(workspace, before)


def test_failure_in_the_middle_of_the_swap_is_undone(workspace, loaded, monkeypatch):
    before = snapshot(workspace)
    calls = {"n": 0}
    real = os.replace

    def flaky(src, dst):
        calls["n"] += 1
        if calls["n"] == 7:
            raise OSError("device busy")
        return real(src, dst)

    monkeypatch.setattr(staging_module.os, "replace", flaky)
    with pytest.raises(OSError, match="device busy"):
        load_period(workspace, PERIOD, loaded)
    monkeypatch.setattr(staging_module.os, "replace", real)
    assert_untouched(workspace, before)


def test_database_failure_undoes_the_swap(workspace, loaded, monkeypatch):
    before = snapshot(workspace)

    def broken(uow, report):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(loading_service, "_record", broken)
    with pytest.raises(RuntimeError, match="database is locked"):
        load_period(workspace, PERIOD, loaded)
    assert_untouched(workspace, before)


def test_successful_reload_replaces_data_and_quarantine(workspace, loaded):
    assert (workspace.quarantine_dir / PERIOD / "transactions.csv").exists()
    report = load_period(workspace, PERIOD, loaded)
    assert report.rejected == 0
    assert not (workspace.quarantine_dir / PERIOD / "transactions.csv").exists()
    assert not list(workspace.temp_dir.glob("load-*"))


def test_crash_during_swap_is_recovered_by_the_next_load(workspace, loaded, tmp_path):
    """A journal left by a process that died mid-swap is undone before the next load."""
    before = snapshot(workspace)
    target = workspace.partition_dir("rating_scale", PERIOD)
    dead = workspace.temp_dir / "load-dead-beef"
    (dead / "backup").mkdir(parents=True)
    os.replace(target, dead / "backup" / "0")
    (dead / "journal.jsonl").write_text(
        json.dumps({"src": str(target), "dst": str(dead / "backup" / "0")}) + "\n"
    )
    assert not target.exists()
    staging_module.recover(workspace, lambda load_id: False)
    assert snapshot(workspace) == before
    assert not dead.exists()


def test_other_periods_are_not_touched(workspace, tmp_path):
    write_sample_period(tmp_path / "aug", "2026-08")
    load_period(workspace, "2026-08", tmp_path / "aug")
    august = {p: b for p, b in snapshot(workspace).items() if "2026-08" in p}
    write_sample_period(tmp_path / "sep", PERIOD)
    load_period(workspace, PERIOD, tmp_path / "sep")
    assert {p: b for p, b in snapshot(workspace).items() if "2026-08" in p} == august
    assert workspace.periods("transactions") == ["2026-08", PERIOD]
    _ = Path
