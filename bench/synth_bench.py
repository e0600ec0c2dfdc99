"""Synthetic bank benchmark: time and peak memory of `synthesize`, against a writing floor.

    .venv/bin/python bench/synth_bench.py                 # 10k x 12 months, 100k x 1 month
    .venv/bin/python bench/synth_bench.py --million       # also 1M customers x 1 month
    .venv/bin/python bench/synth_bench.py --scenario 2000x3

Each scenario runs in its own process (so its peak RSS is its own) and writes to a temporary
folder under --tmp (default /tmp), removed afterwards. The reference, measured in the same run,
is the writing floor: pyarrow writing the same number of rows per table, of random data with the
same schemas and the same Parquet options, from batches generated before the clock starts.
ratio = synth time / floor time. Not a test; run it by hand (or `make bench`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

DEFAULT = ("10000x12", "100000x1")
MILLION = "1000000x1"
START = "2025-04"  # a month without holidays or quarter-end effects
BATCH = 1 << 20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_synth(customers: int, months: int, out: Path) -> dict:
    from corptier.synth import synthesize

    clock = time.perf_counter()
    summary = synthesize(out, customers, months, seed=1, start=START)
    seconds = time.perf_counter() - clock
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"seconds": seconds, "rows": summary.totals(), "bytes": size, "rss_mb": peak_rss_mb()}


def _random_column(field: pa.Field, n: int, rng: np.random.Generator) -> pa.Array:
    from corptier.synth import columns as col

    if pa.types.is_string(field.type):
        width = 16 if field.name.endswith("_id") else 8
        letters = rng.integers(65, 91, (n, width), dtype=np.uint8)
        return col.fixed_text(letters)
    if pa.types.is_decimal(field.type):
        return col.money(rng.random(n) * 1e6) if field.type.scale == 2 else col.rate(rng.random(n))
    if pa.types.is_date(field.type):
        return col.dates(20_000 + rng.integers(0, 365, n))
    return col.integers(rng.integers(0, 1000, n))


def run_floor(rows: dict[str, int], out: Path) -> dict:
    """Write `rows` rows of random data per table with the synth's Parquet writer options."""
    from corptier.contract.schema import TABLES
    from corptier.synth.writer import ParquetSink

    rng = np.random.default_rng(0)
    batches = {}
    for name, n in rows.items():
        schema = TABLES[name].arrow_schema
        size = min(n, BATCH)
        batches[name] = pa.table([_random_column(f, size, rng) for f in schema], schema=schema)
    out.mkdir(parents=True, exist_ok=True)
    clock = time.perf_counter()
    for name, n in rows.items():
        sink = ParquetSink(out / f"{name}.parquet", TABLES[name].arrow_schema)
        left = n
        while left > 0:
            batch = batches[name].slice(0, min(left, BATCH))
            sink.write(batch)
            left -= batch.num_rows
        sink.close()
    return {"seconds": time.perf_counter() - clock, "rss_mb": peak_rss_mb()}


def child(kind: str, arg: str, tmp: Path) -> dict:
    """Run one measurement in a fresh interpreter and return its JSON."""
    folder = Path(tempfile.mkdtemp(prefix=f"synth_bench_{kind}_", dir=tmp))
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", kind, arg, str(folder)],
            check=True, capture_output=True, text=True,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}, " \
           f"pyarrow {pa.__version__}, numpy {np.__version__}"


def scenario(spec: str, tmp: Path) -> dict:
    customers, months = (int(x) for x in spec.lower().split("x"))
    synth = child("synth", spec, tmp)
    floor = child("floor", json.dumps(synth["rows"]), tmp)
    return {"customers": customers, "months": months, "synth": synth, "floor": floor}


def report(result: dict) -> str:
    s, f = result["synth"], result["floor"]
    rows = sum(s["rows"].values())
    txn = s["rows"]["transactions"]
    return (f"{result['customers']:>9,} x {result['months']:>2} months | {txn:>12,} txns | "
            f"{rows:>12,} rows | synth {s['seconds']:8.1f} s | peak RSS {s['rss_mb']:7.0f} MB | "
            f"{s['bytes'] / 2**20:8.0f} MiB | floor {f['seconds']:7.1f} s | "
            f"ratio {s['seconds'] / f['seconds']:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", action="append", help="CUSTOMERSxMONTHS (repeatable)")
    parser.add_argument("--million", action="store_true", help="also 1,000,000 x 1 month")
    parser.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--json", action="store_true", help="print the raw results as JSON")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, arg, folder = args.child
        if kind == "synth":
            customers, months = (int(x) for x in arg.lower().split("x"))
            print(json.dumps(run_synth(customers, months, Path(folder))))
        else:
            print(json.dumps(run_floor(json.loads(arg), Path(folder))))
        return
    specs = list(args.scenario or DEFAULT) + ([MILLION] if args.million else [])
    print(f"machine: {machine()}")
    results = []
    for spec in specs:
        results.append(scenario(spec, args.tmp))
        print(report(results[-1]), flush=True)
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
