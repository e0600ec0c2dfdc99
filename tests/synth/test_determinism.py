"""Same seed, same bytes; another seed, other data; batching does not change the files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corptier.contract.schema import TABLES
from corptier.synth import BLOCK, synthesize
from corptier.synth.writer import ParquetSink


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_same_seed_gives_the_same_bytes(tmp_path: Path, fmt: str) -> None:
    first = synthesize(tmp_path / "a", 150, 2, seed=3, fmt=fmt)
    second = synthesize(tmp_path / "b", 150, 2, seed=3, fmt=fmt)
    assert first.rows == second.rows
    digests = _digests(tmp_path / "a")
    # two months of every table, the truth and the three archive files
    assert len(digests) == 2 * len(TABLES) + 1 + 3
    assert "_truth.parquet" in digests and "_archive/contacts.csv" in digests
    assert digests == _digests(tmp_path / "b")


def test_dirty_is_deterministic_too(tmp_path: Path) -> None:
    synthesize(tmp_path / "a", 120, 1, seed=3, dirty=True)
    synthesize(tmp_path / "b", 120, 1, seed=3, dirty=True)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    synthesize(tmp_path / "a", 150, 1, seed=3)
    synthesize(tmp_path / "b", 150, 1, seed=4)
    a, b = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    for table in ("customers", "accounts", "transactions", "ftp_rates"):
        assert a[f"2025-01/{table}.parquet"] != b[f"2025-01/{table}.parquet"]


def test_rerun_into_the_same_folder_replaces_the_files(tmp_path: Path) -> None:
    synthesize(tmp_path / "out", 100, 1, seed=3, fmt="csv")
    synthesize(tmp_path / "out", 100, 1, seed=3, fmt="parquet")
    names = sorted(p.name for p in (tmp_path / "out" / "2025-01").iterdir())
    assert names == sorted(f"{t}.parquet" for t in TABLES)


def test_blocks_stream_into_one_sorted_file(tmp_path: Path) -> None:
    """Two blocks of customers end up in one file per table, in customer order."""
    summary = synthesize(tmp_path / "out", BLOCK + 40, 1, seed=2, txn_per_customer=5)
    folder = tmp_path / "out" / "2025-01"
    customers = pq.read_table(folder / "customers.parquet").column("customer_id").to_pylist()
    assert customers == sorted(customers) and customers[-1] > f"C{BLOCK:010d}"
    txn = pq.read_table(folder / "transactions.parquet", columns=["customer_id"])
    ids = txn.column("customer_id").to_pylist()
    assert ids == sorted(ids) and summary.rows["2025-01"]["transactions"] == len(ids)
    assert pq.ParquetFile(folder / "transactions.parquet").metadata.num_row_groups == 1


def test_row_groups_do_not_depend_on_batching(tmp_path: Path) -> None:
    schema = pa.schema([pa.field("x", pa.int64(), nullable=False)])
    data = pa.table({"x": np.arange(10_000)}, schema=schema)
    for name, cuts in (("one", [10_000]), ("many", [1, 999, 3000, 2500, 3500])):
        sink = ParquetSink(tmp_path / f"{name}.parquet", schema, row_group_rows=4096)
        offset = 0
        for size in cuts:
            sink.write(data.slice(offset, size))
            offset += size
        sink.close()
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "many.parquet").read_bytes()
