"""Fixtures of the engine tests: tiny banks written straight into a workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_banks import RANDOM_PERIOD, TINY_PERIODS, random_tables, tiny_tables, write_period

from corptier.periods import Period
from corptier.workspace import Workspace


@pytest.fixture
def tiny_bank(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "tiny", language="en")
    for p in TINY_PERIODS:
        write_period(ws, p, tiny_tables(p))
    return ws


@pytest.fixture
def random_bank(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "random", language="en")
    for p in Period(RANDOM_PERIOD).window(14):
        write_period(ws, p, random_tables(p, seed=7))
    return ws
