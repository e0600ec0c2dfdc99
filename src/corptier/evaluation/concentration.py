"""Concentration of contribution: Lorenz curve, Gini, top shares, customers destroying value.

Definitions (customers sorted by contribution ascending, x₍₁₎ ≤ … ≤ x₍ₙ₎, total T = Σ x):
- Lorenz curve: the points (k/n, (x₍₁₎+…+x₍ₖ₎)/T) for k = 0 … n, from (0, 0) to (1, 1).
- Gini: G = Σᵢ (2i − n − 1)·x₍ᵢ₎ / (n·T), the population definition (mean absolute difference
  over twice the mean, Σᵢ Σⱼ |xᵢ − xⱼ| / (2n²·mean), *without* the small-sample factor n/(n−1)).
  It equals 1 − 2·(area under the Lorenz curve). [0, 0, 0, 10] gives 0.75.
- Top p % share: the contribution of the ceil(p·n) best customers (at least one) over T.

Contribution can be negative (customers that destroy value). The same formulas are used on the
signed values, and they then mean:
- the Lorenz curve first dips below zero (the value destroyed by the worst customers) and then
  climbs to 1; its lowest point is minus the value destroyed over the net total;
- G can exceed 1: the dispersion is larger than the net total, because the value created by the
  best customers is partly eaten by the worst. G is no longer bounded by 1, so compare it across
  periods of the same book rather than read it as a textbook 0–1 index;
- a top share can exceed 100 %: the best customers make more than the whole net contribution;
- when the net total T ≤ 0 the book destroys value overall and none of these is defined (NaN).
Beside them the result reports the share of customers with negative contribution, the value they
destroy, and the smallest share of customers that makes the whole net contribution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from corptier.evaluation._inputs import numeric_array

DEFAULT_TOP = (0.01, 0.05, 0.20)


@dataclass(frozen=True)
class Concentration:
    """Concentration of one book's contribution."""

    n: int
    total: float
    gini: float
    top_shares: dict[float, float]
    lorenz_x: NDArray[np.float64]
    lorenz_y: NDArray[np.float64]
    destroying_share: float
    """Share of customers with negative contribution."""
    value_destroyed: float
    """Sum of the negative contributions (≤ 0)."""
    all_value_share: float
    """Smallest share of customers (the best ones) whose contribution reaches the net total."""


def concentration(
    values: object, *, top: Sequence[float] = DEFAULT_TOP, max_points: int | None = 201
) -> Concentration:
    """Everything about the concentration of `values` (e.g. the `contribution` column).

    `max_points` thins the Lorenz curve for charts (None keeps all n + 1 points); the Gini and
    top shares always use every value.
    """
    x = np.sort(numeric_array(values, "values"))
    n, total = x.size, float(x.sum()) if x.size else 0.0
    lx, ly = lorenz_curve(x, max_points=max_points, presorted=True)
    return Concentration(
        n=n,
        total=total,
        gini=gini(x, presorted=True),
        top_shares={float(p): top_share(x, p, presorted=True) for p in top},
        lorenz_x=lx,
        lorenz_y=ly,
        destroying_share=float((x < 0).mean()) if n else math.nan,
        value_destroyed=float(x[x < 0].sum()),
        all_value_share=_all_value_share(x, total),
    )


def gini(values: object, *, presorted: bool = False) -> float:
    """Population Gini of `values` (see the module text for negative values); NaN if T ≤ 0."""
    x = _sorted(values, presorted)
    n, total = x.size, float(x.sum()) if x.size else 0.0
    if n == 0 or total <= 0:
        return math.nan
    ranks = np.arange(1, n + 1, dtype=float)
    return float(np.sum((2 * ranks - n - 1) * x) / (n * total))


def lorenz_curve(
    values: object, *, max_points: int | None = None, presorted: bool = False
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Lorenz points (x = share of customers, y = share of contribution), from (0, 0) to (1, 1).

    With `max_points`, keeps evenly spaced points (always the first and the last); NaN y when the
    net total is not positive.
    """
    x = _sorted(values, presorted)
    n = x.size
    px = np.arange(n + 1, dtype=float) / max(n, 1)
    cum = np.concatenate([[0.0], np.cumsum(x)])
    total = cum[-1]
    py = cum / total if n and total > 0 else np.full(n + 1, math.nan)
    if max_points is not None and n + 1 > max_points:
        keep = np.unique(np.linspace(0, n, max(max_points, 2)).round().astype(int))
        px, py = px[keep], py[keep]
    return px, py


def top_share(values: object, fraction: float, *, presorted: bool = False) -> float:
    """Share of the net total made by the best ceil(fraction·n) customers (at least one)."""
    if not 0 < fraction <= 1:
        raise ValueError(f"The 'fraction' of top_share must be in (0, 1]. Got {fraction} instead.")
    x = _sorted(values, presorted)
    n, total = x.size, float(x.sum()) if x.size else 0.0
    if n == 0 or total <= 0:
        return math.nan
    k = max(1, math.ceil(fraction * n - 1e-9))
    return float(x[n - k :].sum() / total)


def _all_value_share(x: NDArray[np.float64], total: float) -> float:
    if x.size == 0 or total <= 0:
        return math.nan
    best_first = np.cumsum(x[::-1])
    k = int(np.argmax(best_first >= total - 1e-9 * abs(total))) + 1
    return k / x.size


def _sorted(values: object, presorted: bool) -> NDArray[np.float64]:
    if presorted and isinstance(values, np.ndarray):
        return values
    return np.sort(numeric_array(values, "values"))
