"""Connect an analytic engine to a workspace and read its input tables as Ibis tables.

    con = connect(ws)                       # DuckDB (or ws.config.engine.name)
    con = connect(ws, "spark")              # PySpark, master and memory from ws.config.spark
    t = con.read("transactions", ["2026-08", "2026-09"])   # hive-partitioned, with `period`
    t = con.read("transactions", ["2026-09"], view="corptier_transactions_now")  # a named view

This is the only module that knows the engines apart: the indicator definitions take the Ibis
tables this returns and never name an engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from corptier.contract.output import output_schema
from corptier.contract.schema import TABLES
from corptier.engine.lookups import named_memtable
from corptier.errors import ConfigError
from corptier.workspace import Workspace

ENGINES = ("duckdb", "spark")
FILE_NAME = "part-0.parquet"


@dataclass
class EngineConnection:
    """An Ibis backend bound to a workspace's data folder."""

    name: str
    backend: Any
    data_dir: Path
    _owned_session: Any = None
    _restore: dict[str, str | None] = field(default_factory=dict)
    _tables: dict[tuple[str, tuple[str, ...]], ir.Table] = field(default_factory=dict)

    def read(self, table: str, periods: Sequence[str], *, view: str | None = None) -> ir.Table:
        """The table's rows of the given periods (those that are loaded), with a `period`
        column; an empty table with the contract's columns when none is loaded. `view` names
        the engine view (re-bound by every call), so compiled SQL can refer to it."""
        loaded = tuple(p for p in sorted(periods) if self.partition_file(table, p).is_file())
        if view is not None:
            return self._read(table, loaded, view)
        key = (table, loaded)
        if key not in self._tables:
            self._tables[key] = self._read(table, loaded, None)
        return self._tables[key]

    def read_arrow(self, table: str, periods: Sequence[str]) -> Any:
        """A small table's rows of the given periods straight from Parquet (no engine job),
        with a `period` column."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        parts = []
        for p in sorted(periods):
            path = self.partition_file(table, p)
            if path.is_file():
                part = pq.read_table(path)
                parts.append(part.append_column("period", pa.array([p] * part.num_rows,
                                                                   pa.string())))
        if not parts:
            empty = output_schema(TABLES[table]).empty_table()
            return empty.append_column("period", pa.array([], pa.string()))
        return pa.concat_tables(parts)

    def partition_file(self, table: str, period: str) -> Path:
        return self.data_dir / table / f"period={period}" / FILE_NAME

    def _read(self, table: str, periods: tuple[str, ...], view: str | None) -> ir.Table:
        if not periods:
            return _empty(table, view)
        files = [str(self.partition_file(table, p)) for p in periods]
        if self.name == "duckdb":
            return self.backend.read_parquet(
                files, table_name=view, hive_partitioning=True, hive_types_autocast=False
            )
        return _spark_read(self.backend, self.data_dir / table, files, view)

    def register(self, *tables: ir.Table) -> None:
        """Make the in-memory tables (lookups) of `tables` known to the engine by their names."""
        for t in tables:
            self.backend._run_pre_execute_hooks(t)

    def compile(self, expr: ir.Table) -> str:
        """The SQL of `expr` in this engine's dialect."""
        return str(self.backend.compile(expr))

    def batches(self, expr: ir.Table, rows: int) -> Any:
        """Stream the result of `expr` as Arrow record batches."""
        if self.name == "duckdb":
            self.register(expr)
            return self.sql_batches(self.compile(expr), rows)
        return self.backend.to_pyarrow_batches(expr, chunk_size=rows)

    def sql_batches(self, sql: str, rows: int) -> Any:
        """Stream the result of SQL compiled for this engine (DuckDB) as Arrow record batches;
        the views and lookups it names must be bound."""
        if self.name != "duckdb":
            raise ConfigError("compiled SQL plans are run on DuckDB only")
        return self.backend.con.sql(sql).to_arrow_reader(rows)

    def read_parquet(self, path: Path) -> ir.Table:
        return self.backend.read_parquet(str(path))

    def execute(self, expr: ir.Table) -> Any:
        return self.backend.execute(expr)

    def __enter__(self) -> EngineConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.name == "duckdb":
            self.backend.disconnect()
        elif self._owned_session is not None:
            self._owned_session.stop()
        else:  # a borrowed session gets its settings back
            for key, value in self._restore.items():
                if value is None:
                    self.backend._session.conf.unset(key)
                else:
                    self.backend._session.conf.set(key, value)


def connect(
    ws: Workspace, engine: str | None = None, *, spark_session: Any = None
) -> EngineConnection:
    """Open the workspace's engine (or `engine`): DuckDB with the configured memory limit,
    threads and spill folder, or PySpark (an existing `spark_session`, else a new one from
    `[spark]` in corptier.toml)."""
    name = engine or ws.config.engine.name
    if name not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}; got {name!r}")
    if name == "duckdb":
        return EngineConnection("duckdb", _duckdb(ws), ws.data_dir)
    owned = None
    if spark_session is None:
        spark_session = owned = _spark_session(ws)
    restore = _configure_spark(spark_session)
    backend = ibis.pyspark.connect(spark_session)
    return EngineConnection("spark", backend, ws.data_dir, owned, restore)


def _duckdb(ws: Workspace) -> Any:
    cfg = ws.config.engine
    return ibis.duckdb.connect(
        threads=cfg.threads,
        memory_limit=cfg.memory_limit,
        temp_directory=str(ws.temp_dir / "duckdb"),
        preserve_insertion_order=False,
    )


def _spark_session(ws: Workspace) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigError(
            "engine 'spark' needs the spark extra: pip install 'corptier[spark]' (and Java 17)"
        ) from exc
    cfg = ws.config.spark
    session = (
        SparkSession.builder.master(cfg.master)
        .appName("corptier")
        .config("spark.driver.memory", cfg.driver_memory)
        .config("spark.sql.shuffle.partitions", str(cfg.shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.local.dir", str(ws.temp_dir / "spark"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


SPARK_SETTINGS = {
    # decimal products keep every digit, as on DuckDB (see money.py)
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    # the partition value `period=2026-09` stays text
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
}


def _configure_spark(session: Any) -> dict[str, str | None]:
    """Apply SPARK_SETTINGS; return the previous values."""
    before = {key: session.conf.get(key, None) for key in SPARK_SETTINGS}
    for key, value in SPARK_SETTINGS.items():
        session.conf.set(key, value)
    return before


def _spark_read(backend: Any, base: Path, files: list[str], view: str | None) -> ir.Table:
    from ibis import util

    frame = backend._session.read.option("basePath", str(base)).parquet(*files)
    name = view or util.gen_name("corptier_input")
    frame.createOrReplaceTempView(name)
    return backend.table(name)


def _empty(table: str, view: str | None) -> ir.Table:
    schema = output_schema(TABLES[table])
    import pyarrow as pa

    empty = schema.empty_table().append_column("period", pa.array([], pa.string()))
    return ibis.memtable(empty) if view is None else named_memtable(view, empty)
