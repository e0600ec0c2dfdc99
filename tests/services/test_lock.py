"""One writer at a time per workspace: a second writer waits (then names the holder), readers
never wait, and a close racing a load publishes a run that describes the tiers it holds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from corptier.errors import WorkspaceError
from corptier.services import close_period, export_tiers, load_period
from corptier.services._lock import workspace_lock
from corptier.workspace import PUBLISHED_TIERS, Workspace
from sample_data import sample_rows, write_tables

PERIOD = "2026-09"


def _hold_lock(ws: Workspace, ready: Path, seconds: float) -> subprocess.Popen[bytes]:
    script = textwrap.dedent(f"""
        import pathlib, time
        from corptier.services.recovery import writing
        from corptier.workspace import Workspace
        with writing(Workspace.open({str(ws.root)!r}), "close 2026-07"):
            pathlib.Path({str(ready)!r}).touch()
            time.sleep({seconds})
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], env=os.environ)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    return proc


def test_a_second_writer_gives_up_naming_the_holder_and_readers_do_not_wait(
    loaded: Workspace, tmp_path: Path
) -> None:
    close_period(loaded, "2026-07")
    export = export_tiers(loaded, "2026-07")
    proc = _hold_lock(loaded, tmp_path / "ready", 30)
    try:
        loaded.config.workspace.lock_timeout = 0.5
        started = time.monotonic()
        with pytest.raises(WorkspaceError) as caught:
            close_period(loaded, "2026-08")
        assert time.monotonic() - started >= 0.5
        message = str(caught.value)
        assert f"close 2026-07 by process {proc.pid}" in message
        assert "\n" not in message
        reading = time.monotonic()
        assert export_tiers(loaded, "2026-07") == export  # a reader does not wait
        assert time.monotonic() - reading < 5
    finally:
        proc.kill()
        proc.wait()
    close_period(loaded, "2026-08")  # the dead holder's lock is released by the OS


def test_the_lock_is_reentrant_within_a_thread(loaded: Workspace) -> None:
    with (workspace_lock(loaded, "outer", timeout=0) as outer,
          workspace_lock(loaded, "inner", timeout=0) as inner):
        assert outer and not inner


def test_a_close_racing_a_reload_publishes_the_run_of_the_inputs_it_read(
    loaded: Workspace, tmp_path: Path
) -> None:
    """The close pauses after writing the indicator snapshot while a re-load of the same
    period starts: the load waits for the lock, so the published run id describes the inputs
    the tiers came from (without the lock the run id described the re-loaded inputs)."""
    twin = Workspace.open(shutil.copytree(loaded.root, tmp_path / "twin"))
    undisturbed = close_period(twin, PERIOD)
    changed = sample_rows(PERIOD)
    for row in changed["fee_income"]:
        row["amount"] = str(round(float(row["amount"]) * 40, 2))
    write_tables(tmp_path / "new", changed)
    ready, loaded_flag = tmp_path / "ready", tmp_path / "loaded"
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
                done, deadline = pathlib.Path({str(loaded_flag)!r}), time.monotonic() + 6
                while time.monotonic() < deadline and not done.exists():
                    time.sleep(0.05)
            return rows
        snapshot.write_snapshot = pausing
        print(close_period(Workspace.open({str(loaded.root)!r}), {PERIOD!r}).run_id)
    """)
    load_script = textwrap.dedent(f"""
        import pathlib
        from corptier.services import load_period
        from corptier.workspace import Workspace
        load_period(Workspace.open({str(loaded.root)!r}), {PERIOD!r}, {str(tmp_path / "new")!r})
        pathlib.Path({str(loaded_flag)!r}).touch()
    """)
    closing = subprocess.Popen([sys.executable, "-c", close_script], env=os.environ,
                               stdout=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert closing.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    loading = subprocess.Popen([sys.executable, "-c", load_script], env=os.environ)
    out, _ = closing.communicate(timeout=300)
    assert closing.returncode == 0
    assert loading.wait(timeout=300) == 0
    assert out.decode().strip() == undisturbed.run_id
    assert (loaded.partition_file(PUBLISHED_TIERS, PERIOD).read_bytes()
            == twin.partition_file(PUBLISHED_TIERS, PERIOD).read_bytes())
    again = close_period(loaded, PERIOD)  # the re-loaded inputs make a new run
    assert again.run_id != undisturbed.run_id and not again.unchanged


def test_a_load_waits_for_the_lock_instead_of_failing(loaded: Workspace, tmp_path: Path) -> None:
    write_tables(tmp_path / "in", sample_rows(PERIOD))
    proc = _hold_lock(loaded, tmp_path / "ready", 1.5)
    try:
        started = time.monotonic()
        load_period(loaded, PERIOD, tmp_path / "in")
        assert time.monotonic() - started >= 1.0
    finally:
        proc.wait(timeout=60)
