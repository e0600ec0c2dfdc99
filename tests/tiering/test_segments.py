"""Needs segments: rules in priority order; k-means fitted on one period, applied to another."""

from __future__ import annotations

import ibis
import numpy as np
import pyarrow as pa
import pytest
from tiering_helpers import IDENTITY, by_id, memtable, rows, standard_from

from corptier.errors import StandardError
from corptier.tiering import NeedsSegmenter, cluster_profiles, load_default_standard, score_and_tier
from corptier.tiering.standard import KMeansSettings


def test_default_rules_follow_the_priority_order() -> None:
    std = load_default_standard()
    segments = std.needs_segments
    table = memtable(
        product_coverage=[6, 2, 2, 1, 1, 1, None],
        has_investment_banking=[1, 1, 0, 0, 0, 0, None],
        has_trade=[1, 1, 1, 0, 0, 0, None],
        has_financing=[1, 0, 0, 1, 1, 0, None],
        loan_avg_r3=[9, 0, 0, 500, 100, 0, None],
        dep_avg_r3=[1, 0, 0, 100, 500, 0, None],
    )
    from corptier.tiering.segments import add_needs_segment

    got = [r["needs_segment"] for r in rows(add_needs_segment(table, segments))]
    assert got == ["comprehensive", "investment_banking", "trade_international", "financing_led",
                   "settlement_led", "settlement_led", "settlement_led"]


def test_without_segments_the_column_is_empty() -> None:
    got = by_id(score_and_tier(memtable(dep_avg=[1.0]), standard_from(IDENTITY)))
    assert got["C1"]["needs_segment"] is None


def blobs(n_per: int, seed: int, shift: float = 0.0) -> pa.Table:
    """Three clear groups: settlement-only, financing with large loans, trade with fees."""
    rng = np.random.default_rng(seed)
    parts = []
    for fin, trade, loan in ((0, 0, 0.0), (1, 0, 5e7), (0, 1, 0.0)):
        parts.append({
            "has_financing": np.full(n_per, fin),
            "has_trade": np.full(n_per, trade),
            "loan_avg_r3": loan * rng.uniform(0.5, 1.5, n_per) + shift,
            "fee_trade": (5e4 if trade else 10.0) * rng.uniform(0.5, 1.5, n_per),
        })
    data = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    data["customer_id"] = np.array([f"C{i:04d}" for i in range(3 * n_per)])
    return pa.table(data)


SETTINGS = KMeansSettings(k=3, features=("has_financing", "has_trade", "loan_avg_r3", "fee_trade"),
                          log_scale=("loan_avg_r3", "fee_trade"), seed=1)


def test_kmeans_fits_on_one_period_and_applies_in_ibis_to_another() -> None:
    reference = blobs(40, seed=1)
    segmenter = NeedsSegmenter(SETTINGS).fit(ibis.memtable(reference))
    assert [p.size for p in segmenter.profiles_] == [40, 40, 40]
    assert sum(p.share for p in segmenter.profiles_) == pytest.approx(1)
    by_financing = {round(p.means["has_financing"]): p.cluster for p in segmenter.profiles_}
    assert set(by_financing) == {0, 1}

    later = blobs(30, seed=2)
    labelled = rows(segmenter.assign(ibis.memtable(later)))
    clusters = [r["needs_cluster"] for r in labelled]
    assert all(len(set(clusters[i * 30:(i + 1) * 30])) == 1 for i in range(3))
    assert len(set(clusters)) == 3
    # the Ibis assignment equals the nearest centre computed in numpy
    x = np.column_stack([later[n].to_numpy().astype(float) for n in SETTINGS.features])
    x[:, 2:] = np.log10(1 + np.maximum(x[:, 2:], 0))
    z = (x - segmenter.mean_) / segmenter.scale_
    nearest = ((z[:, None, :] - segmenter.centers_[None]) ** 2).sum(axis=2).argmin(axis=1) + 1
    assert clusters == nearest.tolist()


def test_cluster_profiles_of_a_labelled_period() -> None:
    segmenter = NeedsSegmenter(SETTINGS).fit(ibis.memtable(blobs(20, seed=3)))
    labelled = segmenter.assign(ibis.memtable(blobs(10, seed=4)))
    profile = cluster_profiles(labelled, ["has_financing", "loan_avg_r3"]).to_pyarrow()
    assert profile["size"].to_pylist() == [10, 10, 10]
    assert profile["needs_cluster"].to_pylist() == [1, 2, 3]
    assert sum(profile["share"].to_pylist()) == pytest.approx(1)


def test_segmenter_checks_its_parameters() -> None:
    with pytest.raises(ValueError, match="'k' parameter"):
        NeedsSegmenter(SETTINGS).fit(ibis.memtable(blobs(1, seed=1)).limit(2))
    with pytest.raises(ValueError, match="not fitted"):
        NeedsSegmenter(SETTINGS).assign(ibis.memtable(blobs(1, seed=1)))


KMEANS = """
needs_segments:
  mode: kmeans
  segments:
    - {code: all, name_zh: 全部, name_en: All}
  kmeans: {k: 3, features: [has_financing, has_trade, loan_avg_r3, fee_trade], seed: 1}
"""


def test_kmeans_mode_needs_a_fitted_segmenter_and_adds_the_cluster() -> None:
    std = standard_from(IDENTITY, extra=KMEANS)
    data = blobs(10, seed=5).append_column("dep_avg", pa.array(np.full(30, 50.0)))
    with pytest.raises(StandardError, match="segmenter"):
        score_and_tier(ibis.memtable(data), std)
    segmenter = NeedsSegmenter(std.needs_segments.kmeans).fit(ibis.memtable(data))
    got = rows(score_and_tier(ibis.memtable(data), std, segmenter=segmenter))
    assert {r["needs_cluster"] for r in got} == {1, 2, 3}
    assert {r["needs_segment"] for r in got} == {"all"}
