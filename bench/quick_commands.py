"""Wall and CPU time of the quick commands (`--help`, `--version`, `override list`, `explain`,
`tiers`) on a demo workspace, each the best of N runs of a fresh `python -m corptier.cli` process,
next to a bare `python -c pass` (the interpreter's floor). Not part of `make bench` (it needs a
demo workspace): `python bench/quick_commands.py WORKSPACE --period P`."""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _run(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, user+system CPU) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workspace", type=Path,
                        help="A demo workspace (corptier demo …/workspace).")
    parser.add_argument("--period", required=True)
    parser.add_argument("--customer", default="C0000000001")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "corptier.cli"]
    commands = {
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
        "--help": [*cli, "--help"],
        "--version": [*cli, "--version"],
        "override list": [*cli, "override", "list"],
        "explain": [*cli, "explain", args.customer, "--period", args.period],
        "tiers": [*cli, "tiers", "--period", args.period],
    }
    print(f"load average {os.getloadavg()[0]:.2f}; best of {args.runs}")
    print("| command | wall s | CPU s |\n| --- | --- | --- |")
    for name, argv in commands.items():
        best = min((_run(argv, args.workspace) for _ in range(args.runs)), key=lambda r: r[0])
        print(f"| {name} | {best[0]:.2f} | {best[1]:.2f} |", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
