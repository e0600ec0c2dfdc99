"""Tiny published periods for the service-plan tests: tiers and customers written directly."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from corptier.workspace import Workspace

Row = tuple[str, str, str | None, str, str]
"""(customer id, applied tier, previous tier, migration, RM id)."""


def publish(ws: Workspace, period: str, rows: list[Row]) -> None:
    """Write a period's published tiers and its customers (RM01 books 高新支行, others 锦江支行)."""
    for table, data in (
        ("tiers", {"customer_id": [r[0] for r in rows], "applied_tier": [r[1] for r in rows],
                   "previous_tier": pa.array([r[2] for r in rows], pa.string()),
                   "migration": [r[3] for r in rows]}),
        ("customers", {"customer_id": [r[0] for r in rows], "rm_id": [r[4] for r in rows],
                       "sub_branch": ["高新支行" if r[4] == "RM01" else "锦江支行"
                                      for r in rows]}),
    ):
        path = ws.partition_file(table, period)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table(data), path)
