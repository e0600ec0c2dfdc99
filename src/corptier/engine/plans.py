"""Compiled snapshot plans: the DuckDB SQL of the customer snapshot, kept in the workspace so
that building and compiling the Ibis expression (about 1 s, nearly all of a small run's fixed
cost) is paid once per change of code or configuration, not once per run.

The SQL holds no period: it names its inputs by the fixed views and lookups that
`read_inputs` binds for each run (engine/tables.py), so one plan serves every period. A plan
is found by a key over everything else the SQL depends on: the corptier source, the versions
of Ibis, sqlglot and DuckDB, the assumptions, the bank code and the Parquet schema of each
input. A plan file starts with the sha256 of its SQL; one that is missing, unreadable or does
not match it is simply compiled again.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyarrow.parquet as pq

from corptier.config import Assumptions
from corptier.engine.connection import EngineConnection
from corptier.private_files import private_mkdir, write_private_text
from corptier.provenance import hash_json

PLAN_FORMAT = 1
INPUTS = ("customers", "accounts", "products", "balances", "transactions", "loans", "fee_income")
"""The contract tables the snapshot reads through views (their schemas are part of the key)."""


def plan_key(
    con: EngineConnection, period: str, assumptions: Assumptions, own_bank_code: str
) -> str:
    """The key of the snapshot plan for this engine, code, configuration and input schemas."""
    schemas = {t: pq.read_schema(con.partition_file(t, period)).to_string(
        show_schema_metadata=False) for t in INPUTS}
    return hash_json({
        "format": PLAN_FORMAT,
        "engine": con.name,
        "source": source_digest(),
        "versions": {m: _version(m) for m in ("ibis-framework", "sqlglot", con.name)},
        "assumptions": assumptions.model_dump(),
        "own_bank_code": own_bank_code,
        "inputs": schemas,
    })


def load_plan(folder: Path, key: str) -> str | None:
    """The SQL stored under `key`, or None when there is none or it does not match its sha256."""
    try:
        digest, _, sql = (folder / f"{key}.sql").read_text(encoding="utf-8").partition("\n")
    except (OSError, UnicodeDecodeError):
        return None
    return sql if sql and digest == f"-- {_sha256(sql)}" else None


def save_plan(folder: Path, key: str, sql: str) -> Path:
    """Store `sql` under `key` after its sha256 (written aside, then renamed into place)."""
    private_mkdir(folder)
    path = folder / f"{key}.sql"
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    write_private_text(tmp, f"-- {_sha256(sql)}\n{sql}")
    tmp.replace(path)
    return path


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@lru_cache(maxsize=1)
def source_digest() -> str:
    """sha256 over the relative paths and bytes of every Python file of the corptier package."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:  # pragma: no cover - every engine here is installed
        return "unknown"
