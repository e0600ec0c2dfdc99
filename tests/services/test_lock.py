"""One writer at a time per workspace: a second writer waits (then names the holder), readers
never wait (a close racing a load: test_close_race.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from corptier.errors import WorkspaceError
from corptier.services import close_period, export_tiers, load_period
from corptier.services._lock import workspace_lock
from corptier.workspace import Workspace
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


def test_a_load_waits_for_the_lock_instead_of_failing(loaded: Workspace, tmp_path: Path) -> None:
    write_tables(tmp_path / "in", sample_rows(PERIOD))
    proc = _hold_lock(loaded, tmp_path / "ready", 1.5)
    try:
        started = time.monotonic()
        load_period(loaded, PERIOD, tmp_path / "in")
        assert time.monotonic() - started >= 1.0
    finally:
        proc.wait(timeout=60)
