"""Tiny loaded customers partitions for the archive tests: the master-data columns written
directly (no load), one dict of overrides per customer and period."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from corptier.workspace import Workspace

BASE: dict[str, Any] = {"name": "成都锦程机械有限公司", "uscc": "91510100MA61234567",
                        "industry_code": "3511", "enterprise_size": "medium", "rating": "A",
                        "rm_id": "RM01", "sub_branch": "高新支行", "group_id": None,
                        "status": "active"}
COLUMNS = ("customer_id", *BASE)

BOOK: dict[str, dict[str, dict[str, Any]]] = {
    # C1: RM and rating change in March
    "2026-01": {"C1": {}, "C2": {"name": "二号公司", "rm_id": "RM02", "sub_branch": "锦江支行"},
                "C3": {"name": "三号公司"}},
    "2026-02": {"C1": {}, "C3": {"name": "三号公司"}},
    "2026-03": {"C1": {"rm_id": "RM02", "rating": "BBB", "sub_branch": "锦江支行"},
                "C2": {"name": "二号公司", "rm_id": "RM02", "sub_branch": "锦江支行"}},
}
"""C1 in every period (RM01 → RM02 and A → BBB in 2026-03); C2 missing in 2026-02; C3 gone
after 2026-02."""


def write_customers(ws: Workspace, book: dict[str, dict[str, dict[str, Any]]] = BOOK) -> None:
    """Write each period's customers partition with the master-data columns."""
    for period, customers in book.items():
        rows = [{"customer_id": c, **BASE, **values} for c, values in customers.items()]
        data = {name: pa.array([r[name] for r in rows], pa.string()) for name in COLUMNS}
        path = ws.partition_file("customers", period)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table(data), path)
