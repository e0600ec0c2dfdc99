"""BG/NBD: the likelihood is FHL 2005 eq. 6, the fit recovers known parameters, the customer
quantities behave, and bad inputs are named."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import beta, gamma, hyp2f1

from corptier.tiering import bgnbd
from corptier.tiering.bgnbd import BgNbdFit, InvalidParameterError

CDNOW = (0.243, 4.414, 0.793, 2.426)  # FHL 2005, fitted on CDNOW (weeks)
CDNOW_FIT = BgNbdFit(*CDNOW, log_likelihood=-9582.4, n=2357, converged=True)


@pytest.fixture(scope="module")
def simulated() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """20,000 customers from the BG/NBD process at the CDNOW parameters; like CDNOW, first
    purchases fall in the first 12 weeks and observation ends at week 39."""
    rng = np.random.default_rng(2005)
    age = 39.0 - rng.uniform(0, 12, 20_000)
    x, t_x = bgnbd.sample(*CDNOW, age, seed=rng)
    return x, t_x, age


def _eq6_direct(params, x, t_x, age) -> np.ndarray:
    """FHL 2005 eq. 6 written out literally with beta and gamma functions (small x only)."""
    r, alpha, a, b = params
    rate = gamma(r + x) * alpha**r / gamma(r)
    stay = beta(a, b + x) / beta(a, b) * rate / (alpha + age) ** (r + x)
    drop = np.where(x > 0,
                    beta(a + 1, np.maximum(b + x - 1, 1e-9)) / beta(a, b) * rate
                    / (alpha + t_x) ** (r + x), 0.0)
    return np.log(stay + drop)


def test_log_likelihood_is_eq6_of_fader_hardie_lee(simulated) -> None:
    x, t_x, age = simulated
    small = x <= 20
    ours = bgnbd.individual_log_likelihood(CDNOW, x[small], t_x[small], age[small])
    direct = _eq6_direct(CDNOW, x[small], t_x[small], age[small])
    np.testing.assert_allclose(ours, direct, rtol=1e-10)
    assert np.isclose(ours.sum(), direct.sum(), rtol=1e-12)


def test_log_likelihood_of_one_customer_by_hand() -> None:
    """x = 2, t_x = 30.43, T = 38.86 (FHL's worked customer) at the CDNOW parameters."""
    r, alpha, a, b = CDNOW
    x, t_x, age = 2, 30.43, 38.86
    common = gamma(r + x) * alpha**r / gamma(r)
    by_hand = np.log(beta(a, b + x) / beta(a, b) * common / (alpha + age) ** (r + x)
                     + beta(a + 1, b + x - 1) / beta(a, b) * common / (alpha + t_x) ** (r + x))
    assert bgnbd.individual_log_likelihood(CDNOW, [x], [t_x], [age])[0] == pytest.approx(by_hand)


def test_fit_recovers_the_parameters_it_was_simulated_with(simulated) -> None:
    x, t_x, age = simulated
    fitted = bgnbd.fit(x, t_x, age)
    assert fitted.converged and fitted.n == 20_000
    for name, got, want, tol in zip(bgnbd.PARAMETERS, fitted.params, CDNOW,
                                    (0.10, 0.15, 0.20, 0.25), strict=True):
        assert got == pytest.approx(want, rel=tol), name
    at_truth = bgnbd.individual_log_likelihood(CDNOW, x, t_x, age).sum()
    assert fitted.log_likelihood >= at_truth  # it is the maximum
    assert fitted.log_likelihood - at_truth < 10  # and the truth is well inside its region
    # the maximum does not depend on where the search starts
    again = bgnbd.fit(x, t_x, age, initial=(2.0, 10.0, 0.3, 6.0))
    np.testing.assert_allclose(again.params, fitted.params, rtol=1e-4)


def test_penalizer_shrinks_log_parameters_towards_zero(simulated) -> None:
    x, t_x, age = (v[:2000] for v in simulated)
    plain = bgnbd.fit(x, t_x, age)
    shrunk = bgnbd.fit(x, t_x, age, penalizer=0.1)
    assert np.sum(np.log(shrunk.params) ** 2) < np.sum(np.log(plain.params) ** 2)
    assert shrunk.log_likelihood < plain.log_likelihood


def test_gradient_matches_finite_differences(simulated) -> None:
    x, t_x, age = (v[:3000] for v in simulated)
    theta = np.log([0.5, 3.0, 1.2, 2.0])
    _, grad = bgnbd._objective(theta, x, t_x, age, 0.05)
    eps = 1e-6
    numeric = [
        (bgnbd._objective(theta + eps * e, x, t_x, age, 0.05)[0]
         - bgnbd._objective(theta - eps * e, x, t_x, age, 0.05)[0]) / (2 * eps)
        for e in np.eye(4)
    ]
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-9)


# --- P(alive) and expected transactions --------------------------------------------------------
def test_p_alive_is_one_without_repeat_transactions() -> None:
    assert bgnbd.p_alive(CDNOW_FIT, [0, 0], [0, 0], [5.0, 39.0]).tolist() == [1.0, 1.0]


def test_p_alive_formula_and_recency_effect() -> None:
    r, alpha, a, b = CDNOW
    x, t_x, age = 6, 30.43, 38.86
    want = 1 / (1 + a / (b + x - 1) * ((alpha + age) / (alpha + t_x)) ** (r + x))
    assert bgnbd.p_alive(CDNOW_FIT, [x], [t_x], [age])[0] == pytest.approx(want)
    # the longer since the last transaction, the less likely alive
    probs = bgnbd.p_alive(CDNOW_FIT, [6] * 4, [38.0, 30.0, 20.0, 5.0], [38.86] * 4)
    assert np.all(np.diff(probs) < 0)
    # many transactions long ago: practically gone, without overflow
    assert bgnbd.p_alive(CDNOW_FIT, [300], [2.0], [52.0])[0] == pytest.approx(0.0, abs=1e-12)


def test_expected_transactions_matches_the_published_cdnow_example() -> None:
    """FHL 2005 (and Hardie's spreadsheet): x=2, t_x=30.43, T=38.86 → 1.226 in 39 weeks."""
    got = bgnbd.expected_transactions(CDNOW_FIT, 39, [2], [30.43], [38.86])[0]
    assert got == pytest.approx(1.226, abs=5e-4)


def test_expected_transactions_equals_eq10_with_the_plain_hypergeometric() -> None:
    r, alpha, a, b = CDNOW
    rng = np.random.default_rng(1)
    x = rng.integers(0, 30, 200).astype(float)
    age = rng.uniform(20, 52, 200)
    t_x = np.where(x > 0, rng.uniform(0, 1, 200) * age, 0.0)
    t = rng.uniform(0, 52, 200)
    z = t / (alpha + age + t)
    plain = ((a + b + x - 1) / (a - 1)
             * (1 - ((alpha + age) / (alpha + age + t)) ** (r + x)
                * hyp2f1(r + x, b + x, a + b + x - 1, z))
             / (1 + (x > 0) * a / (b + np.maximum(x, 1) - 1)
                * ((alpha + age) / (alpha + t_x)) ** (r + x)))
    ours = bgnbd.expected_transactions(CDNOW_FIT, t, x, t_x, age)
    np.testing.assert_allclose(ours, plain, rtol=1e-8)


def test_expected_transactions_grow_with_the_horizon_and_stay_finite() -> None:
    horizons = np.array([0.0, 1, 4, 13, 26, 52, 104, 520])
    for x, t_x in ((0, 0.0), (2, 30.43), (25, 38.0), (250, 51.9)):
        values = np.array([bgnbd.expected_transactions(CDNOW_FIT, h, [x], [t_x], [52.0])[0]
                           for h in horizons])
        assert values[0] == 0.0
        assert np.all(np.isfinite(values)) and np.all(np.diff(values) > 0), (x, values)
    # a busy, recent customer is expected to do more than a quiet one
    busy, quiet = bgnbd.expected_transactions(CDNOW_FIT, 13, [250, 2], [51.9, 30.0], [52, 52])
    assert busy > 10 * quiet


def test_sample_respects_the_model_bounds() -> None:
    age = np.full(5000, 39.0)
    x, t_x = bgnbd.sample(*CDNOW, age, seed=3)
    assert np.all(x == np.floor(x)) and np.all(t_x <= age) and np.all((x == 0) == (t_x == 0))
    bgnbd.check_customers(x, t_x, age)


# --- inputs are checked up front, with the parameter and the customer named ---------------------
@pytest.mark.parametrize(
    ("frequency", "recency", "T", "message"),
    [
        ([1, 2], [1.0, 40.0], [38.0, 38.0],
         "The 'recency' parameter of bgnbd.fit must be <= T for every customer; "
         "customer at index 1 has recency 40 > T 38"),
        ([1, -1], [1.0, 0.0], [5.0, 5.0], "'frequency' .* whole number >= 0 .* index 1"),
        ([1.5], [1.0], [5.0], "'frequency' .* whole number"),
        ([1], [-1.0], [5.0], "'recency' .* >= 0"),
        ([1], [1.0], [-1.0], "'T' .* >= 0 .* index 0 has T -1"),
        ([0], [2.0], [5.0], "'recency' .* 0 when frequency is 0 .* recency 2"),
        ([1, 2], [1.0], [5.0, 5.0], "'recency' .* one value per customer .* got 1"),
        ([1, np.nan], [1.0, 1.0], [5.0, 5.0], "'frequency' .* finite .* index 1"),
        ([], [], [], "at least one customer"),
        ([0, 0], [0.0, 0.0], [5.0, 5.0], "frequency > 0"),
    ],
)
def test_bad_inputs_are_named(frequency, recency, T, message) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        bgnbd.fit(frequency, recency, T)


def test_errors_are_value_errors_and_other_parameters_are_checked() -> None:
    assert issubclass(InvalidParameterError, ValueError)
    with pytest.raises(ValueError, match="'penalizer'"):
        bgnbd.fit([1], [1.0], [2.0], penalizer=-1)
    with pytest.raises(ValueError, match=r"'initial' .* four positive numbers"):
        bgnbd.fit([1], [1.0], [2.0], initial=(1, 0, 1, 1))
    with pytest.raises(ValueError, match=r"'fit' parameter of bgnbd.p_alive"):
        bgnbd.p_alive(CDNOW, [1], [1.0], [2.0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"'t' .* >= 0"):
        bgnbd.expected_transactions(CDNOW_FIT, -1, [1], [1.0], [2.0])
