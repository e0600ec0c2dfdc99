"""Everything a workspace holds is customer data: private folders (0700) and files (0600)
whatever the umask, and no staging copy of the inputs outlives its load."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from corptier.errors import ContractError
from corptier.private_files import private_mkdir, write_private_text
from corptier.services import (
    close_period,
    compute_indicators,
    export_snapshot,
    load_period,
    write_report,
)
from corptier.workspace import Workspace
from sample_data import write_sample_period


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def not_private(root: Path) -> list[str]:
    """Every folder not 0700 and every file not 0600 under (and including) `root`; lock files
    hold no data (and sit in the private tmp/), so they are not counted."""
    found = []
    for path in [root, *root.rglob("*")]:
        if path.suffix == ".lock":
            continue
        mode, want = path.stat().st_mode & 0o777, 0o700 if path.is_dir() else 0o600
        if mode != want:
            found.append(f"{path.relative_to(root.parent)} {mode:o}")
    return found


def test_helpers_ignore_the_umask(tmp_path: Path, umask: int) -> None:
    folder = private_mkdir(tmp_path / "a" / "b")
    write_private_text(folder / "f.txt", "x")
    assert not_private(tmp_path / "a") == []


def test_a_workspace_and_all_it_writes_are_private(tmp_path: Path, umask: int) -> None:
    ws = Workspace.init(tmp_path / "ws", language="en")
    for period in ("2026-07", "2026-08"):
        write_sample_period(tmp_path / "in" / period, period)
        load_period(ws, period, tmp_path / "in" / period)
    close_period(ws, "2026-07")
    close_period(ws, "2026-08")
    result = compute_indicators(ws, "2026-08")
    write_report(ws, "2026-08", "en")
    assert (ws.root / "tmp" / "plans").is_dir() and list(ws.quarantine_dir.iterdir())
    assert not_private(ws.root) == []
    out = export_snapshot(result, tmp_path / "export" / "ind.csv")
    assert out.stat().st_mode & 0o777 == 0o600


def test_staging_copies_are_removed_after_a_load(tmp_path: Path, umask: int) -> None:
    ws = Workspace.init(tmp_path / "ws", language="en")
    source = tmp_path / "in" / "2026-07"
    write_sample_period(source, "2026-07")
    (source / "customers.csv").write_bytes(
        (source / "customers.csv").read_text().encode("gbk"))  # staged as a UTF-8 copy
    load_period(ws, "2026-07", source)
    assert [p.name for p in ws.temp_dir.iterdir() if p.name.startswith("load-")] == []
    (source / "customers.csv").unlink()
    with pytest.raises(ContractError):
        load_period(ws, "2026-07", source)
    assert [p.name for p in ws.temp_dir.iterdir() if p.name.startswith("load-")] == []
