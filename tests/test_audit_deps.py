"""scripts/audit-deps.sh: a found vulnerability fails `make test`; an unreachable advisory
database is reported in one line and does not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "audit-deps.sh"


def _run(tmp_path: Path, stdout: str, rc: int, stderr: str = "") -> subprocess.CompletedProcess:
    """The script with a stand-in pip-audit that prints `stdout` and exits `rc`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "out.json").write_text(stdout, encoding="utf-8")
    (tmp_path / "err.txt").write_text(stderr, encoding="utf-8")
    fake = bin_dir / "pip-audit"
    fake.write_text(f"#!/bin/sh\ncat {tmp_path / 'out.json'}\ncat {tmp_path / 'err.txt'} >&2\n"
                    f"exit {rc}\n", encoding="utf-8")
    fake.chmod(0o755)
    os.symlink(sys.executable, bin_dir / "python")
    return subprocess.run(["bash", str(SCRIPT), str(bin_dir)], capture_output=True, text=True,
                          timeout=60, check=False)


def test_a_known_vulnerability_fails(tmp_path: Path) -> None:
    doc = {"dependencies": [
        {"name": "jinja2", "version": "2.0", "vulns": [{"id": "PYSEC-2019-217"}]},
        {"name": "pyyaml", "version": "6.0", "vulns": []}], "fixes": []}
    done = _run(tmp_path, json.dumps(doc), 1)
    assert done.returncode == 1
    assert "jinja2 2.0: PYSEC-2019-217" in done.stdout
    assert "2 packages audited, 0 skipped, 1 with known vulnerabilities" in done.stdout


def test_a_clean_audit_passes(tmp_path: Path) -> None:
    doc = {"dependencies": [{"name": "pyyaml", "version": "6.0", "vulns": []},
                            {"name": "corptier", "skip_reason": "editable"}]}
    done = _run(tmp_path, json.dumps(doc), 0)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 packages audited, 1 skipped, 0 with known vulnerabilities" in done.stdout


def test_an_unreachable_database_is_skipped_with_one_line(tmp_path: Path) -> None:
    done = _run(tmp_path, "", 1, stderr="ConnectionError: Max retries exceeded\n")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "pip-audit: skipped, the advisory database cannot be reached "
        "(ConnectionError: Max retries exceeded)"]


def test_every_package_not_found_reads_as_unreachable(tmp_path: Path) -> None:
    doc = {"dependencies": [{"name": "pyyaml", "version": "6.0",
                             "skip_reason": "Dependency not found on PyPI"}]}
    done = _run(tmp_path, json.dumps(doc), 0)
    assert done.returncode == 0
    assert done.stdout.startswith("pip-audit: skipped, the advisory database cannot be reached")
