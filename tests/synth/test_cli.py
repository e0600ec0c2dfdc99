"""`corptier synth`: parameters checked up front, a summary printed, folders written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from corptier.cli import app
from corptier.synth import SynthError

runner = CliRunner()


def test_synth_writes_periods_and_prints_a_summary(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--customers", "50", "--months", "2", "--seed", "4",
                                 "--start", "2026-11", str(tmp_path / "bank")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "bank").iterdir()) == [
        "2026-11", "2026-12", "_archive", "_truth.parquet"]
    printed = " ".join(result.output.split())
    assert "Transactions" in printed and "Off-balance-sheet facilities" in printed
    assert "2 periods" in printed


def test_synth_without_attrition_has_no_leaver(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    result = runner.invoke(app, ["synth", "--customers", "50", "--months", "2", "--attrition",
                                 "0", str(tmp_path / "bank")])
    assert result.exit_code == 0, result.output
    truth = pq.read_table(tmp_path / "bank" / "_truth.parquet")
    assert truth.num_rows == 50 and truth.column("leaves").to_pylist() == [False] * 50


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--customers", "0"], "number of customers must be"),
        (["--months", "121"], "number of months must be between 1 and 120"),
        (["--start", "2025-1"], "YYYY-MM"),
        (["--format", "xlsx"], "file format must be parquet or csv"),
        (["--seed", "-1"], "seed must be"),
        (["--attrition", "1"], "attrition (share of customers leaving in a year) must be"),
    ],
)
def test_bad_parameters_are_refused_with_a_clear_message(tmp_path: Path, args: list[str],
                                                         message: str) -> None:
    result = runner.invoke(app, ["synth", *args, str(tmp_path / "bank")])
    assert result.exit_code == SynthError.exit_code
    assert message in result.output
    assert not (tmp_path / "bank").exists()
