"""A workspace with three small periods loaded, ready to close."""

from __future__ import annotations

from pathlib import Path

import pytest

from corptier.services import load_period
from corptier.workspace import Workspace
from sample_data import write_sample_period

PERIODS = ("2026-07", "2026-08", "2026-09")


@pytest.fixture(scope="module")
def loaded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Load once per module; tests copy the folder so each starts from the same state."""
    root = tmp_path_factory.mktemp("close")
    ws = Workspace.init(root / "ws", language="en")
    for period in PERIODS:
        folder = root / "in" / period
        write_sample_period(folder, period)
        load_period(ws, period, folder)
    return ws.root


@pytest.fixture
def loaded(loaded_template: Path, tmp_path: Path) -> Workspace:
    import shutil

    target = tmp_path / "ws"
    shutil.copytree(loaded_template, target)
    return Workspace.open(target)
