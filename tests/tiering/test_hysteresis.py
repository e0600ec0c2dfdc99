"""当期升级，延期降级: properties of the reference rule, and the Ibis version equal to it."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corptier.tiering.hysteresis import (
    CAP,
    HysteresisState,
    apply_hysteresis,
    downgrade_buffers,
    hysteresis_record,
    state_from_published,
    step,
)
from corptier.tiering.policy import HysteresisPolicy

CODES = ["strategic", "core", "key", "growth", "basic"]
N_TIERS = len(CODES)


def run(computed: Sequence[int], policy: HysteresisPolicy,
        caps: Sequence[int | None] | None = None) -> list[tuple[HysteresisState, str]]:
    """The reference rule over one customer's computed ranks (and fired immediate caps),
    period by period."""
    state: HysteresisState | None = None
    out = []
    for k, c in enumerate(computed):
        state, reason = step(state, c, policy, CODES, None if caps is None else caps[k])
        out.append((state, reason))
    return out


policies = st.builds(
    HysteresisPolicy,
    downgrade_after_periods=st.fixed_dictionaries(
        {code: st.integers(0, 6) for code in CODES[:-1]}
    ),
    downgrade_to=st.sampled_from(["computed", "best_of_last_n"]),
)
sequences = st.lists(st.integers(0, N_TIERS - 1), min_size=1, max_size=40)
# per period: the computed rank and the fired immediate cap's rank (None: none fired); a cap
# bounds the computed tier too, so the computed rank is never better than the cap
capped_sequences = st.lists(
    st.tuples(st.integers(0, N_TIERS - 1), st.none() | st.integers(0, N_TIERS - 1)).map(
        lambda pair: (pair[0] if pair[1] is None else max(pair), pair[1])),
    min_size=1, max_size=40,
)


# --- properties of the rule ---------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(policies, sequences)
def test_applied_tier_is_never_worse_than_computed(policy, computed) -> None:
    for c, (state, _) in zip(computed, run(computed, policy), strict=True):
        assert state.applied <= c


@settings(max_examples=300, deadline=None)
@given(policies, sequences)
def test_upgrades_are_immediate_and_reset_the_state(policy, computed) -> None:
    history = run(computed, policy)
    for k in range(1, len(computed)):
        before = history[k - 1][0]
        state, reason = history[k]
        if computed[k] < before.applied:
            assert reason == "upgrade"
            assert state == HysteresisState(computed[k], 0, None)


@settings(max_examples=300, deadline=None)
@given(policies, sequences)
def test_never_moves_down_before_its_buffer(policy, computed) -> None:
    buffers = downgrade_buffers(policy, CODES)
    history = run(computed, policy)
    for k in range(1, len(computed)):
        before = history[k - 1][0].applied
        after = history[k][0].applied
        if after > before:
            n = max(buffers[before], 1)
            streak = computed[k - n + 1 : k + 1]
            assert len(streak) == n
            assert all(c > before for c in streak)
            # and the tier stayed applied through the whole streak
            assert all(history[j][0].applied == before for j in range(k - n + 1, k))
            # it moves to this period's computed tier, or the best tier of the streak
            expected = min(streak) if policy.downgrade_to == "best_of_last_n" else computed[k]
            assert after == expected


@settings(max_examples=300, deadline=None)
@given(policies, sequences)
def test_a_downgrade_comes_at_least_n_periods_after_the_last_change(policy, computed) -> None:
    """After the applied tier changes (new, upgrade or downgrade) to T, the next downgrade
    comes N(T) periods later at the earliest: down at most once per N periods."""
    buffers = downgrade_buffers(policy, CODES)
    applied = [state.applied for state, _ in run(computed, policy)]
    last_change = 0
    for k in range(1, len(applied)):
        if applied[k] > applied[k - 1]:
            assert k - last_change >= max(buffers[applied[k - 1]], 1)
        if applied[k] != applied[k - 1]:
            last_change = k


@settings(max_examples=300, deadline=None)
@given(
    st.integers(2, 12),
    st.integers(0, N_TIERS - 2),
    st.lists(st.integers(1, N_TIERS - 1), min_size=1, max_size=30),
)
def test_alternating_computed_tier_never_goes_down(buffer, top, dips) -> None:
    """Computed tier alternates: its applied tier (or better) one period, worse the next."""
    policy = HysteresisPolicy(downgrade_after_periods={c: buffer for c in CODES[:-1]})
    computed = [top]
    for d in dips:
        computed += [min(top + d, N_TIERS - 1), top]
    history = run(computed, policy)
    assert all(state.applied == top for state, _ in history)


@settings(max_examples=300, deadline=None)
@given(policies, capped_sequences)
def test_a_customer_with_a_fired_cap_is_never_applied_above_the_caps_tier(policy, periods):
    computed = [c for c, _ in periods]
    caps = [cap for _, cap in periods]
    history = run(computed, policy, caps)
    for (c, cap), (state, reason) in zip(periods, history, strict=True):
        assert state.applied <= c
        if cap is not None:
            assert state.applied >= cap
        if reason == "capped":  # the cap applied at once and the streak was cleared
            assert state == HysteresisState(cap, 0, None)


@settings(max_examples=300, deadline=None)
@given(policies, sequences)
def test_without_a_fired_cap_nothing_is_capped(policy, computed) -> None:
    assert run(computed, policy, [None] * len(computed)) == run(computed, policy)


def test_capped_strategic_customer_is_applied_basic_in_the_same_close() -> None:
    """Strategic (N=12) for two closes; in the third its loan turns 次级 and the substandard cap
    (basic, immediate) fires: applied basic at once, not held strategic for 11 more closes."""
    policy = HysteresisPolicy(downgrade_after_periods={"strategic": 12, "core": 6, "key": 3,
                                                       "growth": 2})
    history = run([0, 0, 4, 4], policy, [None, None, 4, 4])
    assert [(CODES[s.applied], s.periods_below, r) for s, r in history] == [
        ("strategic", 0, "new"),
        ("strategic", 0, "same"),
        ("basic", 0, "capped"),
        ("basic", 0, "same"),
    ]


def test_a_cap_ends_a_running_streak_and_a_drop_below_it_keeps_its_buffer() -> None:
    """Core (N=6) held for two closes while computed growth; then a cap at key fires with the
    computed tier still growth: applied key at once, streak cleared; key's own buffer (N=3)
    then runs for the drop from key to growth."""
    policy = HysteresisPolicy(downgrade_after_periods={"core": 6, "key": 3})
    history = run([1, 3, 3, 3, 3, 3, 3], policy, [None, None, None, 2, 2, 2, 2])
    assert [(CODES[s.applied], s.periods_below, r) for s, r in history] == [
        ("core", 0, "new"),
        ("core", 1, "held"),
        ("core", 2, "held"),
        ("key", 0, "capped"),
        ("key", 1, "held"),
        ("key", 2, "held"),
        ("growth", 0, "downgrade"),
    ]


def test_a_cap_with_immediate_false_waits_for_the_buffer() -> None:
    """A cap the standard marks `immediate: false` is not passed to the rule: an ordinary
    score drop (strategic, N=2: held once, then down)."""
    policy = HysteresisPolicy(downgrade_after_periods={"strategic": 2})
    history = run([0, 4, 4], policy, [None, None, None])
    assert [CODES[s.applied] for s, _ in history] == ["strategic", "strategic", "basic"]


def test_downgrade_lands_on_the_computed_tier_by_default() -> None:
    """Core (N=3) computed key, key, basic: held twice, then down to basic, this period's
    computed tier (`downgrade_to: computed`, the default)."""
    policy = HysteresisPolicy(downgrade_after_periods={"core": 3, "key": 2})
    assert policy.downgrade_to == "computed"
    history = run([1, 2, 2, 4, 1], policy)
    assert [(CODES[s.applied], r) for s, r in history] == [
        ("core", "new"), ("core", "held"), ("core", "held"), ("basic", "downgrade"),
        ("core", "upgrade"),
    ]


def test_best_of_last_n_downgrade_stretches_a_fall() -> None:
    """The same fall with `best_of_last_n`: down to key (best of the streak), then key's buffer
    (N=2) before basic — two more closes above the computed tier."""
    policy = HysteresisPolicy(downgrade_after_periods={"core": 3, "key": 2},
                              downgrade_to="best_of_last_n")
    history = run([1, 2, 2, 4, 4, 4], policy)
    assert [CODES[s.applied] for s, _ in history] == [
        "core", "core", "core", "key", "key", "basic"]


def test_worked_example() -> None:
    """Core (N=3) falls to key, key, basic: held twice, then down to key (best of the streak)."""
    policy = HysteresisPolicy(downgrade_after_periods={"core": 3, "key": 2},
                              downgrade_to="best_of_last_n")
    history = run([1, 2, 2, 4, 4, 4, 1], policy)
    reasons = [(s.applied, s.periods_below, s.pending, r) for s, r in history]
    assert reasons == [
        (1, 0, None, "new"),
        (1, 1, 2, "held"),
        (1, 2, 2, "held"),
        (2, 0, None, "downgrade"),
        (2, 1, 4, "held"),
        (4, 0, None, "downgrade"),
        (1, 0, None, "upgrade"),
    ]


def test_streak_recovers_when_computed_returns() -> None:
    policy = HysteresisPolicy(downgrade_after_periods={"core": 3})
    assert [r for _, r in run([1, 3, 1, 1], policy)] == ["new", "held", "recovered", "same"]


def test_zero_or_missing_buffer_downgrades_at_once() -> None:
    policy = HysteresisPolicy(downgrade_after_periods={"core": 0})
    assert [s.applied for s, _ in run([1, 3, 4], policy)] == [1, 3, 4]


# --- the Ibis version equals the reference ------------------------------------------------------
def _random_sequences(rng: np.random.Generator, customers: int, periods: int) -> np.ndarray:
    """Ranks per customer and period; -1 = absent (exited, may come back as new)."""
    walk = rng.integers(-1, 2, size=(customers, periods)).cumsum(axis=1) + rng.integers(
        0, N_TIERS, size=(customers, 1)
    )
    ranks = np.clip(walk, 0, N_TIERS - 1)
    alternating = rng.random(customers) < 0.3
    flip = (np.arange(periods) % 2)[None, :] * rng.integers(1, 3, size=(customers, 1))
    ranks[alternating] = np.clip(ranks[alternating][:, :1] + flip[alternating], 0, N_TIERS - 1)
    noisy = rng.random(customers) < 0.3
    ranks[noisy] = rng.integers(0, N_TIERS, size=(noisy.sum(), periods))
    absent = rng.random((customers, periods)) < 0.05
    return np.where(absent, -1, ranks)


def _random_caps(rng: np.random.Generator, ranks: np.ndarray) -> np.ndarray:
    """A fired immediate cap's rank (-1 = none) for about one customer-period in seven; the
    computed rank is raised to the cap where it was better (a cap bounds the computed tier)."""
    caps = np.where(rng.random(ranks.shape) < 0.15, rng.integers(0, N_TIERS, ranks.shape), -1)
    np.maximum(ranks, np.where(ranks >= 0, caps, -1), out=ranks)
    return caps


def _reference(ranks: np.ndarray, policy: HysteresisPolicy,
               caps: np.ndarray) -> list[dict[str, tuple]]:
    states: dict[str, HysteresisState] = {}
    out = []
    for p in range(ranks.shape[1]):
        period: dict[str, tuple] = {}
        new_states = {}
        for i, c in enumerate(ranks[:, p]):
            if c < 0:
                continue
            cid = f"C{i:04d}"
            cap = int(caps[i, p]) if caps[i, p] >= 0 else None
            state, reason = step(states.get(cid), int(c), policy, CODES, cap)
            new_states[cid] = state
            period[cid] = (state.applied, state.periods_below, state.pending, reason)
        states = new_states
        out.append(period)
    return out


def _with_ibis(ranks: np.ndarray, policy: HysteresisPolicy, caps: np.ndarray,
               execute) -> list[dict[str, tuple]]:
    """Period by period as the close does it: the state goes through the published record."""
    state = state_from_published([], CODES)
    out = []
    for p in range(ranks.shape[1]):
        present = np.flatnonzero(ranks[:, p] >= 0)
        current = pa.table({
            "customer_id": [f"C{i:04d}" for i in present],
            "computed_tier_rank": pa.array(ranks[present, p], pa.int64()),
            "cap_or_minus_one": pa.array(caps[present, p], pa.int64()),
        })
        # the null caps are made in the engine: ibis.memtable on PySpark loses the values of a
        # nullable integer column (see state_from_published)
        t = ibis.memtable(current)
        t = t.mutate(**{CAP: ibis.ifelse(t.cap_or_minus_one >= 0, t.cap_or_minus_one,
                                         ibis.null("int64"))}).drop("cap_or_minus_one")
        result = execute(apply_hysteresis(t, ibis.memtable(state), policy, CODES))
        rows = result.to_pylist()
        out.append({
            r["customer_id"]: (r["applied_tier_rank"], r["periods_below"],
                               r["pending_tier_rank"], r["hysteresis_reason"])
            for r in rows
        })
        published = [{"customer_id": r["customer_id"],
                      "applied_tier": CODES[r["applied_tier_rank"]],
                      "hysteresis": hysteresis_record(r, CODES)} for r in rows]
        state = state_from_published(published, CODES)
        assert state.column("pending_tier_rank").null_count == 0
    return out


POLICY = HysteresisPolicy(downgrade_after_periods={"strategic": 4, "core": 3, "key": 2,
                                                   "growth": 1})
BEST_OF_STREAK = POLICY.model_copy(update={"downgrade_to": "best_of_last_n"})


@pytest.mark.parametrize("policy", [POLICY, BEST_OF_STREAK], ids=["computed", "best_of_last_n"])
def test_ibis_on_duckdb_equals_reference(policy: HysteresisPolicy) -> None:
    rng = np.random.default_rng(7)
    ranks = _random_sequences(rng, customers=400, periods=24)
    caps = _random_caps(rng, ranks)
    con = ibis.duckdb.connect()
    result = _with_ibis(ranks, policy, caps, con.to_pyarrow)
    assert result == _reference(ranks, policy, caps)
    assert any(r[3] == "capped" for period in result for r in period.values())


@pytest.mark.parametrize("policy", [POLICY, BEST_OF_STREAK], ids=["computed", "best_of_last_n"])
def test_ibis_equals_reference_on_a_small_book_with_every_reason(policy: HysteresisPolicy) -> None:
    """A quick check (12 customers, 8 closes) before the long one."""
    rng = np.random.default_rng(3)
    ranks = _random_sequences(rng, customers=12, periods=8)
    caps = _random_caps(rng, ranks)
    result = _with_ibis(ranks, policy, caps, ibis.duckdb.connect().to_pyarrow)
    assert result == _reference(ranks, policy, caps)
    reasons = {r[3] for period in result for r in period.values()}
    assert reasons == {"new", "upgrade", "same", "recovered", "held", "downgrade", "capped"}


@pytest.mark.spark
def test_ibis_on_spark_equals_reference(spark) -> None:
    rng = np.random.default_rng(11)
    ranks = _random_sequences(rng, customers=120, periods=6)
    caps = _random_caps(rng, ranks)
    con = ibis.pyspark.connect(spark)
    assert (_with_ibis(ranks, BEST_OF_STREAK, caps, con.to_pyarrow)
            == _reference(ranks, BEST_OF_STREAK, caps))


def test_output_passes_other_columns_through_and_exits_are_dropped() -> None:
    current = ibis.memtable({"customer_id": ["a", "n"], "computed_tier_rank": [2, 4],
                             "score": [55.0, 12.0]})
    state = ibis.memtable(state_from_published(
        [{"customer_id": "a", "applied_tier": "core", "hysteresis": {}},
         {"customer_id": "gone", "applied_tier": "key", "hysteresis": {}}], CODES))
    out = apply_hysteresis(current, state, POLICY, CODES).order_by("customer_id").to_pyarrow()
    assert out["customer_id"].to_pylist() == ["a", "n"]
    assert out["score"].to_pylist() == [55.0, 12.0]
    records = [hysteresis_record(r, CODES) for r in out.to_pylist()]
    assert records == [
        {"tier": "core", "reason": "held", "periods_below": 1, "pending_tier": "key",
         "downgrade_buffer": 3, "previous_applied_tier": "core", "cap_tier": None},
        {"tier": "basic", "reason": "new", "periods_below": 0, "pending_tier": None,
         "downgrade_buffer": None, "previous_applied_tier": None, "cap_tier": None},
    ]


def test_state_round_trips_through_the_published_record() -> None:
    row = {"applied_tier_rank": 1, "periods_below": 2, "pending_tier_rank": 3,
           "hysteresis_reason": "held", "previous_applied_rank": 1, "downgrade_buffer": 3}
    published = {"customer_id": "a", "applied_tier": "core",
                 "hysteresis": hysteresis_record(row, CODES)}
    state = state_from_published([published], CODES).to_pylist()
    assert state == [{"customer_id": "a", "applied_tier_rank": 1, "periods_below": 2,
                      "pending_tier_rank": 3}]
    # without a streak the pending rank repeats the applied one (never null; see the docstring)
    calm = {**published, "hysteresis": {"tier": "core", "periods_below": 0}}
    assert state_from_published([calm], CODES)["pending_tier_rank"].to_pylist() == [1]


def test_state_carries_on_from_the_rule_not_from_an_override() -> None:
    """Published applied tier 'strategic' came from an override; the rule had said 'key'."""
    row = {"applied_tier_rank": 2, "periods_below": 0, "pending_tier_rank": None,
           "hysteresis_reason": "same", "previous_applied_rank": 2, "downgrade_buffer": 2}
    published = {"customer_id": "a", "applied_tier": "strategic",
                 "hysteresis": hysteresis_record(row, CODES)}
    assert state_from_published([published], CODES)["applied_tier_rank"].to_pylist() == [2]


def test_customer_on_a_tier_the_standard_no_longer_has_starts_afresh() -> None:
    state = state_from_published([{"customer_id": "a", "applied_tier": "platinum"}], CODES)
    assert state.num_rows == 0


def test_missing_columns_are_named() -> None:
    current = ibis.memtable({"customer_id": ["a"], "tier": [1]})
    state = ibis.memtable(state_from_published([], CODES))
    with pytest.raises(ValueError, match="computed_tier_rank"):
        apply_hysteresis(current, state, POLICY, CODES)


def test_every_missing_column_is_named_and_output_columns_are_never_overwritten() -> None:
    current = ibis.memtable({"id": ["a"], "tier": [1]})
    state = ibis.memtable({"customer_id": ["a"], "applied_tier_rank": [1]})
    with pytest.raises(ValueError) as error:
        apply_hysteresis(current, state, POLICY, CODES)
    assert str(error.value) == ("apply_hysteresis needs column(s) customer_id, computed_tier_rank, "
                                "previous_state.periods_below")
    state = ibis.memtable({"periods_below": [0], "applied_tier_rank": [1]})
    with pytest.raises(ValueError) as error:
        apply_hysteresis(ibis.memtable({"customer_id": ["a"], "computed_tier_rank": [1]}),
                         state, POLICY, CODES)
    assert str(error.value) == "apply_hysteresis needs column(s) previous_state.customer_id"
    clashing = ibis.memtable({"customer_id": ["a"], "computed_tier_rank": [1],
                              "periods_below": [0], "downgrade_buffer": [2]})
    with pytest.raises(ValueError) as error:
        apply_hysteresis(clashing, ibis.memtable(state_from_published([], CODES)), POLICY, CODES)
    assert str(error.value) == ("apply_hysteresis would overwrite column(s) periods_below, "
                                "downgrade_buffer of the current table; drop them first")


def test_a_previous_state_without_streak_details_counts_no_streak_and_no_best_tier() -> None:
    """A state written by hand or an older close: a null `periods_below` is no running streak,
    and without `pending_tier_rank` a downgrade lands on this period's computed tier."""
    current = ibis.memtable({"customer_id": ["a", "b", "c"], "computed_tier_rank": [1, 3, 2]})
    state = ibis.memtable(pa.table({
        "customer_id": ["a", "b", "c"], "applied_tier_rank": pa.array([1, 1, 1], pa.int64()),
        "periods_below": pa.array([None, 2, None], pa.int64())}))
    out = apply_hysteresis(current, state, BEST_OF_STREAK, CODES).order_by("customer_id")
    rows = [(r["applied_tier_rank"], r["periods_below"], r["pending_tier_rank"],
             r["hysteresis_reason"]) for r in out.to_pyarrow().to_pylist()]
    assert rows == [(1, 0, None, "same"), (3, 0, None, "downgrade"), (1, 1, 2, "held")]


def test_the_published_record_reads_missing_ranks_from_pandas_as_none() -> None:
    """The close builds records from a pandas frame, where a missing rank is NaN or <NA>."""
    for missing in (float("nan"), pd.NA):
        row = {"applied_tier_rank": 1, "periods_below": 0, "pending_tier_rank": missing,
               "hysteresis_reason": "new", "previous_applied_rank": missing,
               "downgrade_buffer": missing, CAP: missing}
        assert hysteresis_record(row, CODES) == {
            "tier": "core", "reason": "new", "periods_below": 0, "pending_tier": None,
            "downgrade_buffer": None, "previous_applied_tier": None, "cap_tier": None}


def test_the_published_record_names_the_tier_of_a_fired_cap() -> None:
    row = {"applied_tier_rank": 4, "periods_below": 0, "pending_tier_rank": None,
           "hysteresis_reason": "capped", "previous_applied_rank": 0, "downgrade_buffer": 4,
           CAP: 4}
    record = hysteresis_record(row, CODES)
    assert (record["tier"], record["cap_tier"], record["previous_applied_tier"]) == (
        "basic", "basic", "strategic")
