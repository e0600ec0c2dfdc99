"""The BG/NBD customer-base model (Fader, Hardie & Lee 2005): who is still a customer?

Corporate customers rarely close their accounts; they move their business away. The BG/NBD
model reads each customer's repeat-transaction history — frequency x (repeat events), recency
t_x (time of the last one, from the first) and age T (time from the first event to the end of
the observation) — and gives the probability that the customer is still "alive" and the number
of events to expect. While alive, a customer transacts as a Poisson process with rate λ; after
every repeat event it drops out with probability p; λ ~ Gamma(r, α) and p ~ Beta(a, b) across
customers.

    >>> fitted = fit(frequency, recency, T)            # maximum likelihood
    >>> fitted.r, fitted.alpha, fitted.a, fitted.b, fitted.log_likelihood
    >>> p_alive(fitted, frequency, recency, T)         # one probability per customer
    >>> expected_transactions(fitted, 13, frequency, recency, T)

All functions are vectorised over customers (numpy arrays or anything array-like) and check
their inputs first; a bad input raises `InvalidParameterError` (a `ValueError`) that names the
parameter and the first customer at fault. On the CDNOW benchmark (2,357 customers, weeks) the
published fit is r = 0.243, α = 4.414, a = 0.793, b = 2.426 with log-likelihood −9582.4.

References: P. S. Fader, B. G. S. Hardie, K. L. Lee, "Counting Your Customers the Easy Way: An
Alternative to the Pareto/NBD Model", Marketing Science 24(2), 2005, 275–284 (equations 6, 10
and the P(alive) expression of its appendix / technical note).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from corptier.errors import ModelParameterError

FloatArray = NDArray[np.float64]
PARAMETERS = ("r", "alpha", "a", "b")
LOG_BOUND = 30.0  # parameters are fitted as logs within ±30 (1e-13 … 1e13)


class InvalidParameterError(ModelParameterError):
    """An input of a BG/NBD function is out of its domain; the message names it."""


@dataclass(frozen=True)
class BgNbdFit:
    """A fitted BG/NBD model.

    Attributes
    ----------
    r, alpha : shape and rate (per time unit of the inputs) of the Gamma distribution of λ.
    a, b : shape parameters of the Beta distribution of the dropout probability p.
    log_likelihood : the full log-likelihood (FHL 2005 eq. 6 summed over customers, nothing
        dropped) at the fitted parameters, without the penalty.
    n : number of customers fitted.
    converged : whether the optimiser reported success away from the parameter bounds.
    informative : False when the caller judged the fit degenerate (e.g. a or b beyond a
        plausible range, tiering/behaviour.py), so that nothing should be read from it.
    reason : why the fit is not informative (None when it is).
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n: int
    converged: bool
    informative: bool = True
    reason: str | None = None

    @property
    def usable(self) -> bool:
        """Converged and informative: P(alive) may be read from it."""
        return self.converged and self.informative

    @property
    def params(self) -> tuple[float, float, float, float]:
        return (self.r, self.alpha, self.a, self.b)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- input checks ---------------------------------------------------------------------------------
def _array(name: str, values: ArrayLike, func: str) -> FloatArray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"The '{name}' parameter of bgnbd.{func} must be numbers; got {type(values).__name__}"
        ) from None
    arr = np.atleast_1d(arr)
    if arr.ndim != 1:
        raise InvalidParameterError(
            f"The '{name}' parameter of bgnbd.{func} must be one value per customer (1-D); "
            f"got shape {arr.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise InvalidParameterError(
            f"The '{name}' parameter of bgnbd.{func} must be finite for every customer; "
            f"customer at index {bad[0]} has {arr[bad[0]]}"
        )
    return arr


def _first(mask: NDArray[np.bool_]) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _fail(func: str, name: str, rule: str, i: int, detail: str) -> None:
    raise InvalidParameterError(
        f"The '{name}' parameter of bgnbd.{func} must be {rule} for every customer; "
        f"customer at index {i} has {detail}"
    )


def check_customers(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
                    func: str = "fit") -> tuple[FloatArray, FloatArray, FloatArray]:
    """Validate (frequency, recency, T) and return them as float arrays of one length."""
    x = _array("frequency", frequency, func)
    t_x = _array("recency", recency, func)
    age = _array("T", T, func)
    for name, arr in (("recency", t_x), ("T", age)):
        if arr.size != x.size:
            raise InvalidParameterError(
                f"The '{name}' parameter of bgnbd.{func} must have one value per customer like "
                f"'frequency' ({x.size} values); got {arr.size}"
            )
    if x.size == 0:
        raise InvalidParameterError(f"bgnbd.{func} needs at least one customer; got none")
    if (i := _first((x < 0) | (x != np.floor(x)))) is not None:
        _fail(func, "frequency", "a whole number >= 0", i, f"frequency {x[i]:g}")
    if (i := _first(t_x < 0)) is not None:
        _fail(func, "recency", ">= 0", i, f"recency {t_x[i]:g}")
    if (i := _first(age < 0)) is not None:
        _fail(func, "T", ">= 0", i, f"T {age[i]:g}")
    if (i := _first(t_x > age * (1 + 1e-12))) is not None:
        _fail(func, "recency", "<= T", i, f"recency {t_x[i]:g} > T {age[i]:g}")
    if (i := _first((x == 0) & (t_x != 0))) is not None:
        _fail(func, "recency", "0 when frequency is 0", i,
              f"frequency 0 and recency {t_x[i]:g}")
    return x, t_x, age


def _check_fit(fitted: Any, func: str) -> None:
    if not isinstance(fitted, BgNbdFit):
        raise InvalidParameterError(
            f"The 'fit' parameter of bgnbd.{func} must be a BgNbdFit (the result of bgnbd.fit); "
            f"got {type(fitted).__name__}"
        )


def _check_params(params: ArrayLike, name: str, func: str) -> FloatArray:
    arr = np.asarray(params, dtype=np.float64).ravel()
    if arr.size != 4 or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise InvalidParameterError(
            f"The '{name}' parameter of bgnbd.{func} must be four positive numbers "
            f"(r, alpha, a, b); got {params!r}"
        )
    return arr


# --- the likelihood -------------------------------------------------------------------------------
def _terms(params: FloatArray, x: FloatArray, t_x: FloatArray,
           age: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.bool_]]:
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + age)
    repeat = x > 0
    a4 = np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x)
    return a1 + a2, a3, np.where(repeat, a4, -np.inf), repeat


def individual_log_likelihood(params: ArrayLike, frequency: ArrayLike, recency: ArrayLike,
                              T: ArrayLike) -> FloatArray:
    r"""Each customer's log-likelihood under BG/NBD (FHL 2005, eq. 6).

    .. math::

        L(r, \alpha, a, b \mid x, t_x, T) =
            \frac{B(a, b + x)}{B(a, b)}
            \frac{\Gamma(r + x)\,\alpha^r}{\Gamma(r)\,(\alpha + T)^{r + x}}
          + \delta_{x > 0}\,\frac{B(a + 1, b + x - 1)}{B(a, b)}
            \frac{\Gamma(r + x)\,\alpha^r}{\Gamma(r)\,(\alpha + t_x)^{r + x}}

    i.e. ln L = A1 + A2 + ln(e^A3 + δ e^A4) with A1 = ln Γ(r+x) − ln Γ(r) + r ln α,
    A2 = ln B(a, b+x) − ln B(a, b), A3 = −(r+x) ln(α+T),
    A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x) (using B(a+1, b+x−1)/B(a, b+x) = a/(b+x−1)).
    Eq. 6 is the whole likelihood of the observed transaction pattern: no constant is left
    out, so its sum is comparable with published values (CDNOW: −9582.4).
    """
    x, t_x, age = check_customers(frequency, recency, T, "individual_log_likelihood")
    p = _check_params(params, "params", "individual_log_likelihood")
    base, a3, a4, _ = _terms(p, x, t_x, age)
    return base + np.logaddexp(a3, a4)


def _objective(theta: FloatArray, x: FloatArray, t_x: FloatArray, age: FloatArray,
               penalizer: float) -> tuple[float, FloatArray]:
    """Mean negative log-likelihood (+ L2 penalty on the log-parameters) and its gradient."""
    params = np.exp(theta)
    r, alpha, a, b = params
    base, a3, a4, repeat = _terms(params, x, t_x, age)
    mix = np.logaddexp(a3, a4)
    w = np.where(repeat, np.exp(a4 - mix), 0.0)  # weight of the "dropped out at t_x" term
    v = 1.0 - w
    bx1 = b + np.maximum(x, 1) - 1
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - v * np.log(alpha + age) \
        - w * np.log(alpha + t_x)
    d_alpha = r / alpha - v * (r + x) / (alpha + age) - w * (r + x) / (alpha + t_x)
    d_a = digamma(a + b) - digamma(a + b + x) + w / a
    d_b = digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x) - w / bx1
    n = x.size
    value = -(base + mix).sum() / n + penalizer * float(theta @ theta)
    grad = -np.array([d.sum() for d in (d_r, d_alpha, d_a, d_b)]) * params / n
    return float(value), grad + 2 * penalizer * theta


def fit(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, *,
        initial: ArrayLike | None = None, penalizer: float = 0.0) -> BgNbdFit:
    """Fit r, α, a, b by maximum likelihood.

    Parameters
    ----------
    frequency : repeat transactions per customer (whole numbers >= 0).
    recency : time of the last repeat transaction, from the first one (0 when frequency is 0).
    T : time from the first transaction to the end of the observation (>= recency; 0 for a
        customer first seen on the last day, who then adds nothing to the likelihood).
    initial : starting (r, alpha, a, b); default (1, mean(T) / (1 + mean(frequency)), 1, 1).
    penalizer : L2 penalty on the log-parameters, added to the mean negative log-likelihood
        (0 = plain maximum likelihood); helps small or degenerate samples.

    Returns
    -------
    BgNbdFit with the parameters, the full log-likelihood and whether the optimiser converged.

    The log-parameters are optimised with L-BFGS-B on the analytic gradient over (r, α, the
    mean dropout a / (a + b), the concentration a + b ≤ `MAX_CONCENTRATION`); should that not
    converge, Nelder-Mead continues from where it stopped. Without `initial`, two starts are
    tried and the better end kept.
    """
    x, t_x, age = check_customers(frequency, recency, T, "fit")
    if not np.any(x > 0):
        raise InvalidParameterError(
            "bgnbd.fit needs at least one customer with a repeat transaction (frequency > 0); "
            f"all {x.size} have frequency 0"
        )
    if not (np.isfinite(penalizer) and penalizer >= 0):
        raise InvalidParameterError(
            f"The 'penalizer' parameter of bgnbd.fit must be a number >= 0; got {penalizer!r}"
        )
    if initial is None:
        rate = age.mean() / (1.0 + x.mean())
        # two starts: the likelihood has a mode where a + b → 0 (a few drop at once, the rest
        # never) besides the heterogeneous or homogeneous one, and L-BFGS-B from a = b = 1 can
        # end in it with a worse likelihood; the better of the two ends is kept
        starts = [np.array([1.0, rate, 1.0, 1.0]),
                  np.array([1.0, rate, HOMOGENEOUS_START[0], HOMOGENEOUS_START[1]])]
    else:
        starts = [_check_params(initial, "initial", "fit")]
    ends = [_maximise(np.log(s), x, t_x, age, float(penalizer)) for s in starts]
    theta, converged = min(ends, key=lambda end: _objective(end[0], x, t_x, age,
                                                            float(penalizer))[0])
    params = np.exp(theta)
    ll = float((individual_log_likelihood(params, x, t_x, age)).sum())
    r, alpha, a, b = (float(v) for v in params)
    return BgNbdFit(r, alpha, a, b, ll, int(x.size), converged)


NELDER_MEAD_STEPS = 1500
"""Iterations of the derivative-free fallback when L-BFGS-B does not converge."""

MAX_CONCENTRATION = 1e8
"""Upper bound of a + b. Beyond it Beta(a, b) is a spike (relative spread below 1 % for any
dropout chance above 1e-4): the homogeneous-dropout limit, which the likelihood approaches
along a ridge of constant a / (a + b). Bounding a + b gives that limit a point to converge to
instead of a walk up the ridge."""


HOMOGENEOUS_START = (1e4, 1e6 - 1e4)
"""(a, b) of the second start: a mean dropout chance of 1 % per active week, nearly the same
for everyone."""


def _to_search(theta: FloatArray) -> FloatArray:
    """(ln r, ln α, ln a, ln b) → (ln r, ln α, logit of the mean dropout m, ln of κ = a + b)."""
    log_a, log_b = theta[2], theta[3]
    log_kappa = np.logaddexp(log_a, log_b)
    return np.array([theta[0], theta[1], log_a - log_b, log_kappa])


def _from_search(phi: FloatArray) -> FloatArray:
    """The inverse of `_to_search`: a = m κ and b = (1 − m) κ, as logs."""
    log_m, log_1m = -np.logaddexp(0.0, -phi[2]), -np.logaddexp(0.0, phi[2])
    return np.array([phi[0], phi[1], log_m + phi[3], log_1m + phi[3]])


def _search_objective(phi: FloatArray, *args: Any) -> tuple[float, FloatArray]:
    """`_objective` over the search coordinates, its gradient by the chain rule."""
    value, g = _objective(_from_search(phi), *args)
    m = expit(phi[2])
    return value, np.array([g[0], g[1], g[2] * (1.0 - m) - g[3] * m, g[2] + g[3]])


def _maximise(theta0: FloatArray, x: FloatArray, t_x: FloatArray, age: FloatArray,
              penalizer: float) -> tuple[FloatArray, bool]:
    """Maximise over (r, α, mean dropout, concentration): a and b far apart in scale are then
    one well-conditioned coordinate each, and the homogeneous limit is the bound of one."""
    args = (x, t_x, age, penalizer)
    bounds = [(-LOG_BOUND, LOG_BOUND)] * 3 + [(-LOG_BOUND, float(np.log(MAX_CONCENTRATION)))]
    phi0 = np.clip(_to_search(theta0), [lo for lo, _ in bounds], [hi for _, hi in bounds])
    res = optimize.minimize(_search_objective, phi0, args=args, jac=True, method="L-BFGS-B",
                            bounds=bounds, options={"maxiter": 2000, "ftol": 1e-14,
                                                    "gtol": 1e-9})
    if not res.success:
        def value(phi: FloatArray) -> float:
            return _search_objective(phi, *args)[0]

        # bounded: on a flat likelihood the simplex would walk for minutes (2.5 min on 4,000
        # customers); a fit it cannot finish is not converged, hence not informative
        res = optimize.minimize(value, res.x, method="Nelder-Mead", bounds=bounds,
                                options={"maxiter": NELDER_MEAD_STEPS,
                                         "maxfev": 2 * NELDER_MEAD_STEPS,
                                         "xatol": 1e-9, "fatol": 1e-13})
    phi = np.clip(res.x, [lo for lo, _ in bounds], [hi for _, hi in bounds])
    # the concentration's upper bound is the homogeneous limit, a valid fit; the others are not
    at_bound = bool(np.any(np.abs(phi[:3]) >= LOG_BOUND - 1e-6)
                    or phi[3] <= -LOG_BOUND + 1e-6)
    theta = np.clip(_from_search(phi), -LOG_BOUND, LOG_BOUND)
    return theta, bool(res.success) and not at_bound


# --- what the model says about each customer ------------------------------------------------------
def p_alive(fit: BgNbdFit, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
    """P(alive | x, t_x, T): the probability that each customer has not dropped out.

        P(alive) = 1 / (1 + δ_{x>0} · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x))

    A customer without repeat transactions (x = 0) is alive with probability 1: in BG/NBD a
    customer can only drop out right after a repeat transaction.
    """
    _check_fit(fit, "p_alive")
    x, t_x, age = check_customers(frequency, recency, T, "p_alive")
    return expit(-_log_odds_dead(fit, x, t_x, age))


def _log_odds_dead(fit: BgNbdFit, x: FloatArray, t_x: FloatArray, age: FloatArray) -> FloatArray:
    r, alpha, a, b = fit.params
    log_odds = (np.log(a) - np.log(b + np.maximum(x, 1) - 1)
                + (r + x) * (np.log(alpha + age) - np.log(alpha + t_x)))
    return np.where(x > 0, log_odds, -np.inf)


def expected_transactions(fit: BgNbdFit, t: ArrayLike, frequency: ArrayLike,
                          recency: ArrayLike, T: ArrayLike) -> FloatArray:
    """E[Y(t) | x, t_x, T]: transactions each customer is expected to make in the next `t`
    time units (FHL 2005, eq. 10).

        E = (a + b + x − 1) / (a − 1)
            · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]
            · P(alive)

    The hypergeometric term is evaluated after Euler's transformation,
    q^(r+x) · 2F1(r+x, b+x; c; 1−q) = q^(a−1) · 2F1(a+b−1−r, a−1; c; 1−q) with
    q = (α+T)/(α+T+t) and c = a+b+x−1, whose series converges fast even for customers with
    hundreds of transactions. `t` is a number or one value per customer. Undefined at a = 1.
    """
    _check_fit(fit, "expected_transactions")
    x, t_x, age = check_customers(frequency, recency, T, "expected_transactions")
    horizon = np.broadcast_to(np.asarray(t, dtype=np.float64), x.shape)
    if (i := _first(~np.isfinite(horizon) | (horizon < 0))) is not None:
        _fail("expected_transactions", "t", ">= 0", i, f"t {horizon[i]:g}")
    r, alpha, a, b = fit.params
    q = (alpha + age) / (alpha + age + horizon)
    c = a + b + x - 1
    bracket = 1.0 - q ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, c, 1.0 - q)
    alive = expit(-_log_odds_dead(fit, x, t_x, age))
    return (c / (a - 1)) * bracket * alive


# --- a generator of customer histories ----------------------------------------------------------
def sample(r: float, alpha: float, a: float, b: float, T: ArrayLike, *,
           seed: int | np.random.Generator | None = None) -> tuple[FloatArray, FloatArray]:
    """Draw (frequency, recency) for customers observed for `T` from the BG/NBD process.

    Each customer gets λ ~ Gamma(r, rate α) and p ~ Beta(a, b); transactions follow a Poisson
    process with rate λ from its first one at time 0; after each repeat transaction it drops
    out with probability p. Used to test `fit` against known parameters.
    """
    _check_params([r, alpha, a, b], "r, alpha, a, b", "sample")
    age = _array("T", T, "sample")
    rng = np.random.default_rng(seed)
    lam = np.maximum(rng.gamma(r, 1.0 / alpha, age.size), 1e-300)
    drop = rng.beta(a, b, age.size)
    x, t_x, now = np.zeros(age.size), np.zeros(age.size), np.zeros(age.size)
    active = np.ones(age.size, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        now[idx] += rng.exponential(1.0 / lam[idx])
        late = now[idx] > age[idx]
        active[idx[late]] = False
        bought = idx[~late]
        x[bought] += 1
        t_x[bought] = now[bought]
        active[bought[rng.random(bought.size) < drop[bought]]] = False
    return x, t_x
