"""The engines by name, and `connect`, the one way to open one.

    with connect(ws) as con:             # DuckDB (or ws.config.engine.name)
        ...
    with connect(ws, "spark") as con:    # PySpark, master and memory from ws.config.spark
        ...
    with shared_connection(ws) as con:   # one connection for a whole unit of work: every
        ...                              # connect() of the same workspace and engine in the
                                         # block borrows `con` (one SparkSession, not one a step)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from corptier.engine.connection import EngineConnection
from corptier.engine.duckdb import DuckDBConnection
from corptier.engine.spark import SparkConnection
from corptier.errors import ConfigError
from corptier.workspace import Workspace

ENGINES: dict[str, type[EngineConnection]] = {
    DuckDBConnection.name: DuckDBConnection,
    SparkConnection.name: SparkConnection,
}
"""Every engine by its name in corptier.toml."""


_SHARED: ContextVar[tuple[Path, EngineConnection] | None] = ContextVar(
    "corptier_shared_connection", default=None)


@contextmanager
def shared_connection(ws: Workspace, engine: str | None = None, *,
                      spark_session: Any = None) -> Iterator[EngineConnection]:
    """Open the engine once for a unit of work (a close): inside the block, `connect` for the
    same workspace and engine returns this connection, and leaving its `with` keeps it open;
    it is closed when the block ends."""
    con = connect(ws, engine, spark_session=spark_session)
    token = _SHARED.set((ws.root, con))
    try:
        yield con
    finally:
        _SHARED.reset(token)
        con.close()


def connect(
    ws: Workspace, engine: str | None = None, *, spark_session: Any = None
) -> EngineConnection:
    """Open the workspace's engine (or `engine`): DuckDB with the configured memory limit,
    threads and spill folder, or PySpark (an existing `spark_session`, else a new one from
    `[spark]` in corptier.toml)."""
    name = engine or ws.config.engine.name
    if name not in ENGINES:
        raise ConfigError("engine must be one of {engines}; got {name!r}",
                          engines=", ".join(ENGINES), name=name)
    shared = _SHARED.get()
    if shared is not None and shared[0] == ws.root and shared[1].name == name:
        shared[1].lent += 1
        return shared[1]
    return ENGINES[name].open(ws, spark_session=spark_session)
