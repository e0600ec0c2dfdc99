"""Behaviour states from indicators, and silent-attrition risk from BG/NBD."""

from __future__ import annotations

import ibis
import numpy as np
import pyarrow as pa
import pytest
from pydantic import ValidationError

from corptier.errors import StandardError
from corptier.tiering import bgnbd
from corptier.tiering.behaviour import (
    BehaviourRules,
    add_behaviour_state,
    fit_attrition,
    judge_fit,
    p_alive_expr,
    silent_attrition,
)
from corptier.tiering.bgnbd import BgNbdFit

CDNOW_FIT = BgNbdFit(0.243, 4.414, 0.793, 2.426, log_likelihood=-9582.4, n=2357, converged=True)

# An ordinary, steady customer; each case below changes what it needs.
STEADY = {
    "tenure_months": 40, "days_since_last_txn": 3, "dep_avg": 2_000_000.0,
    "dep_trend_rel_12": 0.0, "txn_count_mom": 0.05, "dep_avg_yoy": 0.02,
    "bgnbd_x": 150, "bgnbd_t_x": 51.0, "bgnbd_T": 52.0,
}
CASES = {
    "active": ({}, "none"),
    "new": ({"tenure_months": 2, "days_since_last_txn": None, "dep_avg": 0.0}, "tenure"),
    "dormant": ({"days_since_last_txn": 120, "dep_avg": 30_000.0}, "no_txn_low_balance"),
    "never_transacted": ({"days_since_last_txn": None, "dep_avg": None}, "no_txn_low_balance"),
    "quiet_but_rich": ({"days_since_last_txn": 120, "dep_avg": 5_000_000.0}, "none"),
    "shrinking": ({"dep_trend_rel_12": -0.08, "dep_avg_yoy": 0.5}, "dep_trend"),
    "fewer_txns": ({"txn_count_mom": -0.6}, "txn_count_mom"),
    "gone_quiet": ({"bgnbd_x": 60, "bgnbd_t_x": 20.0}, "p_alive"),
    "growing_trend": ({"dep_trend_rel_12": 0.04}, "dep_trend"),
    "growing_yoy": ({"dep_avg_yoy": 0.3}, "dep_yoy"),
    "all_missing": ({k: None for k in STEADY}, "no_txn_low_balance"),
    "missing_trends": ({"dep_trend_rel_12": None, "txn_count_mom": None, "dep_avg_yoy": None,
                        "bgnbd_x": None, "bgnbd_t_x": None, "bgnbd_T": None}, "none"),
}
EXPECTED_STATE = {
    "active": "active", "new": "new", "dormant": "dormant", "never_transacted": "dormant",
    "quiet_but_rich": "active", "shrinking": "declining", "fewer_txns": "declining",
    "gone_quiet": "declining", "growing_trend": "growing", "growing_yoy": "growing",
    "all_missing": "dormant", "missing_trends": "active",
}
SCHEMA = pa.schema([
    ("customer_id", pa.string()), ("tenure_months", pa.int64()),
    ("days_since_last_txn", pa.int64()), ("dep_avg", pa.decimal128(18, 2)),
    ("dep_trend_rel_12", pa.float64()), ("txn_count_mom", pa.float64()),
    ("dep_avg_yoy", pa.float64()), ("bgnbd_x", pa.int64()), ("bgnbd_t_x", pa.float64()),
    ("bgnbd_T", pa.float64()),
])


def _table() -> pa.Table:
    from decimal import Decimal

    rows = []
    for cid, (changes, _) in CASES.items():
        row = {"customer_id": cid, **STEADY, **changes}
        if row["dep_avg"] is not None:
            row["dep_avg"] = Decimal(str(row["dep_avg"]))
        rows.append(row)
    return pa.Table.from_pylist(rows, SCHEMA)


def test_each_state_and_the_rule_that_decided() -> None:
    out = add_behaviour_state(ibis.memtable(_table()), BehaviourRules(), CDNOW_FIT).to_pyarrow()
    got = {r["customer_id"]: (r["behaviour_state"], r["behaviour_reason"])
           for r in out.to_pylist()}
    want = {cid: (EXPECTED_STATE[cid], reason) for cid, (_, reason) in CASES.items()}
    assert got == want


def test_thresholds_are_data() -> None:
    strict = BehaviourRules(growing_dep_trend_rel=0.05, new_max_tenure_months=0)
    out = add_behaviour_state(ibis.memtable(_table()), strict, CDNOW_FIT).to_pyarrow()
    got = {r["customer_id"]: r["behaviour_state"] for r in out.to_pylist()}
    assert got["growing_trend"] == "active"
    assert got["new"] == "dormant"


def test_without_a_model_p_alive_is_null_and_never_decides() -> None:
    out = add_behaviour_state(ibis.memtable(_table()), BehaviourRules(), None).to_pyarrow()
    rows = {r["customer_id"]: r for r in out.to_pylist()}
    assert rows["gone_quiet"]["behaviour_state"] == "active"
    assert all(r["p_alive"] is None and r["attrition_risk"] is None for r in rows.values())


def test_missing_indicators_are_named() -> None:
    with pytest.raises(StandardError, match="txn_count_mom"):
        add_behaviour_state(ibis.memtable(_table().drop(["txn_count_mom"])))


def test_rules_are_validated() -> None:
    with pytest.raises(ValidationError, match="declining_dep_trend_rel"):
        BehaviourRules(declining_dep_trend_rel=0.1)
    with pytest.raises(ValidationError, match="extra"):
        BehaviourRules(dormant_days=30)  # type: ignore[call-arg]


# --- silent attrition -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def customers() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """5,000 simulated customers over a year (weeks), 5 % without BG/NBD inputs (no activity)."""
    rng = np.random.default_rng(4)
    age = 52.0 - rng.uniform(0, 26, 5000)
    x, t_x = bgnbd.sample(0.8, 2.0, 0.6, 3.0, age, seed=rng)
    none = rng.random(5000) < 0.05
    return (np.where(none, np.nan, x), np.where(none, np.nan, t_x),
            np.where(none, np.nan, age))


def test_silent_attrition_fits_the_period_and_scores_every_customer(customers) -> None:
    x, t_x, age = customers
    result = silent_attrition(x, t_x, age)
    assert result.fit is not None and result.fit.converged
    assert result.fit.n == np.isfinite(x).sum()
    missing = np.isnan(x)
    assert np.all(np.isnan(result.p_alive[missing]))
    ok = ~missing
    np.testing.assert_allclose(result.p_alive[ok],
                               bgnbd.p_alive(result.fit, x[ok], t_x[ok], age[ok]))
    np.testing.assert_allclose(result.risk[ok], 1 - result.p_alive[ok])
    assert np.all((result.p_alive[ok] > 0) & (result.p_alive[ok] <= 1))


def test_engine_p_alive_equals_numpy(customers) -> None:
    x, t_x, age = customers
    fit = fit_attrition(x, t_x, age)
    table = pa.table({"bgnbd_x": x, "bgnbd_t_x": t_x, "bgnbd_T": age})
    mem = ibis.memtable(table)
    on_engine = mem.select(p=p_alive_expr(mem, fit)).to_pyarrow()["p"].to_numpy(
        zero_copy_only=False)
    on_engine = np.where(np.equal(on_engine, None), np.nan, on_engine).astype(float)
    np.testing.assert_allclose(on_engine, silent_attrition(x, t_x, age, fit=fit).p_alive,
                               rtol=1e-9, equal_nan=True)


@pytest.mark.spark
def test_spark_p_alive_equals_numpy(spark, customers) -> None:
    x, t_x, age = (v[:500] for v in customers)
    fit = fit_attrition(*customers)
    spark.createDataFrame(
        pa.table({"i": np.arange(500), "bgnbd_x": x, "bgnbd_t_x": t_x, "bgnbd_T": age})
    ).createOrReplaceTempView("behaviour_p_alive")
    t = ibis.pyspark.connect(spark).table("behaviour_p_alive")
    got = t.select("i", p=p_alive_expr(t, fit)).order_by("i").to_pyarrow()["p"].to_pylist()
    got = np.array([np.nan if v is None else v for v in got])
    np.testing.assert_allclose(got, silent_attrition(x, t_x, age, fit=fit).p_alive,
                               rtol=1e-9, equal_nan=True)


def test_too_few_repeaters_gives_no_model() -> None:
    x = np.array([0, 0, 1, 0, 2, 0.0])
    t_x = np.array([0, 0, 3.0, 0, 4.0, 0])
    age = np.full(6, 10.0)
    assert fit_attrition(x, t_x, age) is None
    result = silent_attrition(x, t_x, age)
    assert result.fit is None and np.all(np.isnan(result.p_alive))


def test_fit_sample_is_capped_and_seeded(customers) -> None:
    rules = BehaviourRules(bgnbd_max_fit_customers=1000)
    first, second = (fit_attrition(*customers, rules) for _ in range(2))
    assert first is not None and first.n == 1000
    assert first == second


def test_bad_bgnbd_inputs_name_the_customer_index() -> None:
    with pytest.raises(ValueError, match="index 2 has recency 9 > T 5"):
        silent_attrition([1, np.nan, 1], [1.0, np.nan, 9.0], [5.0, np.nan, 5.0])


# --- a fit that says nothing is not used ------------------------------------------------------
def _regulars() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """40 customers active every other week up to the end: 5 repeat weeks of 10, 10 of 20.
    Nobody ever drops out, so the fit says so: a mean dropout chance a / (a + b) per active week
    below 1e-5 (a ≈ 0)."""
    x = np.array([5.0, 10.0] * 20)
    age = np.array([10.0, 20.0] * 20)
    return x, age.copy(), age


def test_a_degenerate_fit_is_not_informative_and_gives_no_p_alive() -> None:
    x, t_x, age = _regulars()
    fit = fit_attrition(x, t_x, age)
    # whether the optimiser also reports non-convergence depends on the scipy build; the mean
    # dropout chance is what says nobody leaves
    assert fit is not None and fit.a / (fit.a + fit.b) < 1e-5
    assert not fit.informative and not fit.usable
    assert fit.reason is not None and "< bgnbd_min_dropout = 1e-05" in fit.reason
    assert fit.to_dict()["informative"] is False                     # what the close keeps
    assert np.all(np.isnan(silent_attrition(x, t_x, age, fit=fit).p_alive))
    table = ibis.memtable(_table())
    out = add_behaviour_state(table, BehaviourRules(), fit).to_pyarrow().to_pylist()
    assert all(r["p_alive"] is None for r in out)
    gone_quiet = next(r for r in out if r["customer_id"] == "gone_quiet")
    assert gone_quiet["behaviour_state"] == "active"   # declining by P(alive) with CDNOW_FIT


def test_the_plausible_range_is_data() -> None:
    # a / (a + b) = 2 / (2 + 1e7) ≈ 2e-7 per active week: nobody leaves, by default
    runaway = BgNbdFit(r=0.5, alpha=3.0, a=2.0, b=1e7, log_likelihood=-1.0, n=40,
                       converged=True)
    assert not judge_fit(runaway, BehaviourRules()).informative
    wide = judge_fit(runaway, BehaviourRules(bgnbd_min_dropout=1e-7))
    assert wide.informative and wide.reason is None
    narrow = judge_fit(runaway, BehaviourRules(bgnbd_min_dropout=0, bgnbd_max_b=1e6))
    assert narrow.reason == "b = 1e+07 > bgnbd_max_b = 1e+06"


def test_a_spike_of_dropout_with_real_leavers_is_informative() -> None:
    # the demo bank's fit of 2025-09 (3 % silent attrition a year): a ≈ 87, b ≈ 1.5 million,
    # one dropout chance of 5.8e-5 per active week for all; P(alive) still ranks by recency
    spike = BgNbdFit(r=35.9, alpha=40.0, a=87.35, b=1.511e6, log_likelihood=-1.0, n=4375,
                     converged=True)
    assert judge_fit(spike, BehaviourRules()) == spike


def test_judge_fit_names_a_and_b_beyond_the_range() -> None:
    demo = BgNbdFit(r=0.5, alpha=3.0, a=5e5, b=1e11, log_likelihood=-1.0, n=100,
                    converged=True)
    judged = judge_fit(demo, BehaviourRules())
    assert not judged.informative
    # 5e5 / (5e5 + 1e11) = 5.0e-6 per active week
    assert judged.reason == "a / (a + b) = 5e-06 < bgnbd_min_dropout = 1e-05; b = 1e+11 > " \
        "bgnbd_max_b = 1e+09"
    cdnow = BgNbdFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4, n=2357,
                     converged=True)
    assert judge_fit(cdnow, BehaviourRules()) == cdnow
    stuck = BgNbdFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4, n=2357,
                     converged=False)
    assert judge_fit(stuck, BehaviourRules()).reason == "the optimiser did not converge"
