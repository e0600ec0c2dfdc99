"""`corptier --help` starts fast because it imports no engine: checked in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("ibis", "pandas", "pyarrow", "duckdb", "pyspark", "sqlalchemy", "weasyprint",
         "matplotlib", "pydantic", "babel", "rich.markdown")

PROBE = """
import json, sys
from corptier.cli import app
try:
    app(["--help"], prog_name="corptier")
except SystemExit as exc:
    code = exc.code
heavy = sorted({m for m in sys.modules for h in HEAVY if m == h or m.startswith(h + ".")})
sys.stderr.write(json.dumps({"code": code, "heavy": heavy}))
"""


def test_help_imports_no_engine_dataframe_or_database_library() -> None:
    done = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{PROBE}"],
                          capture_output=True, text=True, timeout=120, check=False)
    found = json.loads(done.stderr.strip().splitlines()[-1])
    assert found == {"code": 0, "heavy": []}
    assert "close" in done.stdout and "Usage: corptier" in done.stdout
