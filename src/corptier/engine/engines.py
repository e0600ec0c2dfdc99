"""The engines by name, and `connect`, the one way to open one.

    with connect(ws) as con:             # DuckDB (or ws.config.engine.name)
        ...
    with connect(ws, "spark") as con:    # PySpark, master and memory from ws.config.spark
        ...
"""

from __future__ import annotations

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


def connect(
    ws: Workspace, engine: str | None = None, *, spark_session: Any = None
) -> EngineConnection:
    """Open the workspace's engine (or `engine`): DuckDB with the configured memory limit,
    threads and spill folder, or PySpark (an existing `spark_session`, else a new one from
    `[spark]` in corptier.toml)."""
    name = engine or ws.config.engine.name
    if name not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}; got {name!r}")
    return ENGINES[name].open(ws, spark_session=spark_session)
