"""Breakdowns by sub-branch, RM, industry and size: engine aggregates, top N and others."""

from __future__ import annotations

import math

import ibis
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corptier.evaluation.breakdowns import (
    OTHERS,
    UNKNOWN,
    breakdown,
    exits,
    summarise,
    tier_book,
    value_destroyers,
)

ORDER = ("core", "basic")


def tables(rows: list[tuple]) -> tuple:
    """(customer_id, tier, migration, contribution, capital, sub_branch) rows as Ibis tables
    (tiers, indicator snapshot without an RM column)."""
    frame = pd.DataFrame(rows, columns=["customer_id", "applied_tier", "migration",
                                        "contribution", "econ_capital", "sub_branch"])
    tiers = ibis.memtable(frame[["customer_id", "applied_tier", "migration"]])
    indicators = ibis.memtable(frame[["customer_id", "contribution", "econ_capital",
                                      "sub_branch"]].assign(name="名" + frame["customer_id"],
                                                            industry_section="C"))
    return tiers, indicators


@pytest.fixture(scope="module")
def con():
    return ibis.duckdb.connect()


def test_groups_by_dimension_and_tier(con) -> None:
    now = tables([("A", "core", "up", 100.0, 50.0, "东城"), ("B", "basic", "new", -30.0, 10.0,
                  "东城"), ("C", "basic", "down", 20.0, 10.0, None), ("D", "core", "same", 5.0,
                  0.0, "西城")])
    before = tables([("A", "basic", "same", 1.0, 1.0, "东城"), ("E", "core", "same", 1.0, 1.0,
                     "东城"), ("C", "core", "same", 1.0, 1.0, "")])
    book, previous = tier_book(*now), tier_book(*before)
    agg = con.execute(breakdown(book, "sub_branch"))
    gone = con.execute(exits(previous, book, "sub_branch"))
    wide = summarise(agg, gone, ORDER, tax_rate=0.25, days=365).set_index("group")
    assert wide.loc["东城", ["customers", "core", "basic", "destroying", "value_lost", "new",
                            "upgraded"]].tolist() == [2, 1, 1, 1, 30.0, 1, 1]
    assert wide.loc["东城", "contribution"] == 70.0
    assert wide.loc["东城", "raroc"] == pytest.approx(70 * 0.75 / 60)
    assert (wide.loc["东城", "previous_customers"], wide.loc["东城", "exited"]) == (2, 1)
    assert wide.loc["东城", "exit_rate"] == 0.5
    assert wide.loc[UNKNOWN, "downgraded"] == 1  # empty and missing sub-branches together
    assert math.isnan(wide.loc["西城", "raroc"])  # no capital
    lost = con.execute(value_destroyers(book))
    assert lost["customer_id"].tolist() == ["B"] and lost["name"].tolist() == ["名B"]
    assert set(lost["rm_id"]) == {UNKNOWN}  # a column the snapshot lacks


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdefg"), st.sampled_from(ORDER),
                          st.floats(-1e6, 1e6, allow_nan=False)), min_size=1, max_size=30),
       st.integers(1, 5))
def test_top_n_and_others_keep_the_totals(con, rows, top_n) -> None:
    frame = [(f"C{i}", tier, "same", c, 1.0, group) for i, (group, tier, c) in enumerate(rows)]
    agg = con.execute(breakdown(tier_book(*tables(frame)), "sub_branch"))
    empty = pd.DataFrame(columns=["group", "previous_customers", "exited"])
    full = summarise(agg, empty, ORDER, tax_rate=0.25, days=30)
    top = summarise(agg, empty, ORDER, tax_rate=0.25, days=30, top_n=top_n)
    assert len(top) <= top_n + 1
    assert top["customers"].sum() == len(rows) == full["customers"].sum()
    assert top["contribution"].sum() == pytest.approx(full["contribution"].sum(), abs=1e-3)
    if len(full) > top_n + 1:
        assert top["group"].iloc[-1] == OTHERS
        assert top["group"].iloc[:top_n].tolist() == full["group"].iloc[:top_n].tolist()
    else:
        assert OTHERS not in top["group"].tolist()
