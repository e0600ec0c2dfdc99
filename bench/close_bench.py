"""One close of a month against the floor of any close of that month, measured in the same run.

A synthetic bank of N customers is loaded and closed month by month; the first close of month 2
and of the last month each run as `corptier close` in a process of their own (imports, indicator
snapshot, tiering, publication, alerts and service plans) and are timed against the floor: one
hand-written DuckDB query that reads that month's transactions once and groups them by customer.
Prints close / floor for both months and the ratio of the last month's close to month 2's
(history length should not matter).

    .venv/bin/python bench/close_bench.py --customers 5000 --months 13
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    with tempfile.TemporaryDirectory(prefix="corptier-close-bench-") as tmp:
        rows = _build_and_time(Path(tmp), args.customers, args.months, args.seed)
    print(f"{'period':<8} {'close s':>8} {'floor s':>8} {'ratio':>6} {'peak RSS MB':>12}")
    for period, seconds, floor, rss in rows:
        print(f"{period:<8} {seconds:8.2f} {floor:8.3f} {seconds / floor:6.1f} {rss / 1024:12.0f}")
    print(f"close of month {args.months} / close of month 2: {rows[1][1] / rows[0][1]:.2f}")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--months", type=int, default=13)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def _build_and_time(base: Path, customers: int, months: int, seed: int
                    ) -> list[tuple[str, float, float, int]]:
    """Synthesise and load every month, close them in order; months 2 and `months` timed."""
    from corptier.services import close_period, init_workspace, load_period, synthesize_bank

    clock = time.perf_counter()
    summary = synthesize_bank(base / "in", customers=customers, months=months, seed=seed)
    ws = init_workspace(base / "ws", language="en")
    for period in summary.periods:
        load_period(ws, period, base / "in" / period)
    print(f"{customers:,} customers x {months} months synthesised and loaded in "
          f"{time.perf_counter() - clock:.0f} s", flush=True)
    timed = (summary.periods[1], summary.periods[-1])
    rows = []
    for period in summary.periods:
        if period not in timed:
            close_period(ws, period)
            continue
        floor = min(_floor(ws.root, period) for _ in range(3))
        seconds, rss = _close(ws.root, period)
        rows.append((period, seconds, floor, rss))
    return rows


def _floor(ws: Path, period: str) -> float:
    """The physical minimum of a close: the month's transactions read once, grouped."""
    import duckdb

    files = sorted(str(p) for p in (ws / "data" / "transactions" / f"period={period}").glob(
        "*.parquet"))
    con = duckdb.connect()
    clock = time.perf_counter()
    con.execute(
        "SELECT customer_id, count(*), sum(amount), count(DISTINCT counterparty) "
        "FROM read_parquet(?) GROUP BY customer_id", [files]).fetchall()
    seconds = time.perf_counter() - clock
    con.close()
    return seconds


def _close(ws: Path, period: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of `corptier close` in a process of its own."""
    script = Path(sys.executable).with_name("corptier")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    clock = time.perf_counter()
    subprocess.run([str(script), "close", "--period", period, "--workspace", str(ws)],
                   check=True, capture_output=True, cwd=ROOT)
    seconds = time.perf_counter() - clock
    return seconds, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


if __name__ == "__main__":
    main()
