"""A tiny closed period for the survey tests: published tiers (applied tier, needs segment),
customers (RM), the indicator snapshot's holdings of 2026-01 and its published run (with the
default standard, for the tier and segment names), written directly.

    customer  tier       segment         RM     holds
    C1        strategic  settlement_led  RM01   trade, payroll
    C2        core       trade_international       RM02   -
    C3        basic      settlement_led  RM01   -
    C4        basic      trade_international       RM02   -
"""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pyarrow.parquet as pq

from corptier.contract.schema import PRODUCT_CATEGORIES
from corptier.store import UnitOfWork
from corptier.store.models import PublishedPeriod, TierRun
from corptier.tiering.yaml_loader import load_default_standard
from corptier.workspace import Workspace

P = "2026-01"
BOOK = {"C1": ("strategic", "settlement_led", "RM01", ("trade", "payroll")),
        "C2": ("core", "trade_international", "RM02", ()),
        "C3": ("basic", "settlement_led", "RM01", ()),
        "C4": ("basic", "trade_international", "RM02", ())}
SAT = "您对我行服务的总体满意度如何？（1–5分）"
NPS = "您有多大可能向合作伙伴推荐我行？（0–10分）"
TRADE = "明年是否有跨境贸易计划？"
WANTED = "您希望我行提供哪些服务？（可多选）"
COMMENTS = "其他意见和建议"


def write_book(ws: Workspace) -> None:
    ids = list(BOOK)
    _write(ws, "tiers", {"customer_id": ids, "applied_tier": [BOOK[c][0] for c in ids],
                         "needs_segment": [BOOK[c][1] for c in ids]})
    _write(ws, "customers", {"customer_id": ids, "rm_id": [BOOK[c][2] for c in ids]})
    _write(ws, "indicators_customer", {"customer_id": ids, **{
        f"has_{cat}": [int(cat in BOOK[c][3]) for c in ids] for cat in PRODUCT_CATEGORIES}})
    now = datetime(2026, 2, 1, 9, 0)
    with UnitOfWork(ws.db) as uow:
        uow.session.add(TierRun(
            run_id="run-1", period=P, standard_id="default", standard_version="1.0",
            standard_hash="h" * 64, input_fingerprint="f" * 64, code_version="test",
            engine="duckdb", customers=len(ids), status="published", started_at=now,
            finished_at=now, standard=load_default_standard().model_dump(mode="json")))
        uow.session.flush()
        uow.session.add(PublishedPeriod(period=P, run_id="run-1", published_at=now))


def _write(ws: Workspace, table: str, data: dict[str, list[object]]) -> None:
    path = ws.partition_file(table, P)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(data), path)
