"""Size-class ladders: the segment each customer is ranked in (`cutoffs.by` of a standard).

`by` names a categorical indicator (e.g. `enterprise_size`: one ladder per value) or maps ladder
codes to conditions (first match wins); customers that no value or condition places go to the
ladder `other`. Without `by` there is one ladder for all and `ladder` is null. Everything is an
Ibis expression over the indicator table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ibis
import ibis.expr.types as ir

from corptier.tiering.conditions import compile_condition
from corptier.tiering.standard import Standard
from corptier.tiering.standard_cutoffs import OTHER_LADDER

LADDER = "ladder"
LADDER_SIZE = "ladder_size"


def add_ladder(table: ir.Table, standard: Standard) -> ir.Table:
    """Add `ladder`: the customer's ladder code (null when the standard has one ladder)."""
    by = standard.cutoffs.by
    if by is None:
        return table.mutate(**{LADDER: ibis.null("string")})
    if isinstance(by, str):
        value = table[by].cast("string")
        ladder = ibis.ifelse(value.isnull() | (value == ""), OTHER_LADDER, value)
    else:
        branches = [(compile_condition(rule, table), code) for code, rule in by.items()]
        ladder = ibis.cases(*branches, else_=OTHER_LADDER)
    return table.mutate(**{LADDER: ladder.cast("string")})


def ladder_groups(standard: Standard, by: Sequence[str] = ()) -> list[str]:
    """The columns ranks and cut-offs are taken within: `by` (e.g. the period) and the ladder."""
    return [*by, LADDER] if standard.cutoffs.by is not None else list(by)


def add_ladder_size(table: ir.Table, standard: Standard, by: Sequence[str] = ()) -> ir.Table:
    """Add `ladder_size`: how many customers are ranked in the customer's ladder."""
    window = ibis.window(group_by=ladder_groups(standard, by))
    return table.mutate(**{LADDER_SIZE: table.count().over(window).cast("int64")})


def per_ladder(
    table: ir.Table,
    standard: Standard,
    value: Callable[[str | None], ir.Value | float | int],
) -> ir.Value:
    """`value(ladder)` for each ladder with overrides, `value(None)` (the standard's) for the
    rest: one expression choosing by the `ladder` column."""
    default = value(None)
    overridden = list(standard.cutoffs.ladders or {})
    if not overridden:
        return default if isinstance(default, ir.Value) else ibis.literal(default)
    branches = [(table[LADDER] == code, value(code)) for code in overridden]
    return ibis.cases(*branches, else_=default)
