"""Compiled snapshot plans: the DuckDB SQL of the customer snapshot, kept in the workspace so
that building and compiling the Ibis expression (about 1 s, nearly all of a small run's fixed
cost) is paid once per change of code or configuration, not once per run.

The SQL holds no period: it names its inputs by the fixed views and lookups that
`read_inputs` binds for each run (engine/tables.py), so one plan serves every period. A plan
is found by a key over everything else the SQL depends on: the corptier source, the versions
of Ibis, sqlglot and DuckDB, the assumptions, the bank code and the Parquet schema of each
input. A plan file starts with an HMAC-SHA256 of its key and SQL under the workspace's secret
(`.corptier.key`, created once, private): anyone who can edit a plan but not read the secret
cannot make a close execute it. A plan that is missing, unreadable or does not match its MAC is
simply compiled again. The plans folder is 0700 and its files 0600 whatever the umask.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyarrow.parquet as pq

from corptier.config import Assumptions
from corptier.engine.connection import EngineConnection
from corptier.provenance import hash_json

PLAN_FORMAT = 2
SECRET_FILE = ".corptier.key"
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


def load_plan(folder: Path, key: str, secret: bytes) -> str | None:
    """The SQL stored under `key`, or None when there is none or its MAC does not verify."""
    try:
        header, _, sql = (folder / f"{key}.sql").read_text(encoding="utf-8").partition("\n")
    except (OSError, UnicodeDecodeError):
        return None
    expected = f"-- hmac-sha256 {plan_mac(secret, key, sql)}"
    return sql if sql and hmac.compare_digest(header, expected) else None


def save_plan(folder: Path, key: str, sql: str, secret: bytes) -> Path:
    """Store `sql` under `key` after its MAC (written aside with mode 0600, then renamed)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    path = folder / f"{key}.sql"
    tmp = path.with_name(f".{key}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"-- hmac-sha256 {plan_mac(secret, key, sql)}\n{sql}")
    tmp.replace(path)
    return path


def plan_mac(secret: bytes, key: str, sql: str) -> str:
    """HMAC-SHA256 of the plan key and its SQL (a plan cannot be moved to another key)."""
    return hmac.new(secret, f"{key}\n{sql}".encode(), hashlib.sha256).hexdigest()


def plan_digest(sql: str) -> str:
    """sha256 of a plan's SQL: which plan a snapshot executed."""
    return hashlib.sha256(sql.encode()).hexdigest()


def workspace_secret(root: Path) -> bytes:
    """The workspace's plan secret (`<root>/.corptier.key`, 0600), created on first use."""
    path = root / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_bytes().strip()


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
