"""One entry point, one interface: `connect` picks the engine class by name, and nothing outside
the engine reaches past the interface to the Ibis backend."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from corptier.engine import ENGINES, EngineConnection, connect
from corptier.engine.duckdb import DuckDBConnection
from corptier.engine.spark import SPARK_SETTINGS, SparkConnection
from corptier.errors import ConfigError
from corptier.workspace import Workspace

SRC = Path(__file__).resolve().parents[2] / "src" / "corptier"
ENGINE = SRC / "engine"


def test_engines_are_named_as_in_the_config() -> None:
    assert dict(ENGINES) == {"duckdb": DuckDBConnection, "spark": SparkConnection}
    assert all(issubclass(cls, EngineConnection) for cls in ENGINES.values())


def test_connect_opens_duckdb_by_default_and_closes_on_leaving(workspace: Workspace) -> None:
    with connect(workspace) as con:
        assert type(con) is DuckDBConnection and con.name == "duckdb"
        assert con.supports_stored_plans
        batches = con.sql_batches("SELECT 42 AS answer", 10)
        assert batches.read_all().column("answer").to_pylist() == [42]
    with pytest.raises(duckdb.ConnectionException, match="closed"):
        con.sql_batches("SELECT 1", 10)


def test_connect_by_name(workspace: Workspace) -> None:
    with connect(workspace, "duckdb") as con:
        assert isinstance(con, DuckDBConnection)


def test_an_unknown_engine_is_a_config_error(workspace: Workspace) -> None:
    with pytest.raises(ConfigError, match="duckdb, spark; got 'oracle'"):
        connect(workspace, "oracle")


@pytest.mark.spark
def test_connect_spark_borrows_a_session_and_gives_its_settings_back(
    workspace: Workspace, spark
) -> None:
    key = "spark.sql.decimalOperations.allowPrecisionLoss"
    before = spark.conf.get(key, None)
    with connect(workspace, "spark", spark_session=spark) as con:
        assert type(con) is SparkConnection and con.name == "spark"
        assert not con.supports_stored_plans
        assert spark.conf.get(key) == SPARK_SETTINGS[key]
        with pytest.raises(ConfigError, match="DuckDB only"):
            con.sql_batches("SELECT 1", 10)
    assert spark.conf.get(key, None) == before


def _python_files_outside_engine() -> list[Path]:
    return [p for p in sorted(SRC.rglob("*.py")) if ENGINE not in p.parents]


def test_nothing_outside_the_engine_reaches_the_ibis_backend() -> None:
    found = [f"{p.relative_to(SRC)}:{n}" for p in _python_files_outside_engine()
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\.backend\b", line)]
    assert not found, f"use the EngineConnection methods instead of .backend: {found}"


PRIVATE_IBIS = re.compile(r"_run_pre_execute_hooks|\b_session\.|gen_name|InMemoryTable")


def test_private_ibis_apis_stay_in_the_engine_modules() -> None:
    allowed = {ENGINE / "duckdb.py", ENGINE / "spark.py"}
    found = [f"{p.relative_to(SRC)}:{n}" for p in sorted(SRC.rglob("*.py")) if p not in allowed
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if PRIVATE_IBIS.search(line)]
    # named_memtable, needed by both engines, is the one exception
    assert [f for f in found if not f.startswith("engine/connection.py:")] == []
    assert len(found) == 1, f"only named_memtable builds an InMemoryTable: {found}"
