"""PSI computed by hand on three bins; bins fixed on the reference; empty bins floored."""

from __future__ import annotations

import math

import numpy as np
import pytest

from corptier.evaluation import psi, psi_verdict

REF = list(range(1, 11))
CUR = [1, 2, 4, 5, 6, 8, 9, 10, 10, 10]


def test_psi_by_hand_on_three_bins() -> None:
    r = psi(REF, CUR, bins=[4, 8])
    # shares: reference 0.3 / 0.4 / 0.3, current 0.2 / 0.3 / 0.5
    expected = ((0.2 - 0.3) * math.log(0.2 / 0.3) + (0.3 - 0.4) * math.log(0.3 / 0.4)
                + (0.5 - 0.3) * math.log(0.5 / 0.3))
    assert r.value == pytest.approx(expected) == pytest.approx(0.1714798, abs=1e-7)
    assert r.ref_share == pytest.approx((0.3, 0.4, 0.3))
    assert r.cur_share == pytest.approx((0.2, 0.3, 0.5))
    assert (r.bins, r.n_ref, r.n_cur, r.verdict) == (3, 10, 10, "moderate")


def test_quantile_bins_are_exact_quantiles_of_the_reference() -> None:
    r = psi(REF, CUR, bins=3)
    assert r.edges == (4.0, 7.0)  # numpy linear quantiles 1/3 and 2/3 of 1..10
    assert r.ref_share == pytest.approx((0.3, 0.3, 0.4))


def test_empty_bin_is_floored_with_epsilon() -> None:
    r = psi([1, 2, 3, 4], [1, 1, 1, 1], bins=[2.5], epsilon=1e-4)
    expected = 0.5 * math.log(1 / 0.5) + (1e-4 - 0.5) * math.log(1e-4 / 0.5)
    assert r.value == pytest.approx(expected)
    assert r.cur_share == (1.0, 0.0)
    assert r.verdict == "significant"


def test_same_distribution_is_stable_and_values_beyond_the_reference_land_in_end_bins() -> None:
    rng = np.random.default_rng(0)
    ref = rng.normal(size=5000)
    assert psi(ref, ref).value == pytest.approx(0.0)
    r = psi(ref, ref + 100)
    assert r.cur_share[-1] == 1.0


def test_verdict_thresholds_and_ties_in_quantile_edges() -> None:
    assert [psi_verdict(v) for v in (0.0999, 0.10, 0.25, 0.2501)] == [
        "stable", "moderate", "moderate", "significant"]
    r = psi([0] * 80 + list(range(20)), [0] * 100, bins=10)
    assert r.bins < 10  # repeated values merge edges


def test_nulls_are_dropped_and_empty_input_is_refused() -> None:
    assert psi([1, 2, None, 4], [1, 2, 3, float("nan")], bins=[2.5]).n_ref == 3
    with pytest.raises(ValueError, match="both sides"):
        psi([], [1])
