"""Gini, Lorenz points and top shares computed by hand, including negative contributions.

Gini definition used: the population Gini Σᵢ Σⱼ |xᵢ − xⱼ| / (2n²·mean), without n/(n−1).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corptier.evaluation import concentration, gini, lorenz_curve
from corptier.evaluation.concentration import top_share


def test_gini_by_hand() -> None:
    assert gini([0, 0, 0, 10]) == pytest.approx(0.75)  # Σ|xi−xj| = 60 over 2·16·2.5 = 80
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)   # 20 / 80
    assert gini([5, 5, 5]) == pytest.approx(0.0)
    assert gini([4, 3, 1, 2]) == gini([1, 2, 3, 4])     # order does not matter


def test_lorenz_points_by_hand() -> None:
    x, y = lorenz_curve([10, 0, 0, 0])
    assert x.tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert y.tolist() == [0, 0, 0, 0, 1]
    x, y = lorenz_curve([1, 2, 3, 4])
    assert y.tolist() == pytest.approx([0, 0.1, 0.3, 0.6, 1.0])


def test_top_shares_by_hand() -> None:
    c = concentration(np.arange(1, 101))
    assert c.top_shares[0.01] == pytest.approx(100 / 5050)
    assert c.top_shares[0.05] == pytest.approx(490 / 5050)      # 96 … 100
    assert c.top_shares[0.20] == pytest.approx(1810 / 5050)     # 81 … 100
    assert top_share([1, 2, 3, 4], 0.01) == pytest.approx(0.4)  # at least one customer


def test_negative_contributions() -> None:
    c = concentration([-5, 1, 2, 12])
    assert c.total == 10
    assert c.gini == pytest.approx(1.3)  # (−3·−5 − 1·1 + 1·2 + 3·12) / (4·10): above 1
    assert c.lorenz_y.min() == pytest.approx(-0.5)
    assert c.top_shares[0.20] == pytest.approx(1.2)  # the best customer makes 120 % of the net
    assert c.destroying_share == 0.25 and c.value_destroyed == -5
    assert c.all_value_share == 0.25


def test_a_book_that_destroys_value_has_no_gini() -> None:
    c = concentration([-10, 1, 2])
    assert math.isnan(c.gini) and math.isnan(c.top_shares[0.2])
    assert np.isnan(c.lorenz_y).all()


def test_lorenz_is_thinned_for_charts_but_keeps_its_ends() -> None:
    x, y = lorenz_curve(np.arange(10_000), max_points=101)
    assert len(x) == 101 and (x[0], y[0], x[-1], y[-1]) == (0, 0, 1, 1)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-50, 1000), min_size=1, max_size=60))
def test_gini_is_one_minus_twice_the_area_under_the_lorenz_curve(values: list[int]) -> None:
    if sum(values) <= 0:
        return
    x, y = lorenz_curve(values)
    area = float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2))
    assert gini(values) == pytest.approx(1 - 2 * area, abs=1e-9)
