"""Corporate groups (集团客户): who belongs together, and the group rollup.

Definitions (docs/indicators.md, "Groups"):
- a customer's *parent* is its `parent_id` when that customer is on the books in the same period;
- its *group head* (`group_head_id`) is the top of the parent chain (itself when it has no
  parent), followed up to MAX_DEPTH levels;
- its *group* (`group_id`) is, in this order: its own `group_id` from the data; the `group_id` of
  its group head; the group head's customer id when the head has at least one subsidiary;
  otherwise none (a stand-alone customer has no group and null group indicators).
"""

from __future__ import annotations

from decimal import Decimal

import ibis
import ibis.expr.types as ir

from corptier.engine.columns import GROUP_SUMS
from corptier.engine.money import MONEY, ratio

MAX_DEPTH = 10
"""Parent levels followed; deeper chains stop at the customer reached at this depth."""


def resolve_groups(customers: ir.Table) -> ir.Table:
    """customer_id → group_id, group_head_id for the customers of one period."""
    c = customers.select(
        "customer_id", own_group=customers.group_id.nullif(""), parent=customers.parent_id
    )
    ids = c.select(known="customer_id").view()
    c = c.left_join(ids, c.parent == ids.known)
    c = c.select("customer_id", "own_group",
                 up=ibis.ifelse(c.known.notnull() & (c.parent != c.customer_id), c.parent, None))
    c = c.view()
    step_base = c.select(step_id="customer_id", step_up="up")
    chain = c.mutate(top=c.customer_id)
    for _ in range(MAX_DEPTH):
        step = step_base.view()
        j = chain.left_join(step, chain.up == step.step_id)
        chain = j.select("customer_id", "own_group",
                         top=ibis.ifelse(j.up.notnull(), j.up, j.top), up=j.step_up).view()
    heads = c.select(head_id="customer_id", head_group="own_group").view()
    chain = chain.left_join(heads, chain.top == heads.head_id).select(
        "customer_id", "own_group", "top", "head_group")
    size = chain.customer_id.count().over(group_by=chain.top)
    return chain.select(
        "customer_id",
        group_head_id=chain.top,
        group_id=ibis.coalesce(chain.own_group, chain.head_group,
                               ibis.ifelse(size > 1, chain.top, ibis.null("string"))),
    )


def group_columns(t: ir.Table) -> dict[str, ir.Value]:
    """Each customer's group rollup (null for a customer without a group)."""
    in_group = t.group_id.notnull()
    w = ibis.window(group_by=t.group_id)

    def total(name: str) -> ir.Value:
        return ibis.ifelse(in_group, t[name].sum().over(w), ibis.null(MONEY)).cast(MONEY)

    group_contribution = total("contribution")
    return {
        "group_dep_avg": total("dep_avg"),
        "group_loan_avg": total("loan_avg"),
        "group_contribution": group_contribution,
        "group_contribution_r12": total("contribution_r12"),
        "group_members": ibis.ifelse(in_group, t.customer_id.count().over(w),
                                     ibis.null("int64")),
        "group_contribution_share": ibis.ifelse(
            group_contribution > ibis.literal(Decimal(0), MONEY),
            ratio(t.contribution, group_contribution), ibis.null("float64"),
        ),
    }


def group_snapshot(customers: ir.Table, tax_rate: float, days: int) -> ir.Table:
    """One row per group of the customer snapshot: members, head and the summed value figures;
    raroc = contribution × (1 − tax) × 365 / (econ_capital × days)."""
    t = customers.filter(customers.group_id.notnull())
    sums = {n: t[n].sum().cast(MONEY) for n in GROUP_SUMS}
    g = t.group_by(["group_id", "period"]).aggregate(
        head_customer_id=t.customer_id.min(where=t.group_head_id == t.customer_id),
        members=t.count(),
        **sums,
    )
    keep = 365.0 * (1.0 - tax_rate)
    return g.mutate(
        raroc=ratio(g.contribution.cast("float64") * keep, g.econ_capital.cast("float64") * days)
    ).order_by("group_id")
