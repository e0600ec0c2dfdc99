"""Two tier assignments of the same customers side by side (standard A vs standard B).

The pure part of `corptier standard compare`: tier counts, the A → B migration matrix, the
contribution captured by each tier under each standard, and the customers that change tier with
the indicator that moved them most (the largest change in points between the two scorings).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from corptier.evaluation._inputs import check_tier_order, tier_series
from corptier.evaluation.migration import MigrationMatrix, migration_matrix


@dataclass(frozen=True)
class Comparison:
    tier_order: tuple[str, ...]
    counts: pd.DataFrame
    """index tier; columns a, b (customers)."""
    contribution_share: pd.DataFrame
    """index tier; columns a, b (share of the book's net contribution)."""
    matrix: MigrationMatrix
    changes: pd.DataFrame
    """customer_id, tier_a, tier_b, direction (up/down), mover, mover_delta."""


def compare_assignments(
    a: pd.DataFrame | pd.Series,
    b: pd.DataFrame | pd.Series,
    tier_order: Sequence[str],
    *,
    contribution: pd.Series | None = None,
    points_a: pd.DataFrame | None = None,
    points_b: pd.DataFrame | None = None,
    tier_column: str = "applied_tier",
) -> Comparison:
    """Compare tiers `a` and `b` (Series by customer id, or frames with `tier_column`).

    `contribution` is indexed by customer id; `points_a`/`points_b` are indexed by customer id
    with one column per indicator (the points each scoring gave); the mover of a changed
    customer is the indicator whose points changed most (by absolute value).
    """
    order = check_tier_order(tier_order)
    sa, sb = tier_series(a, tier_column), tier_series(b, tier_column)
    counts = pd.DataFrame({"a": sa.value_counts(), "b": sb.value_counts()}).reindex(
        list(order)).fillna(0).astype("int64")
    return Comparison(
        tier_order=order,
        counts=counts,
        contribution_share=_captured(sa, sb, order, contribution),
        matrix=migration_matrix(sa, sb, order),
        changes=_changes(sa, sb, order, points_a, points_b),
    )


def _captured(sa: pd.Series, sb: pd.Series, order: tuple[str, ...],
              contribution: pd.Series | None) -> pd.DataFrame:
    if contribution is None:
        return pd.DataFrame(index=list(order), columns=["a", "b"], dtype=float)
    values = pd.to_numeric(contribution, errors="coerce").astype(float)
    total = values.sum()
    out = {}
    for key, tiers in (("a", sa), ("b", sb)):
        sums = values.reindex(tiers.index).groupby(tiers).sum()
        out[key] = sums.reindex(list(order), fill_value=0.0) / total if total else np.nan
    return pd.DataFrame(out, index=list(order))


def _changes(sa: pd.Series, sb: pd.Series, order: tuple[str, ...],
             points_a: pd.DataFrame | None, points_b: pd.DataFrame | None) -> pd.DataFrame:
    both = pd.concat([sa.rename("tier_a"), sb.rename("tier_b")], axis=1, join="inner")
    moved = both[both["tier_a"] != both["tier_b"]].copy()
    rank = {code: i for i, code in enumerate(order)}
    moved["direction"] = np.where(moved["tier_b"].map(rank) < moved["tier_a"].map(rank),
                                  "up", "down")
    moved["mover"], moved["mover_delta"] = None, np.nan
    if points_a is not None and points_b is not None and len(moved):
        cols = [c for c in points_a.columns if c in points_b.columns]
        delta = (points_b.reindex(moved.index)[cols].astype(float)
                 - points_a.reindex(moved.index)[cols].astype(float))
        has = delta.notna().any(axis=1)
        idx = delta[has].abs().idxmax(axis=1)
        moved.loc[has, "mover"] = idx
        moved.loc[has, "mover_delta"] = np.array([delta.at[c, m] for c, m in idx.items()],
                                                 dtype=float)
    moved.index.name = "customer_id"
    return moved.reset_index()[["customer_id", "tier_a", "tier_b", "direction", "mover",
                                "mover_delta"]]
