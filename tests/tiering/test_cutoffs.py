"""Cut-offs at exact boundaries: absolute points, exact quantiles, target pyramid, tie-breaking."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import pytest
from tiering_helpers import IDENTITY, by_id, memtable, rows, standard_from

from corptier.tiering import score_and_tier
from corptier.tiering.cutoffs import quantile_cutoff_scores

# The score equals dep_avg (min-max 0–100), so the test data sets scores directly.


def tiers(scores: list[float], cutoffs: str, ids: list[str] | None = None) -> dict[str, str]:
    std = standard_from(IDENTITY, cutoffs)
    ids = ids or [f"C{i:03d}" for i in range(len(scores))]  # in score-list order
    table = memtable(dep_avg=scores, customer_id=ids)
    return {cid: r["raw_tier"] for cid, r in by_id(score_and_tier(table, std)).items()}


def test_absolute_cutoffs_include_the_boundary() -> None:
    got = tiers([75.0, 74.9999, 50.0, 49.9999, 25.0, 24.9999, 0.0, 100.0],
                "cutoffs: {method: absolute, points: {a: 75, b: 50, c: 25}}")
    assert list(got.values()) == ["a", "b", "b", "c", "c", "d", "d", "a"]


QUANTILE = "cutoffs: {method: quantile, quantiles: {a: 0.9, b: 0.5, c: 0.2}}"


def test_quantile_cutoffs_on_distinct_scores() -> None:
    scores = [float(s) for s in range(10, 101, 10)]  # 10 … 100
    got = tiers(scores, QUANTILE)
    # a: top ceil(0.1·10) = 1 → ≥ 100; b: top ceil(0.5·10) = 5 → ≥ 60; c: top 8 → ≥ 30
    assert Counter(got.values()) == {"a": 1, "b": 4, "c": 3, "d": 2}
    by_score = dict(zip(scores, got.values(), strict=True))
    assert by_score[100.0] == "a" and by_score[60.0] == "b" and by_score[50.0] == "c"
    assert by_score[30.0] == "c" and by_score[20.0] == "d"
    assert quantile_cutoff_scores(scores, [0.9, 0.5, 0.2]) == [100.0, 60.0, 30.0]


def test_quantile_positions_use_exact_fractions() -> None:
    # 1 − 0.3 = 0.7 and 0.7 · 10 = 7.000000000000001 in floating point; exactly it is 7.
    scores = [float(s) for s in range(1, 11)]
    got = tiers(scores, "cutoffs: {method: quantile, quantiles: {a: 0.9, b: 0.6, c: 0.3}}")
    assert Counter(got.values())["d"] == 3  # scores 1, 2, 3: the top 7 are c or better


def test_quantile_ties_at_the_cutoff_stay_together() -> None:
    scores = [90.0, 80.0, 80.0, 80.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0]
    got = tiers(scores, QUANTILE)
    # b starts at the 5th best score, which is 10: everyone with 10 is b
    assert list(got.values()) == ["a", "b", "b", "b", "b", "b", "b", "b", "b", "b"]
    assert quantile_cutoff_scores(scores, [0.9, 0.5, 0.2]) == [90.0, 10.0, 10.0]


PYRAMID = "cutoffs: {method: pyramid, shares: {a: 0.1, b: 0.2, c: 0.3, d: 0.4}}"


def test_pyramid_fills_exact_shares_by_rank() -> None:
    scores = [float(s) for s in range(100)]
    got = tiers(scores, PYRAMID, ids=[f"C{i:03d}" for i in range(100)])
    assert Counter(got.values()) == {"a": 10, "b": 20, "c": 30, "d": 40}
    assert got["C099"] == "a" and got["C090"] == "a" and got["C089"] == "b"


def test_pyramid_rounds_cumulative_counts_down() -> None:
    got = tiers([float(s) for s in range(7)], PYRAMID)
    # floor(0.1·7) = 0, floor(0.3·7) = 2, floor(0.6·7) = 4
    assert Counter(got.values()) == {"b": 2, "c": 2, "d": 3}


def test_pyramid_breaks_ties_by_customer_id() -> None:
    ids = ["C9", "C3", "C7", "C1", "C5", "C2", "C4", "C6", "C8", "C0"]
    got = tiers([50.0] * 10, PYRAMID, ids=ids)
    assert got["C0"] == "a"
    assert [got[c] for c in ("C1", "C2")] == ["b", "b"]
    assert [got[c] for c in ("C6", "C7", "C8", "C9")] == ["d"] * 4


def test_rank_orders_by_score_then_customer_id() -> None:
    std = standard_from(IDENTITY, PYRAMID)
    table = memtable(dep_avg=[10.0, 30.0, 30.0, 20.0], customer_id=["B", "Z", "A", "C"])
    ranks = {r["customer_id"]: r["rank"] for r in rows(score_and_tier(table, std))}
    assert ranks == {"A": 1, "Z": 2, "C": 3, "B": 4}


@pytest.mark.parametrize("n", [1, 2, 3, 49, 50, 51])
def test_pyramid_counts_match_the_floor_formula(n: int) -> None:
    got = tiers([float(i % 7) for i in range(n)], PYRAMID, ids=[f"C{i:03d}" for i in range(n)])
    counts = Counter(got.values())
    cumulative = [n // 10, 3 * n // 10, 6 * n // 10, n]
    expected = [cumulative[0]] + [b - a for a, b in pairwise(cumulative)]
    assert [counts.get(t, 0) for t in "abcd"] == expected
