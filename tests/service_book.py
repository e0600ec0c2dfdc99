"""Tiny published periods for the service-plan tests: tiers and customers written directly."""

from __future__ import annotations

from datetime import date

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


def write_table(ws: Workspace, table: str, period: str, rows: list[dict[str, object]]) -> None:
    """Write a period's contract table (e.g. the RM roster, certifications, training records)
    as the loader stores it; columns left out of the rows are empty."""
    from corptier.contract.schema import TABLES

    schema = pa.schema([f.with_nullable(True) for f in TABLES[table].arrow_schema])
    path = ws.partition_file(table, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


# A tiny RM book (tests/services/test_staff.py works its numbers by hand): three RMs, ten
# customers, two of them without an RM on the roster.
STAFF_BOOK: list[Row] = [
    ("C1", "strategic", None, "new", "RM01"), ("C2", "strategic", None, "new", "RM01"),
    ("C3", "core", None, "new", "RM01"), ("C4", "core", None, "new", "RM02"),
    ("C5", "basic", None, "new", "RM02"), ("C6", "growth", None, "new", "RM02"),
    ("C7", "key", None, "new", "RM03"), ("C8", "key", None, "new", "RM03"),
    ("C9", "key", None, "new", None), ("C10", "basic", None, "new", "RM99")]
STAFF_MANAGERS = [
    {"rm_id": "RM01", "name": "张伟", "grade": "资深", "sub_branch": "高新支行", "team": "高新1组",
     "team_head": "RM01", "capacity": 40, "start_date": date(2010, 3, 1)},
    {"rm_id": "RM02", "name": "李娜", "grade": "初级", "sub_branch": "锦江支行", "team": "高新1组",
     "team_head": "RM01", "capacity": None, "start_date": date(2024, 7, 1)},
    {"rm_id": "RM03", "name": "王芳", "grade": "中级", "sub_branch": "锦江支行", "capacity": 5},
]
STAFF_CERTS = [
    {"rm_id": "RM01", "certification": "aml", "issued": date(2024, 10, 16),
     "expires": date(2026, 10, 15)},
    {"rm_id": "RM01", "certification": "cash_management", "issued": date(2024, 1, 1)},
    {"rm_id": "RM01", "certification": "credit", "issued": date(2024, 1, 1)},
    {"rm_id": "RM02", "certification": "aml", "issued": date(2024, 1, 2),
     "expires": date(2026, 1, 1)},
    {"rm_id": "RM03", "certification": "aml", "issued": date(2025, 1, 1)},
    {"rm_id": "RM03", "certification": "credit", "issued": date(2026, 10, 2)},
]
STAFF_TRAINING = [
    {"rm_id": "RM01", "course": "CR-101", "hours": 24, "date": date(2026, 3, 1), "score": 90},
    {"rm_id": "RM01", "course": "SV-100", "hours": 8, "date": date(2025, 9, 30), "score": 70},
    {"rm_id": "RM01", "course": "CM-201", "hours": 16, "date": date(2025, 10, 1), "score": None},
    {"rm_id": "RM03", "course": "AML-100", "hours": 8, "date": date(2026, 9, 30), "score": 80},
]


def publish_staff(ws: Workspace, period: str) -> None:
    """Publish STAFF_BOOK and write its roster, certifications and training records."""
    publish(ws, period, STAFF_BOOK)
    write_table(ws, "relationship_managers", period, STAFF_MANAGERS)
    write_table(ws, "rm_certifications", period, STAFF_CERTS)
    write_table(ws, "training_records", period, STAFF_TRAINING)
