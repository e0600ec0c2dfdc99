"""The engine's per-tier sums give the same core KPIs as the customer frames."""

from __future__ import annotations

import dataclasses

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_kpis import context

from corptier.evaluation.kpis import core_kpis
from corptier.evaluation.tier_sums import exit_counts, tier_sums

ORDER = ("core", "basic")


@pytest.fixture(scope="module")
def con():
    return ibis.duckdb.connect()


def engine_context(con, ctx):
    """The context with the frames replaced by what the engine sums from them."""
    tiers = None if ctx.tiers is None else ibis.memtable(ctx.tiers)
    now = ibis.memtable(ctx.tiers if ctx.tiers is not None else ctx.indicators)
    exits = None if ctx.previous is None else con.execute(
        exit_counts(ibis.memtable(ctx.previous), now))
    return dataclasses.replace(ctx, indicators=None, exits=exits,
                               sums=con.execute(tier_sums(ibis.memtable(ctx.indicators), tiers)))


def test_the_hand_checked_book_from_the_engine(con) -> None:
    for ctx in (context(), context(tiers=None, previous=None)):
        expected = core_kpis(ctx)
        pd.testing.assert_frame_equal(core_kpis(engine_context(con, ctx)), expected,
                                      check_dtype=False)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([*ORDER, None]), st.floats(-1e6, 1e6),
                          st.floats(0, 1e6), st.integers(0, 9), st.sampled_from([*ORDER, None])),
                min_size=1, max_size=25))
def test_engine_and_frames_agree_for_any_book(con, rows) -> None:
    ids = [f"c{i}" for i in range(len(rows))]
    tiers = pd.DataFrame({"customer_id": ids, "applied_tier": [r[0] for r in rows]}).dropna()
    indicators = pd.DataFrame({
        "customer_id": ids, "dep_avg": [abs(r[1]) for r in rows], "loan_avg": 0.0,
        "contribution": [r[1] for r in rows], "econ_capital": [r[2] for r in rows],
        "product_coverage": [r[3] for r in rows]})
    previous = pd.DataFrame({"customer_id": [f"c{i}" for i in range(0, 2 * len(rows), 2)],
                             "applied_tier": [r[4] for r in rows]}).dropna()
    ctx = dataclasses.replace(context(), tiers=tiers, indicators=indicators, previous=previous,
                              tier_order=ORDER)
    got, want = core_kpis(engine_context(con, ctx)), core_kpis(ctx)
    np.testing.assert_allclose(got.to_numpy(dtype=float), want.to_numpy(dtype=float),
                               rtol=1e-9, atol=1e-6)
