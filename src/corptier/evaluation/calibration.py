"""Suggested cut-offs of a tier score: quantile, pyramid, Jenks natural breaks, 1-D k-means.

Convention: with tiers ordered best first and k tiers there are k − 1 cut-offs, descending; a
customer whose score is ≥ cutoffs[0] is in the best tier, cutoffs[0] > score ≥ cutoffs[1] in the
second, and so on; below the last cut-off is the last tier.

Methods
- quantile and pyramid count exactly as the period close does (`corptier.tiering.cutoffs.
  top_count`): with target shares best first (e.g. 2 %, 8 %, 20 %, 30 %, 40 %; equal shares by
  default for quantile), tier j or better holds the first ⌊C_j · n⌋ customers in score order, C_j
  the cumulative share. quantile puts the cut-off at the score of the last customer in (the
  close's quantile rule); pyramid at the midpoint between the last score in and the first score
  out. Customers tied on a cut-off go to the better tier (an absolute cut-off cannot split
  them; the close's pyramid splits them by customer id), so a tier can then hold more than
  its target.
- jenks: natural breaks (jenkspy) fitted on a deterministic sample of at most `max_sample` values:
  the sorted scores taken at evenly spaced ranks, so the sample does not depend on row order.
- kmeans: scikit-learn k-means on the same sample, seeded; cut-offs at the midpoints between
  adjacent sorted centres.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from corptier.evaluation._inputs import check_tier_order
from corptier.tiering.cutoffs import top_count

METHODS = ("quantile", "pyramid", "jenks", "kmeans")
MAX_SAMPLE = 20_000


@dataclass(frozen=True)
class CutoffSuggestion:
    """Cut-offs (descending) with the tiers they would give on the scores they came from."""

    method: str
    tier_order: tuple[str, ...]
    cutoffs: tuple[float, ...]
    counts: pd.Series
    contribution_share: pd.Series | None
    n: int
    sample_size: int
    """How many values the method fitted on (n for the exact methods)."""
    target_shares: tuple[float, ...] | None = None

    def as_absolute_cutoffs(self, decimals: int = 2) -> dict[str, object]:
        """The cut-offs as a standard's `cutoffs:` block (method absolute, points per tier but
        the last), rounded to `decimals`; ValueError if rounding makes two of them equal."""
        points = [round(float(c), decimals) for c in self.cutoffs]
        if any(b >= a for a, b in itertools.pairwise(points)):
            raise ValueError(f"the suggested cut-offs {points} are not strictly descending; "
                             "the scores are too concentrated for this many tiers")
        return {"method": "absolute",
                "points": dict(zip(self.tier_order[:-1], points, strict=True))}

    def table(self) -> pd.DataFrame:
        """One row per tier: its lower cut-off, customers, customer share, contribution share."""
        lower = [*self.cutoffs, float("-inf")]
        frame = pd.DataFrame({
            "tier": list(self.tier_order),
            "lower_cutoff": lower,
            "customers": self.counts.to_numpy(),
            "customer_share": (self.counts / max(self.n, 1)).to_numpy(),
        })
        if self.contribution_share is not None:
            frame["contribution_share"] = self.contribution_share.to_numpy()
        return frame


def suggest_cutoffs(
    scores: object,
    tier_order: Sequence[str],
    method: str = "quantile",
    *,
    contributions: object | None = None,
    target_shares: Sequence[float] | None = None,
    max_sample: int = MAX_SAMPLE,
    seed: int = 0,
) -> CutoffSuggestion:
    """Propose cut-offs for `tier_order` from `scores` by `method` (one of METHODS).

    `contributions`, aligned with `scores`, gives the contribution share per resulting tier.
    `target_shares` (best first, summing to 1) is required by "pyramid" and optional for
    "quantile" (equal shares by default). Customers without a score are ignored.
    """
    order = check_tier_order(tier_order)
    s, c = _aligned(scores, contributions)
    if s.size == 0:
        raise ValueError("there are no scores to calibrate on")
    k = len(order)
    shares: NDArray[np.float64] | None = None
    if method == "quantile":
        shares = _shares(target_shares or [1 / k] * k, k)
        cut, used = quantile_cutoffs(s, shares), s.size
    elif method == "pyramid":
        if target_shares is None:
            raise ValueError("The 'pyramid' method needs target_shares (best first).")
        shares = _shares(target_shares, k)
        cut, used = pyramid_cutoffs(s, shares), s.size
    elif method == "jenks":
        sample = systematic_sample(s, max_sample)
        cut, used = jenks_cutoffs(sample, k), sample.size
    elif method == "kmeans":
        sample = systematic_sample(s, max_sample)
        cut, used = kmeans_cutoffs(sample, k, seed=seed), sample.size
    else:
        raise ValueError(f"The 'method' must be one of {list(METHODS)}. Got {method!r} instead.")
    result = _evaluate(method, order, cut, s, c, used)
    if shares is None:
        return result
    return replace(result, target_shares=tuple(float(x) for x in shares))


def assign_tiers(
    scores: object, cutoffs: Sequence[float], tier_order: Sequence[str]
) -> NDArray[np.object_]:
    """Tier code per score under descending cut-offs (None where the score is missing)."""
    order = check_tier_order(tier_order)
    if len(cutoffs) != len(order) - 1:
        raise ValueError(f"{len(order)} tiers need {len(order) - 1} cut-offs; got {len(cutoffs)}")
    s = np.asarray(pd.to_numeric(pd.Series(np.asarray(scores).ravel()), errors="coerce"),
                   dtype=float)
    idx = tier_index(s, cutoffs)
    out = np.asarray(order, dtype=object)[np.where(np.isnan(s), 0, idx)]
    out[np.isnan(s)] = None
    return out


def tier_index(
    scores: NDArray[np.float64], cutoffs: Sequence[float] | NDArray[np.float64]
) -> NDArray[np.intp]:
    """0 for the best tier … len(cutoffs) for the last, under descending cut-offs."""
    ascending = np.asarray(cutoffs, dtype=float)[::-1]
    if np.any(np.diff(ascending) < 0):
        raise ValueError(f"cut-offs must be descending (best tier first); got {list(cutoffs)}")
    return len(ascending) - np.searchsorted(ascending, scores, side="right")


def quantile_cutoffs(
    scores: NDArray[np.float64], shares: NDArray[np.float64]
) -> NDArray[np.float64]:
    """For every tier boundary, the score of the last customer in (⌊C · n⌋ in score order; the
    close's quantile rule); above the best score when that count is 0."""
    desc = np.sort(scores)[::-1]
    cut = [float(desc[b - 1]) if b > 0 else float(np.nextafter(desc[0], np.inf))
           for b in _top_counts(desc.size, shares)]
    return np.asarray(cut, dtype=float)


def pyramid_cutoffs(
    scores: NDArray[np.float64], shares: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Cut-offs that give the close's pyramid counts ⌊C · n⌋ when scores are distinct."""
    desc = np.sort(scores)[::-1]
    n = desc.size
    cut: list[float] = []
    for b in _top_counts(n, shares):
        if b <= 0:
            cut.append(float(np.nextafter(desc[0], np.inf)))
        elif b >= n:
            cut.append(float(desc[-1]))
        else:
            cut.append((desc[b - 1] + desc[b]) / 2 if desc[b - 1] != desc[b] else desc[b - 1])
    return np.asarray(cut, dtype=float)


def _top_counts(n: int, shares: NDArray[np.float64]) -> list[int]:
    """Customers in each tier or better (every tier but the last), by the close's rule. Shares
    are read as the fractions a person meant (0.1 → 1/10, 1/3 of float → 1/3), so cumulative
    sums do not drift below a whole count."""
    total, out = Fraction(0), []
    for share in shares[:-1]:
        total += Fraction(float(share)).limit_denominator(10**6)
        out.append(top_count(n, total))
    return out


def jenks_cutoffs(sample: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """Jenks natural breaks turned into ≥ cut-offs (midpoint to the next value above a break)."""
    import jenkspy

    distinct = np.unique(sample)
    if k < 2:
        return np.empty(0)
    if distinct.size <= k:
        raise ValueError(f"Jenks needs more than {k} distinct scores; got {distinct.size}")
    breaks = np.asarray(jenkspy.jenks_breaks(sample.tolist(), n_classes=k), dtype=float)[1:-1]
    above = distinct[np.minimum(np.searchsorted(distinct, breaks, side="right"),
                                distinct.size - 1)]
    cut: NDArray[np.float64] = ((breaks + above) / 2)[::-1]
    return cut


def kmeans_cutoffs(
    sample: NDArray[np.float64], k: int, *, seed: int = 0
) -> NDArray[np.float64]:
    """Midpoints between adjacent sorted k-means centres (seeded, 10 initialisations)."""
    from sklearn.cluster import KMeans

    if k < 2:
        return np.empty(0)
    if np.unique(sample).size < k:
        raise ValueError(f"k-means needs at least {k} distinct scores")
    model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(sample.reshape(-1, 1))
    centres: NDArray[np.float64] = np.sort(model.cluster_centers_.ravel())
    return ((centres[:-1] + centres[1:]) / 2)[::-1]


def systematic_sample(
    values: NDArray[np.float64], max_size: int = MAX_SAMPLE
) -> NDArray[np.float64]:
    """At most `max_size` of the sorted values at evenly spaced ranks (ends included)."""
    ordered = np.sort(values)
    if ordered.size <= max_size:
        return ordered
    sample: NDArray[np.float64] = ordered[
        np.linspace(0, ordered.size - 1, max_size).round().astype(int)
    ]
    return sample


def _evaluate(
    method: str,
    order: tuple[str, ...],
    cutoffs: NDArray[np.float64],
    s: NDArray[np.float64],
    c: NDArray[np.float64] | None,
    used: int,
) -> CutoffSuggestion:
    cut = np.asarray(cutoffs, dtype=float)
    idx = tier_index(s, cut)
    counts = pd.Series(np.bincount(idx, minlength=len(order)), index=list(order), name="customers")
    share = None
    if c is not None:
        sums = np.bincount(idx, weights=c, minlength=len(order))
        total = c.sum()
        share = pd.Series(sums / total if total else np.full(len(order), np.nan),
                          index=list(order), name="contribution_share")
    return CutoffSuggestion(method, order, tuple(float(x) for x in cut), counts, share,
                            int(s.size), int(used))


def _aligned(
    scores: object, contributions: object | None
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    s = _floats(scores)
    if contributions is None:
        return s[~np.isnan(s)], None
    c = _floats(contributions)
    if c.size != s.size:
        raise ValueError(f"contributions ({c.size}) and scores ({s.size}) differ in length")
    keep = ~np.isnan(s)
    return s[keep], np.nan_to_num(c[keep])


def _floats(values: object) -> NDArray[np.float64]:
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values).ravel())
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _shares(shares: Sequence[float], k: int) -> NDArray[np.float64]:
    arr = np.asarray(shares, dtype=float)
    if arr.size != k or np.any(arr < 0) or not np.isclose(arr.sum(), 1.0, atol=1e-6):
        raise ValueError(
            f"target_shares must be {k} non-negative shares (best first) summing to 1; "
            f"got {list(arr)}"
        )
    return arr
