"""Indicator engine benchmark: (a) corptier on DuckDB, (b) one hand-written DuckDB query,
(c) a straightforward pandas implementation, on the same synthetic bank.

    .venv/bin/python bench/indicators_bench.py                     # 10k/1M and 100k/10M
    .venv/bin/python bench/indicators_bench.py --scales 1000000:100000000 --skip-pandas

Each measurement runs in a fresh subprocess (time and peak RSS of that process); (a) and (b)
are repeated (--repeat, interleaved) and their medians compared. (a) runs with the compiled plan
the workspace keeps (every run after the first of a code or configuration); "a first" is the
same run with the plan folder emptied, so it builds and compiles the Ibis expression too. The
bank has 12 months; the transactions are spread evenly over them and the snapshot of the last
month reads all of them (rolling and BG/NBD windows). Prints a/b and c/a from the same run.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from indicators_gen import BENCH_PERIOD, bench_workspace  # noqa: E402

DEFAULT_SCALES = ("10000:1000000", "100000:10000000")


def run_engine(ws) -> dict:
    from corptier.engine import compute_indicators

    result = compute_indicators(ws, BENCH_PERIOD)
    return {"rows": result.customers, "out": str(result.customer_path),
            "plan_cached": result.plan_cached}


def run_sql(ws) -> dict:
    import duckdb
    import ibis
    from indicators_sql import indicator_sql

    from corptier.engine.lookups import (
        WINDOW,
        ftp_table,
        loan_class_table,
        months_table,
        rating_table,
    )
    from corptier.engine.money import factor
    from corptier.engine.tables import REQUIRED
    from corptier.periods import Period

    a, cfg = ws.config.assumptions, ws.config.engine
    con = duckdb.connect(config={"memory_limit": cfg.memory_limit, "threads": cfg.threads,
                                 "temp_directory": str(ws.temp_dir / "bench_sql"),
                                 "preserve_insertion_order": False})
    window = Period(BENCH_PERIOD).window(WINDOW)
    for table in REQUIRED:
        files = [str(p) for p in (ws.partition_dir(table, m) / "part-0.parquet" for m in window)
                 if p.is_file()]
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({files}, "
                    "hive_partitioning = true, hive_types_autocast = false)")
    lookups = ibis.duckdb.connect()
    small = {}
    for t in ("rating_scale", "ftp_rates"):
        small[t] = lookups.to_pyarrow(lookups.read_parquet(
            [str(ws.partition_dir(t, m) / "part-0.parquet") for m in window
             if (ws.partition_dir(t, m) / "part-0.parquet").is_file()],
            hive_partitioning=True, hive_types_autocast=False))
    loaded = [m for m in window if ws.partition_dir("customers", m).is_dir()]
    for name, expr in (("months", months_table(BENCH_PERIOD, a)),
                       ("ratings", rating_table(small["rating_scale"], a)),
                       ("ftp", ftp_table(small["ftp_rates"], loaded)),
                       ("classes", loan_class_table())):
        arrow = lookups.to_pyarrow(expr)
        con.register(f"{name}_arrow", arrow)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
    d = a.cost_drivers
    drivers = {k: str(Decimal(str(getattr(d, k))).quantize(Decimal("0.000001")))
               for k in ("per_customer", "per_account", "per_transaction", "per_loan")}
    sql = indicator_sql(
        BENCH_PERIOD, str(factor(Decimal(1) / (1 + Decimal(str(a.vat_rate))))),
        str(factor(1 - Decimal(str(a.tax_rate)))), drivers, ws.config.bank.own_bank_code,
        Period(BENCH_PERIOD).month_end.isoformat(), a.tax_rate)
    out = ws.root / "bench_sql.parquet"
    con.execute(f"COPY ({sql}) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
    rows = con.execute(f"SELECT count(*) FROM '{out}'").fetchone()[0]
    return {"rows": rows, "out": str(out)}


def run_pandas(ws) -> dict:
    from indicators_pandas import pandas_indicators

    frame = pandas_indicators(ws, BENCH_PERIOD)
    out = ws.root / "bench_pandas.parquet"
    frame.to_parquet(out)
    return {"rows": len(frame), "out": str(out)}


RUNNERS = {"a": run_engine, "a0": run_engine, "b": run_sql, "c": run_pandas}


def child(kind: str, customers: int, txns: int) -> None:
    # import what every variant needs before the clock starts: module loading is a fixed cost
    # of the process, not of the computation
    import duckdb  # noqa: F401
    import ibis  # noqa: F401
    import pandas  # noqa: F401
    import sqlalchemy  # noqa: F401

    import corptier.engine
    import corptier.store.models  # noqa: F401

    ws = bench_workspace(customers, txns)
    ws.db  # noqa: B018 - open the app database outside the timing too
    if kind == "a0":
        shutil.rmtree(ws.temp_dir / "plans", ignore_errors=True)
    start = time.perf_counter()
    result = RUNNERS[kind](ws)
    result["seconds"] = time.perf_counter() - start
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(kind: str, customers: int, txns: int) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--scales", f"{customers}:{txns}"],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compare(a_path: str, b_path: str) -> str:
    """Columns on which (a) and (b) differ (money exactly, ratios to 1e-9)."""
    import numpy as np
    import pyarrow.parquet as pq

    a, b = pq.read_table(a_path), pq.read_table(b_path)
    differ = []
    for name in a.column_names:
        x, y = a[name].to_pandas(), b[name].to_pandas() if name in b.column_names else None
        if y is None:
            differ.append(f"{name} (missing)")
        elif x.dtype.kind == "f" or y.dtype.kind == "f":
            xf, yf = x.astype(float).to_numpy(), y.astype(float).to_numpy()
            if not np.allclose(xf, yf, rtol=1e-9, atol=1e-9, equal_nan=True):
                differ.append(name)
        elif not x.astype(str).equals(y.astype(str)):
            differ.append(name)
    return "all equal" if not differ else "differ: " + ", ".join(differ)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="*", default=list(DEFAULT_SCALES),
                        help="customers:transactions pairs")
    parser.add_argument("--repeat", type=int, default=3, help="runs of (a) and (b) per scale")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--child", choices=sorted(RUNNERS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        customers, txns = map(int, args.scales[0].split(":"))
        child(args.child, customers, txns)
        return
    print(f"medians of {args.repeat} runs; seconds / peak RSS MB")
    print("| customers | transactions | (a) engine | (a) first run | (b) SQL | (c) pandas "
          "| a/b | a first/b | c/a | a vs b |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for scale in args.scales:
        customers, txns = map(int, scale.split(":"))
        bench_workspace(customers, txns)  # generate once, outside the timings
        runs: dict[str, list[dict]] = {"a0": [], "a": [], "b": []}
        for _ in range(args.repeat):
            for kind in runs:  # a0 first: it leaves the plan that the next (a) uses
                runs[kind].append(measure(kind, customers, txns))
        a0, a, b = (_median(runs[k]) for k in ("a0", "a", "b"))
        c = {} if args.skip_pandas else measure("c", customers, txns)
        same = compare(a["out"], b["out"]) if "out" in a and "out" in b else "-"
        print(f"| {customers:,} | {txns:,} | {_fmt(a)} | {_fmt(a0)} | {_fmt(b)} | {_fmt(c)} "
              f"| {_ratio(a, b)} | {_ratio(a0, b)} | {_ratio(c, a)} | {same} |", flush=True)
        print("  runs (s): " + "; ".join(
            f"{k} " + ", ".join(f"{r['seconds']:.2f}" for r in v if "seconds" in r)
            for k, v in runs.items()), flush=True)


def _median(results: list[dict]) -> dict:
    """The run of median time (its peak RSS the largest of all runs), or the first failure."""
    failed = [r for r in results if "seconds" not in r]
    if failed:
        return failed[0]
    ranked = sorted(results, key=lambda r: r["seconds"])
    out = dict(ranked[len(ranked) // 2])
    out["seconds"] = statistics.median(r["seconds"] for r in results)
    out["peak_mb"] = max(r["peak_mb"] for r in results)
    return out


def _fmt(r: dict) -> str:
    if not r:
        return "skipped"
    if "error" in r:
        return f"failed: {r['error'][:60]}"
    return f"{r['seconds']:.1f} / {r['peak_mb']:,.0f}"


def _ratio(x: dict, y: dict) -> str:
    if "seconds" not in x or "seconds" not in y:
        return "-"
    return f"{x['seconds'] / y['seconds']:.2f}"


if __name__ == "__main__":
    main()
