"""The group rule: a member may be at most N tiers below its group's tier.

The group's tier is the best tier after gates among all customers with the same `group_id`
(basis `best_member`). `group_id` names the whole group, however many levels deep its
parent/subsidiary tree is, so a grandchild is measured against the best member of the group, not
against its direct parent. Customers with no group (null or empty `group_id`) are unchanged.

The rule only lifts: a member's tier becomes at least `group tier + N`. A fired cap still wins
(a member capped for risk is never lifted above its cap). To tier groups by their rollup
indicators instead, write a floor gate over `group_*` indicators (e.g.
`group_dep_avg >= 500000000` → at least core).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from corptier.errors import StandardError
from corptier.tiering.gates import CAP_LEVEL, GATED_LEVEL
from corptier.tiering.standard import GroupRule

GROUP_LEVEL = "_group_level"
COMPUTED_LEVEL = "_computed_level"
GROUP_ADJUSTED = "group_adjusted"


def add_group_rule(table: ir.Table, rule: GroupRule | None, by: Sequence[str] = ()) -> ir.Table:
    """Add the group's level, the computed level and whether the group rule changed the tier
    (groups are taken within each group of the `by` columns, e.g. the period)."""
    if rule is None:
        return table.mutate(
            **{
                GROUP_LEVEL: ibis.null("int64"),
                COMPUTED_LEVEL: table[GATED_LEVEL],
                GROUP_ADJUSTED: ibis.literal(False),
            }
        )
    if "group_id" not in table.columns:
        raise StandardError("the standard has a group rule but the indicators have no group_id")
    group = table["group_id"]
    in_group = group.notnull() & (group != "")
    best = table[GATED_LEVEL].min().over(ibis.window(group_by=[*by, group]))
    table = table.mutate(**{GROUP_LEVEL: ibis.ifelse(in_group, best, ibis.null("int64"))})
    ceiling = table[GROUP_LEVEL] + rule.max_below_group
    lifted = ibis.ifelse(in_group, ibis.least(table[GATED_LEVEL], ceiling), table[GATED_LEVEL])
    computed = ibis.greatest(lifted, table[CAP_LEVEL]).cast("int64")
    table = table.mutate(**{COMPUTED_LEVEL: computed})
    return table.mutate(**{GROUP_ADJUSTED: table[COMPUTED_LEVEL] != table[GATED_LEVEL]})
