"""Needs segments: rules from the standard, or data-driven k-means clusters with profiles.

Rules mode: the segments are tried in the standard's order; the first whose `when` holds wins and
the last (with no `when`) takes everyone left.

K-means mode: `NeedsSegmenter(settings).fit(reference_period_table)` standardises the features
(after log10(1 + x) on the `log_scale` ones; missing values count as 0), runs scikit-learn's
k-means with a fixed seed, numbers the clusters 1 … k by size (largest first) and keeps their
profiles. `assign(table)` then labels any period with an Ibis expression (nearest centre, ties to
the lower cluster number), so applying the segmentation runs on DuckDB or Spark.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
from numpy.typing import NDArray

from corptier.tiering.conditions import compile_condition
from corptier.tiering.standard import KMeansSettings, NeedsSegments

NEEDS_SEGMENT = "needs_segment"
NEEDS_CLUSTER = "needs_cluster"


def add_needs_segment(table: ir.Table, needs: NeedsSegments | None) -> ir.Table:
    """Add `needs_segment` (segment code by the rules; null when the standard has none)."""
    if needs is None:
        return table.mutate(**{NEEDS_SEGMENT: ibis.null("string")})
    *ruled, last = needs.segments
    branches = [(compile_condition(s.when or "", table), s.code) for s in ruled]
    segment = ibis.cases(*branches, else_=last.code) if branches else ibis.literal(last.code)
    return table.mutate(**{NEEDS_SEGMENT: segment.cast("string")})


@dataclass(frozen=True)
class ClusterProfile:
    """One k-means cluster: size, share and the mean of each feature (in its own unit)."""

    cluster: int
    size: int
    share: float
    means: dict[str, float]
    centre: dict[str, float]


class NeedsSegmenter:
    """K-means needs segmentation fitted on one period and applied to another.

    Parameters
    ----------
    settings : the standard's `needs_segments.kmeans` section (k, features, log_scale, seed).

    Examples
    --------
    >>> seg = NeedsSegmenter(standard.needs_segments.kmeans).fit(indicators_2026_06)
    >>> labelled = seg.assign(indicators_2026_09)       # adds needs_cluster 1..k
    >>> seg.profiles_[0].means["fee_trade"]
    """

    def __init__(self, settings: KMeansSettings) -> None:
        self.settings = settings

    # --- fitting (reads the features into memory) -------------------------------------------
    def fit(self, table: ir.Table) -> NeedsSegmenter:
        from sklearn.cluster import KMeans

        raw = self._fetch(table)
        if raw.shape[0] < self.settings.k:
            raise ValueError(
                f"The 'k' parameter of NeedsSegmenter must be at most the number of customers "
                f"({raw.shape[0]}). Got {self.settings.k} instead."
            )
        features = self._transform(raw)
        self.mean_ = features.mean(axis=0)
        scale = features.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        standard = (features - self.mean_) / self.scale_
        model = KMeans(n_clusters=self.settings.k, n_init=10, random_state=self.settings.seed)
        labels = model.fit_predict(standard)
        order = self._order_by_size(labels, model.cluster_centers_)
        self.centers_ = model.cluster_centers_[order]
        relabel = np.empty_like(order)
        relabel[order] = np.arange(len(order))
        self.labels_ = relabel[labels] + 1
        self.n_samples_ = raw.shape[0]
        self.profiles_ = self._profiles(raw)
        return self

    def _fetch(self, table: ir.Table) -> NDArray[np.float64]:
        names = list(self.settings.features)
        cols = {n: table[n].cast("float64") for n in names}
        data = table.select(**cols).to_pyarrow()
        columns = [
            np.nan_to_num(data.column(n).to_numpy(zero_copy_only=False).astype(float))
            for n in names
        ]
        return np.column_stack(columns)

    def _transform(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        out = raw.copy()
        for i, name in enumerate(self.settings.features):
            if name in self.settings.log_scale:
                out[:, i] = np.log10(1 + np.maximum(out[:, i], 0))
        return out

    @staticmethod
    def _order_by_size(labels: NDArray[np.intp], centers: NDArray[np.float64]) -> NDArray[np.intp]:
        sizes = np.bincount(labels, minlength=len(centers))
        keys = [(-int(sizes[i]), tuple(np.round(centers[i], 9))) for i in range(len(centers))]
        return np.array(sorted(range(len(centers)), key=lambda i: keys[i]))

    def _profiles(self, raw: NDArray[np.float64]) -> list[ClusterProfile]:
        names = list(self.settings.features)
        out = []
        for j in range(self.settings.k):
            members = raw[self.labels_ == j + 1]
            means = members.mean(axis=0) if len(members) else np.zeros(len(names))
            out.append(
                ClusterProfile(
                    cluster=j + 1,
                    size=len(members),
                    share=len(members) / self.n_samples_,
                    means={n: float(m) for n, m in zip(names, means, strict=True)},
                    centre={n: float(c) for n, c in zip(names, self.centers_[j], strict=True)},
                )
            )
        return out

    # --- applying (pure Ibis) ---------------------------------------------------------------
    def assign(self, table: ir.Table) -> ir.Table:
        """Add `needs_cluster` (1 … k): the nearest fitted centre in standardised space."""
        if not hasattr(self, "centers_"):
            raise ValueError("NeedsSegmenter is not fitted yet; call fit(table) first")
        standard = [self._standardised(table, i, name)
                    for i, name in enumerate(self.settings.features)]
        distances = [
            _sum([(z - float(c)) * (z - float(c)) for z, c in zip(standard, centre, strict=True)])
            for centre in self.centers_
        ]
        table = table.mutate(**{f"_d{j}": d for j, d in enumerate(distances)})
        cols = [table[f"_d{j}"] for j in range(len(distances))]
        nearest = ibis.least(*cols)
        cluster = ibis.cases(*[(c == nearest, j + 1) for j, c in enumerate(cols)], else_=1)
        table = table.mutate(**{NEEDS_CLUSTER: cluster.cast("int64")})
        return table.drop(*[f"_d{j}" for j in range(len(distances))])

    def _standardised(self, table: ir.Table, i: int, name: str) -> ir.FloatingValue:
        value = table[name].cast("float64")
        value = ibis.ifelse(value.isnull() | value.isnan(), 0.0, value)
        if name in self.settings.log_scale:
            value = (ibis.greatest(value, 0.0) + 1.0).log10()
        return (value - float(self.mean_[i])) / float(self.scale_[i])


def cluster_profiles(table: ir.Table, features: list[str]) -> ir.Table:
    """Size, share and feature means per `needs_cluster` of any labelled period (Ibis)."""
    total = table.count()
    stats = {f"mean_{n}": table[n].cast("float64").fill_null(0.0).mean() for n in features}
    grouped = table.group_by(NEEDS_CLUSTER).aggregate(size=table.count(), **stats)
    return grouped.mutate(share=grouped["size"] / total.as_scalar()).order_by(NEEDS_CLUSTER)


def _sum(values: list[ir.Value]) -> ir.Value:
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total
