"""Standard A vs B on the same customers; a backtest over a short history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corptier.evaluation import backtest, compare_assignments

ORDER = ["core", "key", "basic"]


def test_compare_counts_capture_and_movers() -> None:
    a = pd.Series({"x": "core", "y": "key", "z": "basic", "w": "basic"})
    b = pd.Series({"x": "key", "y": "key", "z": "core", "w": "basic"})
    contribution = pd.Series({"x": 50.0, "y": 30.0, "z": 20.0, "w": 0.0})
    points_a = pd.DataFrame({"contribution": [40, 10, 5, 0], "dep_avg": [20, 10, 5, 0]},
                            index=["x", "y", "z", "w"])
    points_b = points_a.assign(dep_avg=[5, 10, 30, 0])  # x loses deposit points, z gains
    c = compare_assignments(a, b, ORDER, contribution=contribution, points_a=points_a,
                            points_b=points_b)
    assert c.counts.to_dict("list") == {"a": [1, 1, 2], "b": [1, 2, 1]}
    assert c.contribution_share["a"].tolist() == pytest.approx([0.5, 0.3, 0.2])
    assert c.contribution_share["b"].tolist() == pytest.approx([0.2, 0.8, 0.0])
    assert c.matrix.counts.loc["core", "key"] == 1 and c.matrix.diagonal_share == 0.5
    changes = c.changes.set_index("customer_id")
    assert changes.loc["x"].tolist() == ["core", "key", "down", "dep_avg", -15]
    assert changes.loc["z"].tolist() == ["basic", "core", "up", "dep_avg", 25]
    assert set(changes.index) == {"x", "z"}


def test_a_tier_empty_under_one_standard_counts_zero() -> None:
    a = pd.Series({"x": "core", "y": "key"})
    b = pd.Series({"x": "key", "y": "key"})  # no core customer under B, no basic under either
    c = compare_assignments(a, b, ORDER)
    assert c.counts.to_dict("list") == {"a": [1, 1, 0], "b": [0, 2, 0]}


def test_backtest_summarises_stability_psi_and_concentration() -> None:
    rng = np.random.default_rng(5)
    rows = []
    for k, period in enumerate(["2024-01", "2024-02", "2024-03"]):
        for i in range(200):
            score = float(i % 100) + k * 10  # the distribution drifts up
            tier = "core" if score >= 80 else "key" if score >= 40 else "basic"
            rows.append((period, f"c{i}", tier, score, rng.normal(100, 50)))
    history = pd.DataFrame(rows, columns=["period", "customer_id", "applied_tier", "score",
                                          "contribution"])
    bt = backtest(history, ORDER)
    assert bt.periods == ("2024-01", "2024-02", "2024-03")
    table = bt.psi_table()
    assert table["period"].tolist() == ["2024-02", "2024-03"]
    assert table["psi"].is_monotonic_increasing and (table["bins"] == 10).all()
    assert (table["n_ref"] == 200).all()
    assert len(bt.stability.steps) == 2 and bt.stability.flapping.customers_flapping == 0
    assert set(bt.concentration_table()["period"]) == set(bt.periods)
