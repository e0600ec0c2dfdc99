"""PySpark, the distributed engine: a session of its own from `[spark]` in corptier.toml, or a
borrowed one (a cluster's, a test's) that gets its settings back on close."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Self

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from corptier.engine.connection import EngineConnection
from corptier.errors import ConfigError
from corptier.workspace import Workspace

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SPARK_SETTINGS = {
    # decimal products keep every digit, as on DuckDB (see money.py)
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    # the partition value `period=2026-09` stays text
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
}


class SparkConnection(EngineConnection):
    """An Ibis PySpark backend over the workspace's data folder."""

    name = "spark"

    def __init__(
        self, data_dir: Path, session: SparkSession, *, owned: bool,
        restore: dict[str, str | None],
    ) -> None:
        super().__init__(data_dir, ibis.pyspark.connect(session))
        self._spark = session
        self._owned = owned
        self._restore = restore

    @classmethod
    def open(cls, ws: Workspace, *, spark_session: SparkSession | None = None) -> Self:
        """Use `spark_session`, else start one from `[spark]`; apply SPARK_SETTINGS."""
        owned = spark_session is None
        session = _new_session(ws) if spark_session is None else spark_session
        return cls(ws.data_dir, session, owned=owned, restore=_configure(session))

    def _read_files(self, base: Path, files: list[str], view: str | None) -> ir.Table:
        frame = self._spark.read.option("basePath", str(base)).parquet(*files)
        name = view or f"corptier_input_{uuid.uuid4().hex}"
        frame.createOrReplaceTempView(name)
        table: ir.Table = self._backend.table(name)
        return table

    def register(self, *tables: ir.Table) -> None:
        # see DuckDBConnection.register (private hook: no public API in Ibis 12)
        for t in tables:
            self._backend._run_pre_execute_hooks(t)

    def batches(self, expr: ir.Table, rows: int) -> pa.RecordBatchReader:
        return self._backend.to_pyarrow_batches(expr, chunk_size=rows)

    def sql_batches(self, sql: str, rows: int) -> pa.RecordBatchReader:
        raise ConfigError(
            "compiled SQL plans run on DuckDB only; engine 'spark' runs the expression "
            "itself (use batches)"
        )

    def close(self) -> None:
        if self._owned:
            self._spark.stop()
            return
        for key, value in self._restore.items():  # a borrowed session gets its settings back
            if value is None:
                self._spark.conf.unset(key)
            else:
                self._spark.conf.set(key, value)


def _new_session(ws: Workspace) -> SparkSession:
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


def _configure(session: SparkSession) -> dict[str, str | None]:
    """Apply SPARK_SETTINGS; return the previous values."""
    before = {key: session.conf.get(key, None) for key in SPARK_SETTINGS}
    for key, value in SPARK_SETTINGS.items():
        session.conf.set(key, value)
    return before
