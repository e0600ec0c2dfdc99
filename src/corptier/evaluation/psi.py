"""Population stability index (PSI) of a distribution against a reference.

PSI = Σ (aᵢ − eᵢ)·ln(aᵢ/eᵢ), where eᵢ is the reference share and aᵢ the current share of bin i.
The bins are fixed on the reference: by default its exact quantiles (numpy's default linear
interpolation on all values, never an approximate sketch), so each bin holds about the same share
of the reference. Repeated values can merge quantile edges; duplicates are removed, so the bin
count reported may be lower than asked. The outer bins are open (−∞, +∞): a current value beyond
the reference range still lands in an end bin. A bin is left-closed: [edgeᵢ₋₁, edgeᵢ).

An empty bin would make the log infinite, so each share is floored at `epsilon` (default 1e-4)
before the sum; the shares are not re-normalised. Nulls are dropped from both samples.

Verdict (practice, configurable): < 0.10 stable, 0.10–0.25 moderate shift, > 0.25 significant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from corptier.evaluation._inputs import numeric_array

STABLE, MODERATE, SIGNIFICANT = "stable", "moderate", "significant"


@dataclass(frozen=True)
class PSIResult:
    """The index with what it was computed on: bins, shares and sample sizes."""

    value: float
    edges: tuple[float, ...]
    """Inner bin edges (the outer bins are open); len(edges) + 1 bins."""
    ref_share: tuple[float, ...]
    cur_share: tuple[float, ...]
    n_ref: int
    n_cur: int
    verdict: str

    @property
    def bins(self) -> int:
        return len(self.ref_share)


def psi(
    reference: object,
    current: object,
    *,
    bins: int | Sequence[float] = 10,
    epsilon: float = 1e-4,
    thresholds: tuple[float, float] = (0.10, 0.25),
) -> PSIResult:
    """PSI of `current` against `reference`.

    Parameters
    ----------
    reference, current
        Numeric values (array-like, Series); nulls are dropped.
    bins
        Number of quantile bins fixed on the reference, or the inner edges themselves
        (ascending), e.g. a standard's cut-offs or the edges of an earlier result.
    epsilon
        Floor of a bin share, so an empty bin contributes a finite amount.
    thresholds
        (stable below, significant above).

    Examples
    --------
    >>> round(psi([1, 2, 3, 4], [1, 1, 1, 4], bins=[2.5]).value, 4)
    0.2747
    """
    ref = numeric_array(reference, "reference")
    cur = numeric_array(current, "current")
    if ref.size == 0 or cur.size == 0:
        raise ValueError(
            f"PSI needs values on both sides; got {ref.size} reference and {cur.size} current"
        )
    if epsilon <= 0:
        raise ValueError(f"The 'epsilon' parameter of psi must be > 0. Got {epsilon} instead.")
    edges = _edges(ref, bins)
    ref_share = _shares(ref, edges)
    cur_share = _shares(cur, edges)
    e, a = np.maximum(ref_share, epsilon), np.maximum(cur_share, epsilon)
    value = float(np.sum((a - e) * np.log(a / e)))
    return PSIResult(
        value=value,
        edges=tuple(float(x) for x in edges),
        ref_share=tuple(float(x) for x in ref_share),
        cur_share=tuple(float(x) for x in cur_share),
        n_ref=int(ref.size),
        n_cur=int(cur.size),
        verdict=psi_verdict(value, thresholds),
    )


def psi_verdict(value: float, thresholds: tuple[float, float] = (0.10, 0.25)) -> str:
    """stable (< low), moderate (low … high), significant (> high)."""
    low, high = thresholds
    if value < low:
        return STABLE
    return MODERATE if value <= high else SIGNIFICANT


def quantile_edges(reference: NDArray[np.float64], n_bins: int) -> NDArray[np.float64]:
    """Inner edges at the exact quantiles 1/n … (n−1)/n of the reference, duplicates removed."""
    if n_bins < 1:
        raise ValueError(f"The 'bins' parameter of psi must be >= 1. Got {n_bins} instead.")
    probs = np.arange(1, n_bins) / n_bins
    return np.unique(np.quantile(reference, probs)) if probs.size else np.empty(0)


def _edges(ref: NDArray[np.float64], bins: int | Sequence[float]) -> NDArray[np.float64]:
    if isinstance(bins, int | np.integer):
        return quantile_edges(ref, int(bins))
    edges = np.asarray(bins, dtype=float)
    if edges.ndim != 1 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"The 'bins' edges must be strictly ascending; got {list(edges)}")
    return edges


def _shares(values: NDArray[np.float64], edges: NDArray[np.float64]) -> NDArray[np.float64]:
    idx = np.searchsorted(edges, values, side="right")
    return np.bincount(idx, minlength=edges.size + 1) / values.size
