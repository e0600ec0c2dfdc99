"""The indicator engine: every customer and group indicator, written once as Ibis expressions
and run by DuckDB (default) or Spark.

    from corptier.engine import compute_indicators
    result = compute_indicators(ws, "2026-09")            # engine from corptier.toml
    result = compute_indicators(ws, "2026-09", "spark")

    with connect(ws) as con:                               # reuse the expression (tiering close)
        expr = customer_snapshot_expr(con, "2026-09", ws.config.assumptions)
"""

from corptier.engine.capital import irb_k, loan_contribution_annual
from corptier.engine.columns import (
    CUSTOMER_SCHEMA,
    GROUP_SCHEMA,
    INDICATOR_COLUMNS,
    IndicatorColumn,
)
from corptier.engine.connection import EngineConnection
from corptier.engine.engines import ENGINES, connect, shared_connection
from corptier.engine.snapshot import (
    CUSTOMER_TABLE,
    GROUP_TABLE,
    IndicatorResult,
    compute_indicators,
    customer_snapshot_expr,
    read_snapshot,
)
from corptier.errors import EngineError

__all__ = [
    "CUSTOMER_SCHEMA",
    "CUSTOMER_TABLE",
    "ENGINES",
    "GROUP_SCHEMA",
    "GROUP_TABLE",
    "INDICATOR_COLUMNS",
    "EngineConnection",
    "EngineError",
    "IndicatorColumn",
    "IndicatorResult",
    "compute_indicators",
    "connect",
    "customer_snapshot_expr",
    "irb_k",
    "loan_contribution_annual",
    "read_snapshot",
    "shared_connection",
]
