"""The product-gap expressions: peer levels, adoption and gain against a brute-force oracle on
random small books (hypothesis), the candidates' rules, and the adoption window by month."""

from __future__ import annotations

from statistics import median
from typing import Any

import ibis
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corptier.service.adoption_backtest import adoptions
from corptier.service.product_gap import candidates, holdings, peer_table
from corptier.service.recommendation_settings import parse_recommendation_settings

CATS = ("financing", "cash_management", "payroll")
SETTINGS = parse_recommendation_settings("""\
id: t
version: 1
categories: [financing, cash_management, payroll]
peer_groups: [[needs_segment, industry_section, enterprise_size], [needs_segment], []]
min_peers: 2
min_adoption: 0.5
""")
CON = ibis.duckdb.connect()

customer = st.tuples(st.sampled_from(["s", "t"]), st.sampled_from(["C", "F", None]),
                     st.sampled_from(["small", "medium"]),
                     st.integers(-5, 20).map(lambda v: v * 10_000.0),
                     st.tuples(*[st.integers(0, 1)] * 3))


def frame(book: list[tuple[Any, ...]]) -> pa.Table:
    rows = {"customer_id": [f"X{i}" for i in range(len(book))],
            "period": ["2026-01"] * len(book),
            "needs_segment": [b[0] for b in book],
            "industry_section": pa.array([b[1] for b in book], pa.string()),
            "enterprise_size": [b[2] for b in book], "value": [b[3] for b in book]}
    for j, c in enumerate(CATS):
        rows[f"has_{c}"] = [b[4][j] for b in book]
    return pa.table(rows).cast(SCHEMA)


SCHEMA = pa.schema([("customer_id", pa.string()), ("period", pa.string()),
                    ("needs_segment", pa.string()), ("industry_section", pa.string()),
                    ("enterprise_size", pa.string()), ("value", pa.float64()),
                    *((f"has_{c}", pa.int64()) for c in CATS)])
CON.create_table("book", schema=ibis.schema(SCHEMA))
LONG = holdings(CON.table("book"), CATS)
PEERS_SQL = CON.compile(peer_table(LONG, SETTINGS))
RANKED_SQL = CON.compile(candidates(peer_table(LONG, SETTINGS), SETTINGS))
"""Compiled once: each example only swaps the rows of `book` (compiling is the slow part)."""


def run(sql: str, book: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    CON.insert("book", frame(book), overwrite=True)
    rows: list[dict[str, Any]] = CON.con.sql(sql).to_arrow_table().to_pylist()
    return rows


def oracle(book: list[tuple[Any, ...]], i: int, j: int) -> tuple[int | None, float | None,
                                                                   float | None]:
    """(level, adoption, gain) of customer i and category j, worked out by hand."""
    keys = {"needs_segment": 0, "industry_section": 1, "enterprise_size": 2}
    for level, names in enumerate(SETTINGS.peer_groups):
        cols = [keys[n] for n in names]
        if any(book[i][c] is None for c in cols):
            continue
        group = [b for b in book if all(b[c] == book[i][c] for c in cols)]
        if len(group) - 1 < SETTINGS.min_peers:
            continue
        holders = sum(b[4][j] for b in group) - book[i][4][j]
        with_ = [b[3] for b in group if b[4][j]]
        without = [b[3] for b in group if not b[4][j]]
        gain = median(with_) - median(without) if with_ and without else None
        return level, holders / (len(group) - 1), gain
    return None, None, None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(customer, min_size=1, max_size=9))
def test_peer_levels_adoption_and_gain_match_a_brute_force_count(book: list[Any]) -> None:
    for row in run(PEERS_SQL, book):
        i, j = int(row["customer_id"][1:]), CATS.index(row["category"])
        level, adoption, gain = oracle(book, i, j)
        assert row["level"] == level
        assert (row["adoption"] is None) == (adoption is None)
        if adoption is not None:
            assert abs(row["adoption"] - adoption) < 1e-9
            assert 0 <= row["adoption"] <= 1
        if gain is not None:
            assert abs(row["gain"] - gain) < 1e-6
    ranked = run(RANKED_SQL, book)
    by_customer: dict[str, list[int]] = {}
    for row in ranked:
        assert row["held"] == 0 and row["adoption"] >= SETTINGS.min_adoption
        by_customer.setdefault(row["customer_id"], []).append(row["rank"])
    assert all(sorted(r) == list(range(1, len(r) + 1)) for r in by_customer.values())


def test_adoption_looks_at_the_months_of_the_window_not_the_next_rows() -> None:
    snapshots = ibis.memtable(pa.table({
        "customer_id": ["X"] * 3, "period": ["2026-01", "2026-02", "2026-04"],
        **{f"has_{c}": [0, 0, 1] for c in CATS}}))
    rows = CON.to_pyarrow(adoptions(snapshots, ["payroll"], 2)).to_pylist()
    # from January the window is February and March (April is outside, though the next row)
    assert {r["period"]: r["adopted"] for r in rows} == {"2026-01": 0, "2026-02": 1,
                                                         "2026-04": 0}
