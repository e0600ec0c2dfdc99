"""The evaluation commands (standard compare/suggest/backtest) never read a stale snapshot."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from corptier.periods import Period
from corptier.services import compute_indicators, load_period
from corptier.services._scoring import ensure_indicators
from corptier.workspace import CUSTOMER_INDICATORS, Workspace
from sample_data import sample_rows, write_tables

PERIOD = Period("2026-09")


def test_a_snapshot_is_recomputed_after_a_reload_and_reused_otherwise(
    loaded: Workspace, tmp_path: Path
) -> None:
    compute_indicators(loaded, PERIOD)
    path = loaded.partition_file(CUSTOMER_INDICATORS, PERIOD)
    assert ensure_indicators(loaded, [PERIOD]) == []  # current: reused
    rows = sample_rows(PERIOD)
    for row in rows["fee_income"]:
        row["amount"] = str(round(float(row["amount"]) * 40, 2))
    write_tables(tmp_path / "new", rows)
    before = pq.read_table(path)
    load_period(loaded, PERIOD, tmp_path / "new")
    assert ensure_indicators(loaded, [PERIOD]) == [PERIOD]  # inputs changed: recomputed
    assert not pq.read_table(path).equals(before)
    assert ensure_indicators(loaded, [PERIOD]) == []


def test_a_snapshot_is_recomputed_after_a_configuration_change(loaded: Workspace) -> None:
    compute_indicators(loaded, PERIOD)
    loaded.config.assumptions.tax_rate = 0.2
    assert ensure_indicators(loaded, [PERIOD]) == [PERIOD]
