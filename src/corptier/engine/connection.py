"""The one interface every analytic engine offers: read a workspace's input tables as Ibis
tables, run or stream an expression, close.

    with connect(ws) as con:                                  # engine/engines.py
        t = con.read("transactions", ["2026-08", "2026-09"])  # hive-partitioned, with `period`
        t = con.read("transactions", ["2026-09"], view="corptier_transactions_now")
        frame = con.execute(t.filter(t.amount > 0))

The indicator definitions and every caller outside the engine see only this class; what differs
between engines lives in engine/duckdb.py and engine/spark.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Self

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from corptier.contract.output import output_schema
from corptier.contract.schema import TABLES
from corptier.workspace import PARTITION_FILE, Workspace

Stage = Callable[[ir.Table], ir.Table]
"""Stores a table in the engine and returns a table that reads it (`EngineConnection.stage`)."""

if TYPE_CHECKING:
    import pandas as pd



class EngineConnection(ABC):
    """An Ibis backend bound to a workspace's data folder; a context manager that closes it."""

    name: ClassVar[str]
    """The engine's name in corptier.toml (`[engine] name`)."""
    supports_stored_plans: ClassVar[bool] = False
    """True when compiled SQL can be stored and run again (`sql_batches`, engine/plans.py)."""

    def __init__(self, data_dir: Path, backend: Any) -> None:
        self.data_dir = data_dir
        self._backend = backend
        self._tables: dict[tuple[str, tuple[str, ...]], ir.Table] = {}
        self.lent = 0
        """How many `with` blocks borrow this connection from `shared_connection`: their exit
        gives it back instead of closing it."""

    @classmethod
    @abstractmethod
    def open(cls, ws: Workspace, *, spark_session: Any = None) -> Self:
        """Connect to the engine as the workspace configures it."""

    # --- reading the workspace's tables -------------------------------------------------------

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

    def read_arrow(self, table: str, periods: Sequence[str]) -> pa.Table:
        """A small table's rows of the given periods straight from Parquet (no engine job),
        with a `period` column."""
        parts = []
        for p in sorted(periods):
            path = self.partition_file(table, p)
            if path.is_file():
                part = pq.read_table(path)
                parts.append(part.append_column("period", pa.array([p] * part.num_rows,
                                                                   pa.string())))
        if not parts:
            return _empty_arrow(table)
        return pa.concat_tables(parts)

    def partition_file(self, table: str, period: str) -> Path:
        """The Parquet file of one table and period (it may not exist)."""
        return self.data_dir / table / f"period={period}" / PARTITION_FILE

    def _read(self, table: str, periods: tuple[str, ...], view: str | None) -> ir.Table:
        if not periods:
            empty = _empty_arrow(table)
            return ibis.memtable(empty) if view is None else named_memtable(view, empty)
        files = [str(self.partition_file(table, p)) for p in periods]
        return self._read_files(self.data_dir / table, files, view)

    @abstractmethod
    def _read_files(self, base: Path, files: list[str], view: str | None) -> ir.Table:
        """Hive-partitioned Parquet `files` under `base` as one table (`period` stays text),
        bound to the view `view` when given."""

    def read_parquet(self, path: Path | str) -> ir.Table:
        """A Parquet file the engine wrote before (a snapshot) as a table of this engine."""
        table: ir.Table = self._backend.read_parquet(str(path))
        return table

    # --- running expressions ----------------------------------------------------------------

    def execute(self, expr: ir.Table) -> pd.DataFrame:
        """The result of `expr` as a pandas DataFrame (for results small enough for memory)."""
        frame: pd.DataFrame = self._backend.execute(expr)
        return frame

    def stage(self, expr: ir.Table) -> ir.Table:
        """`expr` stored in the engine as a temporary table, and a table that reads it: the
        steps after it compile against stored rows instead of re-planning the whole chain
        (Ibis' rewrites cost more than linearly in an expression's depth)."""
        self.register(expr)
        return expr.cache()

    def compile(self, expr: ir.Table) -> str:
        """The SQL of `expr` in this engine's dialect."""
        return str(self._backend.compile(expr))

    @abstractmethod
    def register(self, *tables: ir.Table) -> None:
        """Make the in-memory tables (lookups) of `tables` known to the engine by their names."""

    @abstractmethod
    def batches(self, expr: ir.Table, rows: int) -> pa.RecordBatchReader:
        """Stream the result of `expr` as Arrow record batches of about `rows` rows."""

    @abstractmethod
    def sql_batches(self, sql: str, rows: int) -> pa.RecordBatchReader:
        """Stream the result of SQL compiled for this engine as Arrow record batches; the views
        and lookups it names must be bound. Only where `supports_stored_plans`."""

    @abstractmethod
    def close(self) -> None:
        """Release the engine (a borrowed Spark session gets its settings back)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.lent:
            self.lent -= 1
            return
        self.close()


def named_memtable(name: str, data: pa.Table) -> ir.Table:
    """An in-memory table the engine will know as `name`.

    `ibis.memtable` names its tables at random, but a stored plan (engine/plans.py) and the
    views of `read` must refer to fixed names, on DuckDB and Spark alike; Ibis 12 has no public
    way to name one, so this builds its operation directly (the one private Ibis API outside
    engine/duckdb.py and engine/spark.py).
    """
    import ibis.expr.operations as ops
    from ibis.formats.pyarrow import PyArrowTableProxy

    table: ir.Table = ops.InMemoryTable(
        name=name, schema=ibis.Schema.from_pyarrow(data.schema), data=PyArrowTableProxy(data)
    ).to_expr()
    return table


def _empty_arrow(table: str) -> pa.Table:
    """No rows of a contract table: its columns and a text `period`."""
    empty = output_schema(TABLES[table]).empty_table()
    return empty.append_column("period", pa.array([], pa.string()))
