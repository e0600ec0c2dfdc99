"""Stated needs (需求调研 → 定制化产品): the product categories the customers of a period's
survey campaigns said they need and do not hold in the period's indicator snapshot, written to
`data/stated_needs/period=P/part-0.parquet` (`customer_id`, `category`), where
`corptier recommend` looks for them. One engine query, never per customer in Python."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from corptier.contract.schema import PRODUCT_CATEGORIES
from corptier.crm import surveys as rules
from corptier.periods import Period
from corptier.private_files import make_private, private_mkdir
from corptier.store import UnitOfWork
from corptier.workspace import CUSTOMER_INDICATORS, Workspace

STATED_NEEDS = "stated_needs"
BATCH_ROWS = 65_536


def write_stated_needs(ws: Workspace, period: str) -> tuple[Path, int]:
    """Rewrite `data/stated_needs/period=P/part-0.parquet` from the answers of every campaign
    of `period`: (customer, category) stated and not held in the period's indicator snapshot.
    Returns the file and its row count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    gap = needs_gap(ws, period)
    target = ws.partition_file(STATED_NEEDS, period)
    private_mkdir(target.parent)
    staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    table = gap.select(["customer_id", "category"]).cast(pa.schema(
        [("customer_id", pa.string()), ("category", pa.string())]))
    pq.write_table(table, staged)
    make_private(staged).replace(target)
    return target, table.num_rows


def needs_gap(ws: Workspace, period: str) -> Any:
    """(customer_id, category) of every need stated in the campaigns of `period` and not
    held in its indicator snapshot (no snapshot: nothing counts as held), as an Arrow table
    sorted by customer and category; one engine query."""
    import ibis

    from corptier.engine import connect

    p = Period.parse(period)
    with UnitOfWork(ws.db) as uow:
        campaigns = uow.surveys.campaigns(str(p))
        answers = uow.surveys.answer_columns([c.id for c in campaigns])
    stated = stated_needs(ibis, answers, [
        (c.id, rules.Questionnaire.model_validate(c.questionnaire)) for c in campaigns])
    snapshot = ws.partition_file(CUSTOMER_INDICATORS, p)
    with connect(ws, "duckdb") as con:
        if snapshot.is_file():
            held = _held(ibis, con.read_parquet(snapshot))
            joined = stated.left_join(held, [stated.customer_id == held._hid,
                                             stated.category == held._hcat])
            stated = joined.select("customer_id", "category",
                                   held=joined._held.coalesce(0))
        else:
            stated = stated.mutate(held=ibis.literal(0, "int64"))
        gap = stated.filter(stated.held == 0).select("customer_id", "category")
        return con.batches(gap.order_by(["customer_id", "category"]), BATCH_ROWS).read_all()


def stated_needs(ibis: Any, answers: dict[str, list[Any]],
                 questionnaires: list[tuple[int, rules.Questionnaire]]) -> Any:
    """(customer_id, category) of the needs the answers state: the choices each campaign's
    questionnaire maps to a product category, as an Ibis table."""
    import pyarrow as pa

    mapping: dict[str, list[Any]] = {"campaign_id": [], "question_id": [], "choice": [],
                                     "category": []}
    for campaign_id, q in questionnaires:
        for qid, code, category in q.needs_map():
            for name, value in zip(mapping, (campaign_id, qid, code, category), strict=True):
                mapping[name].append(value)

    a = ibis.memtable(pa.table({
        "campaign_id": pa.array(answers["campaign_id"], pa.int64()),
        "customer_id": pa.array(answers["customer_id"], pa.string()),
        "question_id": pa.array(answers["question_id"], pa.string()),
        "choice": pa.array(answers["choice"], pa.string())}))
    m = ibis.memtable(pa.table({
        "_mc": pa.array(mapping["campaign_id"], pa.int64()),
        "_mq": pa.array(mapping["question_id"], pa.string()),
        "_mchoice": pa.array(mapping["choice"], pa.string()),
        "category": pa.array(mapping["category"], pa.string())}))
    j = a.join(m, [a.campaign_id == m._mc, a.question_id == m._mq, a.choice == m._mchoice])
    return j.select("customer_id", "category").distinct()


def _held(ibis: Any, snapshot: Any) -> Any:
    """(customer, category, held 1) of the categories each customer holds."""
    parts = [snapshot.filter(snapshot[f"has_{c}"] > 0).select(
        _hid=snapshot.customer_id.cast("string"), _hcat=ibis.literal(c, "string"),
        _held=ibis.literal(1, "int64"))
        for c in PRODUCT_CATEGORIES if f"has_{c}" in snapshot.columns]
    if not parts:
        return snapshot.limit(0).select(_hid=snapshot.customer_id.cast("string"),
                                        _hcat=ibis.literal("", "string"),
                                        _held=ibis.literal(1, "int64"))
    return ibis.union(*parts, distinct=True)
