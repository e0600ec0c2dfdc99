"""Indicator scoring methods compiled to Ibis expressions: points 0–100 per indicator, the
weighted mean per dimension, and the weighted total score 0–100.

Every method gives 0–100 points. Points, dimension scores and the total are rounded half up to
`DECIMALS` places (see `rounded`) so that DuckDB and Spark, whose log10 may differ in the last
bit, agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from typing import Any

import ibis
import ibis.expr.types as ir

from corptier.tiering.ladders import LADDER, per_ladder
from corptier.tiering.score_columns import SCORE, dimension_column, points_column
from corptier.tiering.standard import Standard
from corptier.tiering.standard_dimensions import (
    BandsScoring,
    Dimension,
    IndicatorScoring,
    LogScoring,
    MinMaxScoring,
    PercentileScoring,
)

DECIMALS = 4
def without_nan(table: ir.Table, names: list[str]) -> ir.Table:
    """Floating columns with NaN turned into nulls, so 'missing' means one thing on every engine."""
    fixes = {
        name: ibis.ifelse(table[name].isnan(), ibis.null(table[name].type()), table[name])
        for name in names
        if name in table.columns and table[name].type().is_floating()
    }
    return table.mutate(**fixes) if fixes else table


def add_scores(table: ir.Table, standard: Standard, by: Sequence[str] = ()) -> ir.Table:
    """Add the points of every indicator, each dimension's score and the total `score`;
    percentiles are ranked within each group of the `by` columns (e.g. the period) and, when
    the standard scores within ladders, within each ladder (the table has `ladder`)."""
    if standard.cutoffs.within_ladder:
        by = [*by, LADDER]
    points = {
        points_column(code, name): indicator_points(table, name, spec, by)
        for code, dim in standard.dimensions.items()
        for name, spec in dim.indicators.items()
    }
    table = table.mutate(**points)
    dims = {
        dimension_column(code): dimension_score(table, code, dim)
        for code, dim in standard.dimensions.items()
    }
    table = table.mutate(**dims)
    return table.mutate(**{SCORE: total_score(table, standard)})


def indicator_points(
    table: ir.Table, name: str, spec: IndicatorScoring, by: Sequence[str] = ()
) -> ir.FloatingValue:
    """Points 0–100 of one indicator, with its `missing` policy applied (null = excluded)."""
    value = table[name]
    missing = value.isnull()
    if spec.missing == "zero":
        value = value.fill_null(0)
    raw = _method_points(value, spec, [table[c] for c in by])
    if spec.missing == "exclude":
        raw = ibis.ifelse(missing, ibis.null("float64"), raw)
    elif spec.missing != "zero":
        raw = ibis.ifelse(missing, ibis.literal(float(spec.missing)), raw)
    return rounded(raw)


def _method_points(
    value: ir.Value, spec: IndicatorScoring, by: list[ir.Value]
) -> ir.FloatingValue:
    if isinstance(spec, BandsScoring):
        return _bands(value.cast("float64"), spec)
    if isinstance(spec, PercentileScoring):
        return _percentile(value, spec, by)
    if isinstance(spec, MinMaxScoring):
        return _minmax(value.cast("float64"), spec)
    assert isinstance(spec, LogScoring)
    return _log(value.cast("float64"), spec)


def _bands(x: ir.FloatingValue, spec: BandsScoring) -> ir.FloatingValue:
    if spec.direction == "ascending":
        branches = [(x >= band.at, band.points) for band in reversed(spec.bands)]
    else:
        branches = [(x <= band.at, band.points) for band in spec.bands]
    return ibis.cases(*branches, else_=ibis.literal(spec.otherwise)).cast("float64")


def _percentile(x: ir.Value, spec: PercentileScoring, by: list[ir.Value]) -> ir.FloatingValue:
    """Mid-rank percentile × 100 among the values present: (customers ranked below + half the
    others tied with it) / (n − 1). The lowest distinct value gets 0, the highest 100, ties the
    mean of the ranks they span; a lone customer, or all tied, 50."""
    order = x if spec.direction == "ascending" else x.desc()
    group = [*by, x.isnull()]
    below = ibis.rank().over(ibis.window(group_by=group, order_by=order))  # 0-based, min rank
    n = x.count().over(ibis.window(group_by=group))
    ties = x.count().over(ibis.window(group_by=[*group, x]))
    mid = (below.cast("float64") + (ties - 1).cast("float64") / 2.0) / (n - 1).cast("float64")
    points = ibis.ifelse(n > 1, mid * 100.0, ibis.literal(50.0))
    return ibis.ifelse(x.isnull(), ibis.null("float64"), points)


def _minmax(x: ir.FloatingValue, spec: MinMaxScoring) -> ir.FloatingValue:
    clipped = x.clip(lower=spec.lo, upper=spec.hi)
    span = spec.hi - spec.lo
    share = (clipped - spec.lo) / span if spec.direction == "ascending" else (
        (spec.hi - clipped) / span
    )
    return share * 100.0


def _log(x: ir.FloatingValue, spec: LogScoring) -> ir.FloatingValue:
    lo, hi = math.log10(spec.lo), math.log10(spec.hi)
    logged = x.clip(lower=spec.lo, upper=spec.hi).log10()
    share = (logged - lo) / (hi - lo) if spec.direction == "ascending" else (hi - logged) / (
        hi - lo
    )
    return share * 100.0


def dimension_score(table: ir.Table, code: str, dim: Dimension) -> ir.FloatingValue:
    """Weighted mean of the dimension's points; excluded indicators re-weight the others;
    null when every indicator is excluded."""
    terms = [(table[points_column(code, name)], spec.weight) for name, spec in
             dim.indicators.items()]
    return _weighted_mean(terms, can_be_null=any(s.missing == "exclude" for s in
                                                 dim.indicators.values()))


def total_score(table: ir.Table, standard: Standard) -> ir.FloatingValue:
    """Weighted mean of the dimension scores (0–100); excluded dimensions re-weight the others;
    0 when nothing at all could be scored. A ladder may weigh the dimensions its own way."""
    weighted = any(ladder.weights for ladder in (standard.cutoffs.ladders or {}).values())
    terms: list[tuple[ir.FloatingValue, Any]] = [
        (table[dimension_column(code)],
         per_ladder(table, standard, partial(_ladder_weight, standard, code)).cast("float64")
         if weighted else dim.weight)
        for code, dim in standard.dimensions.items()
    ]
    nullable = any(
        any(s.missing == "exclude" for s in dim.indicators.values())
        for dim in standard.dimensions.values()
    )
    return _weighted_mean(terms, can_be_null=nullable).fill_null(0.0)


def _ladder_weight(standard: Standard, code: str, ladder: str | None) -> float:
    return standard.dimension_weights(ladder)[code]


def _weighted_mean(terms: list[tuple[ir.FloatingValue, Any]], can_be_null: bool) -> ir.Value:
    if not can_be_null:
        total_weight = _sum([w for _, w in terms]) if any(
            isinstance(w, ir.Value) for _, w in terms) else sum(w for _, w in terms)
        numerator = _sum([value * w for value, w in terms])
        return rounded(numerator / total_weight)
    numerator = _sum([value.fill_null(0.0) * w for value, w in terms])
    weight = _sum([ibis.ifelse(value.isnull(), 0.0, w) for value, w in terms])
    mean = ibis.ifelse(weight > 0, numerator / weight, ibis.null("float64"))
    return rounded(mean)


def rounded(value: ir.NumericValue) -> ir.FloatingValue:
    """Half-up rounding to `DECIMALS` places written as plain IEEE arithmetic (multiply, add,
    floor, divide), which every engine computes bit for bit alike; engines' own ROUND functions
    differ on values next to a half."""
    scale = float(10**DECIMALS)
    return ((value * scale + 0.5).floor().cast("float64") / scale).cast("float64")


def _sum(values: list[ir.Value]) -> ir.Value:
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total
