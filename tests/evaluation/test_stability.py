"""Flapping, diagonal shares and next-period exits on a history laid out by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corptier.evaluation import flapping, stability
from corptier.evaluation.stability import customer_exits

ORDER = ["a", "b", "c"]
PERIODS = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
PATHS = {
    "c1": "abaaaa",  # a→b at 02, back at 03 (1 period): flap
    "c2": "abbbaa",  # a→b at 02, back at 05 (3 periods): flap
    "c3": "abbbba",  # a→b at 02, back at 06 (4 periods): not a flap
    "c4": "aaaaaa",
    "c5": "cbcbcb",  # flaps at 02, 03, 04, 05; the change at 06 has no later period
    "c6": "a.....",  # seen once
    "c7": "a.ba..",  # absent at 02: no change counted at 02 or 03; b→a at 04 is not reversed
}


def history() -> pd.DataFrame:
    rows = [(p, c, tier) for c, path in PATHS.items()
            for p, tier in zip(PERIODS, path, strict=True) if tier != "."]
    return pd.DataFrame(rows, columns=["period", "customer_id", "applied_tier"])


def test_flapping_by_hand() -> None:
    f = flapping(history(), ORDER)
    events = f.events.sort_values(["customer_id", "changed_at"])
    assert list(zip(events.customer_id, events.changed_at, events.reverted_at, strict=True)) == [
        ("c1", "2024-02", "2024-03"),
        ("c2", "2024-02", "2024-05"),
        ("c5", "2024-02", "2024-03"),
        ("c5", "2024-03", "2024-04"),
        ("c5", "2024-04", "2024-05"),
        ("c5", "2024-05", "2024-06"),
    ]
    assert f.changes == 2 + 2 + 2 + 5 + 1  # c1, c2, c3, c5, c7
    assert f.customers_flapping == 3
    assert f.customers_observed == 6       # all but c6
    assert f.rate == pytest.approx(3 / 6)
    assert f.reversal_rate == pytest.approx(6 / 12)


def test_window_is_a_parameter() -> None:
    assert flapping(history(), ORDER, window=4).customers_flapping == 4  # c3 joins
    assert flapping(history(), ORDER, window=1).customers_flapping == 2  # c1, c5


def test_diagonal_shares_per_step() -> None:
    report = stability(history(), ORDER)
    first = report.steps.iloc[0]
    # 2024-01 → 02: stayers c1–c5; c4 same, c1–c3 down (a→b), c5 up (c→b); c6, c7 exit
    assert (first.period_from, first.period_to, first.stayers) == ("2024-01", "2024-02", 5)
    assert first.diagonal_share == pytest.approx(0.2)
    assert first.downgrade_share == pytest.approx(0.6)
    assert first.upgrade_share == pytest.approx(0.2)
    assert (first.new, first.exited) == (0, 2)
    assert len(report.steps) == 5


def test_next_period_exit_rate_by_tier() -> None:
    h = pd.DataFrame({"period": ["2024-01"] * 4 + ["2024-02"] * 2,
                      "customer_id": ["x", "y", "z", "w", "x", "z"],
                      "applied_tier": ["a", "a", "b", "c", "a", "b"]})
    exits = stability(h, ORDER).exit_rate_by_tier.set_index("tier")
    assert exits["customers"].tolist() == [2, 1, 1]
    assert exits["exited_next"].tolist() == [1, 0, 1]
    assert exits["exit_rate"].tolist() == pytest.approx([0.5, 0.0, 1.0])


def test_customer_exits_count_customers_not_customer_periods() -> None:
    # x is `a` for three periods then leaves; y is `a` twice, leaves, comes back as `b`, leaves
    h = pd.DataFrame({
        "period": ["2024-01", "2024-02", "2024-03", "2024-01", "2024-02", "2024-04"],
        "customer_id": ["x", "x", "x", "y", "y", "y"],
        "applied_tier": ["a", "a", "a", "a", "a", "b"]})
    report = stability(h, ORDER)
    exits = report.customer_exits.set_index("tier")
    assert exits.loc["a", ["customers", "exited"]].tolist() == [2, 2]
    assert exits.loc["b", ["customers", "exited"]].tolist() == [0, 0]  # last period: no next
    assert report.exit_rate_by_tier.set_index("tier").loc["a", "customers"] == 5  # periods


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 7), st.sampled_from(ORDER)),
                min_size=1, max_size=40))
def test_customer_exits_never_exceed_the_customers(rows) -> None:
    frame = pd.DataFrame(rows, columns=["k", "customer_id", "applied_tier"]).drop_duplicates(
        ["k", "customer_id"])
    frame["period"] = [f"2024-{k + 1:02d}" for k in frame["k"]]
    exits = customer_exits(frame, ORDER)
    distinct = frame["customer_id"].nunique()
    assert (exits["exited"] <= exits["customers"]).all()
    assert (exits["customers"] <= distinct).all()
