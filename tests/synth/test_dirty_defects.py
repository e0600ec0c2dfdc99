"""--dirty: the defects recorded in _defects.json are exactly the rows the loader rejects."""

from __future__ import annotations

import csv
import json

import pytest

from corptier.contract.schema import TABLES
from corptier.services import load_period
from corptier.synth import SynthSummary
from corptier.synth.defects import ENCODINGS, KINDS
from corptier.workspace import Workspace


def _defects(bank: SynthSummary, period: str) -> dict:
    return json.loads((bank.out / period / "_defects.json").read_text(encoding="utf-8"))


def test_dirty_writes_csv_and_records_every_kind(dirty_bank: SynthSummary) -> None:
    assert dirty_bank.format == "csv"
    for period in dirty_bank.periods:
        assert sorted(p.suffix for p in (dirty_bank.out / period).iterdir()) == [
            ".csv"] * len(TABLES) + [".json"]
        report = _defects(dirty_bank, period)
        assert report["row_numbering"].startswith("1 = first data row")
        found = {(d["table"], d["column"], d["kind"]) for d in report["defects"]}
        assert found == {(k.table, k.column, k.kind) for k in KINDS}
        assert report["cascades"], "a rejected customer takes its accounts and balances along"


def test_some_files_are_gbk_or_carry_a_bom(dirty_bank: SynthSummary) -> None:
    folder = dirty_bank.out / dirty_bank.periods[0]
    for table, encoding in ENCODINGS.items():
        data = (folder / f"{table}.csv").read_bytes()
        if encoding == "gbk":
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
            assert "成都" in data.decode("gbk") or "支行" in data.decode("gbk")
        else:
            assert data.startswith(b"\xef\xbb\xbf")


def test_defect_values_are_in_the_files(dirty_bank: SynthSummary) -> None:
    period = dirty_bank.periods[0]
    report = _defects(dirty_bank, period)
    by_table: dict[str, list[dict]] = {}
    for d in report["defects"]:
        by_table.setdefault(d["table"], []).append(d)
    for table, defects in by_table.items():
        encoding = ENCODINGS.get(table, "utf-8")
        with (dirty_bank.out / period / f"{table}.csv").open(encoding=encoding) as handle:
            lines = list(csv.DictReader(handle))
        for d in defects:
            row = lines[d["row"] - 1]
            if d["kind"] == "duplicate":
                assert row == lines[d["row"] - 2]
            else:
                assert row[d["column"]] == d["value"]


def test_loader_quarantines_exactly_the_recorded_rows(dirty_bank: SynthSummary,
                                                      workspace: Workspace) -> None:
    for period in dirty_bank.periods:
        report = load_period(workspace, period, dirty_bank.out / period)
        expected = _defects(dirty_bank, period)["rejected_rows"]
        for name, table in report.tables.items():
            path = workspace.quarantine_dir / period / f"{name}.csv"
            rejected: set[int] = set()
            if path.exists():
                with path.open(encoding="utf-8-sig") as handle:
                    rejected = {int(r["row"]) for r in csv.DictReader(handle)}
            assert rejected == set(expected.get(name, [])), (period, name, table.problems)
            assert table.rejected == len(rejected)
            assert table.read == dirty_bank.rows[period][name]
        assert report.accepted > 0.95 * report.read
