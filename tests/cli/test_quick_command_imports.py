"""The quick commands (`--help`, `--version`, `override list`, `explain`, `tiers`) import only what
they need: no engine (Ibis, DuckDB, sqlglot), no scipy, no BG/NBD fit — and the help, the version
and the override list no pandas or pyarrow either. A guard of the lazy imports that keep them
under a second on a real bank (bench/cli_bench.py measures that), not a timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
ENGINE = ("ibis", "duckdb", "sqlglot", "scipy", "corptier.tiering.behaviour",
          "corptier.tiering.bgnbd", "corptier.engine.snapshot", "corptier.evaluation")
TABLES = ("pandas", "pyarrow")
PROBE = """
import json, sys
from corptier.cli import main
sys.argv = ["corptier", *sys.argv[2:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(OUT, "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def run(tmp_path: Path, *args: str | Path, cwd: Path) -> tuple[str, set[str]]:
    """Run the CLI in a fresh interpreter; its stdout and the modules it imported."""
    out = tmp_path / "modules.json"
    probe = f"OUT = {str(out)!r}\n{PROBE}"
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    env.pop("CORPTIER_LANG", None)
    done = subprocess.run([sys.executable, "-c", probe, "corptier", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    found = json.loads(out.read_text(encoding="utf-8"))
    assert found["code"] == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout, set(found["modules"])


def imported(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if n in modules)


@pytest.mark.parametrize("args", [("--help",), ("--version",)])
def test_help_and_version_import_no_engine_no_tables_no_database(
        tmp_path: Path, args: tuple[str, ...]) -> None:
    out, modules = run(tmp_path, *args, cwd=tmp_path)
    assert "override" in out or out.startswith("corptier ")
    assert imported(modules, (*ENGINE, *TABLES, "sqlalchemy")) == []


def test_override_list_reads_the_database_only(tmp_path: Path, sqlite_bank: Path) -> None:
    out, modules = run(tmp_path, "override", "list", "--workspace", sqlite_bank, cwd=tmp_path)
    assert "人工调整（0 条）" in out
    assert "sqlalchemy" in modules  # it did read the app database
    assert imported(modules, (*ENGINE, *TABLES)) == []


def test_explain_and_tiers_import_no_engine(tmp_path: Path, sqlite_bank: Path) -> None:
    out, modules = run(tmp_path, "explain", "C001", "--period", "2026-09", "--workspace",
                       sqlite_bank, cwd=tmp_path)
    assert "C001" in out and "2026-09" in out
    assert "pyarrow.parquet" in modules  # it did read the published row
    assert imported(modules, ENGINE) == []
    out, modules = run(tmp_path, "tiers", "--period", "2026-09", "--workspace", sqlite_bank,
                       cwd=tmp_path)
    assert out.startswith("customer_id,computed_tier,applied_tier,score,")
    assert {line.split(",")[0] for line in out.splitlines()[1:]} >= {"C001", "C005"}
    assert imported(modules, ENGINE) == []
