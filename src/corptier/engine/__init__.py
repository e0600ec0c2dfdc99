"""The indicator engine: every customer and group indicator, written once as Ibis expressions
and run by DuckDB (default) or Spark.

    from corptier.engine import compute_indicators
    result = compute_indicators(ws, "2026-09")            # engine from corptier.toml
    result = compute_indicators(ws, "2026-09", "spark")

    with connect(ws) as con:                               # reuse the expression (tiering close)
        expr = customer_snapshot_expr(con, "2026-09", ws.config.assumptions)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corptier.errors import EngineError
from corptier.lazy_exports import lazy_exports

# imported on first use (PEP 562): `corptier.engine.labels` (the explanation's indicator names)
# must not pay for DuckDB, Ibis and scipy
_EXPORTS = {
    "irb_k": "capital",
    "loan_contribution_annual": "capital",
    "CUSTOMER_SCHEMA": "columns",
    "GROUP_SCHEMA": "columns",
    "INDICATOR_COLUMNS": "columns",
    "IndicatorColumn": "columns",
    "EngineConnection": "connection",
    "ENGINES": "engines",
    "connect": "engines",
    "shared_connection": "engines",
    "CUSTOMER_TABLE": "snapshot",
    "GROUP_TABLE": "snapshot",
    "IndicatorResult": "snapshot",
    "compute_indicators": "snapshot",
    "customer_snapshot_expr": "snapshot",
    "read_snapshot": "snapshot",
}

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


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())


if TYPE_CHECKING:
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
