"""Re-loading a period is all or nothing: a failure half-way leaves the previous data intact."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from corptier.contract import load as load_module
from corptier.contract import staging as staging_module
from corptier.contract.schema import TABLES
from corptier.services import load_period
from corptier.services import loading as loading_service
from corptier.store.db import unit_of_work
from corptier.store.models import LoadRun
from sample_data import sample_rows, write_sample_period, write_tables

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


def test_commit_failure_after_the_swap_is_undone(workspace, loaded, monkeypatch):
    """The database commit fails with the new partitions already in place: all swapped back."""
    from sqlalchemy.orm import Session

    before = snapshot(workspace)
    swapped: list[dict[str, bytes]] = []
    real_swap, real_commit = staging_module.Staging.swap, Session.commit

    def swap(self):
        real_swap(self)
        swapped.append(snapshot(workspace))

    def commit(self):
        if swapped:
            raise RuntimeError("database is locked")
        return real_commit(self)

    monkeypatch.setattr(staging_module.Staging, "swap", swap)
    monkeypatch.setattr(Session, "commit", commit)
    with pytest.raises(RuntimeError, match="database is locked"):
        load_period(workspace, PERIOD, loaded)
    monkeypatch.undo()
    assert swapped and swapped[0] != before  # the new data really was in place
    assert_untouched(workspace, before)


def _die_after_swap(ws, folder) -> None:
    script = textwrap.dedent(f"""
        import os
        from corptier.contract.staging import Staging
        from corptier.services import load_period
        from corptier.workspace import Workspace

        real = Staging.swap
        def dying(self):
            real(self)
            os._exit(9)   # dies with the new partitions in place, before the database commit
        Staging.swap = dying
        load_period(Workspace.open({str(ws.root)!r}), {PERIOD!r}, {str(folder)!r})
    """)
    proc = subprocess.run([sys.executable, "-c", script], env=os.environ, timeout=300)
    assert proc.returncode == 9


def test_a_load_killed_right_after_the_swap_is_undone_by_the_next_writer(
    workspace, loaded, tmp_path
):
    from corptier.services.recovery import recover

    before = snapshot(workspace)
    _die_after_swap(workspace, loaded)
    assert snapshot(workspace) != before  # the dead load's partitions are in place
    assert recover(workspace).loads
    assert_untouched(workspace, before)


def test_a_close_after_a_load_killed_mid_swap_closes_the_previous_data(
    workspace, loaded, tmp_path
):
    """The next close recovers first: it publishes the run of the undisturbed workspace."""
    import shutil

    from corptier.services import close_period
    from corptier.workspace import Workspace

    twin = Workspace.open(shutil.copytree(workspace.root, tmp_path / "twin"))
    undisturbed = close_period(twin, PERIOD)
    _die_after_swap(workspace, loaded)
    result = close_period(workspace, PERIOD)
    assert result.run_id == undisturbed.run_id
    assert (workspace.partition_file("tiers", PERIOD).read_bytes()
            == twin.partition_file("tiers", PERIOD).read_bytes())
