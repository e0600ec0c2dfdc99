"""The group rule: a member may be at most N tiers below its group's tier, and risk in one member
is risk in the whole group.

The group's tier is the best tier after gates among all customers with the same `group_id`
(basis `best_member`). `group_id` names the whole group, however many levels deep its
parent/subsidiary tree is, so a grandchild is measured against the best member of the group, not
against its direct parent. Customers with no group (null or empty `group_id`) are unchanged.

`max_below_group` only lifts: a member's tier becomes at least `group tier + N`. A fired cap still
wins (a member capped for risk is never lifted above its cap). `risk` flags every member of a
group in which a member's cap fired (`group_risk`, naming the first such member in
`group_risk_member`); with `cap_members_at` every member is capped at that tier, at once like an
immediate cap (`risk_cap_level`). To tier groups by their rollup indicators instead, write a floor
gate over `group_*` indicators (e.g. `group_dep_avg >= 500000000` → at least core).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from corptier.errors import StandardError
from corptier.tiering.gates import CAP_LEVEL, GATED_LEVEL, gate_column, immediate_cap_level
from corptier.tiering.standard import Standard

GROUP_LEVEL = "_group_level"
COMPUTED_LEVEL = "_computed_level"
GROUP_ADJUSTED = "group_adjusted"
GROUP_RISK = "group_risk"
GROUP_RISK_MEMBER = "group_risk_member"


def add_group_rule(table: ir.Table, standard: Standard, by: Sequence[str] = ()) -> ir.Table:
    """Add the group's level, the group risk flag and member, the computed level and whether the
    group rule changed the tier (groups are taken within each group of the `by` columns, e.g. the
    period)."""
    rule = standard.group_rule
    if rule is None:
        return table.mutate(
            **{
                GROUP_LEVEL: ibis.null("int64"),
                GROUP_RISK: ibis.literal(False),
                GROUP_RISK_MEMBER: ibis.null("string"),
                COMPUTED_LEVEL: table[GATED_LEVEL],
                GROUP_ADJUSTED: ibis.literal(False),
            }
        )
    if "group_id" not in table.columns:
        raise StandardError("the standard has a group rule but the indicators have no group_id")
    group = table["group_id"]
    in_group = (group.notnull() & (group != "")).fill_null(False)
    window = ibis.window(group_by=[*by, group])
    best = table[GATED_LEVEL].min().over(window)
    fired = _counted_cap_fired(table, standard)
    member = table["customer_id"].cast("string")
    first_member = ibis.ifelse(fired, member, ibis.null("string")).min().over(window)
    table = table.mutate(**{
        GROUP_LEVEL: ibis.ifelse(in_group, best, ibis.null("int64")),
        GROUP_RISK_MEMBER: ibis.ifelse(in_group, first_member, ibis.null("string")),
    })
    table = table.mutate(**{GROUP_RISK: table[GROUP_RISK_MEMBER].notnull()})
    lifted = table[GATED_LEVEL]
    if rule.max_below_group is not None:
        ceiling = table[GROUP_LEVEL] + rule.max_below_group
        lifted = ibis.ifelse(in_group, ibis.least(lifted, ceiling), lifted)
    cap = ibis.greatest(table[CAP_LEVEL], _group_cap_level(table, standard).fill_null(0))
    table = table.mutate(**{COMPUTED_LEVEL: ibis.greatest(lifted, cap).cast("int64")})
    return table.mutate(**{GROUP_ADJUSTED: table[COMPUTED_LEVEL] != table[GATED_LEVEL]})


def risk_cap_level(table: ir.Table, standard: Standard) -> ir.IntegerValue:
    """The worst level a fired cap imposes at once this close: the immediate caps and the group
    risk cap; null when none fired. Reads the columns `score_and_tier` returns."""
    own = immediate_cap_level(table, standard)
    group = _group_cap_level(table, standard)
    return ibis.cases((own.isnull(), group), (group.isnull(), own),
                      else_=ibis.greatest(own, group)).cast("int64")


def _counted_cap_fired(table: ir.Table, standard: Standard) -> ir.BooleanValue:
    """Whether one of the caps the group risk rule counts fired for this member."""
    risk = standard.group_rule.risk if standard.group_rule else None
    if risk is None:
        return ibis.literal(False)
    ids = risk.caps or tuple(g.id for g in standard.gates.caps)
    fired: ir.BooleanValue = ibis.literal(False)
    for cap_id in ids:
        fired = fired | table[gate_column(cap_id)].fill_null(False)
    return fired


def _group_cap_level(table: ir.Table, standard: Standard) -> ir.IntegerValue:
    risk = standard.group_rule.risk if standard.group_rule else None
    if risk is None or risk.cap_members_at is None:
        return ibis.null("int64")
    level = standard.tier_level(risk.cap_members_at)
    return ibis.ifelse(table[GROUP_RISK], level, ibis.null("int64")).cast("int64")
