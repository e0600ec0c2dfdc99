"""Loader validation benchmark: how long `load_period` takes for a large transactions table.

    .venv/bin/python bench/validate_bench.py [--rows 10000000] [--customers 20000] [--dirty 0.001]

Writes a period folder (every contract table; transactions as a CSV of --rows rows with a share of
defective rows), loads it into a fresh workspace, and prints the time of the transactions table
against a reference measured in the same run: DuckDB reading the same CSV into Parquet with no
validation. Not a test; run it by hand (or `make bench`).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from corptier.reference import make_uscc
from corptier.services import load_period
from corptier.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from sample_data import sample_rows, write_tables

PERIOD = "2026-09"
CHANNELS = "['counter', 'online', 'mobile', 'host_to_host', 'atm']"
TYPES = "['transfer', 'payroll', 'tax', 'utilities', 'trade_settlement', 'other']"


def write_period(folder: Path, rows: int, customers: int, dirty: float) -> Path:
    """Small tables from the sample, customers/accounts sized to `customers`, big transactions."""
    data = sample_rows(PERIOD)
    base = data["customers"][2]  # a wholesaler
    data["customers"] = [
        dict(base, customer_id=f"C{i:06d}", uscc=make_uscc("9", "1", "510100", f"B{i:07d}"),
             name=f"企业{i}")
        for i in range(customers)
    ]
    data["accounts"] = [
        dict(data["accounts"][0], account_id=f"A{i:07d}", customer_id=f"C{i // 2:06d}")
        for i in range(2 * customers)
    ]
    for table in ("balances", "transactions", "loans", "fee_income"):
        data[table] = []
    write_tables(folder, data)
    transactions = folder / "transactions.csv"
    transactions.unlink()
    bad = max(1, int(1 / dirty)) if dirty > 0 else 0
    defect = f"i % {bad} = 7" if bad else "false"
    con = duckdb.connect()
    con.execute(f"""
        COPY (
          SELECT 'T' || lpad(i::VARCHAR, 10, '0') AS txn_id,
                 'A' || lpad((h % {2 * customers})::VARCHAR, 7, '0') AS account_id,
                 'C' || lpad((h % {2 * customers} // 2)::VARCHAR, 6, '0') AS customer_id,
                 CASE WHEN {defect} THEN '2026-09-31'
                      ELSE CAST(DATE '{PERIOD}-01' + CAST(i % 30 AS INTEGER) AS VARCHAR)
                 END AS txn_date,
                 CASE WHEN {defect} THEN '12.345'
                      ELSE CAST(CAST((h % 100000000) / 100 + 1 AS DECIMAL(18,2)) AS VARCHAR)
                 END AS amount,
                 CASE WHEN i % 2 = 0 THEN 'in' ELSE 'out' END AS direction,
                 {CHANNELS}[1 + i % 5] AS channel,
                 'CP' || (h % 50000)::VARCHAR AS counterparty,
                 CASE WHEN i % 3 = 0 THEN 'XB' ELSE 'ICBC' END AS counterparty_bank,
                 {TYPES}[1 + i % 6] AS txn_type
          FROM (SELECT i, hash(i) AS h FROM range({rows}) t(i))
        ) TO '{transactions}' (HEADER true)
    """)
    con.close()
    return transactions


def reference_seconds(csv_path: Path, out: Path, threads: int) -> float:
    """DuckDB alone: the same CSV into Parquet, types sniffed, nothing checked."""
    con = duckdb.connect(config={"threads": threads})
    start = time.perf_counter()
    con.execute(f"COPY (SELECT * FROM read_csv('{csv_path}')) TO '{out}' (FORMAT parquet)")
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--dirty", type=float, default=0.001, help="share of defective rows")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        csv_path = write_period(root / "in", args.rows, args.customers, args.dirty)
        size = csv_path.stat().st_size / 1e6
        print(f"generated {args.rows:,} transactions ({size:,.0f} MB CSV) "
              f"in {time.perf_counter() - start:.1f} s")
        ws = Workspace.init(root / "ws", language="en")
        ref = reference_seconds(csv_path, root / "reference.parquet", ws.config.engine.threads)
        marks: dict[str, float] = {}
        start = time.perf_counter()
        report = load_period(ws, PERIOD, root / "in",
                             progress=lambda t: marks.setdefault(t, time.perf_counter()))
        total = time.perf_counter() - start
        tx = marks["loans"] - marks["transactions"]
        t = report.tables["transactions"]
    print(f"transactions: read {t.read:,}, accepted {t.accepted:,}, rejected {t.rejected:,}")
    print(f"reference (DuckDB CSV -> Parquet, no checks): {ref:6.1f} s")
    print(f"load of transactions (read, validate, write): {tx:6.1f} s  ratio {tx / ref:4.2f}x")
    print(f"whole load_period incl. swap and database:   {total:6.1f} s")
    print(f"rows per second (transactions): {t.read / tx:,.0f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (DuckDB memory_limit "
          f"{ws.config.engine.memory_limit}): {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
