"""Cut-offs: from the total score to a raw tier, exactly and deterministically.

Every customer gets a `rank`: 1 for the highest score, ties broken by customer id (ascending), so
DuckDB and Spark order everyone the same way. Levels are 0 for the best tier.

- absolute: the best tier whose minimum points the score reaches.
- quantile: tier t starts at the score of the customer ranked m = ceil((1 − q_t) · n); everyone
  with that score or more is in t or better (so ties at the cut-off stay together).
  No approximate percentile function is used.
- pyramid: ranks 1 … floor(C_t · n) are in t or better, C_t the cumulative target share;
  ties at a boundary are split by customer id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from corptier.tiering.scoring import SCORE
from corptier.tiering.standard import (
    AbsoluteCutoffs,
    PyramidCutoffs,
    QuantileCutoffs,
    Standard,
    exact_fraction,
)

RANK = "rank"
RAW_LEVEL = "_raw_level"


def add_rank(table: ir.Table, by: Sequence[str] = ()) -> ir.Table:
    """Add `rank`: 1 = highest score; equal scores ordered by customer id (within `by`)."""
    window = ibis.window(group_by=list(by), order_by=[ibis.desc(table[SCORE]),
                                                      table["customer_id"]])
    return table.mutate(**{RANK: (ibis.row_number().over(window) + 1).cast("int64")})


def add_raw_level(table: ir.Table, standard: Standard, by: Sequence[str] = ()) -> ir.Table:
    """Add `rank` and the raw tier level (0 = best) by the standard's cut-offs; ranks, counts
    and quantiles are taken within each group of the `by` columns (e.g. the period)."""
    table = add_rank(table, by)
    whole = ibis.window(group_by=list(by))
    cutoffs = standard.cutoffs
    codes = standard.tier_codes
    if isinstance(cutoffs, AbsoluteCutoffs):
        mins = [ibis.literal(float(cutoffs.points[c])) for c in codes[:-1]]
        return table.mutate(**{RAW_LEVEL: _level_by_minimum(table[SCORE], mins)})
    if isinstance(cutoffs, QuantileCutoffs):
        return _quantile_levels(table, [cutoffs.quantiles[c] for c in codes[:-1]], whole)
    assert isinstance(cutoffs, PyramidCutoffs)
    return _pyramid_levels(table, cutoffs, codes, whole)


def _level_by_minimum(score: ir.FloatingValue, minimums: list[ir.Value]) -> ir.IntegerValue:
    branches = [(score >= minimum, level) for level, minimum in enumerate(minimums)]
    return ibis.cases(*branches, else_=len(minimums)).cast("int64")


def _quantile_levels(table: ir.Table, quantiles: list[float], whole: Any) -> ir.Table:
    n = table.count().over(whole)
    positions = {}
    for level, q in enumerate(quantiles):
        above = 1 - exact_fraction(q)  # share at or above the cut-off, exact
        a, b = above.numerator, above.denominator
        positions[f"_q{level}_pos"] = ((n * a + (b - 1)) // b).cast("int64")
    table = table.mutate(**positions)
    thresholds = {
        f"_q{level}_min": ibis.ifelse(table[RANK] == table[f"_q{level}_pos"], table[SCORE],
                                      ibis.null("float64")).max().over(whole)
        for level in range(len(quantiles))
    }
    table = table.mutate(**thresholds)
    mins = [table[f"_q{level}_min"] for level in range(len(quantiles))]
    table = table.mutate(**{RAW_LEVEL: _level_by_minimum(table[SCORE], mins)})
    return table.drop(*positions, *thresholds)


def quantile_cutoff_scores(scores: list[float], quantiles: list[float]) -> list[float]:
    """The same quantile cut-offs computed in plain Python (for explanations and tests)."""
    ordered = sorted(scores, reverse=True)
    n = len(ordered)
    out = []
    for q in quantiles:
        above = 1 - exact_fraction(q)
        m = -(-(n * above.numerator) // above.denominator)
        out.append(ordered[m - 1])
    return out


def _pyramid_levels(
    table: ir.Table, cutoffs: PyramidCutoffs, codes: list[str], whole: Any
) -> ir.Table:
    n = table.count().over(whole)
    rank = table[RANK]
    branches = []
    for level, cumulative in enumerate(cutoffs.cumulative(codes)[:-1]):
        a, b = cumulative.numerator, cumulative.denominator
        branches.append((rank * b <= n * a, level))
    level = ibis.cases(*branches, else_=len(codes) - 1) if branches else ibis.literal(0)
    return table.mutate(**{RAW_LEVEL: level.cast("int64")})
