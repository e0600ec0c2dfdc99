"""A tiny closed period for the survey tests: published tiers (applied tier, needs segment),
customers (RM) and the indicator snapshot's holdings of 2026-01, written directly.

    customer  tier       segment         RM     holds
    C1        strategic  settlement_led  RM01   trade, payroll
    C2        core       trade_led       RM02   -
    C3        basic      settlement_led  RM01   -
    C4        basic      trade_led       RM02   -
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from corptier.contract.schema import PRODUCT_CATEGORIES
from corptier.workspace import Workspace

P = "2026-01"
BOOK = {"C1": ("strategic", "settlement_led", "RM01", ("trade", "payroll")),
        "C2": ("core", "trade_led", "RM02", ()),
        "C3": ("basic", "settlement_led", "RM01", ()),
        "C4": ("basic", "trade_led", "RM02", ())}
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


def _write(ws: Workspace, table: str, data: dict[str, list[object]]) -> None:
    path = ws.partition_file(table, P)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(data), path)
