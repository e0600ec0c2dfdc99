"""Cut-offs: from the total score to a raw tier, exactly and deterministically.

Every customer gets a `rank`: 1 for the highest score, ties broken by customer id (ascending), so
DuckDB and Spark order everyone the same way. Levels are 0 for the best tier.

One counting rule (`top_count`) serves the pyramid, the quantile cut-offs and `standard suggest`:
of n customers, ⌊C · n⌋ are in a tier or better whose cumulative share from the top is C
(computed on exact fractions, never in floating point). Ties at a boundary: the pyramid splits
them by customer id; quantile cut-offs (and every suggested absolute cut-off) keep them together
in the better tier.

- absolute: the best tier whose minimum points the score reaches.
- quantile: with C_t = 1 − q_t, tier t starts at the score of the customer ranked
  m = ⌊C_t · n⌋; everyone with that score or more is in t or better (ties at the cut-off stay
  together); m = 0 puts nobody in t or better by this cut-off.
  No approximate percentile function is used.
- pyramid: ranks 1 … ⌊C_t · n⌋ are in t or better, C_t the cumulative target share;
  ties at a boundary are split by customer id.

With ladders (`cutoffs.by`), ranks, n and the cut-offs are taken within each ladder, each with
its own points, quantiles or shares where the standard gives them (see `tiering.ladders`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from functools import partial
from typing import Any, TypeVar

import ibis
import ibis.expr.types as ir

from corptier.tiering.ladders import add_ladder_size, ladder_groups, per_ladder
from corptier.tiering.score_columns import SCORE
from corptier.tiering.standard import Standard
from corptier.tiering.standard_cutoffs import (
    AbsoluteCutoffs,
    PyramidCutoffs,
    QuantileCutoffs,
    cutoff_values,
    exact_fraction,
)

RANK = "rank"
RAW_LEVEL = "_raw_level"

N = TypeVar("N", int, ir.IntegerValue)


def top_count(n: N, share: Fraction) -> N:
    """How many of `n` customers are in a tier or better whose cumulative share from the top is
    `share`: ⌊share · n⌋ on exact fractions. The one counting rule of the pyramid, the
    quantile cut-offs and `standard suggest`; `n` is a number or an Ibis integer expression."""
    return (n * share.numerator) // share.denominator


def add_rank(table: ir.Table, by: Sequence[str] = ()) -> ir.Table:
    """Add `rank`: 1 = highest score; equal scores ordered by customer id (within `by`)."""
    window = ibis.window(group_by=list(by), order_by=[ibis.desc(table[SCORE]),
                                                      table["customer_id"]])
    return table.mutate(**{RANK: (ibis.row_number().over(window) + 1).cast("int64")})


def add_raw_level(table: ir.Table, standard: Standard, by: Sequence[str] = ()) -> ir.Table:
    """Add `rank`, `ladder_size` and the raw tier level (0 = best) by the standard's cut-offs;
    ranks, counts and quantiles are taken within each group of the `by` columns (e.g. the
    period) and, with `cutoffs.by`, within each ladder (the table has the `ladder` column)."""
    groups = ladder_groups(standard, by)
    table = add_ladder_size(add_rank(table, groups), standard, by)
    whole = ibis.window(group_by=groups)
    cutoffs = standard.cutoffs
    codes = standard.tier_codes
    if isinstance(cutoffs, AbsoluteCutoffs):
        mins = [per_ladder(table, standard, partial(_minimum, cutoffs, c)) for c in codes[:-1]]
        return table.mutate(**{RAW_LEVEL: _level_by_minimum(table[SCORE], mins)})
    if isinstance(cutoffs, QuantileCutoffs):
        return _quantile_levels(table, standard, cutoffs, codes[:-1], whole)
    assert isinstance(cutoffs, PyramidCutoffs)
    return _pyramid_levels(table, standard, cutoffs, codes, whole)


def _level_by_minimum(score: ir.FloatingValue, minimums: list[ir.Value]) -> ir.IntegerValue:
    branches = [(score >= minimum, level) for level, minimum in enumerate(minimums)]
    return ibis.cases(*branches, else_=len(minimums)).cast("int64")


def _minimum(cutoffs: AbsoluteCutoffs, code: str, ladder: str | None) -> float:
    return float(cutoff_values(cutoffs, ladder)[code])


def _quantile_position(n: ir.IntegerValue, cutoffs: QuantileCutoffs, code: str,
                       ladder: str | None) -> ir.IntegerValue:
    return top_count(n, 1 - exact_fraction(cutoff_values(cutoffs, ladder)[code]))


def _pyramid_top(n: ir.IntegerValue, cutoffs: PyramidCutoffs, codes: list[str], level: int,
                 ladder: str | None) -> ir.IntegerValue:
    return top_count(n, cutoffs.cumulative(codes, ladder)[level])


def _quantile_levels(
    table: ir.Table, standard: Standard, cutoffs: QuantileCutoffs, codes: list[str], whole: Any
) -> ir.Table:
    n = table.count().over(whole)
    positions = {
        f"_q{level}_pos": per_ladder(
            table, standard, partial(_quantile_position, n, cutoffs, code)).cast("int64")
        for level, code in enumerate(codes)
    }
    table = table.mutate(**positions)
    thresholds = {
        f"_q{level}_min": ibis.ifelse(table[RANK] == table[f"_q{level}_pos"], table[SCORE],
                                      ibis.null("float64")).max().over(whole)
        for level in range(len(codes))
    }
    table = table.mutate(**thresholds)
    mins = [table[f"_q{level}_min"] for level in range(len(codes))]
    table = table.mutate(**{RAW_LEVEL: _level_by_minimum(table[SCORE], mins)})
    return table.drop(*positions, *thresholds)


def quantile_cutoff_scores(scores: list[float], quantiles: list[float]) -> list[float]:
    """The same quantile cut-offs computed in plain Python (for explanations and tests);
    infinity where the position is 0 (nobody reaches the tier by this cut-off)."""
    ordered = sorted(scores, reverse=True)
    out = []
    for q in quantiles:
        m = top_count(len(ordered), 1 - exact_fraction(q))
        out.append(ordered[m - 1] if m > 0 else math.inf)
    return out


def _pyramid_levels(
    table: ir.Table, standard: Standard, cutoffs: PyramidCutoffs, codes: list[str], whole: Any
) -> ir.Table:
    n = table.count().over(whole)
    rank = table[RANK]
    branches = []
    for level in range(len(codes) - 1):
        top = per_ladder(table, standard, partial(_pyramid_top, n, cutoffs, codes, level))
        branches.append((rank <= top, level))
    level = ibis.cases(*branches, else_=len(codes) - 1) if branches else ibis.literal(0)
    return table.mutate(**{RAW_LEVEL: level.cast("int64")})
