"""The pure tiering pipeline: indicators of one period in, scores and the computed tier out.

Order (documented in docs/standard.md): scores → raw tier by cut-offs → floors → caps → group
rule (never above a fired cap) → flags → needs segment. Everything is an Ibis expression; nothing
runs until the caller executes the result, on DuckDB or Spark.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from corptier.errors import StandardError
from corptier.tiering.conditions import compile_condition
from corptier.tiering.cutoffs import RANK, RAW_LEVEL, add_raw_level
from corptier.tiering.gates import (
    GATED_LEVEL,
    GATES_FIRED,
    NamedLists,
    add_gates,
    gate_column,
    joined_codes,
)
from corptier.tiering.group_rule import (
    COMPUTED_LEVEL,
    GROUP_ADJUSTED,
    GROUP_LEVEL,
    GROUP_RISK,
    GROUP_RISK_MEMBER,
    add_group_rule,
)
from corptier.tiering.ladders import LADDER, LADDER_SIZE, add_ladder
from corptier.tiering.ranking import ranked_customers
from corptier.tiering.score_columns import SCORE, dimension_column, points_column
from corptier.tiering.scoring import add_scores, without_nan
from corptier.tiering.segments import (
    NEEDS_CLUSTER,
    NEEDS_SEGMENT,
    NeedsSegmenter,
    add_needs_segment,
)
from corptier.tiering.standard import Standard

FLAGS = "flags"
COMPUTED_TIER_LEVEL = "computed_level"


Stage = Callable[[ir.Table], ir.Table]
"""Materialises a table in the engine and returns a table reading it (EngineConnection.stage)."""


def flag_column(code: str) -> str:
    return f"flag_{code}"


def output_columns(standard: Standard, *, with_period: bool = False,
                   with_group: bool = True, with_cluster: bool = False) -> list[str]:
    """The columns `score_and_tier` returns, in order."""
    cols = ["customer_id"]
    cols += ["period"] if with_period else []
    cols += ["group_id"] if with_group else []
    cols += [points_column(code, name) for code, dim in standard.dimensions.items()
             for name in dim.indicators]
    cols += [dimension_column(code) for code in standard.dimensions]
    cols += [SCORE, RANK, LADDER, LADDER_SIZE, "raw_tier"]
    cols += [gate_column(g.id) for _, g in standard.gates.all()]
    cols += [GATES_FIRED, "tier_after_gates", "group_tier", GROUP_ADJUSTED, GROUP_RISK,
             GROUP_RISK_MEMBER, "computed_tier", COMPUTED_TIER_LEVEL]
    cols += [flag_column(f.code) for f in standard.flags] + [FLAGS, NEEDS_SEGMENT]
    cols += [NEEDS_CLUSTER] if with_cluster else []
    return cols


def score_and_tier(
    indicators: ir.Table,
    standard: Standard,
    named_lists: NamedLists | None = None,
    segmenter: NeedsSegmenter | None = None,
    stage: Stage | None = None,
) -> ir.Table:
    """Score and tier every customer of one period (one row per customer in `indicators`).

    Parameters
    ----------
    indicators : customer indicator table (`customer_id` plus the indicators the standard
        uses; `group_id` when it has a group rule; with `status`, the customers whose status
        `ranking.exclude_status` lists are left out). One row per customer and period: with a
        `period` column, percentiles, ranks, cut-offs and groups are taken within each period,
        so several periods can be tiered at once (e.g. for a backtest).
    standard : the tiering standard.
    named_lists : run-time named lists for gates with `named_list: {name: ...}`.
    segmenter : a fitted `NeedsSegmenter`; required when `needs_segments.mode` is `kmeans`.
    stage : materialises an intermediate table in the engine (`EngineConnection.stage`); the
        scores, levels, gates and group rule are then planned one step at a time. Without it
        the result is one expression and nothing runs.

    Returns
    -------
    An Ibis table with the columns of `output_columns(standard)`; nothing is executed.
    """
    _check_columns(indicators, standard)
    if (standard.needs_segments is not None and standard.needs_segments.mode == "kmeans"
            and segmenter is None):
        raise StandardError(
            "needs segments in k-means mode need a segmenter fitted on a reference period: "
            "NeedsSegmenter(standard.needs_segments.kmeans).fit(reference_indicators)"
        )
    by = ["period"] if "period" in indicators.columns else []
    keep = stage or _unstaged
    table = without_nan(ranked_customers(indicators, standard.ranking), standard.indicators_used())
    table = add_ladder(table, standard)
    table = keep(add_scores(table, standard, by))
    table = keep(add_raw_level(table, standard, by))
    table = keep(add_gates(table, standard, named_lists))
    table = keep(add_group_rule(table, standard, by))
    table = _add_tier_codes(table, standard)
    table = _add_flags(table, standard)
    table = add_needs_segment(table, standard.needs_segments)
    if segmenter is not None:
        table = segmenter.assign(table)
    if "group_id" not in table.columns:
        table = table.mutate(group_id=ibis.null("string"))
    columns = output_columns(
        standard,
        with_period="period" in indicators.columns,
        with_cluster=segmenter is not None,
    )
    return table.select(*columns)


def _unstaged(table: ir.Table) -> ir.Table:
    return table


def _check_columns(indicators: ir.Table, standard: Standard) -> None:
    needed = ["customer_id", *standard.indicators_used()]
    if standard.group_rule is not None:
        needed.append("group_id")
    missing = [name for name in dict.fromkeys(needed) if name not in indicators.columns]
    if missing:
        raise StandardError(
            "standard {id} {version} uses indicator(s) the indicator table lacks: {missing}",
            id=standard.id, version=standard.version, missing=", ".join(missing))


def _tier_code(level: ir.IntegerValue, standard: Standard) -> ir.StringValue:
    branches = [(level == i, code) for i, code in enumerate(standard.tier_codes)]
    return ibis.cases(*branches, else_=ibis.null("string")).cast("string")


def _add_tier_codes(table: ir.Table, standard: Standard) -> ir.Table:
    return table.mutate(
        raw_tier=_tier_code(table[RAW_LEVEL], standard),
        tier_after_gates=_tier_code(table[GATED_LEVEL], standard),
        group_tier=_tier_code(table[GROUP_LEVEL], standard),
        computed_tier=_tier_code(table[COMPUTED_LEVEL], standard),
        **{COMPUTED_TIER_LEVEL: (table[COMPUTED_LEVEL] + 1).cast("int64")},
    )


def _add_flags(table: ir.Table, standard: Standard) -> ir.Table:
    """A flag is set by its own rule (limited to its `tiers`, if any) or by a fired gate."""
    values = {}
    for flag in standard.flags:
        parts = []
        if flag.when is not None:
            rule = compile_condition(flag.when, table)
            if flag.tiers is not None:
                rule = rule & table["computed_tier"].isin(list(flag.tiers))
            parts.append(rule)
        parts += [table[gate_column(g.id)] for _, g in standard.gates.all() if flag.code in g.flags]
        value = ibis.literal(False)
        for part in parts:
            value = value | part
        values[flag_column(flag.code)] = value.fill_null(False)
    table = table.mutate(**values) if values else table
    flags = joined_codes([(table[flag_column(f.code)], f.code) for f in standard.flags])
    return table.mutate(**{FLAGS: flags})
