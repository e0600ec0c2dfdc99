"""Fixtures of the loader tests: the sample period as rows, and a one-call load of mutated rows."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from corptier.contract.reconcile import LoadReport
from corptier.services import load_period
from corptier.workspace import Workspace
from sample_data import Rows, sample_rows, write_tables

PERIOD = "2026-09"


@pytest.fixture
def rows() -> Rows:
    """A fresh copy of the clean sample period, to mutate."""
    return sample_rows(PERIOD)


@pytest.fixture
def load(workspace: Workspace, tmp_path: Path) -> Callable[..., LoadReport]:
    """Write rows to a new folder and load them into the workspace (a partial load accepted:
    these tests reject many rows of tiny tables on purpose; tests/contract/test_refusal.py
    covers the refusal)."""
    counter = iter(range(1000))

    def run(data: Rows, *, fmt: str = "csv", encoding: str = "utf-8") -> LoadReport:
        folder = tmp_path / f"in{next(counter)}"
        write_tables(folder, data, fmt=fmt, encoding=encoding)
        return load_period(workspace, PERIOD, folder, accept_partial=True)

    return run


@pytest.fixture
def quarantine(workspace: Workspace) -> Callable[[str], list[dict[str, str]]]:
    """The quarantine lines of a table as dicts (empty list when there is no file)."""

    def read(table: str) -> list[dict[str, str]]:
        path = workspace.quarantine_dir / PERIOD / f"{table}.csv"
        if not path.exists():
            return []
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))

    return read


@pytest.fixture
def rejects(quarantine) -> Callable[[str], list[tuple[int, str, str]]]:
    """(row, column, reason) of each quarantine line of a table."""

    def read(table: str) -> list[tuple[int, str, str]]:
        return [(int(q["row"]), q["column"], q["reason"]) for q in quarantine(table)]

    return read
