"""DuckDB, the embedded default engine: in-process over the workspace's Parquet files, with the
workspace's memory limit, threads and spill folder; it can run stored compiled plans."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from corptier.engine.connection import EngineConnection
from corptier.workspace import Workspace


class DuckDBConnection(EngineConnection):
    """An Ibis DuckDB backend over the workspace's data folder."""

    name = "duckdb"
    supports_stored_plans = True

    @classmethod
    def open(cls, ws: Workspace, *, spark_session: Any = None) -> Self:
        """Connect with `[engine]` of corptier.toml (`spark_session` is not used)."""
        cfg = ws.config.engine
        backend = ibis.duckdb.connect(
            threads=cfg.threads,
            memory_limit=cfg.memory_limit,
            temp_directory=str(ws.temp_dir / "duckdb"),
            preserve_insertion_order=False,
        )
        return cls(ws.data_dir, backend)

    def _read_files(self, base: Path, files: list[str], view: str | None) -> ir.Table:
        table: ir.Table = self._backend.read_parquet(
            files, table_name=view, hive_partitioning=True, hive_types_autocast=False
        )
        return table

    def register(self, *tables: ir.Table) -> None:
        # Ibis registers in-memory tables only when it runs an expression itself; SQL run
        # through `sql_batches` needs them beforehand (private hook: no public API in Ibis 12).
        for t in tables:
            self._backend._run_pre_execute_hooks(t)

    def batches(self, expr: ir.Table, rows: int) -> pa.RecordBatchReader:
        self.register(expr)
        return self.sql_batches(self.compile(expr), rows)

    def sql_batches(self, sql: str, rows: int) -> pa.RecordBatchReader:
        return self._backend.con.sql(sql).to_arrow_reader(rows)

    def close(self) -> None:
        self._backend.disconnect()
