"""Two closes of one period at once, in two processes: the lock serialises them, and whichever
publishes last is the published run, its export is that run and nothing is left half-written."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from corptier.services import load_period
from corptier.store.models import PublishedPeriod
from corptier.workspace import PUBLISHED_TIERS, Workspace
from sample_data import write_sample_period

PERIOD = "2026-07"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    """A workspace with one small period loaded, on SQLite or on PostgreSQL."""
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    workspace = Workspace.init(tmp_path / "ws", language="en", database_url=url)
    write_sample_period(tmp_path / "in", PERIOD)
    load_period(workspace, PERIOD, tmp_path / "in")
    return workspace


def _close_in_process(ws: Workspace, standard: str) -> subprocess.Popen[bytes]:
    script = textwrap.dedent(f"""
        from corptier.services import close_period
        from corptier.workspace import Workspace
        close_period(Workspace.open({str(ws.root)!r}), {PERIOD!r},
                     standard_path={standard!r})
    """)
    return subprocess.Popen([sys.executable, "-c", script], env=os.environ,
                            stderr=subprocess.PIPE)


def test_two_closes_of_one_period_at_once_leave_one_consistent_run(ws: Workspace) -> None:
    loaded = ws
    default = loaded.standards_dir / "default.yaml"
    other = loaded.standards_dir / "v2.yaml"  # another version: another run id
    other.write_text(default.read_text(encoding="utf-8").replace("version:", "version: '2' #", 1),
                     encoding="utf-8")
    procs = [_close_in_process(loaded, str(default)), _close_in_process(loaded, str(other))]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()
    with loaded.db.connect() as conn:
        published = conn.execute(sa.select(PublishedPeriod.run_id)
                                 .where(PublishedPeriod.period == PERIOD)).scalar_one()
    target = loaded.partition_file(PUBLISHED_TIERS, PERIOD)
    assert set(pq.read_table(target, columns=["run_id"]).column("run_id").to_pylist()) == {
        published}
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_a_close_racing_a_reload_reports_the_run_of_the_inputs_it_read(
    ws: Workspace, tmp_path: Path
) -> None:
    """The close pauses after its indicator snapshot while a re-load of the period starts; the
    load waits for the lock, so the close publishes (again) the run of the inputs it read."""
    from corptier.services import close_period
    from sample_data import sample_rows, write_tables

    before = close_period(ws, PERIOD)
    export = ws.partition_file(PUBLISHED_TIERS, PERIOD).read_bytes()
    changed = sample_rows(PERIOD)
    for row in changed["fee_income"]:
        row["amount"] = str(round(float(row["amount"]) * 40, 2))
    write_tables(tmp_path / "new", changed)
    ready, done = tmp_path / "ready", tmp_path / "loaded"
    close_script = textwrap.dedent(f"""
        import pathlib, time
        import corptier.engine.snapshot as snapshot
        from corptier.services import close_period
        from corptier.workspace import Workspace

        real = snapshot.write_snapshot
        def pausing(*args, **kwargs):
            rows = real(*args, **kwargs)
            if not pathlib.Path({str(ready)!r}).exists():
                pathlib.Path({str(ready)!r}).touch()
                flag, deadline = pathlib.Path({str(done)!r}), time.monotonic() + 6
                while time.monotonic() < deadline and not flag.exists():
                    time.sleep(0.05)
            return rows
        snapshot.write_snapshot = pausing
        print(close_period(Workspace.open({str(ws.root)!r}), {PERIOD!r}).run_id)
    """)
    load_script = textwrap.dedent(f"""
        import pathlib
        from corptier.services import load_period
        from corptier.workspace import Workspace
        load_period(Workspace.open({str(ws.root)!r}), {PERIOD!r}, {str(tmp_path / "new")!r})
        pathlib.Path({str(done)!r}).touch()
    """)
    closing = subprocess.Popen([sys.executable, "-c", close_script], env=os.environ,
                               stdout=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert closing.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    loading = subprocess.Popen([sys.executable, "-c", load_script], env=os.environ)
    out, _ = closing.communicate(timeout=300)
    assert closing.returncode == 0 and loading.wait(timeout=300) == 0
    assert out.decode().strip() == before.run_id  # the run of the inputs the close read
    assert ws.partition_file(PUBLISHED_TIERS, PERIOD).read_bytes() == export
    again = close_period(ws, PERIOD)  # the re-loaded inputs make a new run
    assert again.run_id != before.run_id and not again.unchanged
