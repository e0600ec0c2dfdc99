"""Suggested cut-offs: exact quantiles, exact pyramid counts, Jenks and k-means on two clusters."""

from __future__ import annotations

import numpy as np
import pytest

from corptier.evaluation import assign_tiers, suggest_cutoffs
from corptier.evaluation.calibration import systematic_sample

FIVE = ["strategic", "core", "key", "growth", "basic"]


def bimodal(n_low: int = 1000, n_high: int = 500, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.normal(20, 3, n_low), rng.normal(70, 4, n_high)])


def test_quantile_cutoffs_are_exact() -> None:
    scores = np.arange(1, 101, dtype=float)
    s = suggest_cutoffs(scores, FIVE, "quantile", contributions=scores)
    # the score of the last customer in: the top 20, 40, 60, 80 of 1..100 (the close's rule)
    assert s.cutoffs == pytest.approx((81.0, 61.0, 41.0, 21.0))
    assert s.counts.tolist() == [20, 20, 20, 20, 20]
    assert s.contribution_share["strategic"] == pytest.approx(1810 / 5050)
    assert s.contribution_share.sum() == pytest.approx(1.0)
    assert s.sample_size == s.n == 100


def test_pyramid_counts_are_exact() -> None:
    scores = np.random.default_rng(1).permutation(np.arange(1, 101, dtype=float))
    s = suggest_cutoffs(scores, FIVE, "pyramid", target_shares=[0.02, 0.08, 0.2, 0.3, 0.4])
    assert s.counts.tolist() == [2, 8, 20, 30, 40]
    assert s.cutoffs == pytest.approx((98.5, 90.5, 70.5, 40.5))
    table = s.table()
    assert table["customer_share"].tolist() == pytest.approx([0.02, 0.08, 0.2, 0.3, 0.4])


def test_assign_tiers_uses_at_or_above_the_cutoff() -> None:
    tiers = assign_tiers([90, 80, 79.9, None, 0], [80, 50], ["a", "b", "c"])
    assert tiers.tolist() == ["a", "a", "b", None, "c"]


@pytest.mark.parametrize("method", ["jenks", "kmeans"])
def test_natural_breaks_split_two_clusters(method: str) -> None:
    s = suggest_cutoffs(bimodal(), ["high", "low"], method)
    assert 35 < s.cutoffs[0] < 55
    assert s.counts.tolist() == [500, 1000]


@pytest.mark.parametrize("method", ["jenks", "kmeans"])
def test_sampling_is_capped_and_deterministic(method: str) -> None:
    scores = bimodal(20_000, 10_000)
    a = suggest_cutoffs(scores, ["high", "low"], method)
    b = suggest_cutoffs(np.random.default_rng(9).permutation(scores), ["high", "low"], method)
    assert a.sample_size == 20_000 and a.n == 30_000
    assert a.cutoffs == b.cutoffs  # independent of row order
    assert a.counts.tolist() == [10_000, 20_000]


def test_systematic_sample_keeps_the_ends() -> None:
    sample = systematic_sample(np.arange(100_000.0), 1000)
    assert sample.size == 1000 and sample[0] == 0 and sample[-1] == 99_999


def test_as_standard_cutoffs_and_parameter_errors() -> None:
    s = suggest_cutoffs(np.arange(1, 101.0), FIVE, "quantile")
    assert s.as_absolute_cutoffs() == {
        "method": "absolute",
        "points": {"strategic": 81.0, "core": 61.0, "key": 41.0, "growth": 21.0},
    }
    with pytest.raises(ValueError, match="target_shares"):
        suggest_cutoffs([1, 2, 3], ["a", "b"], "pyramid")
    with pytest.raises(ValueError, match="summing to 1"):
        suggest_cutoffs([1, 2, 3], ["a", "b"], "pyramid", target_shares=[0.5, 0.6])
    with pytest.raises(ValueError, match="method"):
        suggest_cutoffs([1, 2, 3], ["a", "b"], "magic")


# --- one ranking rule: suggest counts as the close does ---------------------------------------
SEVEN = [70.0, 60.0, 50.0, 40.0, 30.0, 20.0, 10.0]  # C1 … C7
# 10/20/30/40 % of 7: ⌊0.7⌋ = 0 in a, ⌊2.1⌋ = 2 in a or b, ⌊4.2⌋ = 4 in a, b or c
SEVEN_TIERS = ["b", "b", "c", "c", "d", "d", "d"]


@pytest.mark.parametrize("method", ["quantile", "pyramid"])
def test_seven_customers_at_10_20_30_40_percent_suggest(method: str) -> None:
    s = suggest_cutoffs(SEVEN, ["a", "b", "c", "d"], method,
                        target_shares=[0.1, 0.2, 0.3, 0.4])
    assert s.counts.tolist() == [0, 2, 2, 3]
    assert assign_tiers(SEVEN, s.cutoffs, ["a", "b", "c", "d"]).tolist() == SEVEN_TIERS


@pytest.mark.parametrize("cutoffs", [
    "{method: pyramid, shares: {a: 0.1, b: 0.2, c: 0.3, d: 0.4}}",
    "{method: quantile, quantiles: {a: 0.9, b: 0.7, c: 0.4}}",
])
def test_seven_customers_at_10_20_30_40_percent_close(cutoffs: str) -> None:
    import ibis
    import pyarrow as pa

    from corptier.tiering import parse_standard, score_and_tier

    std = parse_standard(f"""
id: t
version: "1"
effective_from: 2026-01-01
tiers:
  - {{code: a, name_zh: 甲, name_en: A}}
  - {{code: b, name_zh: 乙, name_en: B}}
  - {{code: c, name_zh: 丙, name_en: C}}
  - {{code: d, name_zh: 丁, name_en: D}}
dimensions:
  value:
    name_zh: 价值
    name_en: Value
    weight: 1
    indicators:
      dep_avg: {{weight: 1, method: minmax, lo: 0, hi: 100, missing: zero}}
cutoffs: {cutoffs}
""")
    table = ibis.memtable(pa.table({"customer_id": [f"C{i}" for i in range(1, 8)],
                                    "dep_avg": SEVEN}))
    got = score_and_tier(table, std).order_by("customer_id").to_pyarrow()
    assert got.column("raw_tier").to_pylist() == SEVEN_TIERS
