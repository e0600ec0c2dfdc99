"""A tiny hand-built book for the recommendation tests: indicator snapshots, published tiers
and published runs written directly (no load, no close).

Book of 2026-01 (needs segment settlement_led for all; categories financing, cash_management,
payroll; contribution_r12 in yuan):

    id  section size    financing cash payroll contribution_r12
    A1  C       medium  1         1    1       1,000,000
    A2  C       medium  1         0    1         500,000
    A3  C       medium  0         1    1         800,000
    A4  C       medium  0         0    0         100,000
    B1  F       small   0         0    1          50,000

Worked by hand (min_peers 2, min_adoption 0.5, peer groups [segment, section, size] →
[segment] → []): A2 → cash 2/3, gain 900k − 300k = +600k; A3 → financing 2/3, gain
750k − 450k = +300k; A4 → payroll 3/3 (gain 800k − 100k = +700k), cash 2/3 (+600k), financing
2/3 (+300k); B1 has no peer in its own group and uses the needs segment (4 peers): cash 2/4
(gain 900k − 100k = +800k), financing 2/4 (750k − 100k = +650k). A1 holds everything.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

from corptier.contract.schema import PRODUCT_CATEGORIES
from corptier.store import UnitOfWork
from corptier.store.models import PublishedPeriod, TierRun
from corptier.tiering.yaml_loader import load_default_standard
from corptier.workspace import Workspace

SETTINGS = """\
id: test_reco
version: "1"
categories: [financing, cash_management, payroll]
peer_groups:
  - [needs_segment, industry_section, enterprise_size]
  - [needs_segment]
  - []
min_peers: 2
min_adoption: 0.5
contribution: contribution_r12
top: 2
horizon_months: 2
"""
CUSTOMERS = {  # id: (section, size)
    "A1": ("C", "medium"), "A2": ("C", "medium"), "A3": ("C", "medium"),
    "A4": ("C", "medium"), "B1": ("F", "small"),
}
VALUES = {"A1": 1_000_000, "A2": 500_000, "A3": 800_000, "A4": 100_000, "B1": 50_000}
JANUARY = {  # id: (financing, cash_management, payroll)
    "A1": (1, 1, 1), "A2": (1, 0, 1), "A3": (0, 1, 1), "A4": (0, 0, 0), "B1": (0, 0, 1),
}
LATER = {
    # A4 adopts cash in February; A2 cash and B1 financing in March; A3 financing in April
    # (outside the 2-month window of January)
    "2026-02": {**JANUARY, "A4": (0, 1, 0)},
    "2026-03": {**JANUARY, "A4": (0, 1, 0), "A2": (1, 1, 1), "B1": (1, 0, 1)},
    "2026-04": {**JANUARY, "A4": (0, 1, 0), "A2": (1, 1, 1), "B1": (1, 0, 1),
                "A3": (1, 1, 1)},
}
HELD = ("financing", "cash_management", "payroll")


def write_snapshot(ws: Workspace, period: str, holdings: dict[str, tuple[int, int, int]],
                   status: dict[str, str] | None = None) -> None:
    """The indicator snapshot of `period` with the columns the recommendations read."""
    ids = list(holdings)
    data: dict[str, pa.Array | list[object]] = {
        "customer_id": ids, "period": [period] * len(ids),
        "industry_section": [CUSTOMERS[c][0] for c in ids],
        "enterprise_size": [CUSTOMERS[c][1] for c in ids],
        "status": [(status or {}).get(c, "active") for c in ids],
        "contribution": pa.array([(Decimal(VALUES[c]) / 12).quantize(Decimal("0.01"))
                                  for c in ids], pa.decimal128(18, 2)),
        "contribution_r12": pa.array([Decimal(VALUES[c]) for c in ids], pa.decimal128(18, 2)),
    }
    for cat in PRODUCT_CATEGORIES:
        column = HELD.index(cat) if cat in HELD else None
        data[f"has_{cat}"] = [holdings[c][column] if column is not None else 1 for c in ids]
    _write(ws, "indicators_customer", period, pa.table(data))


def publish(ws: Workspace, period: str, holdings: dict[str, tuple[int, int, int]]) -> None:
    """A closed period: its snapshot, its published tiers (needs segment) and its run."""
    write_snapshot(ws, period, holdings)
    run_id = f"run-{period}"
    ids = list(holdings)
    _write(ws, "tiers", period, pa.table({
        "run_id": [run_id] * len(ids), "customer_id": ids, "applied_tier": ["basic"] * len(ids),
        "needs_segment": ["settlement_led"] * len(ids)}))
    now = datetime(2026, 5, 1, 9, 0)
    with UnitOfWork(ws.db) as uow:
        uow.session.add(TierRun(
            run_id=run_id, period=period, standard_id="default", standard_version="1.0",
            standard_hash="h" * 64, input_fingerprint="f" * 64, code_version="test",
            engine="duckdb", customers=len(ids), status="published", started_at=now,
            finished_at=now, standard=load_default_standard().model_dump(mode="json")))
        uow.session.flush()
        uow.session.add(PublishedPeriod(period=period, run_id=run_id, published_at=now))
        uow.commit()


def build(ws: Workspace, *, history: bool = False) -> None:
    """The settings file and the closed January; with `history`, February to April's
    snapshots too (not closed)."""
    (ws.standards_dir / "recommendations.yaml").write_text(SETTINGS, encoding="utf-8")
    publish(ws, "2026-01", JANUARY)
    if history:
        for period, holdings in LATER.items():
            write_snapshot(ws, period, holdings)


def _write(ws: Workspace, table: str, period: str, data: pa.Table) -> None:
    path = ws.partition_file(table, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(data, path)
